"""2025 commune polygons derived from legacy ones, for workspaces without official 2025 boundaries.

Official 2025 polygons are often not at hand, while classification lists and
project records still name legacy communes. :func:`derive_2025_communes`
dissolves the legacy polygons along the crosswalk (``geoaid.reform.crosswalk``),
marking every uncertain shape and reporting every decision;
:func:`write_reform` stores the layer, the crosswalk and the report in one
transaction (used by ``geoaid reform build`` and the demo build).

A divided legacy commune's polygon cannot be split exactly without the new
boundaries, so the whole old polygon goes to the default new commune (derived
polygons never overlap), and every new commune that receives or loses part of
a divided old commune is marked ``shape_uncertain``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from boundaries.load import repair
from boundaries.registry import CONVERTER_2025, VIETNAMADMINUNITS
from geoaid.reform.crosswalk import load_crosswalk, province_counts, read_crosswalk, read_units_2025
from geoaid.reform.population import population_to_2025
from geoaid.store import schema

REFORM_VERSION = "2025"
REPORT_COLUMNS = ["status", "new_code", "new_name", "old_code", "old_name", "detail"]
# Overlaps of derived polygons (inherited from overlapping legacy polygons) are
# removed whatever their size; those of at least this area (m²) get a report
# row each, smaller slivers one summary row.
OVERLAP_REPORT_M2 = 1000.0


def derive_2025_communes(legacy_communes: gpd.GeoDataFrame, crosswalk: pd.DataFrame | None = None,
                         units: pd.DataFrame | None = None) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Dissolve legacy commune polygons into 2025 communes along the crosswalk.

    ``crosswalk`` must be the full crosswalk (default: :func:`read_crosswalk`),
    not one filtered to the workspace: it is how a new commune whose legacy
    communes are only partly in ``legacy_communes`` is recognised.

    Returns the layer (``schema.COMMUNE_COLUMNS`` + geometry, plus
    ``shape_uncertain``, ``old_codes`` and ``area_km2_published``) and a report
    (``REPORT_COLUMNS``) with one row per problem or decision:

    * ``divided`` — a legacy commune divided among several new communes (its
      polygon went to the default one; all of them are shape_uncertain);
    * ``partial`` — a new commune some of whose legacy communes are not in the
      layer (its polygon is only the part present; shape_uncertain);
    * ``no_geometry`` — a new commune reached only through parts of divided
      communes whose polygons went elsewhere: it is not in the layer;
    * ``overlap_resolved`` — two derived polygons shared area because the
      legacy polygons overlapped; the shared part stays with the lower code;
    * ``not_in_crosswalk`` — a legacy code the converter does not know;
    * ``population_not_carried`` — people of divided communes whose share goes to
      a new commune not in the layer.

    When the legacy layer has population columns, the layer gets them too,
    carried by ``geoaid.reform.population.population_to_2025``.
    """
    crosswalk = read_crosswalk() if crosswalk is None else crosswalk
    units = read_units_2025() if units is None else units
    unit = units.set_index("code")
    legacy = legacy_communes[legacy_communes.geometry.notna() & ~legacy_communes.geometry.is_empty]
    legacy = legacy.assign(code=legacy["code"].astype(str)).set_index("code")
    old_name = legacy["name"] if "name" in legacy.columns else pd.Series(dtype=str)
    report: list[dict] = []

    def note(status, new_code="", old_code="", detail=""):
        report.append({"status": status, "new_code": new_code,
                       "new_name": unit["name"].get(new_code, "") if new_code else "",
                       "old_code": old_code, "old_name": old_name.get(old_code, "") if old_code else "",
                       "detail": detail})

    for code in sorted(set(legacy.index) - set(crosswalk["old_code"])):
        note("not_in_crosswalk", old_code=code,
             detail="legacy code not in vietnamadminunits converter_2025.json; left out of the 2025 layer")
    rows = crosswalk[crosswalk["old_code"].isin(legacy.index)]
    reached = rows["new_code"].unique()
    all_sources = crosswalk[crosswalk["new_code"].isin(reached)]

    # Divided old communes: report each; every new commune that receives or loses
    # part of one (present in the layer or not) has an uncertain shape.
    uncertain = set(all_sources.loc[all_sources["divided"], "new_code"])
    for old, parts in rows[rows["divided"]].groupby("old_code", sort=True):
        parts = parts.sort_values("weight", ascending=False)
        default = parts.loc[parts["is_default"], "new_code"].iloc[0]
        listed = ", ".join(f"{c} {unit['name'].get(c, '')} (weight {w:.3f})"
                           for c, w in zip(parts["new_code"], parts["weight"]))
        note("divided", default, old,
             f"divided among {len(parts)} new communes: {listed}; its polygon was assigned whole to "
             f"the default {default} {unit['name'].get(default, '')}")

    # New communes whose legacy communes are not all in the layer.
    missing = all_sources[~all_sources["old_code"].isin(legacy.index)]
    for new, absent in missing.groupby("new_code", sort=True):
        whole = absent[~absent["divided"] | absent["is_default"]]
        if whole.empty:
            continue  # only lost parts of divided communes: already uncertain and reported
        uncertain.add(new)
        note("partial", new, detail=f"legacy communes not in the layer: {', '.join(sorted(whole['old_code']))}; "
                                    "the derived polygon covers only the part present")

    # Geometry: each old polygon goes to exactly one new commune.
    carriers = rows[~rows["divided"] | rows["is_default"]]
    parts = gpd.GeoDataFrame({"new_code": carriers["new_code"].to_numpy()},
                             geometry=legacy.geometry.reindex(carriers["old_code"]).to_numpy(),
                             crs=legacy_communes.crs).to_crs(schema.CRS)
    dissolved = parts.dissolve(by="new_code", as_index=False).sort_values("new_code")
    dissolved = dissolved.set_geometry(repair(dissolved.geometry).values).reset_index(drop=True)
    for new in sorted(set(reached) - set(dissolved["new_code"])):
        sources = rows[rows["new_code"] == new]
        note("no_geometry", new, detail="reached only through parts of divided communes "
                                        f"({', '.join(sorted(sources['old_code']))}) whose polygons went to "
                                        "their default new communes; not in the derived layer")
    dissolved, resolved = _resolve_overlaps(dissolved)
    slivers = [r for r in resolved if r[2] < OVERLAP_REPORT_M2]
    for low, high, area_m2 in resolved:
        if area_m2 < OVERLAP_REPORT_M2:
            continue
        uncertain.update((low, high))
        note("overlap_resolved", high, detail=f"the legacy polygons overlapped: {area_m2 / 1e6:.3f} km² shared "
                                              f"with {low} {unit['name'].get(low, '')} was kept by {low}")
    if slivers:
        note("overlap_resolved", detail=f"{len(slivers)} sliver(s) under {OVERLAP_REPORT_M2:g} m² shared by "
                                        "neighbouring polygons were kept by the lower code: "
                                        + ", ".join(f"{lo}/{hi}" for lo, hi, _ in slivers[:50]))

    codes = dissolved["new_code"]
    old_codes = all_sources[all_sources["old_code"].isin(legacy.index)].groupby("new_code")["old_code"] \
        .agg(lambda s: ";".join(sorted(s)))
    source = ""
    if "geometry_source" in legacy.columns and legacy["geometry_source"].notna().any():
        source = "; ".join(sorted(set(legacy["geometry_source"].dropna().astype(str))))
    flagged = codes.isin(uncertain)
    layer = gpd.GeoDataFrame({
        "code": codes.astype(str).to_numpy(),
        "name": codes.map(unit["name"]).to_numpy(),
        "unit_type": codes.map(unit["unit_type"]).to_numpy(),
        "district_code": None,
        "district_name": None,
        "province_code": codes.map(unit["province_code"]).to_numpy(),
        "province_name": codes.map(unit["province_name"]).to_numpy(),
        "area_km2": (dissolved.to_crs(schema.EQUAL_AREA_CRS).area.round(0) / 1e6).to_numpy(),
        "boundary_version": REFORM_VERSION,
        "geometry_source": f"derived: legacy polygons ({source or 'legacy communes layer'}) dissolved along "
                           f"vietnamadminunits {CONVERTER_2025.version} converter_2025.json",
        "code_source": f"vietnamadminunits {VIETNAMADMINUNITS.version} admin_units (1 July 2025)",
        "match_method": np.where(flagged, "derived_uncertain", "derived"),
        "shape_uncertain": flagged.to_numpy(),
        "old_codes": codes.map(old_codes).fillna("").to_numpy(),
        "area_km2_published": codes.map(unit["area_km2"]).to_numpy(),
    }, geometry=dissolved.geometry.values, crs=schema.CRS)
    if {"population_urban", "population_rural"} <= set(legacy.columns):
        people = population_to_2025(legacy.reset_index(), crosswalk).set_index("new_code")
        for column in [*schema.POPULATION_COLUMNS, "population_approximate"]:
            layer[column] = layer["code"].map(people[column]).to_numpy()
        lost = people[~people.index.isin(layer["code"])]
        if lost["population"].sum() > 0:
            note("population_not_carried", detail=f"{int(lost['population'].sum()):,} people of divided legacy "
                                                   "communes belong to 2025 communes not in the derived layer: "
                                                   + ", ".join(lost.index[:20]))
    report_frame = pd.DataFrame(report, columns=REPORT_COLUMNS)
    return layer, report_frame


