#!/usr/bin/env bash
# geoaid's two set-up commands (see README):
#   ./run.sh demo   install everything, build the demo workspace, serve it on http://127.0.0.1:5000
#   ./run.sh test   install everything (test tools, Debian's chromium and PostgreSQL/PostGIS too),
#                   run the whole test suite
#   ./run.sh bench  install what the load benchmark drives and compares against (Debian's wrk, nginx-light,
#                   libgdal-dev for pygeoapi's own venv), run bench/load.py (not part of the tests)
# Only package registries are used: PyPI (pip), npm (npm ci), Debian (apt-get).
set -euo pipefail
cd "$(dirname "$0")"

pick_python() {
    for candidate in python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
           "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
            echo "$candidate"; return 0
        fi
    done
    echo "geoaid needs Python 3.11 or newer" >&2; return 1
}

setup_python() {  # $1: extra requirements file (optional)
    if [ ! -x .venv/bin/python ]; then
        "$(pick_python)" -m venv .venv
    fi
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt ${1:+-r "$1"}
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
}

setup_node() {  # Leaflet, jQuery, Bootstrap, Chart.js… served by the app itself, never from a CDN
    npm ci --no-audit --no-fund --loglevel=error
}

setup_test_services() {  # Debian's chromium (browser tests) and PostgreSQL + PostGIS (the second backend)
    # The tests start a throwaway PostgreSQL cluster themselves and remove it afterwards
    # (tests/postgres_cluster.py); nothing here starts a server.
    local missing=""
    command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
    fc-list 2>/dev/null | grep -qi dejavu || missing="$missing fonts-dejavu-core fontconfig"
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$missing postgresql"
    ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1 || missing="$missing postgresql-postgis"
    if [ -n "$missing" ]; then
        local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
    fi
}

setup_bench_services() {  # the load generator and the servers bench/load.py compares geoaid with
    local missing=""
    command -v wrk >/dev/null 2>&1 || missing="$missing wrk"
    command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing="$missing nginx-light"
    command -v gdal-config >/dev/null 2>&1 || missing="$missing libgdal-dev"
    if [ -n "$missing" ]; then
        local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
    fi
}

case "${1:-}" in
    demo)
        setup_python
        setup_node
        .venv/bin/geoaid demo --if-missing
        exec .venv/bin/geoaid serve --host 127.0.0.1 --port 5000
        ;;
    test)
        setup_python requirements-dev.txt
        setup_node
        setup_test_services
        shift
        .venv/bin/ruff check .   # lint and import order, configured in pyproject.toml; any warning fails
        exec .venv/bin/python -m pytest "$@"
        ;;
    bench)
        setup_python
        setup_node
        setup_test_services   # PostgreSQL/PostGIS for the PostGIS row
        setup_bench_services
        shift
        exec .venv/bin/python bench/load.py "$@"
        ;;
    *)
        echo "usage: ./run.sh demo | ./run.sh test [pytest args] | ./run.sh bench [bench/load.py args]" >&2
        exit 64
        ;;
esac
