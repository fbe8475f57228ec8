"""Which field of a boundary file holds what, and the features in the workspace schema."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from geoaid.imports.problems import ImportReport
from geoaid.store import schema
from geoaid.text.names import nfc, split_unit_type, type_label

# Common field names, most specific first (compared case-insensitively).
FIELD_CANDIDATES = {
    "code": ["code", "ma_xa", "maxa", "ma_px", "ma_dvhc", "madvhc", "ward_code", "wardcode",
             "commune_code", "adm3_pcode", "gid_3", "ma"],
    "name": ["name", "ten_xa", "tenxa", "ten_px", "ten_dvhc", "tendvhc", "ward", "ward_name",
             "commune", "commune_name", "adm3_vi", "adm3_en", "name_3", "ten"],
    "unit_type": ["unit_type", "loai_xa", "loaixa", "loai", "type_3"],
    "district_code": ["district_code", "ma_huyen", "mahuyen", "adm2_pcode", "gid_2"],
    "district_name": ["district_name", "district", "ten_huyen", "tenhuyen", "huyen", "adm2_vi",
                      "adm2_en", "name_2"],
    "province_code": ["province_code", "ma_tinh", "matinh", "adm1_pcode", "gid_1"],
    "province_name": ["province_name", "province", "ten_tinh", "tentinh", "tinh", "adm1_vi",
                      "adm1_en", "name_1"],
}
ROLE_ALIASES = {"district": "district_name", "province": "province_name", "type": "unit_type"}


def map_fields(columns, explicit: dict[str, str], report: ImportReport) -> dict[str, str]:
    """Role → the file's field: the ones given (``{"name": "TEN_DV"}``), else recognised names.

    >>> map_fields(["MA_XA", "TEN_DV", "geometry"], {"name": "ten_dv"}, ImportReport("x.shp"))
    {'name': 'TEN_DV', 'code': 'MA_XA'}
    """
    by_lower = {str(c).lower(): c for c in columns if c != "geometry"}
    fields = {}
    explicit = {ROLE_ALIASES.get(role, role): given for role, given in explicit.items()}
    for target, given in explicit.items():
        if target not in FIELD_CANDIDATES:
            report.add(None, None, target, f"unknown field role; roles are {', '.join(FIELD_CANDIDATES)}")
        elif given.lower() not in by_lower:
            report.add(None, given, None, f"no field {given!r} in the file; its fields are "
                                          f"{', '.join(map(str, by_lower.values()))}")
        else:
            fields[target] = by_lower[given.lower()]
    for target, candidates in FIELD_CANDIDATES.items():
        if target in fields or target in explicit:
            continue
        taken = set(fields.values())
        for candidate in candidates:
            if candidate in by_lower and by_lower[candidate] not in taken:
                fields[target] = by_lower[candidate]
                break
    if "name" not in fields:
        report.add(None, None, None, f"no commune name field recognised (looked for "
                   f"{', '.join(FIELD_CANDIDATES['name'])}); name it with --name-field. Fields in "
                   f"the file: {', '.join(map(str, by_lower.values()))}")
    return fields


def _text(series: pd.Series) -> pd.Series:
    return series.map(lambda v: None if v is None or pd.isna(v) or str(v).strip() == "" else nfc(str(v)))


def _code(series: pd.Series, width: int) -> pd.Series:
    def clean(value):
        if value is None or pd.isna(value):
            return None
        if isinstance(value, float) and value.is_integer():  # numeric field read as float
            value = int(value)
        text = str(value).strip()
        if text.endswith(".0") and text[:-2].isdigit():
            text = text[:-2]
        if not text:
            return None
        return text.zfill(width) if text.isdigit() and len(text) <= width else text
    return series.map(clean).astype(object)


def to_schema(raw: gpd.GeoDataFrame, geometry, fields: dict[str, str], version: str, source: str):
    """The features as workspace communes (codes zero-padded, text NFC), numbered from 1."""
    def column(name, fn=_text, *args):
        if name not in fields:
            return pd.Series([None] * len(raw), index=raw.index, dtype=object)
        return fn(raw[fields[name]], *args).astype(object)

    with_districts = version == "2019"
    none = pd.Series([None] * len(raw), index=raw.index, dtype=object)
    out = gpd.GeoDataFrame({
        "code": column("code", _code, 5),
        "name": column("name"),
        "unit_type": column("unit_type"),
        "district_code": column("district_code", _code, 3) if with_districts else none,
        "district_name": column("district_name") if with_districts else none,
        "province_code": column("province_code", _code, 2),
        "province_name": column("province_name"),
        "area_km2": np.nan,
        "boundary_version": version,
        "geometry_source": source,
        "code_source": "file",
        "match_method": "imported",
        "source_row": np.arange(1, len(raw) + 1),
    }, geometry=geometry, crs=schema.CRS)
    return out.reset_index(drop=True)


def complete_names(out: gpd.GeoDataFrame) -> None:
    """Unit type from the type field or the name; names carry their type ("Xã Sà Phìn")."""
    names, types = [], []
    for name, given in zip(out["name"].tolist(), out["unit_type"].tolist()):
        if name is None or pd.isna(name):
            names.append(name)
            types.append(given)
            continue
        label = type_label(split_unit_type(name)[0])
        label_given = None
        if given is not None and not pd.isna(given):
            label_given = type_label(split_unit_type(f"{given} x")[0]) or nfc(str(given))
        if label is None and label_given in ("Xã", "Phường", "Thị trấn"):
            name = f"{label_given} {name}"  # GADM NAME_3 "Sà Phìn" + TYPE_3 "Xã"
        names.append(name)
        types.append(label or label_given)
    out["name"] = pd.Series(names, index=out.index, dtype=object)
    out["unit_type"] = pd.Series(types, index=out.index, dtype=object)
