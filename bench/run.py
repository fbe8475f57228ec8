"""geoaid benchmarks: speed and size, each beside the naive approach, in one run.

    .venv/bin/python bench/run.py            # all figures (builds the national workspace once)
    .venv/bin/python bench/run.py --quick    # skip the browser timings

Prints one table; README.md carries the latest figures. Nothing here is a
pass/fail test: targets are printed next to the measured values.

What is measured (2 cores, this machine):
1. National map bytes: the naive Folium page (every commune's full geometry
   inlined as GeoJSON) vs geoaid's page + the simplified national layer it
   fetches from the API; raw and gzip-compressed (as a server sends them).
2. Server time for the national and a province map layer, cold (first
   request after start) and warm (cached per workspace version).
3. Time to first painted map in headless Chromium, naive page vs geoaid.
4. Gap analysis for all communes × 50,000 project locations: geoaid's
   vectorised coverage vs a naive per-commune loop.
5. A4 300-dpi print map of one province.
6. Resident memory of the service after serving the national map.
"""

from __future__ import annotations

import argparse
import gzip
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CACHE = ROOT / "bench" / ".cache"
NATIONAL = CACHE / "national.gpkg"

from geoaid.store import schema  # noqa: E402
from geoaid.store.workspace import Workspace  # noqa: E402

ROWS: list[tuple[str, str, str, str]] = []


def report(name: str, geoaid: str, naive: str = "", note: str = "") -> None:
    ROWS.append((name, geoaid, naive, note))
    print(f"  {name}: {geoaid}" + (f"  (naive {naive})" if naive else "") + (f"  [{note}]" if note else ""),
          flush=True)


def print_table() -> None:
    """Every reported figure as the Markdown table the README carries."""
    print("\n| measure | geoaid | naive | note |\n|---|---|---|---|")
    for row in ROWS:
        print("| " + " | ".join(row) + " |")


def timed(fn, repeat: int = 1):
    best, value = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - start)
    return best, value


def national_workspace() -> Workspace:
    if not NATIONAL.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        print("building the national workspace (once)…", flush=True)
        subprocess.run([sys.executable, "-m", "geoaid", "demo", "--national", "--workspace", str(NATIONAL)],
                       check=True, cwd=ROOT)
    return Workspace(NATIONAL)


def naive_page(workspace: Workspace) -> bytes:
    """What a first Folium attempt does: every commune's full geometry inlined."""
    import folium

    communes = workspace.read(schema.COMMUNES)
    fmap = folium.Map(location=[16, 106], zoom_start=6)
    folium.GeoJson(communes[["code", "name", "geometry"]],
                   tooltip=folium.GeoJsonTooltip(["name"])).add_to(fmap)
    return fmap.get_root().render().encode("utf-8")


def bench_bytes_and_server(workspace: Workspace) -> dict:
    from web import create_app

    naive_seconds, naive = timed(lambda: naive_page(workspace))
    app = create_app(workspace.path)
    client = app.test_client()
    cold, layer = timed(lambda: client.get("/api/v1/gaps.geojson?detail=national").data)
    warm, _ = timed(lambda: client.get("/api/v1/gaps.geojson?detail=national").data, repeat=3)
    page = client.get("/").data
    ours = len(page) + len(layer)
    ours_gz = len(gzip.compress(page)) + len(gzip.compress(layer))
    naive_gz = len(gzip.compress(naive))
    report("national map bytes (raw)", f"{ours / 1e6:.2f} MB", f"{len(naive) / 1e6:.2f} MB",
           f"ratio {ours / len(naive):.3f}; target ≤ 0.10")
    report("national map bytes (gzip)", f"{ours_gz / 1e6:.2f} MB", f"{naive_gz / 1e6:.2f} MB",
           f"ratio {ours_gz / naive_gz:.3f}")
    report("national layer server time", f"cold {cold:.2f} s, warm {warm * 1000:.0f} ms",
           f"{naive_seconds:.2f} s to build the page")
    province = "96"
    app2 = create_app(workspace.path)
    c2 = app2.test_client()
    p_cold, _ = timed(lambda: c2.get(f"/api/v1/gaps.geojson?province={province}").data)
    p_warm, _ = timed(lambda: c2.get(f"/api/v1/gaps.geojson?province={province}").data, repeat=5)
    report("province map layer server time (Cà Mau)", f"cold {p_cold * 1000:.0f} ms, warm {p_warm * 1000:.0f} ms",
           note="target warm ≤ 100 ms")
    return {"naive": naive}


def bench_service_memory(workspace: Workspace) -> None:
    """Resident memory of `geoaid serve --production` after serving national and province maps."""
    import urllib.request

    from tests.server_process import rss_bytes, running_server  # the tests' server start-up, bench only

    with tempfile.TemporaryDirectory() as temp_dir, running_server(workspace.path, temp_dir) as server:
        for path in ("/", "/api/v1/gaps.geojson?detail=national", "/api/v1/gaps.geojson?province=96",
                     "/api/v1/gaps.geojson?province=02&view=priority", "/planner", "/api/v1/donors"):
            urllib.request.urlopen(f"http://127.0.0.1:{server.port}{path}", timeout=120).read()
        rss_mb = rss_bytes(server.process.pid) / 2**20
    report("service resident memory (national workspace, after serving maps)", f"{rss_mb:.0f} MB",
           note="target < 1 GB")


