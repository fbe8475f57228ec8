"""Donor reach: where one donor's money lands, and how much reaches priority communes.

All amounts are the donor's allocations (geoaid/allocation.py) within the
filters: province, zone, sector and period apply; the donor filter does not
(the donor is the subject). Donor names match without regard to case or
Unicode form (NFC/NFD), and without diacritics when unambiguous; an unknown
name raises :class:`UnknownDonor` with close names to suggest.

``priority_share`` compares, per classification scheme, the share of the
donor's allocated funding that lands in communes the scheme marks as
priority (listed; ≥ 1 hamlet for counts; ≥ 50 % for the ethnic-minority
share) with the same share for **all donors together** — same sector and
period filters — in the provinces where the donor works (the "province
average"). A row ``any`` counts communes marked by at least one scheme.
``difference`` = donor_share − province_average, in percentage points.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from geoaid.analysis.allocation import allocate
from geoaid.analysis.beneficiaries import people_per_commune
from geoaid.analysis.coverage import filtered_communes
from geoaid.analysis.donor_names import donor_key, donor_keys, resolve_donor
from geoaid.analysis.filters import Filters, active_projects, counted
from geoaid.analysis.frames import Frames, sample_mask
from geoaid.analysis.money import money_amounts
from geoaid.analysis.priority import flagged_communes, priority_index
from geoaid.analysis.sectors import BY_KEY
from geoaid.text.names import nfc

__all__ = ["DonorReach", "donor_reach", "list_donors", "resolve_donor_name"]

SHARE_COLUMNS = ["scheme", "label", "donor_vnd", "donor_share", "province_vnd", "province_average",
                 "difference", "sample"]


@dataclass
class DonorReach:
    donor: str                      # the name as stored in the workspace
    totals: dict                    # projects, funding_vnd/usd, commune/area split, communes, provinces
    by_province: pd.DataFrame       # province_code, province, funding_vnd, funding_usd, communes, share_pct
    by_commune: pd.DataFrame        # commune_code, commune_name, district, province, scope, funding_vnd/usd
    by_sector: pd.DataFrame         # sector, sector_label, project_count, funding_vnd, funding_usd, share_pct
    priority_share: pd.DataFrame    # SHARE_COLUMNS
    projects: pd.DataFrame          # the donor's projects in the filters, with allocated_vnd
    sample: bool                    # any sample data involved
    allocation_rule: str = "even"

    def map_filters(self, filters: Filters) -> Filters:
        """The filters of this donor's map (the donor view): its projects only, in the provinces
        where it funds unless provinces are chosen. The web map and the print map both draw this.

        >>> reach.map_filters(Filters(year=2024)).provinces  # doctest: +SKIP
        ('95', '96')
        """
        filters = replace(filters, donors=(self.donor,))
        if not filters.provinces and len(self.by_province):
            filters = replace(filters, provinces=tuple(sorted(self.by_province["province_code"])))
        return filters


def resolve_donor_name(frames: Frames, name: str) -> str:
    """The donor's stored name (raises UnknownDonor with suggestions)."""
    return resolve_donor(frames.projects["donor"].dropna().unique().tolist(), name)


def list_donors(frames: Frames) -> pd.DataFrame:
    """Every donor once (spelling variants merged): projects, money planned, committed and disbursed.

    ``funding_vnd`` is the planned budget; ``committed_vnd`` and ``disbursed_vnd`` sum the
    projects' flows of every date (geoaid.analysis.money), 0 where a donor reported none.

    >>> list_donors(frames).loc[0, ["donor", "funding_vnd", "disbursed_vnd"]].tolist()  # doctest: +SKIP
    ['Donor B', 2700000000, 1200000000]
    """
    columns = ["donor", "project_count", "funding_vnd", "funding_usd", "committed_vnd", "committed_usd",
               "disbursed_vnd", "disbursed_usd", "sample"]
    projects = frames.projects[frames.projects["donor"].notna()]
    if projects.empty:
        return pd.DataFrame(columns=columns)
    ids = projects["project_id"].astype(str)
    projects = projects.assign(key=donor_keys(projects["donor"]),
                               budget=pd.to_numeric(projects["budget_vnd"], errors="coerce").fillna(0),
                               is_sample=sample_mask(projects["sample"]).to_numpy())
    for kind in ("committed", "disbursed"):
        amounts = money_amounts(projects, frames.flows, kind)
        # A project id listed twice (several rows) must not count its flows twice.
        projects[kind] = ids.map(amounts).where(~ids.duplicated(), 0).fillna(0).to_numpy()
    out = projects.groupby("key").agg(donor=("donor", "first"), project_count=("project_id", "nunique"),
                                      funding_vnd=("budget", "sum"), committed_vnd=("committed", "sum"),
                                      disbursed_vnd=("disbursed", "sum"), sample=("is_sample", "any"))
    out["donor"] = out["donor"].map(nfc)
    for money in ("funding", "committed", "disbursed"):
        out[f"{money}_vnd"] = out[f"{money}_vnd"].astype("int64")
        out[f"{money}_usd"] = (out[f"{money}_vnd"] / frames.usd_rate).round(0).astype("int64")
    return out.sort_values(["funding_vnd", "donor"], ascending=[False, True])[columns].reset_index(drop=True)


