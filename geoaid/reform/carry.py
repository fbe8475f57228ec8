"""Carry classifications and project money from legacy communes to 2025 communes.

Pure functions on DataFrames plus :func:`frames_for_version`, which gives the
analysis (priority, coverage, gaps, overlaps, donors) a :class:`Frames` on the
2025 communes so it runs unchanged on either boundary version.

The crosswalk (table ``crosswalk_2025``, built by ``geoaid reform build``
from vietnamadminunits' ``converter_2025.json``; see boundaries/reform.py)
has one row per (old commune, new commune) with ``weight`` = the share of the
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
  mean of the legacy communes' values — an approximation (population is not
  in the workspace), stated as such.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from geoaid.store import schema
from geoaid.analysis.frames import Frames
from geoaid.text.catalog import text

VERSIONS = ("2019", "2025")
RULES = ("any", "majority_area")
CROSSWALK_COLUMNS = ["old_code", "new_code", "new_province_code", "divided", "is_default", "weight"]
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


def unmapped_codes(codes, crosswalk: pd.DataFrame) -> list[str]:
    """Legacy codes the crosswalk does not know (sorted, unique)."""
    known = set(crosswalk["old_code"].astype(str))
    return sorted({str(c) for c in codes} - known)


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


# -- lookups for commune pages -------------------------------------------------
def old_to_new(code: str, crosswalk: pd.DataFrame, communes_2025: pd.DataFrame | None = None) -> pd.DataFrame:
    """The 2025 communes a legacy commune went into: new_code, name, weight, divided,
    is_default (first row: where its polygon went), in_layer (whether the 2025 layer has a polygon for it)."""
    rows = crosswalk[crosswalk["old_code"] == str(code)]
    named = _with_names(rows.rename(columns={"new_code": "code"}), communes_2025)
    named = named.drop(columns="district_name").rename(columns={"code": "new_code"})
    return named.sort_values(["is_default", "weight"], ascending=False).reset_index(drop=True)


def new_to_old(code: str, crosswalk: pd.DataFrame, communes: pd.DataFrame | None = None) -> pd.DataFrame:
    """The legacy communes a 2025 commune was formed from: old_code, name,
    district_name, weight (share of that old commune), divided, is_default, in_layer."""
    rows = crosswalk[crosswalk["new_code"] == str(code)]
    return _with_names(rows.rename(columns={"old_code": "code"}), communes) \
        .rename(columns={"code": "old_code"}).sort_values("old_code").reset_index(drop=True)


def _with_names(rows: pd.DataFrame, layer: pd.DataFrame | None) -> pd.DataFrame:
    keep = ["code", "weight", "divided", "is_default"]
    rows = rows[keep].copy()
    info = (layer.assign(code=layer["code"].astype(str)).set_index("code")
            if layer is not None and len(layer) else pd.DataFrame(columns=["name", "district_name"]))
    rows["name"] = rows["code"].map(info["name"]) if "name" in info else np.nan
    rows["district_name"] = rows["code"].map(info["district_name"]) if "district_name" in info else np.nan
    rows["in_layer"] = rows["code"].isin(info.index)
    return rows[["code", "name", "district_name", "weight", "divided", "is_default", "in_layer"]]


# -- the workspace -----------------------------------------------------------------
def read_stored_crosswalk(workspace) -> pd.DataFrame:
    """The workspace's crosswalk table with proper types (empty if never built)."""
    table = workspace.read(schema.CROSSWALK)
    if table.empty or "old_code" not in table.columns:
        return pd.DataFrame(columns=CROSSWALK_COLUMNS)
    out = pd.DataFrame({
        "old_code": table["old_code"].astype(str), "new_code": table["new_code"].astype(str),
        "new_province_code": table["new_province_code"].astype(str),
        "divided": table["divided"].astype(bool), "is_default": table["is_default"].astype(bool),
        "weight": table["weight"].astype(float)})
    return out


def available_versions(workspace) -> list[str]:
    """Boundary versions the workspace can show (2025 once ``geoaid reform build`` ran)."""
    versions = ["2019"]
    if schema.COMMUNES_2025 in workspace.layers() and schema.CROSSWALK in workspace.layers():
        versions.append("2025")
    return versions


