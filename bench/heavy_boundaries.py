"""A boundary file of 1–2 million vertices: import time, first map layer, bytes sent.

    .venv/bin/python bench/heavy_boundaries.py            # ~1.5 million vertices
    .venv/bin/python bench/heavy_boundaries.py --step 0.00005

Takes the demo workspace's 500 communes (bench/load.py builds it once),
densifies every polygon with shapely.segmentize (a vertex every ``--step``
degrees, ~11 m by default) and writes them as a GeoPackage with
ma_xa/ten_xa fields, as a provincial office might send them. Then, on a
copy of the demo workspace: `geoaid import boundaries` (the real command,
timed), and the web app (in this process) answering the gap map layer and
the commune layer as a browser asks for them, first (cold) and again (warm),
with their sizes raw and gzip-compressed. Prints one table (bench/run.py's).
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import shapely  # noqa: E402

from bench.load import demo_workspace  # noqa: E402
from bench.run import print_table, report  # noqa: E402
from geoaid import schema  # noqa: E402
from geoaid.store.workspace import Workspace  # noqa: E402

LAYERS = ["/api/v1/gaps.geojson?view=gap&lang=en", "/api/v1/gaps.geojson?view=gap&province=96&lang=en",
          "/api/v1/communes.geojson", "/api/v1/communes.geojson?detail=province"]


def densified_file(communes, step: float, path: Path) -> int:
    """The communes with a vertex every ``step`` degrees along every edge; returns the vertex count."""
    heavy = communes[["code", "name", "geometry"]].rename(columns={"code": "ma_xa", "name": "ten_xa"})
    heavy = heavy.set_geometry(shapely.segmentize(heavy.geometry.values, step))
    heavy.to_file(path, layer="xa", driver="GPKG")
    return int(shapely.get_num_coordinates(heavy.geometry.values).sum())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--step", type=float, default=0.0001, help="degrees between vertices (default 0.0001)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="geoaid-heavy-") as tmp:
        workspace = Workspace(Path(tmp) / "demo.gpkg")
        shutil.copy2(demo_workspace(), workspace.path)
        source = Path(tmp) / "xa_heavy.gpkg"
        vertices = densified_file(workspace.read(schema.COMMUNES), args.step, source)
        report("boundary file", f"{vertices:,} vertices, {source.stat().st_size / 1e6:.0f} MB",
               note=f"demo communes, segmentize {args.step}°")
        began = time.perf_counter()
        subprocess.run([sys.executable, "-m", "geoaid", "import", "boundaries", str(source), "--workspace",
                        str(workspace.path)], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        report("geoaid import boundaries", f"{time.perf_counter() - began:.1f} s")
        stored = workspace.read(schema.COMMUNES)
        report("communes layer after the import",
               f"{int(shapely.get_num_coordinates(stored.geometry.values).sum()):,} vertices",
               note="the original geometry, kept")

        from web import create_app

        client = create_app(workspace.path).test_client()
        for url in LAYERS:
            began = time.perf_counter()
            response = client.get(url, headers={"Accept-Encoding": "identity"})
            cold = time.perf_counter() - began
            began = time.perf_counter()
            client.get(url, headers={"Accept-Encoding": "identity"})
            warm = time.perf_counter() - began
            if response.status_code != 200:
                report(url, f"HTTP {response.status_code}", note=response.get_data(as_text=True)[:200])
                continue
            body = response.data
            report(url, f"first {cold:.2f} s, again {warm * 1000:.0f} ms",
                   note=f"{len(body) / 1e6:.2f} MB raw, {len(gzip.compress(body, 6)) / 1e6:.2f} MB gzip")
    print_table()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
