"""The reform of 1 July 2025: crosswalk legacy → 2025 communes, derived 2025 polygons.

Since 1 July 2025 Vietnam has 34 provinces, no districts and 3,321 communes
(xã, phường, đặc khu), formed by merging — and sometimes dividing — the
~10,000 legacy communes. Official 2025 polygons are often not at hand, while
classification lists and project records still name legacy communes. This
module gives geoaid what it needs to work on both maps:

* :func:`read_units_2025` — the 3,321 new units (GSO code, name, type,
  province, published area and centre) from vietnamadminunits' ``admin_units``;
* :func:`load_crosswalk` / :func:`read_crosswalk` — which legacy commune
  becomes which new one, from vietnamadminunits' ``converter_2025.json``;
* :func:`derive_2025_communes` — 2025 polygons dissolved from legacy polygons
  along the crosswalk, with every uncertain shape marked and reported;
* :func:`write_reform` — store layer, crosswalk and report in a transaction
  (used by ``geoaid reform build`` and the demo build).

Key scheme of the package (read from its own converter code,
``vietnamadminunits/converter/converter_2025.py``): a legacy commune is
``"<provinceKey>_<districtKey>_<wardKey>"`` with the keys of table
``admin_units_legacy`` (e.g. ``tinhcamau_thanhphocamau_phuong2``); a new
commune is ``(new provinceKey, wardKey)`` of table ``admin_units``. Most keys
are ASCII, but about 60 keep their diacritics to stay unique
(``xãcẩmgiàng`` vs ``xãcẩmgiang``); keys are compared after NFC composition,
never folded, because folding would merge exactly those pairs. Five legacy
island districts have no communes (empty ward key, no commune code: Bạch Long
Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo); they become special zones (đặc khu)
that no legacy commune polygon can form — they are reported, not guessed.

Divided legacy communes. About 470 legacy communes were divided among two to
five new communes. The package lists, for each, the new communes with their
published areas and marks one as the default. Without the new boundaries
such a commune's polygon cannot be split exactly, so:

* geometry: the whole old polygon goes to the default new commune, so derived
  polygons never overlap; every new commune that receives or loses part of a
  divided old commune is marked ``shape_uncertain``;
* numbers (project money): ``weight`` shares the old commune among its new
  communes in proportion to the new communes' published total areas. This is
  an APPROXIMATION — the area of each new commune as a whole, not of the part
  it took from the old commune — stated wherever it is used.
"""

from __future__ import annotations

import json
import sqlite3
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from boundaries.load import repair
from boundaries.registry import CONVERTER_2025, VIETNAMADMINUNITS
from geoaid.store import schema

REFORM_VERSION = "2025"
CROSSWALK_COLUMNS = ["old_code", "new_code", "new_province_code", "divided", "is_default", "weight"]
UNRESOLVED_COLUMNS = ["table", "new_province_key", "new_ward_key", "old_key", "new_code", "reason"]
REPORT_COLUMNS = ["status", "new_code", "new_name", "old_code", "old_name", "detail"]
EXTRA_COLUMNS = ["shape_uncertain", "old_codes", "area_km2_published"]
# Overlaps of derived polygons (inherited from overlapping legacy polygons) are
# removed whatever their size; those of at least this area (m²) get a report
# row each, smaller slivers one summary row.
OVERLAP_REPORT_M2 = 1000.0


def _key(text) -> str:
    """A package key as compared here: NFC, nothing else (see module doc)."""
    return unicodedata.normalize("NFC", str(text)) if text is not None else ""


# -- reading the package ------------------------------------------------------
@lru_cache(maxsize=1)
def _converter() -> dict:
    with open(CONVERTER_2025.path(), encoding="utf-8") as handle:
        return json.load(handle)


def _query(sql: str) -> pd.DataFrame:
    uri = f"file:{VIETNAMADMINUNITS.path()}?mode=ro"
    with sqlite3.connect(uri, uri=True) as conn:
        return pd.read_sql_query(sql, conn)


@lru_cache(maxsize=1)
def _legacy_table() -> pd.DataFrame:
    table = _query("SELECT provinceKey, districtKey, wardKey, wardCode, ward, provinceCode "
                   "FROM admin_units_legacy")
    table["full_key"] = [f"{_key(p)}_{_key(d)}_{'' if pd.isna(w) else _key(w)}"
                         for p, d, w in zip(table["provinceKey"], table["districtKey"], table["wardKey"])]
    return table


@lru_cache(maxsize=1)
def _units_table() -> pd.DataFrame:
    table = _query("SELECT provinceKey, wardKey, wardCode, ward, wardType, provinceCode, province, "
                   "wardAreaKm2, wardLat, wardLon FROM admin_units")
    table["province_key"] = table["provinceKey"].map(_key)
    table["ward_key"] = table["wardKey"].map(_key)
    return table