@dataclass
class VersionedFrames(Frames):
    """Frames on one boundary version, with what the switch needs to explain itself."""

    version: str = "2019"
    allocations: pd.DataFrame | None = None   # exact allocations on this version's codes
    rule: str = ""                            # reform_class_rule used for the classifications
    rule_text: str = ""
    crosswalk: pd.DataFrame | None = None
    legacy_communes: gpd.GeoDataFrame | None = None
    notes: list[str] = field(default_factory=list)  # what could not be carried, in words


def frames_for_version(frames: Frames, workspace, version: str = "2019") -> Frames:
    """``frames`` (as read by ``load_frames``, on legacy communes) on ``version``.

    For "2025": communes from layer ``communes_2025``; classifications moved by
    the workspace's ``reform_class_rule``; project money allocated on the legacy
    communes (``geoaid.analysis.allocation.allocate``, the workspace's allocation rule)
    and moved exactly; project locations rewritten as commune locations on
    2025 codes whose shares reproduce those allocations. The result's
    ``allocations`` holds the exact moved allocations (pass them to
    ``coverage(..., allocations=...)``; see its scope note in the report).
    Raises ValueError when the workspace has no 2025 layer or crosswalk.
    """
    from geoaid.analysis.allocation import allocate

    if version not in VERSIONS:
        raise ValueError(f"unknown boundary version {version!r}; use one of {', '.join(VERSIONS)}")
    current = getattr(frames, "version", "2019")
    if version == current:
        return frames
    if current != "2019":
        raise ValueError("frames_for_version starts from legacy (2019) frames, as load_frames reads them")
    communes = workspace.read(schema.COMMUNES_2025)
    crosswalk = read_stored_crosswalk(workspace)
    if communes.empty or crosswalk.empty:
        raise ValueError("this workspace has no 2025 boundaries yet: run `geoaid reform build` "
                         "(or import a 2025 boundary file and then run it)")
    communes["code"] = communes["code"].astype(str)
    if "shape_uncertain" in communes.columns:
        communes["shape_uncertain"] = communes["shape_uncertain"].fillna(False).astype(bool)
    legacy = frames.communes
    notes = []
    stale = unmapped_codes(legacy["code"], crosswalk)
    if stale:
        notes.append(f"{len(stale)} legacy commune(s) are not in the stored crosswalk (the legacy layer "
                     f"changed since `geoaid reform build`?): {', '.join(stale[:10])}")
    rule = frames.settings.get("reform_class_rule", "any")

    classes = expand_to_communes(frames.classifications, legacy)
    classes = classes[classes["commune_code"].isin(legacy["code"].astype(str))]
    dropped = unmapped_codes(classes["commune_code"], crosswalk)
    if dropped:
        notes.append(f"classifications of {len(dropped)} legacy commune(s) not in the crosswalk were not "
                     f"carried: {', '.join(dropped[:10])}")
        classes = classes[~classes["commune_code"].isin(dropped)]
    kinds = dict(zip(frames.schemes["scheme"], frames.schemes["kind"])) if len(frames.schemes) else {}
    areas = pd.Series(legacy["area_km2"].to_numpy(), index=legacy["code"].astype(str))
    moved_classes = classifications_to_2025(
        classes.rename(columns={"commune_code": "unit_code"}).assign(level="commune"),
        crosswalk, rule=rule, areas=areas, kinds=kinds)

    legacy_alloc = allocate(frames)
    lost = legacy_alloc[legacy_alloc["commune_code"].isin(dropped + stale)]
    if len(lost):
        notes.append(f"{int(lost['amount_vnd'].sum()):,} VND of {lost['project_id'].nunique()} project(s) "
                     "allocated to legacy communes not in the crosswalk could not be carried")
    allocations = allocations_to_2025(legacy_alloc.drop(lost.index), crosswalk)
    outside = allocations[~allocations["commune_code"].isin(communes["code"])]
    if len(outside):
        notes.append(f"{int(outside['amount_vnd'].sum()):,} VND goes to {outside['commune_code'].nunique()} "
                     "2025 commune(s) without a polygon in the 2025 layer: "
                     f"{', '.join(sorted(outside['commune_code'].unique())[:10])}")
    locations = _locations_from(allocations, frames.projects)
    metadata = dict(frames.metadata, boundary_version="2025", reform_class_rule=rule,
                    reform_class_rule_text=describe_rule(rule))
    return VersionedFrames(communes=communes, schemes=frames.schemes, classifications=moved_classes,
                           projects=frames.projects, locations=locations, settings=frames.settings,
                           metadata=metadata, version="2025", allocations=allocations, rule=rule,
                           rule_text=describe_rule(rule), crosswalk=crosswalk, legacy_communes=legacy,
                           notes=notes)


