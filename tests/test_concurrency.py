"""Concurrency: maps served during imports show one workspace version, never a mix.

README ("Accounts, uploads and the audit log" → Concurrency) promises that maps
served during an import show the workspace before or after it, never in
between (planners importing at once: tests/test_imports_together.py). These tests
drive the real programs: ``geoaid serve --production`` (waitress) answering
over HTTP while ``geoaid import projects`` runs as separate processes.

Not marked ``slow``: CI runs ``./run.sh test`` (plain pytest, no ``-m``
filter), and these properties must be checked there on every run.
"""

from __future__ import annotations

import http.client
import json
import shutil
import subprocess
import sys
import threading
import time
from types import SimpleNamespace

import pytest

from geoaid.analysis.coverage import commune_projects, coverage, gap_ranking
from geoaid.analysis.donors import list_donors
from geoaid.analysis.filters import Filters
from geoaid.analysis.frames import load_frames
from geoaid.store.workspace import Workspace
from tests.concurrent_imports import PROVINCE, X, Y, cli_import, import_in_process, write_a_and_b
from tests.test_web_serve import free_port, wait_for

IMPORT_SECONDS = 30             # how long imports keep swapping the workspace under the readers
READERS = 4                     # client threads hammering the API meanwhile


# -- what each read endpoint shows, from the API's JSON and from the core library ------------

def _plain(value):
    return value.item() if hasattr(value, "item") else value


URLS = {
    # URL → function of the decoded JSON body giving the figures that must be consistent
    f"/api/v1/gaps?province={PROVINCE}": lambda body: frozenset(
        (c["commune_code"], c["project_count"], c["funding_vnd"]) for c in body["communes"]),
    f"/api/v1/gaps.geojson?province={PROVINCE}": lambda body: frozenset(
        (f["id"], f["properties"]["project_count"], f["properties"]["funding_usd"]) for f in body["features"]),
    "/api/v1/donors": lambda body: frozenset(
        (d["donor"], d["project_count"], d["funding_vnd"]) for d in body["donors"]),
    **{f"/api/v1/communes/{code}": (lambda body: (
        body["commune"]["project_count"], body["commune"]["funding_vnd"],
        frozenset((p["project_id"], p["amount_vnd"]) for p in body["projects"]))) for code in (X, Y)},
}


def core_views(workspace: Workspace) -> dict:
    """The same figures for every URL in URLS, computed by the core library (no web code)."""
    frames = load_frames(workspace)
    gaps = gap_ranking(frames, Filters(provinces=(PROVINCE,)))
    rows = coverage(frames).set_index("commune_code")
    located = commune_projects(frames)
    views = {
        f"/api/v1/gaps?province={PROVINCE}": frozenset(
            (c, _plain(n), _plain(v)) for c, n, v in zip(gaps["commune_code"], gaps["project_count"],
                                                          gaps["funding_vnd"])),
        f"/api/v1/gaps.geojson?province={PROVINCE}": frozenset(
            (c, _plain(n), _plain(v)) for c, n, v in zip(gaps["commune_code"], gaps["project_count"],
                                                          gaps["funding_usd"])),
        "/api/v1/donors": frozenset(
            (d, _plain(n), _plain(v)) for d, n, v in list_donors(frames)[["donor", "project_count",
                                                                           "funding_vnd"]].itertuples(index=False)),
    }
    for code in (X, Y):
        here = located[located["commune_code"] == code]
        views[f"/api/v1/communes/{code}"] = (
            _plain(rows.at[code, "project_count"]), _plain(rows.at[code, "funding_vnd"]),
            frozenset((p, _plain(a)) for p, a in zip(here["project_id"], here["amount_vnd"])))
    return views


def consistent_states(workspace: Workspace, a, b, folder) -> dict[str, dict]:
    """Every state the workspace can be in between whole imports of A and B, in any order:
    before, after A, after B, after A then B (CC-S as in B), after B then A (CC-S as in A)."""
    states = {}
    for name, sequence in {"before": [], "A": [a], "B": [b], "A+B": [a, b], "B+A": [b, a]}.items():
        copy = Workspace(folder / f"state-{name.replace('+', '-')}.gpkg")
        shutil.copy2(workspace.path, copy.path)
        for path in sequence:
            import_in_process(copy, path)
        states[name] = core_views(copy)
    return states


# -- the served app -------------------------------------------------------------------------

