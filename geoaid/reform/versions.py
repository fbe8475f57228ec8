"""The workspace's two boundary versions: legacy (2019) communes and the communes of 1 July 2025.

:func:`frames_for_version` gives the analysis (priority, coverage, gaps,
overlaps, donors) a :class:`~geoaid.analysis.frames.Frames` on the 2025
communes, carried along the stored crosswalk by the rules of
``geoaid.reform.carry``, so it runs unchanged on either version;
:func:`describe_version` says which boundaries a map or export shows;
:func:`old_to_new` / :func:`new_to_old` are the lineage of one commune.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from geoaid.analysis.allocation import allocate
from geoaid.analysis.frames import Frames
from geoaid.reform.carry import allocations_to_2025, classifications_to_2025, describe_rule, expand_to_communes
from geoaid.reform.crosswalk import CROSSWALK_COLUMNS, unmapped_codes
from geoaid.store import schema
from geoaid.text.catalog import text

VERSIONS = ("2019", "2025")


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
                           metadata=metadata, flows=frames.flows, iati=frames.iati,
                           iati_locations=frames.iati_locations, audit=frames.audit, version="2025",
                           beneficiaries=frames.beneficiaries,
                           allocations=allocations, rule=rule,
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
