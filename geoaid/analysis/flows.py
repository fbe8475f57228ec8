"""Money by year: planned, committed, disbursed and expenditure per province, district,
commune, donor or sector.

A flow counts in the year of its date (a transaction's date, a budget's
period start: geoaid.analysis.money.flow_dates). A project without any
planned flow counts its whole budget as planned in the year it starts (a
project without a start date has no year and is not in the series).

By province, district or commune the money of each project, kind, year and
sector is allocated to communes with the budget's shares
(geoaid.analysis.allocation), in whole VND, so the communes of a series add
up to what was placed in the workspace. By donor or sector without a
province or zone, the flows are counted whole (money no commune can receive
included); with one, only what reached its communes.

Example::

    series = yearly_flows(frames, Filters(provinces=("96",)), by="sector")
    series[["sector", "year", "committed_vnd", "disbursed_vnd", "disbursement_rate_pct"]]
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from geoaid.analysis.allocation import allocate
from geoaid.analysis.coverage import filtered_communes
from geoaid.analysis.donor_names import donor_keys
from geoaid.analysis.filters import Filters, active_projects
from geoaid.analysis.frames import Frames
from geoaid.analysis.money import FLOW_KINDS, counted_allocations, flow_dates
from geoaid.analysis.priority import priority_index
from geoaid.text.names import nfc

BY = ("province", "district", "commune", "donor", "sector")
_KEYS = {"province": ["province_code", "province"], "district": ["district_code", "district", "province"],
         "commune": ["commune_code", "commune_name", "district", "province"], "donor": ["donor"],
         "sector": ["sector"]}
AMOUNT_COLUMNS = [f"{kind}_vnd" for kind in FLOW_KINDS]


def series_columns(by: str) -> list[str]:
    """The columns of a ``by`` series, in order."""
    return [*_KEYS[by], "year", *AMOUNT_COLUMNS, "disbursed_usd", "disbursement_rate_pct"]


def dated_flows(frames: Frames, projects: pd.DataFrame) -> pd.DataFrame:
    """project_id, kind, year, sector, amount_vnd of ``projects``' flows, planned budgets included."""
    flows = frames.flows if frames.flows is not None and len(frames.flows) else pd.DataFrame(
        columns=["project_id", "kind", "date", "period_start", "sector", "amount_vnd"])
    ids = projects["project_id"].astype(str)
    flows = flows[flows["project_id"].astype(str).isin(ids)]
    out = pd.DataFrame({"project_id": flows["project_id"].astype(str), "kind": flows["kind"],
                        "year": flow_dates(flows).dt.year, "sector": flows["sector"],
                        "amount_vnd": pd.to_numeric(flows["amount_vnd"], errors="coerce").fillna(0)})
    with_planned = set(out.loc[out["kind"] == "planned", "project_id"])
    budget_only = projects[~ids.isin(with_planned)].drop_duplicates("project_id")
    out = pd.concat([out, pd.DataFrame({
        "project_id": budget_only["project_id"].astype(str), "kind": "planned",
        "year": pd.to_datetime(budget_only["start_date"], errors="coerce", format="mixed").dt.year,
        "sector": None, "amount_vnd": pd.to_numeric(budget_only["budget_vnd"], errors="coerce").fillna(0)})])
    sector_of = projects.drop_duplicates("project_id").set_index(ids.drop_duplicates())["sector"]
    out["sector"] = out["sector"].where(out["sector"].notna() & (out["sector"] != ""),
                                        out["project_id"].map(sector_of))
    out = out[out["year"].notna() & out["kind"].isin(FLOW_KINDS)]
    return out.assign(year=out["year"].astype(int), amount_vnd=out["amount_vnd"].round().astype("int64"))


def yearly_flows(frames: Frames, filters: Filters = Filters(), by: str = "province",
                 allocations: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per ``by`` unit and year with the VND of each kind of money (see the module doc).

    Province, sector, donor and zone filters choose the projects and communes;
    a year or period chooses the years of the flows; ``money`` does not apply
    (every kind is a column).
    """
    if by not in BY:
        raise ValueError(f"unknown series {by!r}; use one of {', '.join(BY)}")
    projects = active_projects(frames, replace(filters, year=None, start=None, end=None, money="planned"))
    flows = dated_flows(frames, projects)
    start, end = filters.period
    if start:
        flows = flows[flows["year"] >= start.year]
    if end:
        flows = flows[flows["year"] <= end.year]
    unique = projects.drop_duplicates("project_id")
    donors = pd.Series(unique["donor"].to_numpy(), index=unique["project_id"].astype(str).to_numpy())
    flows = flows.groupby(["project_id", "kind", "year", "sector"], as_index=False)["amount_vnd"].sum()
    if by in ("donor", "sector") and not (filters.provinces or filters.zones):
        placed = flows.assign(donor=flows["project_id"].map(donors))
    else:
        placed = _in_communes(frames, filters, flows, allocations)
        placed["donor"] = placed["project_id"].map(donors)
    if by == "donor":
        placed = placed[placed["donor"].notna()]
        placed["donor_key"] = donor_keys(placed["donor"])
        names = placed.groupby("donor_key")["donor"].first().map(nfc)
        placed["donor"] = placed["donor_key"].map(names)
    placed[_KEYS[by]] = placed[_KEYS[by]].fillna("")   # a 2025 commune has no district
    wide = placed.pivot_table(index=[*_KEYS[by], "year"], columns="kind", values="amount_vnd",
                              aggfunc="sum", fill_value=0)
    wide = wide.reindex(columns=list(FLOW_KINDS), fill_value=0).astype("int64")
    wide.columns = AMOUNT_COLUMNS
    out = wide.reset_index()
    out["disbursed_usd"] = (out["disbursed_vnd"] / frames.usd_rate).round(0).astype("int64")
    committed = out["committed_vnd"].where(out["committed_vnd"] > 0)
    out["disbursement_rate_pct"] = (100.0 * out["disbursed_vnd"] / committed).round(1)
    return out.sort_values([*_KEYS[by][:1], "year"]).reset_index(drop=True)[series_columns(by)]


def _in_communes(frames: Frames, filters: Filters, flows: pd.DataFrame,
                 allocations: pd.DataFrame | None) -> pd.DataFrame:
    """``flows`` allocated to the filtered communes, one row per flow part and commune."""
    allocations = allocate(frames) if allocations is None else allocations
    flows = flows.reset_index(drop=True).assign(part=lambda f: f.index.astype(str))
    expanded = allocations.merge(flows[["project_id", "part"]], on="project_id")
    placed = counted_allocations(expanded.assign(project_id=expanded["part"]),
                                 flows.set_index("part")["amount_vnd"])
    placed = placed.drop(columns="project_id").merge(flows.drop(columns="amount_vnd"), left_on="part",
                                                     right_on="part")
    priority = priority_index(frames) if filters.zones else None
    communes = filtered_communes(frames, filters, priority).set_index("code")
    placed = placed[placed["commune_code"].isin(communes.index)]
    for column, source in (("commune_name", "name"), ("district_code", "district_code"),
                           ("district", "district_name"), ("province_code", "province_code"),
                           ("province", "province_name")):
        placed[column] = placed["commune_code"].map(communes[source])
    return placed
