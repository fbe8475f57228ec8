"""Vector tiles beside today's single national layer: bytes, time and boundary error per view.

    .venv/bin/python bench/tiles.py              # the national workspace (built once, as bench/run.py does)
    .venv/bin/python bench/tiles.py --demo PATH  # any other workspace

For a 1280 × 800 px viewport centred on Hà Nội and on Cà Mau, at zoom 6, 9
and 12, served by the app (Flask test client, one process):
* tiles: every tile of the viewport (/tiles/2019/z/x/y.pbf), bytes raw and
  as sent gzip-compressed, time cold (a fresh app: the zoom's level is
  simplified and the tiles cut) and warm (served from memory);
* today's layer: /api/v1/gaps.geojson?detail=national, which the national
  map fetches whole whatever the zoom (same measures);
* the largest boundary error of each, in screen pixels at that zoom, and how
  many communes of the view are drawn more than a pixel off: per commune the
  Hausdorff distance (vertex-based, as GEOS computes it) between the drawn
  and the full-detail boundary, in Web Mercator metres / pixel size, counted
  inside each tile for the tiles (a tile holds the commune's part near it)
  and inside the viewport for today's layer. Target ≤ 1 px.

Prints the table in bench/run.py's format (the "naive" column is today's layer).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import geopandas as gpd
import mapbox_vector_tile
import numpy as np
import shapely
from pyproj import Transformer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import national_workspace, print_table, report  # noqa: E402
from geoaid.output.tiles import EXTENT, WEB_MERCATOR, pixel_size, tile_bounds, tiles_covering  # noqa: E402
from geoaid.snapshot import Snapshot  # noqa: E402
from geoaid.store.workspace import Workspace  # noqa: E402
from web import create_app  # noqa: E402

VIEWPORT = (1280, 800)
CENTRES = {"Hà Nội": (105.85, 21.03), "Cà Mau": (105.15, 9.18)}
ZOOMS = (6, 9, 12)
LAYER_URL = "/api/v1/gaps.geojson?detail=national"


def viewport(centre: tuple[float, float], zoom: int) -> tuple[float, float, float, float]:
    x, y = Transformer.from_crs("EPSG:4326", WEB_MERCATOR, always_xy=True).transform(*centre)
    half_w, half_h = (side / 2 * pixel_size(zoom) for side in VIEWPORT)
    return x - half_w, y - half_h, x + half_w, y + half_h


def fetch_all(client, urls: list[str]) -> tuple[float, int, int]:
    """(seconds, raw bytes, gzip bytes as sent) for fetching every URL once, in order."""
    start = time.perf_counter()
    raw = sum(len(client.get(url).data) for url in urls)
    seconds = time.perf_counter() - start
    sent = sum(len(client.get(url, headers={"Accept-Encoding": "gzip"}).data) for url in urls)
    return seconds, raw, sent


def directed_px(shown, full, box, zoom: int) -> np.ndarray:
    """Per pair, in pixels at ``zoom``: the largest distance from a vertex of the boundary ``shown``
    inside ``box`` to the boundary ``full`` (the vertex-based, one-way Hausdorff distance)."""
    points, owner = shapely.get_coordinates(shapely.clip_by_rect(shown, *box), return_index=True)
    out = np.zeros(len(shown))
    if len(points):
        with np.errstate(invalid="ignore"):   # a commune drawn as nothing: nan, counted as not drawn
            np.maximum.at(out, owner, shapely.distance(shapely.points(points), full[owner]))
    return out / pixel_size(zoom)


def errors_px(drawn, original, box, zoom: int) -> np.ndarray:
    """Per commune: the Hausdorff distance between drawn and original boundary within ``box``, in pixels."""
    drawn, original = shapely.boundary(np.asarray(drawn)), shapely.boundary(np.asarray(original))
    return np.maximum(directed_px(drawn, original, box, zoom), directed_px(original, drawn, box, zoom))


def tile_errors_px(body: bytes, address: tuple[int, int, int], original: gpd.GeoSeries,
                   view) -> dict[str, float]:
    """Per commune in the tile: how far its drawn boundary strays from the original, inside the tile
    and the viewport ``view``."""
    if not body:
        return {}
    box = tile_bounds(*address)
    unit = (box[2] - box[0]) / EXTENT
    features = mapbox_vector_tile.decode(body, default_options={"y_coord_down": True})["communes"]["features"]
    drawn = [shapely.transform(shapely.geometry.shape(f["geometry"]), lambda xy: np.column_stack(
        [box[0] + xy[:, 0] * unit, box[3] - xy[:, 1] * unit])) for f in features]
    codes = [f["properties"]["code"] for f in features]
    inside = (max(box[0], view[0]), max(box[1], view[1]), min(box[2], view[2]), min(box[3], view[3]))
    return dict(zip(codes, errors_px(drawn, original.loc[codes].to_numpy(), inside, address[0])))


def light_errors_px(light: gpd.GeoSeries, original: gpd.GeoSeries, bounds, zoom: int) -> np.ndarray:
    """Per commune in the viewport: how far today's layer strays from the original, inside the viewport."""
    inside = original[original.intersects(shapely.box(*bounds))].index
    return errors_px(light.loc[inside].to_numpy(), original.loc[inside].to_numpy(), bounds, zoom)


