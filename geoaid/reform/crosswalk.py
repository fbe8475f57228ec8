"""Which legacy commune became which 2025 commune: the crosswalk of the reform of 1 July 2025.

Since 1 July 2025 Vietnam has 34 provinces, no districts and 3,321 communes
(xã, phường, đặc khu), formed by merging — and sometimes dividing — the
~10,000 legacy communes. This module reads both lists and the crosswalk from
the vietnamadminunits package (through ``boundaries.registry``):

* :func:`read_units_2025` — the 3,321 new units (GSO code, name, type,
  province, published area and centre) from vietnamadminunits' ``admin_units``;
* :func:`load_crosswalk` / :func:`read_crosswalk` — which legacy commune
  becomes which new one, from vietnamadminunits' ``converter_2025.json``;
* :func:`province_counts` — per new province, how many communes a layer has
  against the official list.

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
published areas and marks one as the default. ``weight`` shares the old
commune among its new communes in proportion to the new communes' published
total areas. This is an APPROXIMATION — the area of each new commune as a
whole, not of the part it took from the old commune — stated wherever it is used.

>>> rows = read_crosswalk(["00007"])   # a legacy commune divided between two 2025 communes
>>> list(rows["new_code"]), float(rows["weight"].sum())
(['00008', '00025'], 1.0)
"""

from __future__ import annotations

import json
import sqlite3
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd

from boundaries.registry import CONVERTER_2025, VIETNAMADMINUNITS

CROSSWALK_COLUMNS = ["old_code", "new_code", "new_province_code", "divided", "is_default", "weight"]
UNRESOLVED_COLUMNS = ["table", "new_province_key", "new_ward_key", "old_key", "new_code", "reason"]


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


def unmapped_codes(codes, crosswalk: pd.DataFrame) -> list[str]:
    """Legacy codes the crosswalk does not know (sorted, unique)."""
    known = set(crosswalk["old_code"].astype(str))
    return sorted({str(c) for c in codes} - known)