def read_units_2025(province_codes: Iterable[str] | None = None) -> pd.DataFrame:
    """The communes of 1 July 2025 as published in vietnamadminunits ``admin_units``.

    Columns: code, name, unit_type ("Xã" | "Phường" | "Đặc khu"), province_code,
    province_name, area_km2 (the published area, not computed), lat, lon.
    """
    table = _units_table()
    out = pd.DataFrame({
        "code": table["wardCode"].astype(str),
        "name": table["ward"].map(lambda s: unicodedata.normalize("NFC", s)),
        "unit_type": table["wardType"].map(lambda s: unicodedata.normalize("NFC", s)),
        "province_code": table["provinceCode"].astype(str),
        "province_name": table["province"].map(lambda s: unicodedata.normalize("NFC", s)),
        "area_km2": pd.to_numeric(table["wardAreaKm2"], errors="coerce"),
        "lat": pd.to_numeric(table["wardLat"], errors="coerce"),
        "lon": pd.to_numeric(table["wardLon"], errors="coerce"),
    })
    if province_codes is not None:
        out = out[out["province_code"].isin(list(province_codes))]
    return out.sort_values("code").reset_index(drop=True)


def official_counts_2025() -> dict[str, int]:
    """New province code → number of communes in the official 2025 list."""
    return read_units_2025().groupby("province_code").size().astype(int).to_dict()


def province_crosswalk() -> pd.DataFrame:
    """Legacy province code → 2025 province code (``DICT_PROVINCE``), e.g. 95 → 96."""
    legacy = _legacy_table().drop_duplicates("provinceKey")
    legacy_code = dict(zip(legacy["provinceKey"].map(_key), legacy["provinceCode"].astype(str)))
    units = _units_table().drop_duplicates("province_key")
    new_code = dict(zip(units["province_key"], units["provinceCode"].astype(str)))
    rows = [{"old_province_code": legacy_code[_key(old)], "new_province_code": new_code[_key(new)]}
            for new, olds in _converter()["DICT_PROVINCE"].items() for old in olds]
    return pd.DataFrame(rows).sort_values("old_province_code").reset_index(drop=True)


# -- the crosswalk ------------------------------------------------------------
@dataclass
class CrosswalkResult:
    table: pd.DataFrame        # CROSSWALK_COLUMNS, one row per (old commune, new commune)
    unresolved: pd.DataFrame   # UNRESOLVED_COLUMNS: package entries that name no legacy commune