def donor_reach(frames: Frames, donor: str, filters: Filters = Filters(),
                allocations: pd.DataFrame | None = None) -> DonorReach:
    """Where ``donor``'s aid goes within ``filters`` (see the module doc)."""
    name = resolve_donor_name(frames, donor)
    key = donor_key(name)
    allocations = allocate(frames) if allocations is None else allocations
    rule = (str(allocations["allocation_rule"].iloc[0]) if "allocation_rule" in allocations.columns
            and len(allocations) else frames.allocation_rule)
    scope_filters = Filters(provinces=filters.provinces, sectors=filters.sectors, year=filters.year,
                            start=filters.start, end=filters.end, zones=filters.zones, schemes=filters.schemes,
                            money=filters.money)
    projects = active_projects(frames, scope_filters)
    shares_of_money = allocations
    allocations = counted(frames, scope_filters, allocations)
    priority = priority_index(frames, schemes=filters.schemes or None)
    communes = filtered_communes(frames, scope_filters, priority).set_index("code")
    alloc = allocations[allocations["commune_code"].isin(communes.index)].merge(
        projects[["project_id", "sector"]].assign(donor_key=donor_keys(projects["donor"])), on="project_id")
    alloc["province_code"] = alloc["commune_code"].map(communes["province_code"])
    own = alloc[alloc["donor_key"] == key]
    rate = frames.usd_rate
    total = int(own["amount_vnd"].sum())

    def money(frame, keys):
        out = frame.groupby(keys, as_index=False)["amount_vnd"].sum().rename(columns={"amount_vnd": "funding_vnd"})
        out["funding_vnd"] = out["funding_vnd"].astype("int64")
        out["funding_usd"] = (out["funding_vnd"] / rate).round(0).astype("int64")
        out["share_pct"] = (100.0 * out["funding_vnd"] / total).round(1) if total else 0.0
        return out.sort_values(["funding_vnd"] + keys, ascending=[False] + [True] * len(keys)).reset_index(drop=True)

    provinces = communes.drop_duplicates("province_code").set_index("province_code")["province_name"]
    by_province = money(own, ["province_code"])
    by_province["province"] = by_province["province_code"].map(provinces)
    by_province["communes"] = by_province["province_code"].map(
        own.groupby("province_code")["commune_code"].nunique()).astype(int)
    by_province = by_province[["province_code", "province", "funding_vnd", "funding_usd", "communes", "share_pct"]]
    by_commune = money(own, ["commune_code", "scope"])
    for column, source in (("commune_name", "name"), ("district", "district_name"),
                           ("province", "province_name")):
        by_commune[column] = by_commune["commune_code"].map(communes[source])
    scores = priority.set_index("commune_code")
    by_commune["priority_score"] = by_commune["commune_code"].map(scores["priority_score"])
    by_commune["classes"] = by_commune["commune_code"].map(scores["classes"])
    by_commune = by_commune[["commune_code", "commune_name", "district", "province", "scope", "funding_vnd",
                             "funding_usd", "share_pct", "priority_score", "classes"]]
    by_sector = money(own, ["sector"])
    by_sector.insert(1, "sector_label", by_sector["sector"].map(lambda s: BY_KEY[s].en if s in BY_KEY else s))
    by_sector.insert(2, "project_count", by_sector["sector"].map(
        own.groupby("sector")["project_id"].nunique()).astype(int))

    everyone = alloc[alloc["province_code"].isin(set(own["province_code"]))]
    shares = _priority_shares(frames, own, everyone, filters.schemes or None)
    mine = projects[donor_keys(projects["donor"]) == key]
    allocated = own.groupby("project_id")["amount_vnd"].sum()
    if filters.provinces or filters.zones:
        mine = mine[mine["project_id"].isin(allocated.index)]
    mine = mine.assign(allocated_vnd=mine["project_id"].map(allocated).fillna(0).astype("int64"),
                       communes=mine["project_id"].map(own.groupby("project_id")["commune_code"].nunique())
                       .fillna(0).astype(int))
    commune_vnd = int(own.loc[own["scope"] == "commune", "amount_vnd"].sum())
    sample = bool(sample_mask(mine["sample"]).any()) or bool(shares["sample"].any())
    return DonorReach(
        donor=name,
        totals={"projects": int(mine["project_id"].nunique()), "funding_vnd": total,
                "funding_usd": round(total / rate), "commune_funding_vnd": commune_vnd,
                "area_funding_vnd": total - commune_vnd, "communes": int(own["commune_code"].nunique()),
                "provinces": int(own["province_code"].nunique()),
                "people_in_communes": _people(communes, set(own["commune_code"])),
                **_beneficiaries(frames, scope_filters, shares_of_money, projects, mine, communes.index,
                                 set(own["commune_code"]))},
        by_province=by_province, by_commune=by_commune, by_sector=by_sector, priority_share=shares,
        projects=mine.reset_index(drop=True), sample=sample, allocation_rule=rule)


