"""The rows of each data export, before formatting: gap ranking, projects, allocations, communes,
and the per-district and per-province population and funding per inhabitant (also once per sector).

:func:`table_for` returns a GeoDataFrame (EPSG:4326) with machine column
names and label columns beside codes (``sector_label`` beside ``sector``);
geoaid.output.exports writes it as CSV, XLSX, GeoJSON or GeoPackage.
"""

from __future__ import annotations

from dataclasses import replace

import geopandas as gpd
import pandas as pd

from geoaid.analysis.beneficiaries import project_totals
from geoaid.analysis.filters import Filters, active_projects, counted
from geoaid.analysis.frames import Frames, sample_mask
from geoaid.analysis.memoised import Analysis, analysed
from geoaid.analysis.per_capita import per_capita_summary, per_sector_summary
from geoaid.analysis.priority import priority_index
from geoaid.analysis.sectors import BY_KEY, SECTORS
from geoaid.output.export_money import money_columns

WHAT = ("gaps", "projects", "allocations", "communes", "districts", "provinces", "districts_by_sector",
        "provinces_by_sector")
SCOPE_LABELS = {"commune": "commune-targeted / tại xã", "area": "district/province-wide / toàn huyện, tỉnh"}


def table_for(frames: Frames | Analysis, what: str, filters: Filters = Filters()) -> gpd.GeoDataFrame:
    """The rows of one export (GeoDataFrame in EPSG:4326), before formatting.

    ``frames`` may be a snapshot's memoised Analysis (its results are reused).

    >>> table_for(frames, "gaps", Filters(provinces=("95",)))["gap_rank"].iloc[0]  # doctest: +SKIP
    1
    """
    if what not in WHAT:
        raise ValueError(f"unknown export {what!r}; use {', '.join(WHAT)}")
    analysis = analysed(frames)
    frames, allocations = analysis.frames, analysis.allocations()
    if what == "gaps":
        rows = analysis.coverage(filters)
        for column in ("sectors_present", "sectors_missing"):
            rows[column] = rows[column].map(_sector_list_labels)
        front = ["gap_rank", "commune_code", "commune_name", "district", "province", "gap_score",
                 "priority_score", "classes", "funding_vnd", "funding_usd", "project_count", "donor_count"]
        return rows[[c for c in front if c in rows] + [c for c in rows.columns if c not in front]]
    if what == "communes":
        return _communes(frames, filters)
    if what in ("districts", "provinces"):
        return per_capita_summary(analysis.coverage(filters), what[:-1], frames.usd_rate)
    if what.endswith("_by_sector"):
        # One row per unit and sector (the filtered sectors, else the plan's seven).
        rows = per_sector_summary(lambda sector: analysis.coverage(replace(filters, sectors=(sector,))),
                                  what.split("s_by_")[0], frames.usd_rate,
                                  filters.sectors or [sector.key for sector in SECTORS])
        rows.insert(rows.columns.get_loc("sector") + 1, "sector_label", rows["sector"].map(_sector_label))
        return rows
    in_scope = set(_communes(frames, filters)["code"])
    projects = active_projects(frames, filters)
    allocations = counted(frames, filters, allocations)
    alloc = allocations[allocations["project_id"].isin(projects["project_id"])
                        & allocations["commune_code"].isin(in_scope)]
    if what == "projects":
        return _projects(frames, projects, alloc, filters)
    return _allocations(frames, projects, alloc)


def _communes(frames: Frames, filters: Filters) -> gpd.GeoDataFrame:
    """Communes with their priority classes, in the filtered provinces and zones."""
    priority = priority_index(frames, schemes=filters.schemes or None)
    rows = frames.communes.merge(priority.drop(columns=["priority_raw", "priority_sample"], errors="ignore"),
                                 left_on="code", right_on="commune_code", how="left")
    rows = rows.drop(columns="commune_code")
    if filters.provinces:
        rows = rows[rows["province_code"].isin(filters.provinces)]
    if filters.zones:  # either zone, as in geoaid.analysis.coverage
        mask = pd.Series(False, index=rows.index)
        for zone in filters.zones:
            mask |= rows[zone].fillna(False).astype(bool)
        rows = rows[mask]
    front = ["code", "name", "unit_type", "district_code", "district_name", "province_code", "province_name",
             "population", "priority_score", "classes"]
    rows = rows[[c for c in front if c in rows] + [c for c in rows.columns if c not in front]]
    return gpd.GeoDataFrame(rows.reset_index(drop=True), geometry="geometry", crs=frames.communes.crs)


