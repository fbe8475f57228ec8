"""Compare a workspace's classification lists with the counts published for each decision.

``boundaries/data/province_level_facts.csv`` holds counts per decision and
province (e.g. Hà Giang: 133 region-III communes under Decision 861/QĐ-TTg,
7 poor districts under Decision 353/QĐ-TTg). :func:`compare_with_published`
counts the same thing in the workspace and says, per fact, whether they agree.
Only facts the workspace can answer are compared: a list it holds, a province
it covers (national counts only for a workspace of all 63 provinces). A
published value such as ``">=1 (names not found)"`` is a lower bound.
"""

from __future__ import annotations

import re

import pandas as pd

from geoaid.analysis.frames import sample_mask

# indicator of the facts file → (scheme, what is counted)
INDICATORS = {
    "region_III_communes": ("region_iii", "communes"),
    "region_II_communes": ("region_ii", "communes"),
    "region_I_communes": ("region_i", "communes"),
    "poor_districts": ("poor_district", "districts"),
    "poor_districts_total": ("poor_district", "districts"),
    "coastal_island_EDC_communes": ("dbkk_coastal", "communes"),
    "coastal_island_EDC_communes_total": ("dbkk_coastal", "communes"),
    "ATK_communes": ("atk_commune", "communes"),
    "extremely_difficult_hamlets_total": ("p135_hamlets", "hamlets"),
}
NATIONAL_PROVINCES = 63
COLUMNS = ["decision", "province_code", "province_name", "indicator", "scheme", "list", "published", "in_workspace",
           "status", "source", "confidence_note"]
_BOUND = re.compile(r"^\s*(>=|≥)?\s*(\d[\d,.]*)")


def published_value(raw: str) -> tuple[int | None, bool]:
    """(number, is_lower_bound) of a published value; (None, False) when it states no number.

    >>> published_value("133"), published_value(">=1 (names not found)"), published_value("NOT FOUND")
    ((133, False), (1, True), (None, False))
    """
    found = _BOUND.match(str(raw))
    if not found:
        return None, False
    return int(re.sub(r"[,.]", "", found.group(2))), bool(found.group(1))


def compare_with_published(facts: pd.DataFrame, schemes: pd.DataFrame, classifications: pd.DataFrame,
                           communes: pd.DataFrame) -> pd.DataFrame:
    """One row per published count the workspace can be checked against (``COLUMNS``).

    ``status``: ``same``; ``differs``; ``at least`` (a lower bound that holds).
    ``list`` says whether the workspace's list is official or SAMPLE.
    """
    provinces = set(communes["province_code"].astype(str))
    national = len(provinces) >= NATIONAL_PROVINCES
    held = set(schemes["scheme"].astype(str)) if len(schemes) else set()
    sample = dict(zip(schemes["scheme"].astype(str), sample_mask(schemes["sample"]))) if len(schemes) else {}
    rows = []
    for fact in facts.itertuples():
        scheme, _what = INDICATORS.get(fact.indicator, (None, None))
        number, lower_bound = published_value(fact.value)
        scope = [fact.province_code] if fact.scope == "province" else sorted(provinces)
        if scheme not in held or number is None or (fact.scope == "province" and fact.province_code not in provinces) \
                or (fact.scope == "national" and not national):
            continue
        counted = _count(scheme, classifications, communes, scope)
        status = "same" if counted == number else ("at least" if lower_bound and counted >= number else "differs")
        rows.append({"decision": fact.decision, "province_code": fact.province_code or "",
                     "province_name": fact.province_name, "indicator": fact.indicator, "scheme": scheme,
                     "list": "SAMPLE" if sample.get(scheme) else "official",
                     "published": str(fact.value), "in_workspace": counted, "status": status,
                     "source": fact.source_url_or_repo, "confidence_note": fact.confidence_note})
    return pd.DataFrame(rows, columns=COLUMNS)


def _count(scheme: str, classifications: pd.DataFrame, communes: pd.DataFrame, provinces: list[str]) -> int:
    here = communes[communes["province_code"].astype(str).isin(provinces)]
    rows = classifications[classifications["scheme"] == scheme]
    rows = rows[pd.to_numeric(rows["value_num"], errors="coerce").fillna(0) > 0]
    district = rows["level"] == "district"
    listed = rows[~district & rows["unit_code"].astype(str).isin(set(here["code"].astype(str)))]
    districts = rows[district & rows["unit_code"].astype(str).isin(set(here["district_code"].dropna().astype(str)))]
    if scheme == "p135_hamlets":
        return int(pd.to_numeric(listed["value_num"]).sum())
    return int(listed["unit_code"].nunique() + districts["unit_code"].nunique())