@pytest.fixture
def production_server(writable_workspace):
    """`geoaid serve --production` on a private copy of the demo workspace, ready to answer."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "geoaid", "serve", "--production", "--workspace",
                                str(writable_workspace.path), "--host", "127.0.0.1", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    log: list[str] = []
    try:
        wait_for(f"http://127.0.0.1:{port}/api/v1/openapi.json", process)

        # Keep reading the server's output (tracebacks of failed requests): a full pipe would
        # block the server, and the lines explain a failure.
        def drain():
            for line in process.stdout:
                log.append(line)
        threading.Thread(target=drain, daemon=True).start()
        yield SimpleNamespace(port=port, workspace=writable_workspace, log=log, process=process)
    finally:
        process.terminate()
        process.wait(timeout=15)


def fetch_json(connection: http.client.HTTPConnection, url: str):
    connection.request("GET", url)
    response = connection.getresponse()
    body = response.read()
    return response.status, body


def test_maps_served_during_imports_never_show_a_half_imported_state(production_server, tmp_path):
    server = production_server
    a, b = write_a_and_b(tmp_path)
    states = consistent_states(server.workspace, a, b, tmp_path)
    # The five states must differ on the province-wide views, or a torn read could pass as a
    # consistent state there. (A single commune can look the same in two states: X is the same
    # after A as after B then A.)
    for url in (f"/api/v1/gaps?province={PROVINCE}", f"/api/v1/gaps.geojson?province={PROVINCE}",
                "/api/v1/donors"):
        assert len({state[url] for state in states.values()}) == len(states), url

    stop = threading.Event()
    seen: dict[str, set[str]] = {url: set() for url in URLS}
    failures: list[str] = []
    answered = [0]
    lock = threading.Lock()

    def reader(offset: int):
        # One keep-alive connection per thread, like a browser tab; each thread starts at another URL
        # so that every endpoint is being computed while the workspace is swapped.
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        urls = list(URLS)
        i = offset
        while not stop.is_set():
            url = urls[i % len(urls)]
            i += 1
            try:
                status, body = fetch_json(connection, url)
                if status != 200:
                    failures.append(f"{url}: HTTP {status}: {body[:300]!r}")
                    continue
                shown = URLS[url](json.loads(body))
                match = [name for name, state in states.items() if state[url] == shown]
                with lock:
                    answered[0] += 1
                    if match:
                        seen[url].add(match[0])
                    else:
                        listed = sorted(shown, key=repr) if isinstance(shown, frozenset) else shown
                        failures.append(f"{url}: a mixed state: {listed}")
            except Exception as exc:  # noqa: BLE001 - any failure to answer is a finding
                failures.append(f"{url}: {type(exc).__name__}: {exc}")
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        connection.close()

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(READERS)]
    for thread in threads:
        thread.start()
    imports = []
    try:
        deadline = time.monotonic() + IMPORT_SECONDS
        while time.monotonic() < deadline or len(imports) < 3:
            path = a if len(imports) % 2 == 0 else b
            process = cli_import(path, server.workspace.path)
            output, _ = process.communicate(timeout=120)
            assert process.returncode == 0, output
            imports.append(path.name)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=180)

    by_url = {url: sum(f.startswith(url + ":") for f in failures) for url in URLS}
    assert not failures, (f"{len(failures)} bad answers of {answered[0] + len(failures)} (imports: {imports}); "
                          f"per URL: {by_url}; examples: {sorted(set(failures))[:6]}\n"
                          f"server output:\n{''.join(server.log)[-3000:]}")
    # The readers really saw the workspace change under them: from before the first import to
    # both states that alternate once A and B are both in.
    assert {"before", "A+B", "B+A"} <= seen[f"/api/v1/gaps?province={PROVINCE}"], seen
    # And once the imports are over, every URL shows the last one's state.
    final = "A+B" if imports[-1] == b.name else "B+A"
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    try:
        for url, shown_of in URLS.items():
            status, body = fetch_json(connection, url)
            assert status == 200 and shown_of(json.loads(body)) == states[final][url], url
    finally:
        connection.close()



def test_one_request_reads_one_version_even_if_the_file_is_swapped_meanwhile(writable_workspace, tmp_path):
    """Deterministic twin of the served-maps test: the swap happens between two reads of one request."""
    from web import create_app, data

    a, _ = write_a_and_b(tmp_path)
    app = create_app(writable_workspace.path)
    with app.test_request_context(f"/api/v1/gaps?province={PROVINCE}"):
        before = data.frames()
        import_in_process(writable_workspace, a)                         # a new file version lands
        assert "CC-A1" in set(load_frames(writable_workspace).projects["project_id"])
        # Everything this request still computes comes from the version it started with.
        assert data.frames() is before
        assert "CC-A1" not in set(data.project_rows()["project_id"])
        assert "CC-A1" not in set(data.allocations()["project_id"])
    with app.test_request_context(f"/api/v1/gaps?province={PROVINCE}"):
        assert "CC-A1" in set(data.project_rows()["project_id"])          # the next request sees it


def test_a_2025_request_builds_its_frames_from_one_version(writable_workspace, tmp_path):
    """The 2025 view needs more tables (2025 communes, crosswalk): the snapshot read them with the
    legacy ones, so a swap after the request pinned its version cannot reach its 2025 frames."""
    from web import create_app, data

    a, _ = write_a_and_b(tmp_path)
    app = create_app(writable_workspace.path)
    with app.test_request_context("/api/v1/gaps?version=2025"):
        pinned = data.legacy_frames()                                   # pinned, 2025 frames not built
        import_in_process(writable_workspace, a)
        assert "CC-A1" in set(load_frames(writable_workspace).projects["project_id"])
        built = data.frames()                                           # built after the swap
        assert built.version == "2025"
        assert "CC-A1" not in set(built.projects["project_id"])         # from the pinned version
        assert data.legacy_frames() is pinned and data.frames() is built
    with app.test_request_context("/api/v1/gaps?version=2025"):
        assert "CC-A1" in set(data.frames().projects["project_id"])     # the next request sees it
