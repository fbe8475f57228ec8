"""Overlaps: two or more donors funding the same sector in the same commune at the same time.

Provincial aid plans ask donors to "avoid overlap and duplication". Two
projects overlap when

* both are allocated to the same commune — as commune-targeted projects;
  district- or province-wide projects are left out by default because they
  do not say where in the area the work happens (``include_area=True``
  takes them in, and ``area_wide`` marks the rows they are part of);
* they are in the same sector;
* their donors differ (compared without regard to case or Unicode form, so
  "Donor A" and "DONOR A" are one donor);
* their periods intersect (a missing start or end date is open-ended).

The usual filters apply first (province, zone, sector, donor, period). One
row per commune and sector lists every project involved in at least one
overlapping pair; ``period_start``/``period_end`` span the dates on which
some pair runs at the same time ("" when open-ended), and ``funding_vnd``
adds the involved projects' allocations in that commune.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geoaid.analysis.allocation import allocate
from geoaid.analysis.coverage import filtered_communes
from geoaid.analysis.donor_names import donor_keys
from geoaid.analysis.filters import Filters, active_projects, counted, project_periods
from geoaid.analysis.frames import Frames, sample_mask
from geoaid.analysis.priority import priority_index
from geoaid.text.names import nfc

# Stand-ins for open-ended periods (representable at any datetime resolution).
OPEN_START, OPEN_END = pd.Timestamp("1900-01-01"), pd.Timestamp("2200-12-31")
COLUMNS = ["commune_code", "commune_name", "district", "province", "province_code", "sector", "donors",
           "donor_count", "project_ids", "project_count", "titles", "period_start", "period_end",
           "funding_vnd", "area_wide", "sample"]


def find_overlaps(frames: Frames, filters: Filters = Filters(), allocations: pd.DataFrame | None = None,
                  include_area: bool = False) -> pd.DataFrame:
    """One row per (commune, sector) where two or more donors' projects overlap in time."""
    projects = active_projects(frames, filters)
    allocations = counted(frames, filters, allocate(frames) if allocations is None else allocations)
    priority = priority_index(frames, schemes=filters.schemes or None) if filters.zones else None
    communes = filtered_communes(frames, filters, priority) if filters.zones else (
        frames.communes[frames.communes["province_code"].isin(filters.provinces)] if filters.provinces
        else frames.communes)
    scopes = ["commune", "area"] if include_area else ["commune"]
    here = allocations[allocations["scope"].isin(scopes) & allocations["commune_code"].isin(communes["code"])]
    # A project may reach a commune both directly and area-wide: one row per (commune, project).
    here = here.assign(is_area=here["scope"] == "area").groupby(["commune_code", "project_id"], as_index=False).agg(
        amount_vnd=("amount_vnd", "sum"), is_area=("is_area", "all"))
    start, end = project_periods(projects)
    info = projects[["project_id", "donor", "sector", "title"]].assign(
        is_sample=sample_mask(projects["sample"]).to_numpy(), title=projects["title"].fillna("").astype(str),
        start=start.fillna(OPEN_START), end=end.fillna(OPEN_END),
        donor_key=donor_keys(projects["donor"]))
    # One spelling per donor ("Donor A" and "donor a" are listed once).
    info["donor"] = info.groupby("donor_key")["donor"].transform("first").map(nfc)
    rows = here.merge(info[info["sector"].notna()], on="project_id")
    pairs = rows.merge(rows, on=["commune_code", "sector"], suffixes=("_a", "_b"))
    pairs = pairs[(pairs["project_id_a"] < pairs["project_id_b"])
                  & (pairs["donor_key_a"] != pairs["donor_key_b"])
                  & (pairs["start_a"] <= pairs["end_b"]) & (pairs["start_b"] <= pairs["end_a"])]
    if pairs.empty:
        return pd.DataFrame(columns=COLUMNS)
    pairs = pairs.assign(ov_start=np.maximum(pairs["start_a"].to_numpy(), pairs["start_b"].to_numpy()),
                         ov_end=np.minimum(pairs["end_a"].to_numpy(), pairs["end_b"].to_numpy()))
    span = pairs.groupby(["commune_code", "sector"]).agg(period_start=("ov_start", "min"),
                                                          period_end=("ov_end", "max"))
    involved = pd.concat([pairs[["commune_code", "sector", f"project_id_{s}"]]
                          .set_axis(["commune_code", "sector", "project_id"], axis=1) for s in ("a", "b")])
    involved = involved.drop_duplicates().merge(rows, on=["commune_code", "sector", "project_id"])
    involved = involved.sort_values(["commune_code", "sector", "project_id"])
    keys = ["commune_code", "sector"]
    out = involved.groupby(keys).agg(donor_count=("donor_key", "nunique"), project_count=("project_id", "size"),
                                     funding_vnd=("amount_vnd", "sum"), area_wide=("is_area", "any"),
                                     sample=("is_sample", "any"))
    donors = involved.drop_duplicates(keys + ["donor_key"]).sort_values(keys + ["donor"])
    out["donors"] = _joined(donors, keys, "donor", "; ")
    out["project_ids"] = _joined(involved, keys, "project_id", "; ")
    out["titles"] = _joined(involved, keys, "title", " | ")
    out = out.join(span).reset_index()
    for column in ("period_start", "period_end"):
        dates = pd.to_datetime(out[column])
        out[column] = dates.dt.strftime("%Y-%m-%d").where(~dates.isin([OPEN_START, OPEN_END]), "")
    names = communes.set_index("code")
    out["commune_name"] = out["commune_code"].map(names["name"])
    out["district"] = out["commune_code"].map(names["district_name"])
    out["province"] = out["commune_code"].map(names["province_name"])
    out["province_code"] = out["commune_code"].map(names["province_code"])
    out["funding_vnd"] = out["funding_vnd"].astype("int64")
    return out[COLUMNS].sort_values(["province_code", "commune_code", "sector"]).reset_index(drop=True)


def _joined(frame: pd.DataFrame, keys: list[str], column: str, separator: str) -> pd.Series:
    """Each group's values joined by ``separator``, in row order (string sums, no per-group Python)."""
    text = frame[column].astype(str) + separator
    return text.groupby([frame[k] for k in keys]).sum().str.removesuffix(separator)
