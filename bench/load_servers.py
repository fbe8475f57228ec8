"""The servers bench/load.py compares, each started in its own process group and stopped after.

* geoaid: ``geoaid serve --production --workers N`` on a workspace (a GeoPackage,
  or a PostGIS database once geoaid.store opens ``postgresql://`` locations);
* pygeoapi (PyPI, pinned below) in its own virtual environment under
  bench/.cache, never the project's: the same communes layer from the same
  GeoPackage through its OGR provider, served by gunicorn with N workers;
* nginx (Debian's nginx-light) serving saved response bodies as static files,
  pre-compressed (gzip_static), in a temporary prefix on a free loopback port.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYGEOAPI = "pygeoapi==0.24.0"      # needs Python ≥ 3.12
GUNICORN = "gunicorn==23.0.0"
PYGEOAPI_VENV = ROOT / "bench" / ".cache" / "pygeoapi-venv"


class NotAvailable(RuntimeError):
    """A server this machine cannot run; the message says why (printed in its row, no figures)."""


class Service:
    """A server process (and its children) on 127.0.0.1:``port``; its output goes to a log file."""

    def __init__(self, name: str, command: list[str], port: int, log: Path, env: dict | None = None,
                 cwd: Path = ROOT):
        self.name, self.port, self.log = name, port, log
        with open(log, "wb") as out:   # a file, not a pipe: nobody reads a pipe during the load
            self.process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                            env={**os.environ, **(env or {})}, start_new_session=True)

    def wait_ready(self, path: str, timeout: float = 300.0) -> float:
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if self.process.poll() is not None:
                raise NotAvailable(f"{self.name} exited: {self.log.read_text(errors='replace')[-1500:]}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=30).read()
                return time.monotonic() - start
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.3)   # polling a port that is not listening yet: nothing to wait on
        raise NotAvailable(f"{self.name} did not answer {path} in {timeout:.0f} s")

    def memory_mb(self) -> float:
        """Memory of the server and every process under it (workers), MB: proportional set sizes,
        so pages the workers share (forked from one parent) count once, not once per worker."""
        return sum(pss_kb(pid) for pid in process_tree(self.process.pid)) / 1024

    def tracebacks(self) -> int:
        return self.log.read_text(errors="replace").count("Traceback (most recent call last)")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)   # the group this bench started, workers included
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def process_tree(pid: int) -> list[int]:
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        try:
            pending += [int(child) for child in
                        Path(f"/proc/{current}/task/{current}/children").read_text().split()]
        except FileNotFoundError:   # ended meanwhile
            pass
    return found


def pss_kb(pid: int) -> int:
    try:
        lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
    except (FileNotFoundError, ProcessLookupError):   # ended meanwhile
        return 0
    return next((int(line.split()[1]) for line in lines if line.startswith("Pss:")), 0)


def geoaid(location: str, workers: int, port: int, folder: Path, label: str) -> Service:
    command = [sys.executable, "-m", "geoaid", "serve", "--production", "--workers", str(workers),
               "--workspace", location, "--host", "127.0.0.1", "--port", str(port)]
    return Service(label, command, port, folder / f"geoaid-{label.replace(' ', '-')}.log")


# -- pygeoapi -------------------------------------------------------------------------------------

def pygeoapi_python() -> str:
    """A Python ≥ 3.12 for pygeoapi's virtual environment: $PYGEOAPI_PYTHON, python3.13/3.12, or pyenv's."""
    candidates = [os.environ.get("PYGEOAPI_PYTHON", ""), "python3.13", "python3.12",
                  *sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.1[2-9]*/bin/python3")), reverse=True)]
    for candidate in filter(None, candidates):
        try:
            done = subprocess.run([candidate, "-c", "import sys; assert sys.version_info >= (3, 12)"],
                                  capture_output=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode == 0:
            return candidate
    raise NotAvailable(f"{PYGEOAPI} needs Python 3.12 or newer (set PYGEOAPI_PYTHON)")


def pygeoapi_venv() -> Path:
    """bench/.cache/pygeoapi-venv with pygeoapi, gunicorn and GDAL's Python bindings (built against
    Debian's libgdal: `apt-get install libgdal-dev`), made once."""
    python = PYGEOAPI_VENV / "bin" / "python"
    if python.exists() and subprocess.run([python, "-c", "import pygeoapi, gunicorn; from osgeo import ogr"],
                                          capture_output=True).returncode == 0:
        return PYGEOAPI_VENV
    gdal_config = shutil.which("gdal-config")
    if gdal_config is None:
        raise NotAvailable("GDAL's Python bindings need libgdal-dev (apt-get install libgdal-dev)")
    gdal = subprocess.run([gdal_config, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    print(f"making pygeoapi's virtual environment (once): {PYGEOAPI}, {GUNICORN}, GDAL=={gdal}…", flush=True)
    shutil.rmtree(PYGEOAPI_VENV, ignore_errors=True)
    subprocess.run([pygeoapi_python(), "-m", "venv", str(PYGEOAPI_VENV)], check=True)
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    for step in ([PYGEOAPI, GUNICORN, "setuptools", "wheel"], ["--no-build-isolation", f"GDAL=={gdal}"]):
        if subprocess.run(pip + step).returncode != 0:
            raise NotAvailable(f"pip could not install {' '.join(step)}")
    return PYGEOAPI_VENV


def pygeoapi_config(gpkg: Path, port: int, bbox: list[float]) -> str:
    """pygeoapi's configuration: one collection, the workspace's communes layer, read with OGR."""
    return f"""server:
  bind: {{host: 127.0.0.1, port: {port}}}
  url: http://127.0.0.1:{port}
  mimetype: application/json; charset=UTF-8
  encoding: utf-8
  gzip: true
  languages: [en-US]
  limits: {{default_items: 10, max_items: 1000}}
  map: {{url: 'https://tile.openstreetmap.org/{{z}}/{{x}}/{{y}}.png', attribution: OpenStreetMap}}
logging: {{level: CRITICAL}}   # GDAL 3.6 warns on every read of a GeoPackage 1.4 file
metadata:
  identification: {{title: geoaid load bench, description: communes, keywords: [communes],
                   keywords_type: theme, terms_of_service: none, url: 'http://127.0.0.1'}}
  license: {{name: none, url: 'http://127.0.0.1'}}
  provider: {{name: geoaid bench, url: 'http://127.0.0.1'}}
  contact: {{name: bench, position: none, address: none, city: none, stateorprovince: none, postalcode: none,
            country: VN, phone: none, fax: none, email: none, url: 'http://127.0.0.1', hours: none,
            instructions: none, role: pointOfContact}}
resources:
  communes:
    type: collection
    title: Communes
    description: Commune boundaries of the geoaid demo workspace (SAMPLE lists)
    keywords: [communes]
    extents:
      spatial: {{bbox: {bbox}, crs: 'http://www.opengis.net/def/crs/OGC/1.3/CRS84'}}
    providers:
      - type: feature
        name: OGR
        data: {{source_type: GPKG, source: '{gpkg}'}}
        id_field: code
        layer: communes
"""


def pygeoapi(gpkg: Path, bbox: list[float], workers: int, port: int, folder: Path) -> Service:
    venv = pygeoapi_venv()
    config, openapi = folder / "pygeoapi.yml", folder / "pygeoapi-openapi.yml"
    config.write_text(pygeoapi_config(gpkg, port, bbox), encoding="utf-8")
    env = {"PYGEOAPI_CONFIG": str(config), "PYGEOAPI_OPENAPI": str(openapi)}
    if not openapi.exists():
        done = subprocess.run([str(venv / "bin" / "pygeoapi"), "openapi", "generate", str(config),
                               "--output-file", str(openapi)], capture_output=True, text=True,
                              env={**os.environ, **env})
        if done.returncode != 0:
            raise NotAvailable(f"pygeoapi openapi generate failed: {(done.stderr or done.stdout)[-800:]}")
    command = [str(venv / "bin" / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
               "--log-level", "warning", "pygeoapi.flask_app:APP"]
    return Service(f"pygeoapi {workers} workers", command, port, folder / f"pygeoapi-{workers}.log", env=env,
                   cwd=folder)


# -- nginx ----------------------------------------------------------------------------------------

def nginx(static_root: Path, port: int, workers: int, folder: Path) -> Service:
    """nginx serving ``static_root`` (each body beside its .gz) on ``port``; no root rights needed."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(binary):
        raise NotAvailable("nginx is not installed (apt-get install nginx-light)")
    prefix = folder / "nginx"
    (prefix / "temp").mkdir(parents=True, exist_ok=True)
    # Started as root, nginx would run its workers as "nobody", who cannot read a private temporary folder.
    user = "user root;" if os.geteuid() == 0 else ""
    temp = "\n".join(f"  {kind}_temp_path {prefix / 'temp' / kind};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (prefix / "nginx.conf").write_text(f"""{user}
worker_processes {workers};
daemon off;
pid {prefix / 'nginx.pid'};
error_log {prefix / 'error.log'} warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
{temp}
  types {{ text/html html; application/json json; application/geo+json geojson;
           application/javascript js; text/css css; }}
  default_type application/octet-stream;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  gzip_static on;
  gzip on;
  gzip_types application/json application/geo+json application/javascript text/css;
  gzip_vary on;
  server {{
    listen 127.0.0.1:{port};
    root {static_root};
  }}
}}
""")
    command = [binary, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", str(prefix / "error.log")]
    return Service(f"nginx {workers} workers", command, port, folder / "nginx.log")
