"""``geoaid import boundaries FILE``: bring official commune boundaries in.

Reads Shapefile (also zipped), GeoPackage and GeoJSON with pyogrio. Field
names are recognised from the common conventions (GADM, OCHA COD-AB,
Vietnamese ``ma_xa``/``ten_xa``) or given by option. Any CRS is reprojected
to WGS 84 with pyproj (VN-2000 with the official shift, see geoaid.imports.crs); a
file without a CRS (a Shapefile without .prj) is refused with instructions,
because guessing a CRS shifts data by hundreds of metres without anyone
noticing.

Codes: a file with 5-digit GSO commune codes keeps them. A file whose codes
are something else (GADM ``GID_3`` "VNM.25.3.7_1", OCHA P-codes) or that has
no code at all gets GSO codes by its province/district/commune names, with
the same staged name join as the demo build (boundaries/join.py); every
non-exact or failed match is reported.

Problems are reported per feature (row = feature number, 1-based, as in a
GIS attribute table); nothing is written unless the whole file is usable,
or ``--keep-valid`` is given (then only the bad features are skipped).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from geoaid.store import schema
from geoaid.imports.crs import CRS_EXAMPLES, CRS_HELP, describe, hint_for_bounds, resolve_crs, to_wgs84
from geoaid.output.display_geometry import write_communes
from geoaid.imports.polygon_checks import check_polygons
from geoaid.imports.problems import ImportFailed, ImportReport
from geoaid.imports.safezip import UnsafeFileError, check_size, extracted
from geoaid.text.names import name_key, nfc, split_unit_type, type_label

# Approximate extent of Vietnam, islands included (lon/lat, WGS 84): west of
# Apa Chải (102.14° E), north of Lũng Cú (23.39° N), east to the Trường Sa
# (Spratly) features (~117.8° E), south to ~6° N; rounded outwards. A unit
# whose bounds leave this box almost always has a wrong CRS or swapped
# coordinates. It is a box, not the national border: a unit inside it may
# still be outside Vietnam.
VIETNAM_BBOX = (102.0, 6.0, 118.0, 23.5)

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
# Options are --district-field/--province-field for the names (the usual case).
_OPTION_NAMES = {"district_name": "district", "province_name": "province"}
_ROLE_ALIASES = {"district": "district_name", "province": "province_name", "type": "unit_type"}
CODE_MODES = ("auto", "file", "names")
_DATASET_SUFFIXES = (".shp", ".gpkg", ".geojson", ".json")
_GSO_CODE = re.compile(r"^\d{5}$")


@dataclass
class Source:
    """Where the features came from, as the user would name it."""
    file: str                   # the file the user gave
    dataset: str                # e.g. "xa.zip › data/xa_camau.shp"
    layer: str | None = None
    crs: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    code_mode: str = "file"

    @property
    def label(self) -> str:
        return self.dataset + (f" (layer {self.layer})" if self.layer else "")


def add_arguments(parser) -> None:
    parser.add_argument("--layer", help="layer of a GeoPackage, or dataset name inside a zip "
                                        "holding several")
    for name in FIELD_CANDIDATES:
        option = _OPTION_NAMES.get(name, name).replace("_", "-")
        what = name.replace("_", " ") if name != "code" and name != "name" else f"commune {name}"
        parser.add_argument(f"--{option}-field", dest=f"{name}_field", metavar="FIELD",
                            help=f"the file's field holding the {what} "
                                 f"(default: recognised, e.g. {', '.join(FIELD_CANDIDATES[name][:4])})")
    parser.add_argument("--crs", help="CRS of a file that has none (Shapefile without .prj); overrides "
                                      f"a wrong one. Examples: {CRS_EXAMPLES}, a WKT or PROJ string.")
    parser.add_argument("--encoding", help="text encoding of a Shapefile without .cpg (e.g. utf-8, "
                                           "cp1258); UTF-8 is detected automatically")
    parser.add_argument("--codes", choices=CODE_MODES, default="auto",
                        help="commune codes: 'file' = the file's code field; 'names' = GSO codes "
                             "found by province/district/commune names; 'auto' (default) = the "
                             "file's codes when they are 5-digit GSO codes, else by names")
    parser.add_argument("--version", dest="boundary_version", default="2019", choices=["2019", "2025"],
                        help="administrative structure: 2019 (legacy, with districts; default) or "
                             "2025 (34 provinces, no districts); written to the layer of that version")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--replace", dest="merge", action="store_false",
                      help="replace every commune of that version (default)")
    mode.add_argument("--merge", dest="merge", action="store_true",
                      help="replace only the communes of the provinces in the file, keep the others")
    parser.add_argument("--keep-valid", action="store_true",
                        help="import the valid units and list the skipped ones "
                             "(default: one bad unit, nothing imported)")
    parser.set_defaults(merge=False)


def run(args, workspace) -> ImportReport:
    field_map = {name: getattr(args, f"{name}_field") for name in FIELD_CANDIDATES
                 if getattr(args, f"{name}_field", None)}
    frame, report = read_boundaries(args.file, field_map=field_map, crs=args.crs,
                                    version=args.boundary_version, layer=args.layer,
                                    encoding=args.encoding, codes=args.codes)
    return write_boundaries(workspace, frame, report, merge=args.merge, keep_valid=args.keep_valid,
                            user=getattr(args, "user", None) or "cli", raise_on_error=False)


def layer_for(version: str) -> str:
    return schema.COMMUNES if version == "2019" else schema.COMMUNES_2025


def _gso(provinces=None) -> pd.DataFrame:
    """The GSO legacy code table (vietnamadminunits), read once per process."""
    table = _gso_table()
    return (table if provinces is None else table[table["province_code"].isin(list(provinces))]).copy()


@lru_cache(maxsize=1)
def _gso_table() -> pd.DataFrame:
    from boundaries.load import read_codes

    return read_codes()


# --- reading -----------------------------------------------------------------

def read_boundaries(path: str | os.PathLike, field_map: dict[str, str] | None = None,
                    crs: str | None = None, version: str = "2019", layer: str | None = None,
                    encoding: str | None = None, codes: str = "auto",
                    source_name: str | None = None) -> tuple[gpd.GeoDataFrame, ImportReport]:
    """Read and validate a boundary file; return communes in the workspace schema.

    The frame has ``schema.COMMUNE_COLUMNS`` + geometry (EPSG:4326) and a
    ``source_row`` column (1-based feature number); rows with errors are
    kept so the caller can decide (``report.bad_rows()``). File-wide
    problems (unreadable, no CRS, no name field…) are reported with row None
    and an empty frame. ``report.source`` describes the source for metadata.
    Nothing is written anywhere except a temporary folder for a zip, which
    is removed before returning.

    ``source_name`` is the file name shown in reports and metadata (an upload
    saved under a server-chosen name passes the user's file name here; it is
    never used as a path). The type is taken from ``path``'s suffix.
    """
    path = Path(path)
    shown = re.split(r"[\\/]", source_name)[-1] if source_name else path.name
    report = ImportReport(shown)
    report.source = Source(file=shown, dataset=shown)
    empty = gpd.GeoDataFrame(columns=schema.COMMUNE_COLUMNS + ["source_row"], geometry=[],
                             crs=schema.CRS)
    if version not in ("2019", "2025"):
        report.add(None, None, version, "boundary version must be 2019 or 2025")
        return empty, report
    if codes not in CODE_MODES:
        report.add(None, None, codes, f"--codes must be one of {', '.join(CODE_MODES)}")
        return empty, report
    try:
        check_size(path)
        if path.suffix.lower() == ".zip":
            with extracted(path) as folder:
                dataset = _dataset_in(folder, layer)
                inner = dataset.relative_to(folder).as_posix()
                report.source.dataset = f"{shown} › {inner}"
                raw = _read(dataset, layer if dataset.suffix.lower() == ".gpkg" else None,
                            encoding, report)
        else:
            raw = _read(path, layer, encoding, report)
    except (UnsafeFileError, FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        report.add(None, None, None, str(exc))
        return empty, report
    if raw is None:
        return empty, report

    raw = _with_crs(raw, crs, report)
    if raw is None:
        return empty, report
    fields = _map_fields(raw.columns, field_map or {}, report)
    if "name" not in fields:
        return empty, report
    report.source.fields = fields
    try:
        geometry = shapely.force_2d(to_wgs84(raw.geometry).values)
    except Exception as exc:  # pyproj/PROJ errors name the operation that failed
        report.add(None, "geometry", raw.crs.name, f"cannot reproject to WGS 84: {exc}")
        return empty, report
    out = _to_schema(raw, geometry, fields, version, report.source.label)
    mode = _code_mode(out, fields, codes, version, report)
    if mode is None:
        return empty, report
    report.source.code_mode = mode
    _complete_names(out)
    if mode == "names":
        _codes_by_name(out, report)
    _fill_from_gso(out, version, report)
    _complete_names(out)  # again: the GSO list may have given a unit type
    _validate(out, report, mode)
    if version == "2019":
        _report_missing_communes(out, report)
    report.counts = {"features": len(out), "valid": len(out) - len(report.bad_rows() & set(out["source_row"]))}
    return out, report


def _dataset_in(folder: Path, layer: str | None) -> Path:
    found = sorted(p for p in folder.rglob("*")
                   if p.is_file() and p.suffix.lower() in _DATASET_SUFFIXES
                   and not p.name.startswith("._"))  # macOS resource forks in zips
    if layer:
        chosen = [p for p in found if p.stem == layer]
        found = chosen or [p for p in found if p.suffix.lower() == ".gpkg"] or found
    if not found:
        raise UnsafeFileError("the zip holds no .shp, .gpkg or .geojson file")
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        raise UnsafeFileError(f"the zip holds several datasets ({names}); choose one with --layer NAME")
    return found[0]


def _read(path: Path, layer: str | None, encoding: str | None, report: ImportReport):
    suffix = path.suffix.lower()
    if suffix not in _DATASET_SUFFIXES:
        report.add(None, None, path.suffix or path.name,
                   "unsupported file type; use a Shapefile (.shp, or a .zip of it), a GeoPackage "
                   "(.gpkg) or GeoJSON (.geojson/.json)")
        return None
    try:
        layers = [(str(name), geom) for name, geom in pyogrio.list_layers(path)]
    except Exception as exc:  # GDAL says what is broken; pass it on
        report.add(None, None, None, f"cannot read the file: {exc}")
        return None
    spatial = [name for name, geom in layers if geom]
    if layer is not None and suffix == ".gpkg":
        if layer not in spatial:
            report.add(None, "layer", layer, f"no such spatial layer; the GeoPackage has: "
                                             f"{', '.join(spatial) or 'none'}")
            return None
    elif len(spatial) > 1:
        report.add(None, "layer", ", ".join(spatial),
                   "the file has several layers; choose one with --layer NAME")
        return None
    else:
        layer = spatial[0] if spatial else None
    if layer is None:
        report.add(None, None, None, "the file has no layer with geometries")
        return None
    report.source.layer = layer if suffix == ".gpkg" else None
    try:
        raw = pyogrio.read_dataframe(path, layer=layer, encoding=encoding)
    except Exception as exc:
        report.add(None, None, None, f"cannot read the file: {exc}")
        return None
    if suffix == ".shp" and not [c for c in raw.columns if c != "geometry"]:
        # GDAL reads the shapes of a Shapefile whose .dbf is missing or damaged, with no fields.
        report.add(None, None, path.with_suffix(".dbf").name,
                   "the attribute table (.dbf) is missing, damaged or empty: no fields could be read; "
                   "export the layer again (with its .dbf, .shx, .prj and .cpg)")
        return None
    if suffix == ".shp" and encoding is None:
        raw = _fix_encoding(path, layer, raw, report)
    return raw


def _fix_encoding(path: Path, layer: str, raw, report: ImportReport):
    """A Shapefile without .cpg is read as ISO-8859-1; Vietnamese UTF-8 text then
    shows as "XÃ£". Detect that and read again as UTF-8; otherwise warn when
    the text is not plain ASCII and may be in another encoding."""
    if pyogrio.read_info(path, layer=layer).get("encoding", "").upper().replace("-", "") == "UTF8":
        return raw
    text = [c for c in raw.columns if c != "geometry" and raw[c].dtype.kind in ("O", "T", "U")
            or str(raw[c].dtype) in ("str", "string")]
    values = [v for c in text for v in raw[c].dropna().astype(str) if not v.isascii()]
    if not values:
        return raw
    try:
        decoded = [v.encode("latin-1").decode("utf-8") for v in values]
    except (UnicodeEncodeError, UnicodeDecodeError):
        decoded = None
    if decoded is not None and decoded != values:
        report.add(None, None, None, "the Shapefile has no .cpg file; its text is UTF-8 and was read "
                                     "as such", severity="warning")
        return pyogrio.read_dataframe(path, layer=layer, encoding="utf-8")
    report.add(None, None, values[0], "the Shapefile has no .cpg file and its text is not UTF-8; if "
               "names look wrong, give --encoding (cp1258 = Windows Vietnamese). Text in TCVN3/VNI "
               "legacy fonts must be converted to Unicode first", severity="warning")
    return raw


def _with_crs(raw: gpd.GeoDataFrame, crs: str | None, report: ImportReport):
    given = None
    if crs:
        try:
            given = resolve_crs(crs)
        except ValueError as exc:
            report.add(None, "--crs", crs, str(exc))
            return None
    if raw.crs is None and given is None:
        bounds = raw.total_bounds if len(raw) else None
        hint = hint_for_bounds(bounds) if bounds is not None and np.isfinite(bounds).all() else ""
        report.add(None, None, None, "the file has no coordinate reference system (for a Shapefile: "
                   "no .prj file), and geoaid will not guess one. " + CRS_HELP + (" " + hint if hint else ""))
        return None
    if given is not None and raw.crs is not None and not given.equals(raw.crs):
        report.add(None, "--crs", crs, f"the file declares {raw.crs.name}; using --crs as asked",
                   severity="warning")
    if given is not None:
        raw = raw.set_crs(given, allow_override=True)
    report.source.crs = describe(raw.crs)
    return raw


def _map_fields(columns, explicit: dict[str, str], report: ImportReport) -> dict[str, str]:
    by_lower = {str(c).lower(): c for c in columns if c != "geometry"}
    fields = {}
    explicit = {_ROLE_ALIASES.get(role, role): given for role, given in explicit.items()}
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


def _to_schema(raw: gpd.GeoDataFrame, geometry, fields: dict[str, str], version: str, source: str):
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


def _code_mode(out, fields, requested: str, version: str, report: ImportReport) -> str | None:
    """Decide whether codes come from the file or from the GSO list by name."""
    codes = out["code"].dropna()
    gso_like = len(codes) > 0 and codes.map(lambda c: bool(_GSO_CODE.match(c))).all()
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


def _codes_by_name(out: gpd.GeoDataFrame, report: ImportReport) -> None:
    """Attach GSO codes by names.

    First a strict pass: same province, same district (when given), same
    unit type (when known) and same name key — one candidate only. What is
    left goes through the staged join of the demo build (aliases, spelling
    variants, fuzzy with a centroid check, moved units), whose non-exact
    answers are reported as warnings to check.
    """
    from geoaid.imports.namejoin import join, province_lookup
    from boundaries.registry import VIETNAMADMINUNITS

    table = _gso()
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
    result = join(polys, _gso()).polygons
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


def _fill_from_gso(out: gpd.GeoDataFrame, version: str, report: ImportReport) -> None:
    """Fill missing district/province codes and names, and unit types, from the GSO list.

    A 5-digit GSO commune code identifies its district and province, so a
    file that only carries commune codes still groups correctly by province;
    a province given only by name gets its code the same way the demo build does.
    """
    if version != "2019":
        return
    from geoaid.imports.namejoin import province_lookup

    codes = _gso().set_index("code")
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


def _complete_names(out: gpd.GeoDataFrame) -> None:
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


# --- validation --------------------------------------------------------------

def _validate(out: gpd.GeoDataFrame, report: ImportReport, code_mode: str) -> None:
    rows = out["source_row"].to_numpy()
    codes = out["code"]
    missing_code = codes.isna().to_numpy()
    joined_missing = set(report.bad_rows())  # names the join could not code: already reported
    for i in np.flatnonzero(missing_code):
        if rows[i] not in joined_missing:
            report.add(int(rows[i]), "code", None, "missing commune code")
    duplicated = codes.notna() & codes.duplicated(keep=False)
    for code, group in out[duplicated].groupby("code"):
        for n in group["source_row"]:
            others = ", ".join(str(o) for o in group["source_row"] if o != n)
            report.add(int(n), "code", code, f"duplicate code (also on feature {others})")
    if code_mode == "file":
        for i in np.flatnonzero(codes.notna().to_numpy()):
            if not _GSO_CODE.match(codes.iat[i]):
                report.add(int(rows[i]), "code", codes.iat[i], "not a 5-digit GSO commune code; "
                           "classifications will have to match this unit by name", severity="warning")
    for i in np.flatnonzero(out["name"].isna().to_numpy()):
        report.add(int(rows[i]), "name", None, "missing commune name")

    geoms, refused, problems = check_polygons(out.geometry.to_numpy(), out["code"].tolist(),
                                              out["name"].tolist())
    for problem in problems:
        report.add(int(rows[problem.index]), "geometry", problem.value, problem.reason, severity=problem.severity)
    out.geometry = gpd.GeoSeries(geoms, index=out.index, crs=schema.CRS)
    bounds = shapely.bounds(geoms)
    minx, miny, maxx, maxy = VIETNAM_BBOX
    outside = ~refused & ((bounds[:, 0] < minx) | (bounds[:, 1] < miny)
                          | (bounds[:, 2] > maxx) | (bounds[:, 3] > maxy))
    for i in np.flatnonzero(outside):
        b = bounds[i]
        report.add(int(rows[i]), "geometry", f"{b[0]:.4f},{b[1]:.4f},{b[2]:.4f},{b[3]:.4f}",
                   f"outside Vietnam's approximate extent (lon {minx}–{maxx}, lat {miny}–{maxy}): "
                   "wrong CRS or swapped coordinates?")
    area = out.geometry.to_crs(schema.EQUAL_AREA_CRS).area / 1e6
    out["area_km2"] = area.where(~refused)


def _report_missing_communes(out: gpd.GeoDataFrame, report: ImportReport) -> None:
    """Warn when a province in the file lacks communes of the GSO list (a partial file)."""
    provinces = sorted(out["province_code"].dropna().unique())
    if not provinces:
        return
    table = _gso(provinces)
    present = set(out["code"].dropna())
    for province, group in table.groupby("province_code"):
        missing = sorted(set(group["code"]) - present)
        if missing:
            shown = ", ".join(missing[:10]) + (f" … (+{len(missing) - 10})" if len(missing) > 10 else "")
            report.add(None, "code", shown,
                       f"{len(missing)} of {len(group)} communes of province {province} in the GSO "
                       "list have no feature in the file (merged since the boundaries were drawn, "
                       "or missing)", severity="warning")


# --- writing -----------------------------------------------------------------

def write_boundaries(workspace, frame: gpd.GeoDataFrame, report: ImportReport, merge: bool = False,
                     keep_valid: bool = False, user: str = "cli",
                     raise_on_error: bool = True) -> ImportReport:
    """Write validated communes all-or-nothing (or only the valid ones with keep_valid).

    With ``merge`` only the communes of the file's provinces are replaced;
    the file's communes then need province codes, and codes must not clash
    with communes kept from other provinces. A refused import writes nothing.
    """
    source: Source = getattr(report, "source", None) or Source(report.file, report.file)
    version = str(frame["boundary_version"].iloc[0]) if len(frame) else "2019"
    target = layer_for(version)
    current = workspace.read(target) if merge and len(frame) else None
    if current is not None:
        _check_merge(frame, current, report)
    bad = report.bad_rows()
    file_wide = [p for p in report.errors if p.row is None]
    good = frame[~frame["source_row"].isin(bad)].drop(columns="source_row")
    if file_wide or good.empty or (bad and not keep_valid):
        if not file_wide and good.empty:
            report.add(None, None, None, "no valid feature to import")
        report.counts["valid"] = len(frame) - len(bad)
        report.written = False
        if raise_on_error:
            raise ImportFailed(report)
        return report
    good = good[schema.COMMUNE_COLUMNS + ["geometry"]]
    provinces = sorted(good["province_code"].dropna().astype(str).unique())
    imported = len(good)
    with workspace.transaction() as tx:
        if current is not None:
            keep = current[~current["province_code"].isin(provinces)]
            good = gpd.GeoDataFrame(pd.concat([keep, good], ignore_index=True), crs=schema.CRS)
        # The originals as imported, and map geometry simplified from them once, now.
        write_communes(tx, target, good.sort_values("code", kind="stable").reset_index(drop=True))
        tx.set_metadata(**_metadata(workspace, source, version, good, provinces, merge))
        tx.audit(user, f"import boundaries {version}", report.file, {
            "imported": imported, "skipped": len(bad), "merge": merge, "layer": target, "source": source.label,
            "crs": source.crs, "fields": source.fields, "codes": source.code_mode,
            "provinces": provinces})
    if version == "2019" and _has_derived_2025(workspace):
        report.add(None, None, None, "the 2025 layer was derived from the previous legacy boundaries; "
                   "run `geoaid reform build` to derive it from the imported ones", severity="warning")
    report.counts["valid"] = len(frame) - len(bad)
    report.counts["imported"] = imported
    report.counts["skipped"] = len(bad)
    report.written = True
    return report


def _check_merge(frame, current, report: ImportReport) -> None:
    for n in frame.loc[frame["province_code"].isna(), "source_row"]:
        report.add(int(n), "province_code", None, "--merge needs each unit's province: give "
                   "--province-code-field or --province-field, or GSO commune codes")
    provinces = set(frame["province_code"].dropna())
    kept = current[~current["province_code"].isin(provinces)]
    owner = dict(zip(kept["code"], kept["province_code"]))
    for code, n in zip(frame["code"], frame["source_row"]):
        if code in owner:
            report.add(int(n), "code", code, f"code already used by a commune of province "
                       f"{owner[code]} that --merge keeps")


def _metadata(workspace, source: Source, version: str, written, provinces, merge: bool) -> dict:
    today = date.today().isoformat()
    codes = ("the file's code field" + (f" {source.fields['code']!r}" if "code" in source.fields else "")
             if source.code_mode == "file" else "GSO list by names (vietnamadminunits)")
    described = f"imported from {source.label} on {today}"
    meta = {f"import.boundaries.{version}": f"{source.label}; CRS {source.crs}; codes: {codes}; "
                                            f"{'merged' if merge else 'replaced'} {today}"}
    if version == "2025":
        meta["reform.layer_2025"] = described if not merge else \
            f"{workspace.metadata().get('reform.layer_2025', '')}; provinces {','.join(provinces)} {described}"
        return meta
    previous = workspace.metadata()
    if merge:
        meta["source.geometry"] = (f"{previous.get('source.geometry', '')}; provinces "
                                   f"{','.join(provinces)} {described}").strip("; ")
        meta["source.codes"] = (f"{previous.get('source.codes', '')}; provinces {','.join(provinces)}: "
                                f"{codes}").strip("; ")
        meta["source.geometry.terms"] = (f"{previous.get('source.geometry.terms', '')}; provinces "
                                         f"{','.join(provinces)}: as licensed by the supplier of "
                                         f"{source.file}").strip("; ")
    else:
        meta["source.geometry"] = described
        meta["source.codes"] = codes
        meta["source.geometry.terms"] = (f"as licensed by the supplier of {source.file} "
                                         "(not checked by geoaid)")
        for key in previous:
            if key.startswith("coverage.") and key.split(".", 1)[1] not in provinces:
                meta[key] = "not in the workspace since the boundary import of " + today
    all_provinces = sorted(set(written["province_code"].dropna().astype(str)))
    meta["boundary_version"] = "2019"
    meta["provinces"] = ",".join(all_provinces)
    official = _gso(provinces).groupby("province_code").size()
    present = written.groupby("province_code").size()
    for province in provinces:
        if province in official.index:
            meta[f"coverage.{province}"] = (f"{int(present.get(province, 0))} of {int(official[province])} "
                                            f"official communes ({source.file})")
    return meta


def _has_derived_2025(workspace) -> bool:
    if schema.COMMUNES_2025 not in workspace.layers():
        return False
    layer = workspace.read(schema.COMMUNES_2025)
    return bool(len(layer)) and not (layer["match_method"].astype(str) == "imported").all()
