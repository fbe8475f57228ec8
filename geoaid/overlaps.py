"""Overlaps: two or more donors funding the same sector in the same commune at the same time.

Provincial aid plans ask donors to "avoid overlap and duplication". A pair
of projects overlaps when both allocate to the commune as commune-targeted
projects (area-wide projects are left out: they do not say where the work
happens), share the sector, have different donors, and their periods
intersect (a missing end date counts as open). One row per commune and
sector lists every project involved.
"""

from __future__ import annotations

import pandas as pd

from geoaid.allocation import allocate
from geoaid.coverage import active_projects
from geoaid.filters import Filters
from geoaid.frames import Frames

COLUMNS = ["commune_code", "commune_name", "district", "province", "sector", "donors", "project_ids",
           "titles", "period_start", "period_end", "sample"]


def find_overlaps(frames: Frames, filters: Filters = Filters(), allocations: pd.DataFrame | None = None
                  ) -> pd.DataFrame:
    projects = active_projects(frames, filters)
    allocations = allocate(frames) if allocations is None else allocations
    communes = frames.communes
    if filters.provinces:
        communes = communes[communes["province_code"].isin(filters.provinces)]
    here = allocations[(allocations["scope"] == "commune")
                       & allocations["commune_code"].isin(communes["code"])]
    rows = here.merge(projects[["project_id", "donor", "sector", "title", "start_date", "end_date",
                                "sample"]], on="project_id")
    rows["start"] = pd.to_datetime(rows["start_date"], errors="coerce")
    rows["end"] = pd.to_datetime(rows["end_date"], errors="coerce").fillna(pd.Timestamp.max)
    rows["start"] = rows["start"].fillna(pd.Timestamp.min)
    pairs = rows.merge(rows, on=["commune_code", "sector"], suffixes=("_a", "_b"))
    pairs = pairs[(pairs["project_id_a"] < pairs["project_id_b"]) & (pairs["donor_a"] != pairs["donor_b"])
                  & (pairs["start_a"] <= pairs["end_b"]) & (pairs["start_b"] <= pairs["end_a"])]
    if pairs.empty:
        return pd.DataFrame(columns=COLUMNS)
    long = pd.concat([
        pairs[["commune_code", "sector", f"project_id_{s}", f"donor_{s}", f"title_{s}", f"sample_{s}"]]
        .set_axis(["commune_code", "sector", "project_id", "donor", "title", "sample"], axis=1)
        for s in ("a", "b")]).drop_duplicates(["commune_code", "sector", "project_id"])
    span = pairs.assign(ov_start=pairs[["start_a", "start_b"]].max(axis=1),
                        ov_end=pairs[["end_a", "end_b"]].min(axis=1)).groupby(["commune_code", "sector"])
    grouped = long.sort_values("project_id").groupby(["commune_code", "sector"])
    out = grouped.agg(donors=("donor", lambda d: "; ".join(sorted(set(d)))),
                      project_ids=("project_id", "; ".join), titles=("title", " | ".join),
                      sample=("sample", lambda x: bool((x.astype(float) == 1).any()))).reset_index()
    out["period_start"] = out.set_index(["commune_code", "sector"]).index.map(span["ov_start"].min())
    out["period_end"] = out.set_index(["commune_code", "sector"]).index.map(span["ov_end"].max())
    for column in ("period_start", "period_end"):
        out[column] = out[column].map(lambda t: "" if t in (pd.Timestamp.min, pd.Timestamp.max)
                                      else t.date().isoformat())
    names = communes.set_index("code")
    out["commune_name"] = out["commune_code"].map(names["name"])
    out["district"] = out["commune_code"].map(names["district_name"])
    out["province"] = out["commune_code"].map(names["province_name"])
    return out[COLUMNS].sort_values(["province", "commune_code", "sector"]).reset_index(drop=True)