def _resolve_overlaps(frame: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, list[tuple[str, str, float]]]:
    """Remove area shared by two derived polygons from the one with the higher code.

    The dissolve itself cannot create overlaps (every legacy polygon goes to
    one new commune); shared area means the legacy polygons overlapped (the
    GADM-derived demo polygons have three such slivers in the demo provinces).
    """
    # Projection can make a valid ring self-touch: repair before overlaying.
    projected = repair(frame.geometry.to_crs(schema.EQUAL_AREA_CRS))
    left, right = projected.sindex.query(projected, predicate="intersects")
    pairs = [(a, b) for a, b in zip(left, right) if a < b]
    geoms = list(frame.geometry)
    resolved = []
    for a, b in pairs:  # rows are sorted by code, so a is the lower code
        shared = projected.iloc[a].intersection(projected.iloc[b]).area
        if shared <= 0:
            continue
        geoms[b] = shapely.make_valid(geoms[b]).difference(shapely.make_valid(geoms[a]))
        resolved.append((frame["new_code"].iloc[a], frame["new_code"].iloc[b], float(shared)))
    if resolved:
        frame = frame.set_geometry(repair(gpd.GeoSeries(geoms, index=frame.index, crs=frame.crs)).values)
    return frame, resolved


# -- storing ------------------------------------------------------------------
@dataclass
class ReformBuild:
    crosswalk: pd.DataFrame       # restricted to the workspace's legacy communes
    unresolved: pd.DataFrame
    report: pd.DataFrame          # derivation report + unresolved package entries
    layer: gpd.GeoDataFrame | None  # None when an imported 2025 layer was kept
    counts: pd.DataFrame          # per new province: derived, official, complete
    metadata: dict[str, str]


