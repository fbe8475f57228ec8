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

# Tolerances in degrees by use: a province view and the whole country.
TOLERANCE = {"province": 0.0005, "national": 0.003}
DECIMALS = 5


def simplify_for_web(communes: gpd.GeoDataFrame, tolerance: float) -> gpd.GeoDataFrame:
    """Return a copy with topology-preserving simplified, rounded geometry."""
    out = communes.copy()
    if out.empty:
        return out
    simplified = shapely.coverage_simplify(out.geometry.values, tolerance)
    rounded = shapely.transform(simplified, lambda xy: np.round(xy, DECIMALS))
    repaired = np.where(shapely.is_valid(rounded), rounded, shapely.make_valid(rounded))
    out = out.set_geometry(gpd.GeoSeries(repaired, index=out.index, crs=communes.crs))
    return out