def _people(communes: pd.DataFrame, codes: set) -> int | None:
    """People living in ``codes`` (census 2019); None when any of them has no figure."""
    if "population" not in communes.columns:
        return None
    people = pd.to_numeric(communes.loc[communes.index.isin(codes), "population"], errors="coerce")
    return None if people.isna().any() else int(people.sum())


def _beneficiaries(frames, filters, allocations, projects, mine, inside, funded) -> dict:
    """People reached by every project in the communes the donor funds; people its own projects state."""
    everyone = people_per_commune(frames, filters, allocations, projects)
    own = people_per_commune(frames, filters, allocations, mine)
    own = own[own.index.isin(inside)]
    return {"people_reached_in_funded": int(everyone.loc[everyone.index.isin(funded), "people_reached"].sum()),
            "people_targeted": int(own["people_targeted"].sum()), "people_reached": int(own["people_reached"].sum())}


def _priority_shares(frames: Frames, own: pd.DataFrame, everyone: pd.DataFrame, schemes) -> pd.DataFrame:
    flagged = flagged_communes(frames, schemes=schemes)
    meta = frames.schemes.drop_duplicates("scheme", keep="last").set_index("scheme")
    listed = [s for s in meta.index if not schemes or s in schemes]
    rows = []
    for scheme in listed + ["any"]:
        if scheme == "any":
            codes = set().union(*flagged.values()) if flagged else set()
            label = "Any priority list"
            sample = bool(sample_mask(meta.loc[listed, "sample"]).any()) if listed else False
        else:
            codes = flagged.get(scheme, set())
            label = str(meta.at[scheme, "label"])
            sample = bool(sample_mask(pd.Series([meta.at[scheme, "sample"]])).iloc[0])
        donor_vnd = int(own.loc[own["commune_code"].isin(codes), "amount_vnd"].sum())
        province_vnd = int(everyone.loc[everyone["commune_code"].isin(codes), "amount_vnd"].sum())
        donor_share = _pct(donor_vnd, own["amount_vnd"].sum())
        average = _pct(province_vnd, everyone["amount_vnd"].sum())
        rows.append({"scheme": scheme, "label": label, "donor_vnd": donor_vnd, "donor_share": donor_share,
                     "province_vnd": province_vnd, "province_average": average,
                     "difference": round(donor_share - average, 1), "sample": sample})
    return pd.DataFrame(rows, columns=SHARE_COLUMNS)


def _pct(part, whole) -> float:
    return round(100.0 * float(part) / float(whole), 1) if whole else 0.0
