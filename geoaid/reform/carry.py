"""Carry classifications and project money from legacy communes to 2025 communes.

Pure functions on DataFrames (``geoaid.reform.versions`` applies them to a
workspace). The crosswalk (table ``crosswalk_2025``, built by ``geoaid reform
build`` from vietnamadminunits' ``converter_2025.json``; see
``geoaid.reform.crosswalk``) has one row per (old commune, new commune) with ``weight`` = the share of the
old commune that went to the new one: 1 for an old commune that went whole,
and for an old commune divided among several new ones the new communes'
published areas normalised — an approximation, since the package does not
say how much of the old commune each new one took.

Rules (printed by :func:`describe_rule` on every map and export that uses them):

* Money is conserved exactly: each legacy allocation row's integer VND is
  split over its new communes by weight with the largest-remainder method,
  so every project's total is the same on both versions, to the đồng.
* Flag and category lists (region III, ĐBKK, poor district…) follow the
  ``reform_class_rule`` setting: ``any`` — a 2025 commune is listed when any of
  its legacy communes (or part of a divided one) was; ``majority_area`` — when
  the listed legacy communes cover more than half of its area. Either way the
  ``share`` column gives the listed share of the area (0–1). District-level
  lists (poor districts) are first expanded to the district's communes.
* Region I, II and III (Decision 861) are levels of ONE classification, so a
  2025 commune gets one level, never several: under ``any`` the highest level
  any of its legacy communes had; under ``majority_area`` the highest level
  that more than half of its area reaches (that level or higher). ``share`` is
  the share of the area at that level or higher.
* Counts (Program 135 hamlets) are summed; hamlets cannot be split, so a
  divided commune's count goes to its default new commune.
* Percentages (ethnic-minority share of population) become the area-weighted
  mean of the legacy communes' values — an approximation, stated as such.
* Population (census 2019) is summed, a divided commune's people split by
  weight in whole persons: ``geoaid.reform.population``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geoaid.reform.crosswalk import unmapped_codes
from geoaid.store import schema
from geoaid.text.catalog import text

RULES = ("any", "majority_area")
ALLOCATION_COLUMNS = ["project_id", "commune_code", "scope", "share", "amount_vnd"]
CLASS_COLUMNS_2025 = schema.CLASSIFICATION_COLUMNS + ["share", "old_codes"]
# Schemes that are levels of one classification, lowest first (a commune has at most one).
ORDERED_LEVELS = (("region_i", "region_ii", "region_iii"),)


def describe_rule(rule: str, lang: str = "en") -> str:
    """The classification rule in words, for map legends, subtitles and exports."""
    _check_rule(rule)
    return text("reform.rule", lang, rule=rule, text=text(f"reform.rule.{rule}", lang),
                tail=text("reform.rule.tail", lang))


def _check_rule(rule: str) -> None:
    if rule not in RULES:
        raise ValueError(f"unknown reform_class_rule {rule!r}; use one of {', '.join(RULES)}")


# -- money --------------------------------------------------------------------
def allocations_to_2025(allocations: pd.DataFrame, crosswalk: pd.DataFrame) -> pd.DataFrame:
    """Move allocation rows (``geoaid.analysis.allocation.allocate``) to 2025 commune codes.

    Each row's ``amount_vnd`` is split over the row's new communes by crosswalk
    weight in whole VND (largest remainder, ties to the lower new code), so
    every row — hence every project — keeps its exact total. ``share`` is
    multiplied by the weight. Other columns (e.g. ``allocation_rule``) are
    carried along. Raises ValueError naming any legacy code the crosswalk does
    not know (nothing is dropped silently).
    """
    columns = list(allocations.columns) if len(allocations.columns) else ALLOCATION_COLUMNS
    if allocations.empty:
        return pd.DataFrame(columns=columns)
    missing = unmapped_codes(allocations["commune_code"], crosswalk)
    if missing:
        raise ValueError(f"{len(missing)} legacy commune code(s) not in the crosswalk: "
                         f"{', '.join(missing[:20])}")
    rows = allocations.reset_index(drop=True).assign(row=lambda f: np.arange(len(f)))
    rows["commune_code"] = rows["commune_code"].astype(str)
    parts = rows.merge(crosswalk[["old_code", "new_code", "weight"]], left_on="commune_code",
                       right_on="old_code", how="inner")
    amount = parts["amount_vnd"].astype("int64").to_numpy()
    exact = amount * parts["weight"].to_numpy(dtype=float)
    floor = np.floor(exact).astype("int64")
    parts["floor"] = floor
    parts["remainder"] = exact - floor
    missing_vnd = parts.groupby("row")["amount_vnd"].transform("first").astype("int64") \
        - parts.groupby("row")["floor"].transform("sum")
    order = parts.sort_values(["row", "remainder", "new_code"], ascending=[True, False, True])
    rank = order.groupby("row").cumcount().reindex(parts.index)
    parts["amount_vnd"] = floor + (rank.to_numpy() < missing_vnd.to_numpy()).astype("int64")
    parts["share"] = parts["share"].astype(float) * parts["weight"]
    extra = {c: (c, "first") for c in columns if c not in ALLOCATION_COLUMNS}
    out = parts.groupby(["project_id", "new_code", "scope"], as_index=False).agg(
        share=("share", "sum"), amount_vnd=("amount_vnd", "sum"), **extra)
    out = out.rename(columns={"new_code": "commune_code"})
    out["amount_vnd"] = out["amount_vnd"].astype("int64")
    return out.sort_values(["project_id", "commune_code", "scope"]).reset_index(drop=True)[columns]


# -- classifications ----------------------------------------------------------
def expand_to_communes(classifications: pd.DataFrame, communes: pd.DataFrame | None) -> pd.DataFrame:
    """Classification rows per legacy commune: district-level rows list every commune
    of the district in ``communes`` (as geoaid.analysis.priority does). Columns:
    commune_code, scheme, value, value_num, sample."""
    keep = ["commune_code", "scheme", "value", "value_num", "sample"]
    if classifications.empty:
        return pd.DataFrame(columns=keep)
    direct = classifications[classifications["level"] != "district"].rename(columns={"unit_code": "commune_code"})
    wide = classifications[classifications["level"] == "district"]
    if len(wide) and communes is None:
        raise ValueError("district-level classifications need the legacy communes to expand them")
    parts = [direct[keep]]
    if len(wide):
        expanded = wide.merge(communes[["code", "district_code"]].astype(str), left_on="unit_code",
                              right_on="district_code").rename(columns={"code": "commune_code"})
        parts.append(expanded[keep])
    out = pd.concat(parts, ignore_index=True)
    out["commune_code"] = out["commune_code"].astype(str)
    return out


def classifications_to_2025(classifications: pd.DataFrame, crosswalk: pd.DataFrame, rule: str = "any",
                            areas: pd.Series | None = None, communes: pd.DataFrame | None = None,
                            kinds: dict[str, str] | None = None,
                            ordered_levels=ORDERED_LEVELS) -> pd.DataFrame:
    """Classification rows on 2025 commune codes (columns ``CLASS_COLUMNS_2025``).

    ``classifications`` are rows of the ``classifications`` table (commune- or
    district-level; district rows need ``communes``, the legacy layer).
    ``areas`` maps legacy code → km² (default: ``communes["area_km2"]``); the
    ``majority_area`` rule needs it for every legacy commune of a new commune
    it decides. ``kinds`` maps scheme → flag | category | count | share
    (``schemes`` table); a scheme not named there is treated as a flag.
    ``ordered_levels`` lists groups of flag schemes that are levels of one
    classification, lowest first (default: region I < II < III).
    The output has ``level`` "commune", ``share`` (0–1, listed share of the new
    commune's legacy area; NaN without areas) and ``old_codes`` (the legacy
    communes carrying the class). See the module doc for the rules.
    """
    _check_rule(rule)
    classes = expand_to_communes(classifications, communes)
    if classes.empty:
        return pd.DataFrame(columns=CLASS_COLUMNS_2025)
    missing = unmapped_codes(classes["commune_code"], crosswalk)
    if missing:
        raise ValueError(f"{len(missing)} classified legacy code(s) not in the crosswalk: "
                         f"{', '.join(missing[:20])}")
    if areas is None and communes is not None and "area_km2" in communes.columns:
        areas = communes.assign(code=communes["code"].astype(str)).set_index("code")["area_km2"]
    cw = crosswalk[["old_code", "new_code", "weight", "is_default"]].copy()
    cw["part_area"] = cw["old_code"].map(areas).astype(float) * cw["weight"] if areas is not None else np.nan
    # Denominator: the new commune's legacy area known here (parts of divided communes by weight).
    total = cw.groupby("new_code")["part_area"].sum(min_count=1)
    parts = classes.merge(cw, left_on="commune_code", right_on="old_code")
    parts["value_num"] = pd.to_numeric(parts["value_num"], errors="coerce")
    parts["sample"] = pd.to_numeric(parts["sample"], errors="coerce").fillna(0)
    kind = parts["scheme"].map(lambda scheme: (kinds or {}).get(scheme, "flag"))
    rank = {scheme: (n, i) for n, group in enumerate(ordered_levels) for i, scheme in enumerate(group)}
    leveled = parts["scheme"].isin(rank)
    if rule == "majority_area":
        _require_areas(parts["new_code"], cw)
    out = [_listed(parts[kind.isin(["flag", "category"]) & ~leveled], total, rule),
           _levels(parts[leveled], total, rule, rank),
           _counts(parts[kind == "count"], total),
           _percentages(parts[kind == "share"], total)]
    out = pd.concat([o for o in out if len(o)], ignore_index=True) if any(len(o) for o in out) \
        else pd.DataFrame(columns=CLASS_COLUMNS_2025)
    out["level"] = "commune"
    return out.sort_values(["scheme", "unit_code"]).reset_index(drop=True)[CLASS_COLUMNS_2025]


def _grouped(parts: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return parts.groupby(keys, as_index=False).agg(
        class_area=("part_area", lambda s: s.sum(min_count=1)), sample=("sample", "max"),
        value_num=("value_num", "first"),
        old_codes=("old_code", lambda s: ";".join(sorted(set(s)))))


def _require_areas(new_codes: pd.Series, cw: pd.DataFrame) -> None:
    unknown = cw.loc[cw["new_code"].isin(set(new_codes)) & cw["part_area"].isna(), "old_code"]
    if len(unknown):
        raise ValueError("the majority_area rule needs the area of every legacy commune of the 2025 "
                         f"communes it decides; missing for {', '.join(sorted(set(unknown))[:20])}")


def _listed(parts: pd.DataFrame, total: pd.Series, rule: str) -> pd.DataFrame:
    if parts.empty:
        return parts
    groups = _grouped(parts.assign(value=parts["value"].astype(str)), ["scheme", "new_code", "value"])
    groups["share"] = groups["class_area"] / groups["new_code"].map(total)
    if rule == "majority_area":
        groups = groups[groups["share"] > 0.5]
    # One value per (scheme, new commune): for a category list, the value with the largest share.
    groups = groups.sort_values(["scheme", "new_code", "share", "value"], ascending=[True, True, False, True],
                                na_position="last").drop_duplicates(["scheme", "new_code"])
    return groups.rename(columns={"new_code": "unit_code"}).assign(share=lambda g: g["share"].round(4))


def _levels(parts: pd.DataFrame, total: pd.Series, rule: str, rank: dict) -> pd.DataFrame:
    """One level per (group, new commune): see ORDERED_LEVELS and the module doc."""
    if parts.empty:
        return parts
    parts = parts.assign(group=parts["scheme"].map(lambda s: rank[s][0]),
                         level=parts["scheme"].map(lambda s: rank[s][1]))
    chosen = []
    for (_, new), rows in parts.groupby(["group", "new_code"], sort=True):
        for level in sorted(rows["level"].unique(), reverse=True):
            reached = rows[rows["level"] >= level]
            area = reached["part_area"].sum(min_count=1)
            share = area / total.get(new, np.nan)
            if rule == "any" or share > 0.5:
                top = rows[rows["level"] == level]
                chosen.append({"scheme": top["scheme"].iloc[0], "unit_code": new, "value": "1",
                               "value_num": 1.0, "sample": reached["sample"].max(),
                               "share": round(float(share), 4),
                               "old_codes": ";".join(sorted(set(reached["old_code"])))})
                break
    return pd.DataFrame(chosen)


def _counts(parts: pd.DataFrame, total: pd.Series) -> pd.DataFrame:
    if parts.empty:
        return parts
    # Whole hamlets: a divided commune's count goes to its default new commune only.
    counted = parts[parts["is_default"].astype(bool)].groupby(["scheme", "new_code"])["value_num"].sum()
    groups = _grouped(parts, ["scheme", "new_code"])
    groups["value_num"] = [float(counted.get((s, n), 0.0)) for s, n in zip(groups["scheme"], groups["new_code"])]
    groups["value"] = groups["value_num"].map(lambda v: f"{v:g}")
    groups["share"] = (groups["class_area"] / groups["new_code"].map(total)).round(4)
    return groups[groups["value_num"] > 0].rename(columns={"new_code": "unit_code"})


def _percentages(parts: pd.DataFrame, total: pd.Series) -> pd.DataFrame:
    if parts.empty:
        return parts
    parts = parts[parts["value_num"].notna()].copy()
    # Area-weighted mean; without areas, weighted by crosswalk weight alone.
    basis = parts["part_area"].where(parts["part_area"].notna(), parts["weight"])
    parts["weighted"] = parts["value_num"] * basis
    parts["basis"] = basis
    sums = parts.groupby(["scheme", "new_code"])[["weighted", "basis"]].sum()
    groups = _grouped(parts, ["scheme", "new_code"])
    mean = sums["weighted"] / sums["basis"].where(sums["basis"] > 0)
    groups["value_num"] = [round(float(mean.get((s, n), np.nan)), 1)
                           for s, n in zip(groups["scheme"], groups["new_code"])]
    groups["value"] = groups["value_num"].map(lambda v: f"{v:.1f}")
    groups["share"] = (groups["class_area"] / groups["new_code"].map(total)).round(4)
    return groups.rename(columns={"new_code": "unit_code"})
