"""GSO commune codes: kept from the file, or attached by province/district/commune names.

The name join is the staged join of the demo build (geoaid.imports.namejoin);
every non-exact or failed match is reported. The GSO list also fills the
district and province of a unit known only by its commune code.
"""

from __future__ import annotations

import re
from functools import lru_cache

import geopandas as gpd
import pandas as pd

from boundaries.load import read_codes
from boundaries.registry import VIETNAMADMINUNITS
from geoaid.imports.boundaries.fields import FIELD_CANDIDATES
from geoaid.imports.namejoin import join, province_lookup
from geoaid.imports.problems import ImportReport
from geoaid.store import schema
from geoaid.text.names import name_key

CODE_MODES = ("auto", "file", "names")
GSO_CODE = re.compile(r"^\d{5}$")


def gso(provinces=None) -> pd.DataFrame:
    """The GSO legacy code table (vietnamadminunits), read once per process."""
    table = gso_table()
    return (table if provinces is None else table[table["province_code"].isin(list(provinces))]).copy()


@lru_cache(maxsize=1)
def gso_table() -> pd.DataFrame:
    return read_codes()


def code_mode(out, fields, requested: str, version: str, report: ImportReport) -> str | None:
    """Decide whether codes come from the file or from the GSO list by name."""
    codes = out["code"].dropna()
    gso_like = len(codes) > 0 and codes.map(lambda c: bool(GSO_CODE.match(c))).all()
    can_join = version == "2019" and (out["province_name"].notna().any() or out["province_code"].notna().any())
    if requested == "file":
        if "code" not in fields:
            report.add(None, None, None, f"no commune code field recognised (looked for "
                       f"{', '.join(FIELD_CANDIDATES['code'])}); name it with --code-field, or "
                       "use --codes names")
            return None
        return "file"
    if requested == "auto" and gso_like:
        return "file"
    if not can_join:
        if version == "2025" and "code" in fields:
            return "file"  # no 2025 code list to join names with: keep the file's codes
        why = ("GSO codes by name need the legacy (2019) structure" if version != "2019"
               else "GSO codes by name need a province field (name or code); give --province-field")
        report.add(None, "code", None, ("the file has no 5-digit GSO commune codes" if "code" in fields
                                        else "the file has no commune code field") + f"; {why}")
        return None
    if requested == "auto":
        example = codes.iloc[0] if len(codes) else None
        report.add(None, fields.get("code"), example,
                   ("the file's codes are not 5-digit GSO commune codes" if "code" in fields
                    else "the file has no commune codes")
                   + "; GSO codes were attached by province, district and commune names",
                   severity="warning")
    return "names"


