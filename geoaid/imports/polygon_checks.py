"""Is each imported feature a commune-shaped geometry: a polygon with an area?

A commune boundary must be a Polygon or MultiPolygon enclosing some ground.
Files that people send also hold features that only look like polygons: a
ring whose points are all on one line (GEOS calls it valid: its area is a
rounding error), a ring with fewer than three distinct points, a line or a
point, or a self-intersecting shape that ``make_valid`` can only turn into
lines or points. Imported as they are, they become empty or zero-area
communes that no map shows and no point falls in, so each one is a row-level
error naming the feature, its code and name, and why; only repairs that
leave a real polygon are accepted (with a warning).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

# Below this a "polygon" is a line or a point up to rounding: the smallest
# commune is tens of thousands of square metres, a ring of collinear points
# computes to ~1e-6 m². Measured in the file's own (lon/lat) coordinates,
# scaled to metres locally: projecting first would bend a straight line of
# lon/lat points into a thin triangle with an area of its own.
MIN_AREA_M2 = 1.0
M_PER_DEGREE = 111_320.0
# A part of a MultiPolygon is flat (a line up to rounding) when its area is
# below this fraction of its perimeter squared: a rectangle 10 km long would
# be 0.04 mm wide. Real slivers of survey data (0.5 m² over 200 m) stay.
FLATNESS = 1e-9
_POLYGONAL = ("Polygon", "MultiPolygon")


@dataclass(frozen=True)
class GeometryProblem:
    index: int            # position in the checked array
    value: str | None     # what the geometry is, in a few words
    reason: str
    severity: str = "error"


def _distinct_points(polygon) -> int:
    return len(np.unique(shapely.get_coordinates(polygon.exterior), axis=0))


def _local_areas_m2(geoms) -> np.ndarray:
    """Planar lon/lat area in m², with a degree of longitude shortened by the latitude."""
    bounds = shapely.bounds(geoms)
    latitude = np.radians((bounds[:, 1] + bounds[:, 3]) / 2)
    return shapely.area(geoms) * M_PER_DEGREE ** 2 * np.cos(latitude)


def _polygonal_parts(geom):
    """The polygons of a make_valid result (lines and points of collapsed parts left out)."""
    if geom.geom_type in _POLYGONAL:
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in _POLYGONAL]
    return shapely.union_all(parts) if parts else None


def _why_degenerate(geom) -> str:
    """Why a polygon encloses no ground: too few points, or all on one line."""
    polygons = getattr(geom, "geoms", [geom])
    fewest = min(_distinct_points(p) for p in polygons)
    if fewest < 3:
        return f"fewer than 3 distinct points ({fewest})"
    return f"zero area (under {MIN_AREA_M2:g} m²: its points lie on one line)"


def check_polygons(geoms, codes, names) -> tuple[np.ndarray, np.ndarray, list[GeometryProblem]]:
    """Check (and where possible repair) each lon/lat geometry.

    Returns the geometries to import (repaired ones replaced; refused ones
    unchanged), a mask of the refused ones and the problems. Every refused
    feature has exactly one error; accepted repairs have a warning.
    """
    geoms = np.array(geoms, dtype=object)
    problems: list[GeometryProblem] = []
    refused = np.zeros(len(geoms), dtype=bool)

    def refuse(i: int, value: str | None, why: str) -> None:
        code = "no code" if pd.isna(codes[i]) else codes[i]
        name = "no name" if pd.isna(names[i]) else names[i]
        problems.append(GeometryProblem(int(i), value, f"{why} (commune {code}, {name}); not imported: "
                                                  "fix the geometry in the source file"))
        refused[i] = True

    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    for i in np.flatnonzero(empty):
        problems.append(GeometryProblem(int(i), None, "empty geometry"))
        refused[i] = True
    for i in np.flatnonzero(~empty):
        geom = geoms[i]
        if geom.geom_type not in _POLYGONAL:
            refuse(i, geom.geom_type, f"not a polygon: a {geom.geom_type} where a commune polygon is expected")
        elif not geom.is_valid:
            reason = shapely.is_valid_reason(geom)
            repaired = _polygonal_parts(shapely.make_valid(geom))
            if repaired is None or repaired.is_empty:
                refuse(i, reason, f"degenerate polygon: {_why_degenerate(geom)}; make_valid leaves only "
                                  "lines or points")
            else:
                geoms[i] = repaired
                problems.append(GeometryProblem(int(i), reason, "invalid geometry; repaired with make_valid",
                                                "warning"))
    # Areas part by part (vectorised over the file): a feature under MIN_AREA_M2 is refused;
    # a valid MultiPolygon may carry flat parts beside real ones, and only those are dropped.
    kept = np.flatnonzero(~refused)
    parts, owner = shapely.get_parts(geoms[kept], return_index=True)
    part_areas = _local_areas_m2(parts) if len(parts) else np.zeros(0)
    flat = part_areas <= FLATNESS * (shapely.length(parts) * M_PER_DEGREE) ** 2
    too_small = np.bincount(owner, weights=part_areas, minlength=len(kept)) < MIN_AREA_M2
    for j in np.union1d(owner[flat], np.flatnonzero(too_small)):
        i, mine = int(kept[j]), owner == j
        if too_small[j] or flat[mine].all():
            refuse(i, f"{geoms[i].geom_type}, {part_areas[mine].sum():.2g} m²",
                   f"degenerate polygon: {_why_degenerate(geoms[i])}")
        else:
            good = parts[mine & ~flat]
            geoms[i] = shapely.MultiPolygon(list(good)) if len(good) > 1 else good[0]
            problems.append(GeometryProblem(i, f"{int(flat[mine].sum())} part(s)",
                                            "parts without area (lines or points) dropped", "warning"))
    return geoms, refused, problems
