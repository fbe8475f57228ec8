"""Feature checks of a boundary file: codes, names, geometry, extent, communes missing."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from geoaid.imports.boundaries.codes import GSO_CODE, gso
from geoaid.imports.polygon_checks import check_polygons
from geoaid.imports.problems import ImportReport
from geoaid.store import schema

# Approximate extent of Vietnam, islands included (lon/lat, WGS 84): west of
# Apa Chải (102.14° E), north of Lũng Cú (23.39° N), east to the Trường Sa
# (Spratly) features (~117.8° E), south to ~6° N; rounded outwards. A unit
# whose bounds leave this box almost always has a wrong CRS or swapped
# coordinates. It is a box, not the national border: a unit inside it may
# still be outside Vietnam.
VIETNAM_BBOX = (102.0, 6.0, 118.0, 23.5)


def validate(out: gpd.GeoDataFrame, report: ImportReport, code_mode: str) -> None:
    rows = out["source_row"].to_numpy()
    codes = out["code"]
    missing_code = codes.isna().to_numpy()
    joined_missing = set(report.bad_rows())  # names the join could not code: already reported
    for i in np.flatnonzero(missing_code):
        if rows[i] not in joined_missing:
            report.add(int(rows[i]), "code", None, "missing commune code")
    duplicated = codes.notna() & codes.duplicated(keep=False)
    for code, group in out[duplicated].groupby("code"):
        for n in group["source_row"]:
            others = ", ".join(str(o) for o in group["source_row"] if o != n)
            report.add(int(n), "code", code, f"duplicate code (also on feature {others})")
    if code_mode == "file":
        for i in np.flatnonzero(codes.notna().to_numpy()):
            if not GSO_CODE.match(codes.iat[i]):
                report.add(int(rows[i]), "code", codes.iat[i], "not a 5-digit GSO commune code; "
                           "classifications will have to match this unit by name", severity="warning")
    for i in np.flatnonzero(out["name"].isna().to_numpy()):
        report.add(int(rows[i]), "name", None, "missing commune name")

    geoms, refused, problems = check_polygons(out.geometry.to_numpy(), out["code"].tolist(),
                                              out["name"].tolist())
    for problem in problems:
        report.add(int(rows[problem.index]), "geometry", problem.value, problem.reason, severity=problem.severity)
    out.geometry = gpd.GeoSeries(geoms, index=out.index, crs=schema.CRS)
    bounds = shapely.bounds(geoms)
    minx, miny, maxx, maxy = VIETNAM_BBOX
    outside = ~refused & ((bounds[:, 0] < minx) | (bounds[:, 1] < miny)
                          | (bounds[:, 2] > maxx) | (bounds[:, 3] > maxy))
    for i in np.flatnonzero(outside):
        b = bounds[i]
        report.add(int(rows[i]), "geometry", f"{b[0]:.4f},{b[1]:.4f},{b[2]:.4f},{b[3]:.4f}",
                   f"outside Vietnam's approximate extent (lon {minx}–{maxx}, lat {miny}–{maxy}): "
                   "wrong CRS or swapped coordinates?")
    area = out.geometry.to_crs(schema.EQUAL_AREA_CRS).area / 1e6
    out["area_km2"] = area.where(~refused)


def report_missing_communes(out: gpd.GeoDataFrame, report: ImportReport) -> None:
    """Warn when a province in the file lacks communes of the GSO list (a partial file)."""
    provinces = sorted(out["province_code"].dropna().unique())
    if not provinces:
        return
    table = gso(provinces)
    present = set(out["code"].dropna())
    for province, group in table.groupby("province_code"):
        missing = sorted(set(group["code"]) - present)
        if missing:
            shown = ", ".join(missing[:10]) + (f" … (+{len(missing) - 10})" if len(missing) > 10 else "")
            report.add(None, "code", shown,
                       f"{len(missing)} of {len(group)} communes of province {province} in the GSO "
                       "list have no feature in the file (merged since the boundaries were drawn, "
                       "or missing)", severity="warning")