def write_reform(tx, legacy_communes: gpd.GeoDataFrame, replace_imported: bool = False,
                 log=print, user: str = "geoaid reform build") -> ReformBuild:
    """Derive the 2025 layer from ``legacy_communes`` and write it, the crosswalk and
    the report into the transaction ``tx``.

    A 2025 layer that a user imported (``match_method == "imported"``) is kept
    unless ``replace_imported``: official polygons beat derived ones. The
    crosswalk and the report are written in either case.
    """
    result = load_crosswalk(legacy_communes["code"].astype(str))
    derived, report = derive_2025_communes(legacy_communes, read_crosswalk())
    unresolved = result.unresolved
    report = pd.concat([report, pd.DataFrame({
        "status": "unresolved_key", "new_code": unresolved["new_code"].fillna(""), "new_name": "",
        "old_code": "", "old_name": "",
        "detail": unresolved["table"] + ": " + unresolved["new_province_key"] + "/"
        + unresolved["new_ward_key"] + " ← " + unresolved["old_key"] + ": " + unresolved["reason"]})],
        ignore_index=True)
    existing = tx.read(schema.COMMUNES_2025)
    imported = len(existing) and (existing["match_method"].astype(str) == "imported").any()
    layer = derived
    if imported and not replace_imported:
        log(f"Keeping the imported 2025 layer ({len(existing)} communes); "
            "writing the crosswalk and the report only.")
        layer = None
        counted = existing
    else:
        log(f"Writing {len(derived)} derived 2025 communes…")
        tx.write(schema.COMMUNES_2025, derived)
        counted = derived
    tx.write(schema.CROSSWALK, result.table)
    tx.write(schema.REFORM_REPORT, report)
    counts = province_counts(counted, result.table)
    metadata = {
        "reform.crosswalk": f"{CONVERTER_2025.citation()}",
        "reform.units_2025": f"vietnamadminunits {VIETNAMADMINUNITS.version} admin_units",
        "reform.layer_2025": ("imported (kept)" if layer is None else
                              "derived from the legacy layer by dissolving along the crosswalk"),
        "reform.built_on": date.today().isoformat(),
        "reform.weights": "divided legacy communes: shares = published areas of the new communes, "
                          "normalised (approximation)",
        **{f"reform.count.{r.new_province_code}":
           f"{r.derived} derived, {r.formed_by_crosswalk} formed by the crosswalk from the legacy communes "
           f"present, {r.official} official of which {r.underivable} no legacy commune forms "
           f"({'all' if r.complete else 'not all'} legacy communes of provinces {r.legacy_provinces} present)"
           for r in counts.itertuples()},
    }
    tx.set_metadata(**metadata)
    tx.audit(user, "reform build", None,
             {"communes_2025": int(len(counted)), "crosswalk_rows": int(len(result.table)),
              "report_rows": int(len(report)), "kept_imported": layer is None})
    return ReformBuild(result.table, unresolved, report, layer, counts, metadata)
