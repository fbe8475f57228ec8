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

# Tolerances in degrees by use. "province" is the most detailed the maps are
# sent: 0.0005° ≈ 55 m, a third of a screen pixel at zoom 10 (a province
# fills the screen; a pixel is ~150 m at Vietnam's latitudes). "national": at
# national zoom a screen pixel is about 2 km, so ~1 km detail is invisible.
TOLERANCE = {"province": 0.0005, "national": 0.02}
# Coordinate decimals by use: 5 ≈ 1 m, 3 ≈ 100 m.
DECIMALS = {"province": 5, "national": 3}


def coverage_levels(geoms, tolerances: list[float]) -> list[np.ndarray]:
    """Topology-preserving simplifications at increasing ``tolerances``, each made from the one before.

    Chaining costs one pass over the full-detail geometry instead of one per
    level (about 10 s for 1.5 million vertices); a coarser level made from a
    finer one deviates from the original by at most the sum of tolerances.
    """
    levels, current = [], np.asarray(geoms)
    for tolerance in sorted(tolerances):
        current = shapely.coverage_simplify(current, tolerance) if len(current) else current
        levels.append(current)
    return levels


def rounded_for_web(geoms, decimals: int) -> np.ndarray:
    """Coordinates rounded per vertex (shared vertices round alike), repaired where rounding folded a ring."""
    rounded = shapely.transform(np.asarray(geoms), lambda xy: np.round(xy, decimals))
    return np.where(shapely.is_valid(rounded), rounded, shapely.make_valid(rounded))


def simplify_for_web(communes: gpd.GeoDataFrame, tolerance: float, decimals: int = 5) -> gpd.GeoDataFrame:
    """Return a copy with topology-preserving simplified, rounded geometry.

    Rounding is per vertex, so a vertex shared by two neighbours rounds to
    the same point on both sides and shared edges stay shared.
    """
    out = communes.copy()
    if out.empty:
        return out
    (simplified,) = coverage_levels(out.geometry.values, [tolerance])
    out = out.set_geometry(gpd.GeoSeries(rounded_for_web(simplified, decimals), index=out.index,
                                         crs=communes.crs))
    return out
