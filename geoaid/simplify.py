"""Lighter commune geometry for the browser, without slivers between neighbours.

Simplifying each polygon on its own moves a shared border differently on
each side, leaving slivers and overlaps. ``shapely.coverage_simplify``
simplifies the shared edges once for both neighbours (topology-preserving),
and rounding to 5 decimals (about 1 m) keeps shared vertices identical.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

# Tolerances in degrees by use: a province view, and the whole country (at
# national zoom a screen pixel is about 2 km, so ~1 km detail is invisible).
TOLERANCE = {"province": 0.0005, "national": 0.02}
# Coordinate decimals by use: 5 ≈ 1 m, 3 ≈ 100 m.
DECIMALS = {"province": 5, "national": 3}


def simplify_for_web(communes: gpd.GeoDataFrame, tolerance: float, decimals: int = 5) -> gpd.GeoDataFrame:
    """Return a copy with topology-preserving simplified, rounded geometry.

    Rounding is per vertex, so a vertex shared by two neighbours rounds to
    the same point on both sides and shared edges stay shared.
    """
    out = communes.copy()
    if out.empty:
        return out
    simplified = shapely.coverage_simplify(out.geometry.values, tolerance)
    rounded = shapely.transform(simplified, lambda xy: np.round(xy, decimals))
    repaired = np.where(shapely.is_valid(rounded), rounded, shapely.make_valid(rounded))
    out = out.set_geometry(gpd.GeoSeries(repaired, index=out.index, crs=communes.crs))
    return out
