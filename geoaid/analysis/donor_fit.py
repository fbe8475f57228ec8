"""Which donors fit an open need, and why: a deterministic score out of 100, with its reasons in words.

For a need (open or partly met: :func:`geoaid.analysis.needs.open_needs`) and a donor
with projects in the workspace, five parts add up:

* **sector** (up to 35): 35 × the share of the donor's money (``budget_vnd``) in the
  need's sector. A donor with nothing in that sector scores 0 here.
* **place** (up to 25): 25 when the donor already has money in the need's communes
  (for a district-wide need, any commune of the district); else 20 when it has money
  elsewhere in the need's district; else 12 when in a commune bordering one of the
  need's communes (:func:`geoaid.analysis.neighbours.neighbours`).
* **size** (up to 20): 20 × (1 − |log10(cost / median)| / log10(3)), where median is the
  donor's median project budget: full when its typical project costs what the need
  costs, nothing when the cost is a third of it or less, or three times it or more.
* **zones** (up to 10): 10 when the need lies in the ethnic-minority or the coastal
  zone (:func:`geoaid.analysis.priority.zones`) and the donor has funded communes of
  that zone.
* **ending** (up to 10): 10 when a project of the donor in the need's district ends
  between ``today`` and 12 months later (its end date says so): the team and the
  relationship are there and about to be free.

Only donors that fund the sector or already work in or around the place (a sector or
place part above 0) are listed; ties go to the donor name in alphabetical order, so the
same workspace and ``today`` always give the same list. Reasons are catalog keys with
their values (:func:`reason_words` writes them in Vietnamese or English).

Example::

    status = need_status(frames, load_needs(workspace))
    fits = donor_fits(frames, open_needs(status), today=date(2025, 3, 1))
    fits[fits["need_id"] == "need-6ceb93ade607"][["donor", "score", "reasons"]]
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd

from geoaid.analysis.allocation import allocate
from geoaid.analysis.donor_names import donor_keys
from geoaid.analysis.frames import Frames
from geoaid.analysis.neighbours import neighbours
from geoaid.analysis.priority import indicators, zones
from geoaid.analysis.sectors import BY_KEY
from geoaid.text.catalog import text
from geoaid.text.names import nfc

WEIGHTS = {"sector": 35, "here": 25, "district": 20, "neighbours": 12, "size": 20, "zones": 10, "ending": 10}
ENDING_DAYS = 365
SIZE_FACTOR = 3
_FIRST = {"fit.sector", "fit.here", "fit.district", "fit.neighbours"}      # what makes a donor a candidate
REASON_KEYS = ("fit.sector", "fit.here", "fit.district", "fit.neighbours", "fit.size", "fit.ethnic", "fit.coastal",
               "fit.ending")
COLUMNS = ["need_id", "donor", "score", "reasons"]


def donor_fits(frames: Frames, needs: pd.DataFrame, today: date | None = None) -> pd.DataFrame:
    """One row per (need, fitting donor) of :data:`COLUMNS`, best first within each need.

    ``needs`` is a :func:`geoaid.analysis.needs.need_status` table; ``reasons`` is a list
    of (catalog key, values) pairs.
    """
    today = today or date.today()
    projects = frames.projects[frames.projects["donor"].notna()]
    if needs.empty or projects.empty:
        return pd.DataFrame(columns=COLUMNS)
    # spelling variants of one donor ("UNICEF", "unicef", NFD) are one donor, as in geoaid.analysis.donors
    projects = projects.assign(budget_vnd=pd.to_numeric(projects["budget_vnd"], errors="coerce").fillna(0),
                               key=donor_keys(projects["donor"]))
    allocations = allocate(frames).merge(projects[["project_id", "key"]], on="project_id")
    allocations = allocations[allocations["amount_vnd"] > 0]
    district_of = frames.communes.set_index("code")["district_code"]
    allocations["district_code"] = allocations["commune_code"].map(district_of)
    ethnic, coastal = zones(indicators(frames))
    ends = pd.to_datetime(projects["end_date"], errors="coerce", format="mixed")
    by_key = dict(tuple(allocations.groupby("key")))
    donors = [(nfc(own["donor"].iloc[0]), own, by_key.get(key, allocations.iloc[0:0]), ends[own.index])
              for key, own in projects.groupby("key", sort=True)]
    rows = []
    for need in needs.to_dict("records"):
        near = _bordering(frames, need["communes"])
        found = []
        for donor, own, where, own_ends in donors:
            parts = _parts(need, own, where, near, ethnic, coastal, own_ends, today)
            score = round(sum(points for points, _ in parts), 1)
            if any(points > 0 for points, (reason, _values) in parts if reason in _FIRST):
                found.append({"need_id": need["need_id"], "donor": donor, "score": score,
                              "reasons": [reason for points, reason in parts if points > 0]})
        rows += sorted(found, key=lambda row: (-row["score"], row["donor"]))
    return pd.DataFrame(rows, columns=COLUMNS)


def _parts(need, own, where, near, ethnic, coastal, ends, today):
    """(points, (catalog key, values)) for each part of the score."""
    parts = []
    total = own["budget_vnd"].sum()
    in_sector = own.loc[own["sector"] == need["sector"], "budget_vnd"].sum()
    share = in_sector / total if total > 0 else 0.0
    parts.append((WEIGHTS["sector"] * share, ("fit.sector", {"sector": need["sector"], "share": round(100 * share)})))
    codes = set(need["communes"])
    funded = set(where["commune_code"])
    if funded & codes:
        parts.append((WEIGHTS["here"], ("fit.here", {"place": need["place_name"]})))
    elif need["district_code"] and (where["district_code"] == need["district_code"]).any():
        count = where.loc[where["district_code"] == need["district_code"], "commune_code"].nunique()
        parts.append((WEIGHTS["district"], ("fit.district", {"communes": count})))
    elif funded & set(near):
        names = sorted({near[code] for code in funded & set(near)})
        parts.append((WEIGHTS["neighbours"], ("fit.neighbours", {"names": ", ".join(names)})))
    median = float(own["budget_vnd"].median())
    cost = need["cost_vnd"]
    if median > 0 and cost and not pd.isna(cost) and cost > 0:
        closeness = 1 - abs(math.log10(float(cost) / median)) / math.log10(SIZE_FACTOR)
        if closeness > 0:
            parts.append((WEIGHTS["size"] * closeness, ("fit.size", {"median": int(median)})))
    for zone, key in ((ethnic, "fit.ethnic"), (coastal, "fit.coastal")):
        if codes & zone and funded & zone:
            parts.append((WEIGHTS["zones"], (key, {"communes": len(funded & zone)})))
            break
    soon = own[(ends >= pd.Timestamp(today)) & (ends <= pd.Timestamp(today) + pd.Timedelta(days=ENDING_DAYS))]
    there = set(where.loc[where["district_code"] == need["district_code"], "project_id"]) if need["district_code"] \
        else set(where.loc[where["commune_code"].isin(codes), "project_id"])
    ending = soon[soon["project_id"].isin(there)].sort_values(["end_date", "project_id"])
    if not ending.empty:
        first = ending.iloc[0]
        parts.append((WEIGHTS["ending"], ("fit.ending", {"title": first["title"], "end": first["end_date"]})))
    return parts


def _bordering(frames: Frames, codes: list[str]) -> dict[str, str]:
    """Communes bordering the need's communes (not the need's own): code → name."""
    found = {}
    for code in codes:
        try:
            touching = neighbours(frames.communes, code)
        except KeyError:
            continue
        found.update(zip(touching["code"], touching["name"]))
    return {code: name for code, name in found.items() if code not in codes}


def reason_words(reason: tuple[str, dict], lang: str) -> str:
    """One reason in words.

    >>> reason_words(("fit.sector", {"sector": "health", "share": 40}), "en")
    'funds Health: 40% of their money'
    """
    key, values = reason
    values = dict(values)
    if "sector" in values:
        values["sector"] = BY_KEY[values["sector"]].label(lang)
    if "median" in values:
        values["median"] = money(values["median"], lang)
    if "end" in values:
        values["end"] = pd.Timestamp(values["end"]).strftime("%d/%m/%Y")
    return text(key, lang, **values)


def money(vnd, lang: str) -> str:
    """Whole VND as planners write them: "1.500.000.000 đ" (vi), "1,500,000,000 VND" (en)."""
    figure = f"{int(vnd):,}"
    return f"{figure.replace(',', '.')} đ" if lang == "vi" else f"{figure} VND"
