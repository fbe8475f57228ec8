"""Map geometry of imported boundaries: simplified once at import, kept beside the originals.

The ``communes`` layer keeps the boundaries exactly as imported: exports,
areas and the analysis use them. Web maps never show that detail, and
simplifying an official file of 1–2 million vertices
(``shapely.coverage_simplify``, shared borders simplified once) takes about
10 s per detail level, which the first map request after an import used to
pay while the person waited. So the boundary import also writes
``<layer>_display``: for every commune and every detail level of
geoaid.output.simplify.TOLERANCE, the simplified, rounded geometry, with a
fingerprint of the geometry it was made from. Readers use it only when the
fingerprint matches the communes they read, so a layer changed by anything
else (another build, an edit in QGIS) is simplified afresh, never shown stale.
"""

from __future__ import annotations

import hashlib

import geopandas as gpd
import pandas as pd
import shapely

from geoaid.output.simplify import DECIMALS, TOLERANCE, coverage_levels, rounded_for_web
from geoaid.store import schema

DISPLAY_COLUMNS = ["code", "detail", "source_fingerprint"]


def display_layer(layer: str) -> str:
    """The display layer of a commune layer ("communes" → "communes_display")."""
    return f"{layer}_display"


def fingerprint(communes: gpd.GeoDataFrame) -> str:
    """A digest of the communes' codes and every coordinate, in order (what the display was made from)."""
    geoms = communes.geometry.values
    digest = hashlib.sha256("\x1f".join(map(str, communes["code"])).encode())
    digest.update(shapely.get_num_coordinates(geoms).tobytes())
    digest.update(shapely.get_coordinates(geoms).tobytes())
    return digest.hexdigest()[:32]


def build_display(communes: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Every detail level's geometry of ``communes`` (one row per commune and level)."""
    source = fingerprint(communes)
    details = sorted(TOLERANCE, key=TOLERANCE.get)
    levels = coverage_levels(communes.geometry.values, [TOLERANCE[d] for d in details])
    frames = [gpd.GeoDataFrame({"code": communes["code"].astype(str).to_numpy(), "detail": detail,
                                "source_fingerprint": source},
                               geometry=rounded_for_web(level, DECIMALS[detail]), crs=communes.crs)
              for detail, level in zip(details, levels)]
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=communes.crs)


def write_communes(tx, layer: str, communes: gpd.GeoDataFrame) -> None:
    """Write a commune layer and its display layer in the same transaction.

    The display is made from the layer as read back from the file, so its
    fingerprint is that of exactly what readers will read.
    """
    tx.write(layer, communes)
    tx.write(display_layer(layer), build_display(tx.read(layer)))


def stored_display(workspace, layer: str, communes: gpd.GeoDataFrame, detail: str) -> gpd.GeoSeries | None:
    """The stored display geometry of ``communes`` at ``detail``, by code; None when there is none
    made from exactly these communes."""
    name = display_layer(layer)
    if name not in workspace.layers():
        return None
    stored = workspace.read(name)
    stored = stored[stored["detail"] == detail]
    if stored.empty or set(stored["source_fingerprint"]) != {fingerprint(communes)}:
        return None
    geometry = stored.set_index(stored["code"].astype(str)).geometry
    # A commune that rounding shrank to nothing is stored as an empty geometry (or read as None).
    return geometry.where(geometry.notna(), shapely.Polygon()).set_crs(schema.CRS, allow_override=True)