@lru_cache(maxsize=1)
def _full_crosswalk() -> CrosswalkResult:
    data = _converter()
    legacy_code = {k: c for k, c in zip(_legacy_table()["full_key"], _legacy_table()["wardCode"])
                   if c is not None and not pd.isna(c)}
    legacy_keys = set(_legacy_table()["full_key"])
    units = _units_table()
    new_code = dict(zip(zip(units["province_key"], units["ward_key"]), units["wardCode"].astype(str)))
    province_code = dict(zip(units["province_key"], units["provinceCode"].astype(str)))
    rows, unresolved = [], []

    def problem(table, pkey, wkey, old, code, reason):
        unresolved.append({"table": table, "new_province_key": pkey, "new_ward_key": wkey,
                           "old_key": old, "new_code": code, "reason": reason})

    def resolve(table, pkey, wkey, old_key) -> tuple[str | None, str | None]:
        code = new_code.get((_key(pkey), _key(wkey)))
        old = legacy_code.get(_key(old_key))
        if code is None:
            problem(table, pkey, wkey, old_key, None, "new commune key not in admin_units")
        elif old is None:
            reason = ("legacy key has no commune code (an island district without communes); "
                      "no legacy polygon can form this unit" if _key(old_key) in legacy_keys
                      else "legacy key not in admin_units_legacy")
            problem(table, pkey, wkey, old_key, code, reason)
        return old, code

    for pkey, wards in data["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for wkey, olds in wards.items():
            for old_key in olds:
                old, code = resolve("DICT_PROVINCE_WARD_NO_DIVIDED", pkey, wkey, old_key)
                if old and code:
                    rows.append((old, code, province_code[_key(pkey)], False, True, 1.0))
    for pkey, divided in data["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, targets in divided.items():
            resolved = []
            for target in targets:
                old, code = resolve("DICT_PROVINCE_WARD_DIVIDED", pkey, target["newWardKey"], old_key)
                if old and code:
                    resolved.append((old, code, bool(target["isDefaultNewWard"]),
                                     float(target.get("newWardAreaKm2") or 0.0)))
            if not resolved:
                continue
            if sum(is_default for _, _, is_default, _ in resolved) != 1:
                problem("DICT_PROVINCE_WARD_DIVIDED", pkey, "", old_key, None,
                        "divided commune without exactly one default new commune; "
                        "the largest new commune is used as default")
                largest = max(range(len(resolved)), key=lambda i: (resolved[i][3], resolved[i][1]))
                resolved = [(o, c, i == largest, a) for i, (o, c, _, a) in enumerate(resolved)]
            areas = np.array([a for *_, a in resolved])
            # Published areas of the new communes, normalised (see module doc: approximation).
            weights = areas / areas.sum() if areas.sum() > 0 else np.full(len(areas), 1 / len(areas))
            for (old, code, is_default, _), weight in zip(resolved, weights):
                rows.append((old, code, province_code[_key(pkey)], True, is_default, float(weight)))
    table = pd.DataFrame(rows, columns=CROSSWALK_COLUMNS)
    duplicated = table.duplicated(["old_code", "new_code"], keep=False)
    if duplicated.any():  # not in 1.0.4; guard against a future package version
        raise ValueError(f"converter_2025.json lists {int(duplicated.sum())} (old, new) pairs twice")
    table = table.sort_values(["old_code", "new_code"]).reset_index(drop=True)
    return CrosswalkResult(table, pd.DataFrame(unresolved, columns=UNRESOLVED_COLUMNS))


def load_crosswalk(legacy_codes: Iterable[str] | None = None) -> CrosswalkResult:
    """The crosswalk (restricted to ``legacy_codes`` if given) and the unresolved entries.

    Unresolved entries are kept when they concern a new province that the
    given legacy communes reach, so a caller sees every gap that matters to it.
    """
    full = _full_crosswalk()
    table, unresolved = full.table.copy(), full.unresolved.copy()
    if legacy_codes is not None:
        wanted = {str(c) for c in legacy_codes}
        table = table[table["old_code"].isin(wanted)].reset_index(drop=True)
        provinces = set(table["new_province_code"])
        keys = _units_table().drop_duplicates("province_key")
        key_code = dict(zip(keys["province_key"], keys["provinceCode"].astype(str)))
        unresolved = unresolved[unresolved["new_province_key"].map(_key).map(key_code).isin(provinces)]
    return CrosswalkResult(table, unresolved.reset_index(drop=True))


def read_crosswalk(legacy_codes: Iterable[str] | None = None) -> pd.DataFrame:
    """Crosswalk rows: old_code, new_code, new_province_code, divided, is_default, weight.

    ``weight`` is 1 for an old commune that went whole into one new commune;
    for a divided one, the share assigned to each of its new communes (the new
    communes' published areas normalised — an approximation). Weights of one
    old commune add up to 1.
    """
    return load_crosswalk(legacy_codes).table


# -- the derived layer --------------------------------------------------------
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
    * ``not_in_crosswalk`` — a legacy code the converter does not know.
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


def province_counts(layer: gpd.GeoDataFrame, crosswalk: pd.DataFrame) -> pd.DataFrame:
    """Per new province, the numbers to check a 2025 layer against:

    * ``derived`` — communes in ``layer``;
    * ``formed_by_crosswalk`` — distinct 2025 communes that the legacy communes
      in ``crosswalk`` (the workspace's) go into;
    * ``official`` — communes in the official 2025 list (``admin_units``);
    * ``underivable`` — official units no legacy commune forms (special zones
      made of island districts without communes, e.g. Bạch Long Vĩ);
    * ``complete`` — every legacy commune of every legacy province of that new
      province is in ``crosswalk``: only then must derived == official − underivable.
    """
    units = read_units_2025()
    official = units.groupby("province_code").size()
    names = units.drop_duplicates("province_code").set_index("province_code")["province_name"]
    formable = set(_full_crosswalk().table["new_code"])
    underivable = units[~units["code"].isin(formable)].groupby("province_code").size()
    present = set(crosswalk["old_code"])
    olds = province_crosswalk()
    legacy_provinces = _legacy_table()[["wardCode", "provinceCode"]].dropna()
    legacy_by_province = legacy_provinces.groupby("provinceCode")["wardCode"].agg(set)
    rows = []
    for code in sorted(set(crosswalk["new_province_code"])):
        members = olds.loc[olds["new_province_code"] == code, "old_province_code"]
        complete = all(legacy_by_province.get(p, set()) <= present for p in members)
        rows.append({"new_province_code": code, "new_province_name": names.get(code, ""),
                     "derived": int((layer["province_code"] == code).sum()),
                     "formed_by_crosswalk": int(crosswalk.loc[crosswalk["new_province_code"] == code,
                                                              "new_code"].nunique()),
                     "official": int(official.get(code, 0)),
                     "underivable": int(underivable.get(code, 0)),
                     "legacy_provinces": ",".join(sorted(members)), "complete": complete})
    return pd.DataFrame(rows)


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