def bench_browser(workspace: Workspace, naive: bytes) -> None:
    import re

    from tests.browser import chromium_page, serve
    from web import create_app

    with tempfile.TemporaryDirectory() as folder:
        with serve(create_app(workspace.path)) as url, chromium_page(Path(folder)) as page:
            # The naive page, given the same local Leaflet/jQuery/Bootstrap (its CDNs are unreachable
            # here), served from the same machine: a fair race to the first painted communes.
            html = naive.decode("utf-8")
            for name, key in (("leaflet@1.9.3/dist/leaflet.js", "leaflet.js"),
                              ("leaflet@1.9.3/dist/leaflet.css", "leaflet.css"),
                              ("jquery-3.7.1.min.js", "jquery.js")):
                html = re.sub(r'https://[^"]*' + re.escape(name), f"{url}/vendor/{key}", html)
            naive_path = Path(folder) / "naive.html"
            naive_path.write_text(html, encoding="utf-8")
            painted = ("document.querySelectorAll('.leaflet-overlay-pane path, "
                       ".leaflet-overlay-pane canvas').length > 0")
            start = time.perf_counter()
            page.goto(url + "/", wait_until="load")
            page.wait_for_function("() => document.body.dataset.mapReady === 'yes'", timeout=120000)
            ours = time.perf_counter() - start
            drawn = page.evaluate("geoaidMap.layers.communes.getLayers().length")
            start = time.perf_counter()
            page.goto(naive_path.as_uri(), wait_until="load", timeout=300000)
            page.wait_for_function(painted, timeout=300000)
            naive_time = time.perf_counter() - start
    report("first painted national map in Chromium", f"{ours:.1f} s ({drawn} communes drawn)",
           f"{naive_time:.1f} s", "naive page given local assets; same machine")


def synthetic_frames(workspace: Workspace, locations: int = 50_000):
    from geoaid.analysis.frames import load_frames

    frames = load_frames(workspace)
    rng = np.random.default_rng(7)
    codes = frames.communes["code"].to_numpy()
    n_projects = locations // 2
    projects = pd.DataFrame({
        "project_id": [f"B{i}" for i in range(n_projects)], "title": "bench", "donor":
        [f"Donor {i % 40}" for i in range(n_projects)], "implementer": None,
        "sector": rng.choice(["health", "education", "agriculture", "environment"], n_projects),
        "dac_code": "120", "budget": 1.0, "currency": "VND",
        "budget_vnd": rng.integers(10**8, 10**10, n_projects), "start_date": "2023-01-01",
        "end_date": "2025-12-31", "status": "ongoing", "sample": 1, "source_file": "bench"})
    frames.projects = projects
    frames.locations = pd.DataFrame({
        "project_id": np.repeat(projects["project_id"].to_numpy(), 2), "level": "commune",
        "unit_code": rng.choice(codes, n_projects * 2), "share_pct": None, "lon": None, "lat": None,
        "location_text": ""})
    return frames


def naive_gaps(frames) -> pd.Series:
    """Per-commune loop: filter the locations for each commune (the obvious first version)."""
    locations = frames.locations.merge(frames.projects[["project_id", "budget_vnd"]], on="project_id")
    per_project = locations.groupby("project_id")["project_id"].transform("size")
    locations["amount"] = locations["budget_vnd"] / per_project
    totals = {}
    for code in frames.communes["code"]:
        totals[code] = locations.loc[locations["unit_code"] == code, "amount"].sum()
    return pd.Series(totals)


def bench_analysis(workspace: Workspace) -> None:
    from geoaid.analysis.coverage import coverage

    frames = synthetic_frames(workspace)
    seconds, rows = timed(lambda: coverage(frames), repeat=2)
    naive_seconds, _ = timed(lambda: naive_gaps(frames))
    report(f"gap analysis: {len(rows):,} communes × {len(frames.locations):,} locations",
           f"{seconds:.2f} s", f"{naive_seconds:.1f} s", f"speed-up ×{naive_seconds / seconds:.0f}; target ≤ 1 s")


def bench_print(workspace: Workspace) -> None:
    from geoaid.analysis.filters import Filters
    from geoaid.analysis.frames import load_frames
    from geoaid.output.printmap import render_map

    frames = load_frames(workspace)
    render_map(frames, "priority", Filters(provinces=("95",)), dpi=72)  # warm caches (inset outline)
    seconds, body = timed(lambda: render_map(frames, "priority", Filters(provinces=("96",)), fmt="png",
                                             dpi=300), repeat=2)
    report("A4 300-dpi print map, one province (Cà Mau)", f"{seconds:.2f} s ({len(body) / 1e6:.1f} MB PNG)",
           note="target ≤ 3 s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="skip the browser timings")
    args = parser.parse_args()
    os.chdir(ROOT)
    workspace = national_workspace()
    print(f"national workspace: {len(workspace.read(schema.COMMUNES)):,} communes", flush=True)
    state = bench_bytes_and_server(workspace)
    if not args.quick:
        bench_browser(workspace, state["naive"])
    bench_analysis(workspace)
    bench_print(workspace)
    bench_service_memory(workspace)
    print_table()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
