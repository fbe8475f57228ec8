"""Coverage and gaps per commune: where aid is needed but absent.

Per commune (of the filtered provinces and zones), for the projects that pass
the sector, donor and period filters:

* ``project_count``, ``donor_count`` — projects/donors with any allocation
  there (commune-targeted or area-wide);
* ``funding_vnd`` — all allocated VND; ``area_funding_vnd`` — the part that
  comes from district- or province-wide projects (reported separately:
  it is thinner, less certain coverage); ``funding_usd`` at the workspace's
  USD rate;
* ``sectors_present`` / ``sectors_missing`` — of the plan's sectors (or of
  the filtered sectors).

Gap formula (documented in the README). With R = ``gap_reference_vnd``
(default 1,000,000,000 VND, about one small commune project) and effective
funding F = commune-targeted VND + ½ × area-wide VND:

    gap_score = priority_score × R / (R + F)

A high-priority commune with no coverage keeps its full priority score as
gap; each VND of funding lowers the gap and never raises it (so adding a
project can never increase any commune's gap). ``gap_rank`` 1 is the most
urgent: highest gap, then highest priority, then commune code.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from geoaid.allocation import allocate
from geoaid.filters import Filters, donor_matches
from geoaid.frames import Frames
from geoaid.priority import priority_index
from geoaid.sectors import SECTORS

GAP_REFERENCE_VND = 1_000_000_000
AREA_WEIGHT = 0.5


def active_projects(frames: Frames, filters: Filters) -> pd.DataFrame:
    """Projects passing the sector, donor and period filters."""
    projects = frames.projects
    mask = pd.Series(True, index=projects.index)
    if filters.sectors:
        mask &= projects["sector"].isin(filters.sectors)
    if filters.donors:
        mask &= donor_matches(projects["donor"], filters.donors)
    start, end = filters.period
    if start or end:
        p_start = pd.to_datetime(projects["start_date"], errors="coerce")
        p_end = pd.to_datetime(projects["end_date"], errors="coerce")
        if end:
            mask &= p_start.isna() | (p_start <= pd.Timestamp(end))
        if start:
            mask &= p_end.isna() | (p_end >= pd.Timestamp(start))
    return projects[mask]


def filtered_communes(frames: Frames, filters: Filters, priority: pd.DataFrame) -> pd.DataFrame:
    communes = frames.communes
    keep = pd.Series(True, index=communes.index)
    if filters.provinces:
        keep &= communes["province_code"].isin(filters.provinces)
    zones = priority.set_index("commune_code")
    for zone in filters.zones:
        keep &= communes["code"].map(zones[zone]).fillna(False).astype(bool)
    return communes[keep]


def coverage(frames: Frames, filters: Filters = Filters(), allocations: pd.DataFrame | None = None
             ) -> gpd.GeoDataFrame:
    """One row per commune with priority, coverage and gap (see module doc)."""
    priority = priority_index(frames, schemes=filters.schemes or None)
    communes = filtered_communes(frames, filters, priority)
    projects = active_projects(frames, filters)
    if allocations is None:
        allocations = allocate(frames)
    alloc = allocations[allocations["project_id"].isin(projects["project_id"])
                        & allocations["commune_code"].isin(communes["code"])]
    alloc = alloc.merge(projects[["project_id", "donor", "sector", "sample"]], on="project_id")
    by_commune = alloc.groupby("commune_code")
    commune_vnd = alloc[alloc["scope"] == "commune"].groupby("commune_code")["amount_vnd"].sum()
    area_vnd = alloc[alloc["scope"] == "area"].groupby("commune_code")["amount_vnd"].sum()
    sectors_wanted = list(filters.sectors) or [s.key for s in SECTORS]
    present = by_commune["sector"].agg(lambda s: sorted(set(s)))

    out = pd.DataFrame({"commune_code": communes["code"].to_numpy(),
                        "commune_name": communes["name"].to_numpy(),
                        "district": communes["district_name"].to_numpy(),
                        "province": communes["province_name"].to_numpy(),
                        "province_code": communes["province_code"].to_numpy()})
    out = out.merge(priority, on="commune_code", how="left")
    code = out["commune_code"]
    out["project_count"] = code.map(by_commune["project_id"].nunique()).fillna(0).astype(int)
    out["donor_count"] = code.map(by_commune["donor"].nunique()).fillna(0).astype(int)
    out["commune_funding_vnd"] = code.map(commune_vnd).fillna(0).astype("int64")
    out["area_funding_vnd"] = code.map(area_vnd).fillna(0).astype("int64")
    out["funding_vnd"] = out["commune_funding_vnd"] + out["area_funding_vnd"]
    out["funding_usd"] = (out["funding_vnd"] / frames.usd_rate).round(0)
    sector_lists = code.map(present)
    out["sectors_present"] = sector_lists.map(lambda s: ", ".join(s) if isinstance(s, list) else "")
    out["sectors_missing"] = sector_lists.map(
        lambda s: ", ".join(k for k in sectors_wanted if not isinstance(s, list) or k not in s))
    effective = out["commune_funding_vnd"] + AREA_WEIGHT * out["area_funding_vnd"]
    reference = float(frames.settings.get("gap_reference_vnd", GAP_REFERENCE_VND))
    out["gap_score"] = (out["priority_score"] * reference / (reference + effective)).round(3)
    out = out.sort_values(["gap_score", "priority_score", "commune_code"],
                          ascending=[False, False, True]).reset_index(drop=True)
    out["gap_rank"] = range(1, len(out) + 1)
    project_sample = code.map(alloc.groupby("commune_code")["sample"].agg(
        lambda x: bool((x.astype(float) == 1).any())))
    out["sample"] = out["priority_sample"].astype(bool) | out["commune_code"].map(
        project_sample).fillna(False).astype(bool)
    out = out.drop(columns=["priority_sample", "priority_raw"])
    geometry = communes.set_index("code").geometry
    return gpd.GeoDataFrame(out, geometry=out["commune_code"].map(geometry).values, crs=frames.communes.crs)


def gap_ranking(frames: Frames, filters: Filters = Filters()) -> pd.DataFrame:
    """The coverage rows, most urgent first, without geometry."""
    return pd.DataFrame(coverage(frames, filters).drop(columns="geometry"))


def describe_gap_formula() -> str:
    return ("gap = priority × R / (R + F); F = commune-targeted VND + ½ × area-wide VND; "
            f"R = {GAP_REFERENCE_VND:,} VND")


def commune_projects(frames: Frames, filters: Filters = Filters(),
                     allocations: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each filtered project's allocation to each commune, with the project's details."""
    projects = active_projects(frames, filters)
    allocations = allocate(frames) if allocations is None else allocations
    rows = allocations.merge(projects[["project_id", "title", "donor", "sector", "start_date", "end_date",
                                       "budget_vnd", "sample"]], on="project_id")
    if filters.provinces:
        codes = frames.communes.loc[frames.communes["province_code"].isin(filters.provinces), "code"]
        rows = rows[rows["commune_code"].isin(codes)]
    return rows.sort_values(["commune_code", "amount_vnd"], ascending=[True, False]).reset_index(drop=True)