def summary(errors) -> str:
    """The largest error and how many communes are off by more than a pixel (or not drawn at all)."""
    errors = np.asarray(list(errors), dtype=float)
    if not len(errors):
        return "no commune in view"
    missing = np.isnan(errors)   # drawn as nothing (a commune that simplification shrank away)
    text = f"{np.nanmax(errors, initial=0.0):.2f} px ({(errors[~missing] > 1).sum()} of {len(errors)} communes > 1 px"
    return text + (f", {missing.sum()} not drawn)" if missing.any() else ")")


def bench(workspace: Workspace) -> None:
    snapshot = Snapshot.read(workspace)
    communes = snapshot.frames("2019").communes
    original = communes.set_index("code").to_crs(WEB_MERCATOR).geometry
    light = snapshot.light_geometry("2019", "national").set_crs("EPSG:4326", allow_override=True)
    light = light.to_crs(WEB_MERCATOR).reindex(original.index)
    print(f"{len(communes)} communes, {shapely.get_num_coordinates(original.values).sum()} vertices", flush=True)

    layer_client = create_app(workspace.path).test_client()
    layer_cold, layer_raw, layer_gz = fetch_all(layer_client, [LAYER_URL])
    layer_warm, _, _ = fetch_all(layer_client, [LAYER_URL])

    client = create_app(workspace.path).test_client()   # a fresh app: every zoom's first view is cold
    for zoom in ZOOMS:
        for place, centre in CENTRES.items():
            bounds = viewport(centre, zoom)
            addresses = [(zoom, x, y) for x, y in tiles_covering(bounds, zoom)]
            urls = [f"/tiles/2019/{z}/{x}/{y}.pbf" for z, x, y in addresses]
            cold, raw, sent = fetch_all(client, urls)
            warm, _, _ = fetch_all(client, urls)
            # A commune in view that no tile holds counts as not drawn (nan).
            per_commune = dict.fromkeys(original[original.intersects(shapely.box(*bounds))].index, np.nan)
            for url, address in zip(urls, addresses):
                for code, error in tile_errors_px(client.get(url).data, address, original, bounds).items():
                    if code in per_commune:
                        per_commune[code] = np.fmax(error, per_commune[code])
            today = light_errors_px(light, original, bounds, zoom)
            report(f"zoom {zoom}, {place}: bytes raw / gzip", f"{raw / 1e3:,.0f} / {sent / 1e3:,.0f} kB "
                   f"({len(urls)} tiles)", f"{layer_raw / 1e3:,.0f} / {layer_gz / 1e3:,.0f} kB (whole layer)")
            report(f"zoom {zoom}, {place}: time per view cold / warm",
                   f"{cold * 1000:,.0f} / {warm * 1000:,.0f} ms",
                   f"{layer_cold * 1000:,.0f} / {layer_warm * 1000:,.0f} ms",
                   "cold: a fresh app (this zoom's first view simplifies its level)")
            report(f"zoom {zoom}, {place}: largest boundary error", summary(per_commune.values()),
                   summary(today), "target ≤ 1 px")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--demo", type=Path, help="a workspace to measure instead of the national one")
    args = parser.parse_args()
    bench(Workspace(args.demo) if args.demo else national_workspace())
    print_table()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
