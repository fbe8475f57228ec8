"""The CRS of a boundary file: the one given, else the one declared, never a guess; then WGS 84."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from geoaid.imports.crs import CRS_HELP, describe, hint_for_bounds, resolve_crs, to_wgs84
from geoaid.imports.problems import ImportReport


def with_crs(raw: gpd.GeoDataFrame, crs: str | None, report: ImportReport):
    """``raw`` with the CRS given (``--crs``) or declared; None, with instructions, when it has none."""
    given = None
    if crs:
        try:
            given = resolve_crs(crs)
        except ValueError as exc:
            report.add(None, "--crs", crs, str(exc))
            return None
    if raw.crs is None and given is None:
        bounds = raw.total_bounds if len(raw) else None
        hint = hint_for_bounds(bounds) if bounds is not None and np.isfinite(bounds).all() else ""
        report.add(None, None, None, "the file has no coordinate reference system (for a Shapefile: "
                   "no .prj file), and geoaid will not guess one. " + CRS_HELP + (" " + hint if hint else ""))
        return None
    if given is not None and raw.crs is not None and not given.equals(raw.crs):
        report.add(None, "--crs", crs, f"the file declares {raw.crs.name}; using --crs as asked",
                   severity="warning")
    if given is not None:
        raw = raw.set_crs(given, allow_override=True)
    report.source.crs = describe(raw.crs)
    return raw


def wgs84_geometry(raw: gpd.GeoDataFrame, report: ImportReport):
    """The features' 2D geometry in WGS 84 (VN-2000 with the official shift); None if PROJ fails."""
    try:
        return shapely.force_2d(to_wgs84(raw.geometry).values)
    except Exception as exc:  # pyproj/PROJ errors name the operation that failed
        report.add(None, "geometry", raw.crs.name, f"cannot reproject to WGS 84: {exc}")
        return None