def _projects(frames: Frames, projects: pd.DataFrame, alloc: pd.DataFrame, filters: Filters) -> gpd.GeoDataFrame:
    """Projects with sector labels, the VND they place in the selection, and their footprint."""
    per_project = alloc.groupby("project_id")
    rows = projects.copy()
    # budget_vnd stays the planned budget whatever money is counted; allocated_vnd is that money.
    rows["budget_vnd"] = rows["project_id"].map(frames.projects.drop_duplicates("project_id").set_index(
        "project_id")["budget_vnd"])
    if filters.provinces or filters.zones:  # only projects that reach the selected communes
        rows = rows[rows["project_id"].isin(alloc["project_id"])]
    rows.insert(rows.columns.get_loc("sector") + 1, "sector_label", rows["sector"].map(_sector_label))
    rows.insert(rows.columns.get_loc("sector_label") + 1, "sector_label_vi",
                rows["sector"].map(lambda k: _sector_label(k, "vi")))
    rows.insert(rows.columns.get_loc("budget_vnd") + 1, "budget_usd",
                (pd.to_numeric(rows["budget_vnd"], errors="coerce") / frames.usd_rate).round(0))
    money = money_columns(frames, rows["project_id"], filters)
    for offset, column in enumerate(money.columns, start=1):
        rows.insert(rows.columns.get_loc("budget_usd") + offset, column, money[column])
    rows.insert(rows.columns.get_loc("status") + 1, "locations", rows["project_id"].map(_location_cells(frames)))
    rows = pd.concat([rows, project_totals(frames, rows["project_id"])], axis=1)
    rows["allocated_vnd"] = rows["project_id"].map(per_project["amount_vnd"].sum()).fillna(0).astype("int64")
    rows["communes"] = rows["project_id"].map(per_project["commune_code"].nunique()).fillna(0).astype(int)
    rows["sample"] = sample_mask(rows["sample"]).to_numpy()
    geometry = frames.communes.set_index("code").geometry
    footprints = {pid: geometry.reindex(group["commune_code"].unique()).union_all()
                  for pid, group in per_project}
    return gpd.GeoDataFrame(rows.reset_index(drop=True),
                            geometry=[footprints.get(pid) for pid in rows["project_id"]],
                            crs=frames.communes.crs)


def _location_cells(frames: Frames) -> dict[str, str]:
    """Each project's locations written as the projects importer reads them back, so that an
    exported list edited in Excel re-imports with its places: commune codes, "Huyện X, Tỉnh Y",
    "Tỉnh Y", "lat, lon" for a point, each with its "(40%)" share when one was stated."""
    communes = frames.communes
    districts = dict(zip(communes["district_code"], communes["district_name"] + ", " + communes["province_name"]))
    provinces = dict(zip(communes["province_code"], communes["province_name"]))
    cells: dict[str, list[str]] = {}
    for loc in frames.locations.itertuples():
        if pd.notna(loc.lat) and pd.notna(loc.lon):
            place = f"{loc.lat:.6f}, {loc.lon:.6f}"
        elif loc.level == "district":
            place = districts.get(loc.unit_code, loc.unit_code)
        elif loc.level == "province":
            place = provinces.get(loc.unit_code, loc.unit_code)
        else:
            place = str(loc.unit_code)
        if pd.notna(loc.share_pct):
            place += f" ({loc.share_pct:g}%)"
        cells.setdefault(str(loc.project_id), []).append(place)
    return {pid: "; ".join(places) for pid, places in cells.items()}


def _allocations(frames: Frames, projects: pd.DataFrame, alloc: pd.DataFrame) -> gpd.GeoDataFrame:
    """Each project's share in each commune, with names rather than only codes."""
    communes = frames.communes.set_index("code")
    info = projects[["project_id", "title", "donor", "sector", "start_date", "end_date", "sample"]]
    rows = alloc.merge(info, on="project_id", how="left")
    rows["sector_label"] = rows["sector"].map(_sector_label)
    rows["commune_name"] = rows["commune_code"].map(communes["name"])
    rows["district"] = rows["commune_code"].map(communes["district_name"])
    rows["province"] = rows["commune_code"].map(communes["province_name"])
    rows["scope"] = rows["scope"].map(lambda s: SCOPE_LABELS.get(s, s))
    rows["amount_usd"] = (rows["amount_vnd"] / frames.usd_rate).round(0)
    rows["sample"] = sample_mask(rows["sample"]).to_numpy()
    order = ["project_id", "title", "donor", "sector", "sector_label", "commune_code", "commune_name",
             "district", "province", "scope", "share", "amount_vnd", "amount_usd", "start_date", "end_date",
             "allocation_rule", "sample"]
    rows = rows[[c for c in order if c in rows.columns]].reset_index(drop=True)
    return gpd.GeoDataFrame(rows, geometry=rows["commune_code"].map(communes.geometry).values,
                            crs=frames.communes.crs)


def _sector_label(key, lang: str = "en"):
    return BY_KEY[key].label(lang) if key in BY_KEY else key


def _sector_list_labels(keys: str) -> str:
    """ "health, education" → "Health; Education and training" (labels contain commas)."""
    if not isinstance(keys, str) or not keys.strip():
        return ""
    return "; ".join(_sector_label(k.strip()) for k in keys.split(",") if k.strip())
