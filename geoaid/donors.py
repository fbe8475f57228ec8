"""Donor reach: where one donor's money lands, and how much reaches priority communes.

``priority_share`` compares, per classification scheme, the share of the
donor's allocated funding that lands in communes listed by that scheme with
the same share for all donors together in the donor's provinces (the
"province average").
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from rapidfuzz import fuzz, process

from geoaid.allocation import allocate
from geoaid.coverage import active_projects
from geoaid.filters import Filters, donor_matches
from geoaid.frames import Frames
from geoaid.priority import commune_classes
from geoaid.textnorm import fold


class UnknownDonor(LookupError):
    """No donor by that name; ``suggestions`` lists close names."""

    def __init__(self, name: str, suggestions: list[str]):
        self.name, self.suggestions = name, suggestions
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"unknown donor {name!r}{hint}")


@dataclass
class DonorReach:
    donor: str
    totals: dict
    by_province: pd.DataFrame
    by_commune: pd.DataFrame
    by_sector: pd.DataFrame
    priority_share: pd.DataFrame
    projects: pd.DataFrame
    sample: bool


def list_donors(frames: Frames) -> pd.DataFrame:
    projects = frames.projects
    if projects.empty:
        return pd.DataFrame(columns=["donor", "project_count", "funding_vnd", "funding_usd", "sample"])
    out = projects.groupby("donor").agg(project_count=("project_id", "nunique"),
                                        funding_vnd=("budget_vnd", "sum"),
                                        sample=("sample", lambda x: bool((x.astype(float) == 1).any())))
    out["funding_usd"] = (out["funding_vnd"] / frames.usd_rate).round(0)
    return out.reset_index().sort_values("funding_vnd", ascending=False).reset_index(drop=True)


def resolve_donor(frames: Frames, name: str) -> str:
    """The donor's name as stored, matched case- and diacritics-insensitively."""
    donors = frames.projects["donor"].dropna().unique().tolist()
    for donor in donors:
        if fold(donor) == fold(name):
            return donor
    close = process.extract(fold(name), {d: fold(d) for d in donors}, scorer=fuzz.WRatio, limit=3)
    raise UnknownDonor(name, [match[2] for match in close if match[1] >= 60])


def donor_reach(frames: Frames, donor: str, filters: Filters = Filters()) -> DonorReach:
    name = resolve_donor(frames, donor)
    allocations = allocate(frames)
    projects = active_projects(frames, Filters(sectors=filters.sectors, year=filters.year,
                                               start=filters.start, end=filters.end))
    mine = projects[donor_matches(projects["donor"], (name,))]
    communes = frames.communes.set_index("code")
    alloc = allocations.merge(projects[["project_id", "donor", "sector"]], on="project_id")
    alloc["province_code"] = alloc["commune_code"].map(communes["province_code"])
    if filters.provinces:
        alloc = alloc[alloc["province_code"].isin(filters.provinces)]
    own = alloc[alloc["project_id"].isin(mine["project_id"])]
    rate = frames.usd_rate

    def money(frame, keys):
        out = frame.groupby(keys, as_index=False)["amount_vnd"].sum().rename(columns={"amount_vnd": "funding_vnd"})
        out["funding_usd"] = (out["funding_vnd"] / rate).round(0)
        return out.sort_values("funding_vnd", ascending=False).reset_index(drop=True)

    by_province = money(own, ["province_code"])
    by_province["province"] = by_province["province_code"].map(
        communes.drop_duplicates("province_code").set_index("province_code")["province_name"])
    by_commune = money(own, ["commune_code", "scope"])
    by_commune["commune_name"] = by_commune["commune_code"].map(communes["name"])
    by_commune["district"] = by_commune["commune_code"].map(communes["district_name"])
    by_sector = money(own, ["sector"])
    provinces = set(own["province_code"])
    everyone = alloc[alloc["province_code"].isin(provinces)]
    classes = commune_classes(frames)
    labels = frames.schemes.set_index("scheme")["label"] if not frames.schemes.empty else pd.Series(dtype=str)
    rows = []
    for scheme, listed in classes.groupby("scheme"):
        codes = set(listed.loc[pd.to_numeric(listed["value_num"], errors="coerce").fillna(1) > 0,
                               "commune_code"])
        rows.append({"scheme": scheme, "label": labels.get(scheme, scheme),
                     "donor_share": _share(own, codes), "province_average": _share(everyone, codes)})
    total = int(own["amount_vnd"].sum())
    return DonorReach(
        donor=name,
        totals={"projects": int(mine["project_id"].nunique()), "funding_vnd": total,
                "funding_usd": round(total / rate), "communes": int(own["commune_code"].nunique()),
                "provinces": len(provinces)},
        by_province=by_province, by_commune=by_commune, by_sector=by_sector,
        priority_share=pd.DataFrame(rows, columns=["scheme", "label", "donor_share", "province_average"]),
        projects=mine.reset_index(drop=True),
        sample=bool((mine["sample"].astype(float) == 1).any()),
    )


def _share(alloc: pd.DataFrame, codes: set) -> float:
    total = alloc["amount_vnd"].sum()
    if total == 0:
        return 0.0
    return round(100.0 * alloc.loc[alloc["commune_code"].isin(codes), "amount_vnd"].sum() / total, 1)