def codes_by_name(out: gpd.GeoDataFrame, report: ImportReport) -> None:
    """Attach GSO codes by names.

    First a strict pass: same province, same district (when given), same
    unit type (when known) and same name key — one candidate only. What is
    left goes through the staged join of the demo build (aliases, spelling
    variants, fuzzy with a centroid check, moved units), whose non-exact
    answers are reported as warnings to check.
    """
    table = gso()
    cited = f"{VIETNAMADMINUNITS.package} {VIETNAMADMINUNITS.version}"
    province_names = table.drop_duplicates("province_code").set_index("province_code")["province_name"]
    lookup = province_lookup(table)
    province = out["province_code"].where(out["province_code"].isin(province_names.index),
                                          out["province_name"].map(lambda n: None if pd.isna(n) else lookup(n)))
    out["code"] = pd.Series([None] * len(out), index=out.index, dtype=object)
    usable = out["name"].notna() & out.geometry.notna() & ~out.geometry.is_empty

    by_name: dict[tuple, list[tuple[str, str, str]]] = {}
    for code, name, province_code, district_key, unit_type in zip(
            table["code"], table["name"], table["province_code"], table["district_key"], table["unit_type"]):
        by_name.setdefault((province_code, name_key(name)), []).append((code, district_key, unit_type))
    leftover = []
    for idx in out.index[usable]:
        candidates = by_name.get((province.at[idx], name_key(out.at[idx, "name"])), [])
        district = out.at[idx, "district_name"]
        if district is not None and not pd.isna(district):  # another district: the join reports it
            candidates = [c for c in candidates if c[1] == name_key(district)]
        unit_type = out.at[idx, "unit_type"]
        if len(candidates) > 1 and unit_type is not None and not pd.isna(unit_type):
            candidates = [c for c in candidates if c[2] == unit_type]
        if len(candidates) == 1:
            out.at[idx, "code"] = candidates[0][0]
            out.at[idx, "code_source"] = f"GSO list by name (exact): {cited}"
        else:
            leftover.append(idx)
    if not leftover:
        return
    polys = gpd.GeoDataFrame({
        "src_province": province.loc[leftover].map(province_names).fillna(
            out.loc[leftover, "province_name"]).fillna(""),
        "src_district": out.loc[leftover, "district_name"].fillna(""),
        "src_name": out.loc[leftover, "name"],
    }, geometry=out.geometry.loc[leftover].values, index=leftover, crs=schema.CRS)
    result = join(polys, gso()).polygons
    for idx, row in result.iterrows():
        n = int(out.at[idx, "source_row"])
        where = ", ".join(str(v) for v in (row["src_name"], row["src_district"], row["src_province"]) if v)
        if row["code"] is None or pd.isna(row["code"]):
            reason = ("province not found in the GSO list" if pd.isna(row["province_code"])
                      else "no GSO commune with this name in the district or province")
            report.add(n, "name", where, reason + "; fix the name or give codes (--code-field)")
            continue
        out.at[idx, "code"] = row["code"]
        out.at[idx, "code_source"] = f"GSO list by name ({row['method']}): {cited}"
        if row["method"] != "exact" or row["detail"]:
            detail = f"; {row['detail']}" if row["detail"] else ""
            report.add(n, "name", where, f"GSO code {row['code']} attached by {row['method']} name "
                                         f"match{detail}; please check", severity="warning")


def fill_from_gso(out: gpd.GeoDataFrame, version: str, report: ImportReport) -> None:
    """Fill missing district/province codes and names, and unit types, from the GSO list.

    A 5-digit GSO commune code identifies its district and province, so a
    file that only carries commune codes still groups correctly by province;
    a province given only by name gets its code the same way the demo build does.
    """
    if version != "2019":
        return
    codes = gso().set_index("code")
    known = out["code"].isin(codes.index)
    for column in ("district_code", "province_code", "district_name", "province_name", "unit_type"):
        missing = out[column].isna() & known
        out.loc[missing, column] = out.loc[missing, "code"].map(codes[column])
    for column in ("province_code", "district_code"):
        official = out["code"].map(codes[column])
        clash = known & out[column].notna() & (out[column] != official)
        for n, code, given, listed in zip(out.loc[clash, "source_row"], out.loc[clash, "code"],
                                          out.loc[clash, column], official[clash]):
            report.add(int(n), column, given, f"the GSO list puts commune {code} in "
                       f"{column.split('_')[0]} {listed}, not {given}; check the code", severity="warning")
    # "Cà Mau" in the file, "Thành phố Cà Mau" in the GSO list: same unit, show the full name.
    for column in ("district_name", "province_name"):
        official = out["code"].map(codes[column])
        same = known & out[column].notna() & (out[column].map(_key) == official.map(_key))
        out.loc[same, column] = official[same]
    by_name = out["province_code"].isna() & out["province_name"].notna()
    if by_name.any():
        lookup = province_lookup(codes.reset_index())
        out.loc[by_name, "province_code"] = out.loc[by_name, "province_name"].map(lookup)


def _key(name) -> str | None:
    return None if name is None or pd.isna(name) else name_key(name)
