"""Attach GSO codes to named polygons, and say what could not be attached.

The polygons follow the GSO list of 1 January 2019; the code table is of
early 2025, after some communes merged or were renamed. Names are compared
with :mod:`geoaid.text.names`, in stages from strict to loose, inside the
polygon's own district first:

1. ``exact``    – same name key (diacritics, NFC/NFD, type word, "02"/"2").
2. ``alias``    – the polygon's name is listed in the code's ``wardAlias``
                  (a unit renamed, or merged into the coded unit).
3. ``variant``  – same key after folding spelling variants (x/s, y/i, tr/ch),
                  or listed among the code's ``wardKeywords``.
4. ``fuzzy``    – rapidfuzz similarity ≥ ``FUZZY_MIN`` with a clear margin over
                  the runner-up, and the code's published centroid lies within
                  ``FUZZY_MAX_KM`` of the polygon: a name guess must agree with
                  the map before it is accepted.
5. ``moved``    – exact name found in another district of the same province.

When several polygons end up on one code because the unit absorbed others
(alias match beside an own match), they are dissolved and reported as
``merged``. Anything else is reported, never silently dropped or guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
from rapidfuzz import fuzz, process

from geoaid.text.names import fold, name_key, variant_key

# Provinces renamed after the polygons were drawn (key in the source → key in the code table).
# Thừa Thiên Huế became the centrally-run city of Huế on 1 January 2025.
PROVINCE_RENAMES = {"thuathienhue": "hue"}

FUZZY_MIN = 85.0
FUZZY_MARGIN = 5.0
FUZZY_MAX_KM = 5.0
_METRIC = "EPSG:3405"  # VN-2000 / UTM 48N: distances in metres over Vietnam


@dataclass
class JoinResult:
    polygons: gpd.GeoDataFrame   # input polygons + code, method, detail (code None if unmatched)
    report: pd.DataFrame         # one row per noteworthy decision or problem


def _keys(values) -> set[str]:
    """Keys a code-table alias/keyword list can be compared on."""
    out = set()
    for value in values:
        out.add(value)
        for prefix in ("thitran", "phuong", "xa"):
            if value.startswith(prefix) and len(value) > len(prefix) and not value[len(prefix):].isdigit():
                out.add(value[len(prefix):])
    return out


def province_lookup(codes: pd.DataFrame):
    """A function: source province name → GSO province code (or None).

    Matches by name key, the table's province keywords, and known renames;
    a fuzzy match is the last resort. Answers are memoised per name.
    """
    by_key = dict(zip(codes["province_key"], codes["province_code"]))
    for code, keywords in zip(codes["province_code"], codes["province_keywords"]):
        for keyword in keywords:
            by_key.setdefault(keyword, code)
    memo: dict[str, str | None] = {}

    def lookup(name: str) -> str | None:
        if name not in memo:
            key = name_key(name)
            key = PROVINCE_RENAMES.get(key, key)
            if key in by_key:
                memo[name] = by_key[key]
            else:
                best = process.extractOne(key, list(by_key), scorer=fuzz.ratio)
                memo[name] = by_key[best[0]] if best and best[1] >= FUZZY_MIN else None
        return memo[name]

    return lookup


def match_provinces(polys: gpd.GeoDataFrame, codes: pd.DataFrame) -> dict[str, str]:
    """Source province name → GSO province code."""
    lookup = province_lookup(codes)
    return {name: lookup(name) for name in polys["src_province"].unique()}


def _district_codes(district: str, codes: pd.DataFrame) -> list[str]:
    key = name_key(district)
    hits = codes.loc[codes["district_key"] == key, "district_code"].unique().tolist()
    if not hits:
        hits = [dc for dc, aliases in codes.groupby("district_code")["district_alias"].first().items()
                if key in _keys(aliases)]
    if not hits:
        variant = variant_key(key)
        hits = codes.loc[codes["district_key"].map(variant_key) == variant, "district_code"].unique().tolist()
    return hits


def _candidates_for(key: str, candidates: pd.DataFrame) -> list[tuple[str, str]]:
    """(code, method) pairs whose names agree with ``key``, strictest stage first."""
    exact = candidates.index[candidates["short_key"] == key].tolist()
    if exact:
        return [(c, "exact") for c in exact]
    alias = [c for c, a in candidates["alias"].items() if key in _keys(a)]
    if alias:
        return [(c, "alias") for c in alias]
    variant = variant_key(key)
    hits = [c for c, row in candidates.iterrows()
            if variant_key(row["short_key"]) == variant or key in _keys(row["keywords"])]
    return [(c, "variant") for c in hits]


def join(polys: gpd.GeoDataFrame, codes: pd.DataFrame) -> JoinResult:
    """Give each polygon a code (or a reason why not)."""
    polys = polys.copy()
    codes = codes.set_index("code", drop=False)
    province_of = match_provinces(polys, codes)
    polys["province_code"] = polys["src_province"].map(province_of)
    polys["code"] = None
    polys["method"] = None
    polys["detail"] = ""
    report: list[dict] = []

    def note(poly, status, code=None, detail=""):
        report.append({
            "province_code": poly["province_code"], "province_name": poly["src_province"],
            "district_name": poly["src_district"], "source_name": poly["src_name"],
            "status": status, "code": code,
            "code_name": codes.at[code, "name"] if code is not None else None,
            "detail": detail,
        })

    metric = polys.to_crs(_METRIC).geometry
    centroids = gpd.GeoSeries(gpd.points_from_xy(codes["lon"], codes["lat"]), index=codes.index,
                              crs="EPSG:4326").to_crs(_METRIC)

    for province_code, in_province in polys.groupby("province_code", dropna=False):
        if pd.isna(province_code):
            for _, poly in in_province.iterrows():
                note(poly, "unmatched_province", detail="province name not in the code table")
            continue
        prov_codes = codes[codes["province_code"] == province_code]
        keys_here = {name_key(n) for n in in_province["src_name"]}
        named = set(prov_codes.index[prov_codes["short_key"].isin(keys_here)])
        for idx, poly in in_province.iterrows():
            key = name_key(poly["src_name"])
            districts = _district_codes(poly["src_district"], prov_codes)
            local = prov_codes[prov_codes["district_code"].isin(districts)]
            found = _candidates_for(key, local)
            if not found:
                # A name guess may only take a code no polygon has by its exact name.
                found = _fuzzy(key, local[~local.index.isin(named)], metric.loc[idx], centroids)
            if not found and key:
                moved = _candidates_for(key, prov_codes)
                found = [(c, "moved") for c, m in moved if m == "exact"]
            if len(found) > 1:
                # Same name twice in one district: the published centroid decides.
                distances = {c: metric.loc[idx].distance(centroids.loc[c]) for c, _ in found}
                best = min(distances, key=distances.get)
                found = [(best, dict(found)[best])]
                polys.at[idx, "detail"] = f"name shared by {len(distances)} units; nearest centroid chosen"
            if found:
                code, method = found[0]
                polys.at[idx, "code"] = code
                polys.at[idx, "method"] = method if not isinstance(method, tuple) else "fuzzy"
                if isinstance(method, tuple):
                    polys.at[idx, "detail"] = f"fuzzy score {method[1]:.0f}, centroid {method[2]:.1f} km away"
            else:
                note(poly, "unmatched", detail="no code with this name in the district or province")

    _resolve_shared_codes(polys, note)
    for _, poly in polys[polys["method"].isin(["alias", "variant", "fuzzy", "moved"])].iterrows():
        note(poly, poly["method"], poly["code"], poly["detail"])
    matched = set(polys["code"].dropna())
    for code, row in codes[codes["province_code"].isin(polys["province_code"].dropna())].iterrows():
        if code not in matched:
            report.append({
                "province_code": row["province_code"], "province_name": row["province_short"],
                "district_name": row["district_short"], "source_name": None,
                "status": "code_without_polygon", "code": code, "code_name": row["name"],
                "detail": "no source polygon carries this unit's name or aliases",
            })
    return JoinResult(polys, pd.DataFrame(report, columns=[
        "province_code", "province_name", "district_name", "source_name",
        "status", "code", "code_name", "detail"]))


def _fuzzy(key, local, geom, centroids):
    if not key or local.empty:
        return []
    choices = dict(zip(local.index, local["short_key"]))
    ranked = process.extract(key, choices, scorer=fuzz.ratio, limit=2)
    if not ranked or ranked[0][1] < FUZZY_MIN:
        return []
    if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < FUZZY_MARGIN:
        return []
    code = ranked[0][2]
    km = geom.distance(centroids.loc[code]) / 1000
    if km > FUZZY_MAX_KM:
        return []
    return [(code, ("fuzzy", ranked[0][1], km))]


def _resolve_shared_codes(polys: gpd.GeoDataFrame, note) -> None:
    """Decide what it means when several polygons got the same code.

    A unit that absorbed others keeps its own polygon (exact match) and gains
    the absorbed ones (alias match): that is a merger, dissolved later.
    Polygons that claim a code only by looser matches cannot be told apart
    by name: they are dissolved too, and reported as a conflict for the user
    to check.
    """
    shared = polys[polys["code"].notna() & polys.duplicated("code", keep=False)]
    for code, group in shared.groupby("code"):
        methods = set(group["method"])
        names = ", ".join(f"{fold(n)!s}" for n in group["src_name"])
        if "exact" in methods or "alias" in methods:
            for idx in group.index:
                polys.at[idx, "detail"] = (polys.at[idx, "detail"] + f"; merged polygons: {names}").strip("; ")
            note(group.iloc[0], "merged", code,
                 f"{len(group)} source polygons ({', '.join(group['src_name'])}) form this unit; dissolved")
        else:
            note(group.iloc[0], "conflict", code,
                 f"{len(group)} polygons claim this code by {'/'.join(sorted(methods))} match; dissolved, please check")