OUTSIDE_UNIT = "legacy-outside"  # matches no commune code: the budget part not on the legacy map either


def _locations_from(allocations: pd.DataFrame, projects: pd.DataFrame) -> pd.DataFrame:
    """Project locations on 2025 codes whose stated shares reproduce ``allocations``.

    Districts no longer exist, so an area-wide legacy location (a district or
    a province) becomes the 2025 communes its money reached. The share is the
    exact amount over the budget (not the rounded-off float share), so that
    ``allocate`` on these locations gives back the same whole-VND amounts.
    The part of a budget that was not allocated on the legacy map (locations
    outside the workspace) becomes one location ``OUTSIDE_UNIT`` that matches
    no commune, so it stays unallocated instead of inflating the others.
    """
    if allocations.empty:
        return pd.DataFrame(columns=schema.PROJECT_LOCATION_COLUMNS)
    by_commune = allocations.groupby(["project_id", "commune_code"], as_index=False).agg(
        share=("share", "sum"), amount=("amount_vnd", "sum"),
        scopes=("scope", lambda s: "+".join(sorted(set(s)))))
    budgets = pd.to_numeric(projects.drop_duplicates("project_id").set_index("project_id")["budget_vnd"],
                            errors="coerce").fillna(0)
    budget = by_commune["project_id"].map(budgets).astype(float)
    share = np.where(budget > 0, by_commune["amount"] / budget.where(budget > 0, 1.0), by_commune["share"])
    rows = pd.DataFrame({
        "project_id": by_commune["project_id"], "level": "commune",
        "unit_code": by_commune["commune_code"], "share_pct": share * 100.0,
        "lon": np.nan, "lat": np.nan,
        "location_text": "2025 commune " + by_commune["commune_code"] + " (carried from legacy "
                         + by_commune["scopes"] + " allocation)"})
    rest = 1.0 - pd.Series(share, index=by_commune.index).groupby(by_commune["project_id"]).sum()
    rest = rest[rest > 1e-12]
    outside = pd.DataFrame({"project_id": rest.index, "level": "commune", "unit_code": OUTSIDE_UNIT,
                            "share_pct": rest.to_numpy() * 100.0, "lon": np.nan, "lat": np.nan,
                            "location_text": "part of the budget outside the workspace's legacy communes"})
    return pd.concat([rows, outside], ignore_index=True)[schema.PROJECT_LOCATION_COLUMNS]


def describe_version(frames: Frames, lang: str = "en") -> str:
    """One line for map legends and export headers: which boundaries, how made, which rule."""
    version = getattr(frames, "version", "2019")
    if version == "2019":
        return text("reform.version.2019", lang)
    communes = frames.communes
    derived = communes["match_method"].astype(str).str.startswith("derived")
    uncertain = int(communes["shape_uncertain"].sum()) if "shape_uncertain" in communes.columns else 0
    how = text("reform.version.derived" if derived.any() else "reform.version.imported", lang)
    line = text("reform.version.2025", lang, how=how)
    if uncertain:
        line += text("reform.version.uncertain", lang, uncertain=uncertain, total=len(communes))
    rule = getattr(frames, "rule", "") or frames.settings.get("reform_class_rule", "any")
    return f"{line}. {describe_rule(rule, lang)}"
