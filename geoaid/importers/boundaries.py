"""``geoaid import boundaries FILE``: bring official commune boundaries in.

Reads Shapefile (also zipped), GeoPackage and GeoJSON with pyogrio. Field
names are recognised from the common conventions (GADM, OCHA COD-AB,
Vietnamese ``ma_xa``/``ten_xa``) or given by option. Any CRS is reprojected
to WGS 84 with pyproj; a file without a CRS (a Shapefile without .prj) is
refused with instructions, because guessing a CRS shifts data by hundreds of
metres without anyone noticing. Problems are reported per feature; nothing
is written unless the whole file is usable (or ``--keep-valid`` is given).
"""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from geoaid import schema
from geoaid.crs import CRS_HELP, resolve_crs, to_wgs84
from geoaid.problems import ImportFailed, ImportReport
from geoaid.safezip import UnsafeFileError, check_size, extract_zip, remove_tree
from geoaid.textnorm import nfc, split_unit_type, type_label

# Approximate extent of Vietnam incl. its islands (lon/lat). Units whose bounds
# fall outside are reported: usually a wrong CRS or swapped coordinates.
VIETNAM_BBOX = (102.0, 6.0, 118.0, 23.5)

# Common field names, most specific first (compared case-insensitively).
FIELD_CANDIDATES = {
    "code": ["code", "ma_xa", "maxa", "ma_px", "ward_code", "wardcode", "commune_code",
             "adm3_pcode", "gid_3", "ma"],
    "name": ["name", "ten_xa", "tenxa", "ten_px", "ward", "ward_name", "commune", "commune_name",
             "adm3_vi", "adm3_en", "name_3", "ten"],
    "district_code": ["district_code", "ma_huyen", "mahuyen", "adm2_pcode", "gid_2"],
    "district_name": ["district_name", "district", "ten_huyen", "tenhuyen", "huyen", "adm2_vi",
                      "adm2_en", "name_2"],
    "province_code": ["province_code", "ma_tinh", "matinh", "adm1_pcode", "gid_1"],
    "province_name": ["province_name", "province", "ten_tinh", "tentinh", "tinh", "adm1_vi",
                      "adm1_en", "name_1"],
}
_DATASET_SUFFIXES = (".shp", ".gpkg", ".geojson", ".json")


def add_arguments(parser) -> None:
    parser.add_argument("--layer", help="layer name inside a GeoPackage or a zip with several datasets")
    for field in FIELD_CANDIDATES:
        parser.add_argument(f"--{field.replace('_', '-')}-field", dest=f"{field}_field",
                            metavar="FIELD", help=f"the file's field holding the {field.replace('_', ' ')}")
    parser.add_argument("--crs", help="CRS of a file without one (no .prj). " + CRS_HELP)
    parser.add_argument("--version", dest="boundary_version", default="2019",
                        choices=["2019", "2025"],
                        help="administrative structure: 2019 (legacy, with districts) or 2025 "
                             "(no districts); written to the layer of that version")
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
    field_map = {f: getattr(args, f"{f}_field") for f in FIELD_CANDIDATES if getattr(args, f"{f}_field")}
    frame, report = read_boundaries(args.file, field_map=field_map, crs=args.crs,
                                    version=args.boundary_version, layer=args.layer)
    return write_boundaries(workspace, frame, report, merge=args.merge,
                            keep_valid=args.keep_valid, user="cli", raise_on_error=False)


def layer_for(version: str) -> str:
    return schema.COMMUNES if version == "2019" else schema.COMMUNES_2025


def read_boundaries(path: str | os.PathLike, field_map: dict[str, str] | None = None,
                    crs: str | None = None, version: str = "2019",
                    layer: str | None = None) -> tuple[gpd.GeoDataFrame, ImportReport]:
    """Read and validate a boundary file; return communes in the workspace schema.

    The frame has ``schema.COMMUNE_COLUMNS`` + geometry (EPSG:4326) and a
    ``source_row`` column (1-based feature number); rows with errors are
    kept so the caller can decide (``report.bad_rows()``).
    """
    path = Path(path)
    report = ImportReport(path.name)
    empty = gpd.GeoDataFrame(columns=schema.COMMUNE_COLUMNS + ["source_row"], geometry=[],
                             crs=schema.CRS)
    extracted = None
    try:
        check_size(path)
        if path.suffix.lower() == ".zip":
            extracted = extract_zip(path)
            path = _dataset_in(extracted, layer)
            layer = None if path.suffix.lower() != ".gpkg" else layer
        raw = _read(path, layer, report)
    except (UnsafeFileError, FileNotFoundError) as exc:
        report.add(None, None, None, str(exc))
        return empty, report
    finally:
        if extracted is not None:
            remove_tree(extracted)
    if raw is None:
        return empty, report

    if raw.crs is None:
        if not crs:
            report.add(None, None, None, "the file has no coordinate reference system "
                                         "(for a Shapefile: no .prj file). " + CRS_HELP)
            return empty, report
        raw = raw.set_crs(resolve_crs(crs))
    elif crs:
        report.add(None, None, crs, f"--crs given but the file declares {raw.crs.name}; "
                                    "using --crs", severity="warning")
        raw = raw.set_crs(resolve_crs(crs), allow_override=True)

    fields = _map_fields(raw.columns, field_map or {}, report)
    if "code" not in fields or "name" not in fields:
        return empty, report
    out = _to_schema(raw, fields, version, path.name)
    _fill_from_gso(out, version)
    _validate(out, report)
    report.counts = {"features": len(out), "valid": len(out) - len(report.bad_rows())}
    return out, report


def write_boundaries(workspace, frame: gpd.GeoDataFrame, report: ImportReport, merge: bool = False,
                     keep_valid: bool = False, user: str = "cli",
                     raise_on_error: bool = True) -> ImportReport:
    """Write validated communes all-or-nothing (or only the valid ones with keep_valid)."""
    bad = report.bad_rows()
    file_wide = [p for p in report.errors if p.row is None]
    if file_wide or frame.empty or (bad and not keep_valid):
        report.written = False
        if raise_on_error:
            raise ImportFailed(report)
        return report
    good = frame[~frame["source_row"].isin(bad)].drop(columns="source_row")
    version = good["boundary_version"].iloc[0]
    target = layer_for(version)
    with workspace.transaction() as tx:
        if merge:
            current = tx.read(target)
            keep = current[~current["province_code"].isin(good["province_code"].dropna().unique())]
            good = gpd.GeoDataFrame(pd.concat([keep, good], ignore_index=True), crs=schema.CRS)
        tx.write(target, good)
        tx.set_metadata(**{f"source.geometry.{version}": f"imported file {report.file}",
                           f"source.codes.{version}": f"codes from {report.file}"})
        tx.audit(user, f"import boundaries {version}", report.file,
                 {"imported": len(good), "skipped": len(bad), "merge": merge})
    report.counts["imported"] = len(good)
    report.counts["skipped"] = len(bad)
    report.written = True
    return report


def _dataset_in(folder: Path, layer: str | None) -> Path:
    found = sorted(p for p in folder.rglob("*") if p.suffix.lower() in _DATASET_SUFFIXES)
    if layer:
        found = [p for p in found if p.stem == layer or p.suffix.lower() == ".gpkg"] or found
    if not found:
        raise UnsafeFileError("the zip holds no .shp, .gpkg or .geojson file")
    if len(found) > 1 and not layer:
        names = ", ".join(p.name for p in found)
        raise UnsafeFileError(f"the zip holds several datasets ({names}); choose one with --layer")
    return found[0]


def _read(path: Path, layer: str | None, report: ImportReport):
    if path.suffix.lower() not in _DATASET_SUFFIXES:
        report.add(None, None, path.suffix, "unsupported file type; use a Shapefile (.shp or a "
                                            ".zip of it), a GeoPackage (.gpkg) or GeoJSON")
        return None
    if path.suffix.lower() == ".gpkg" and layer is None:
        layers = [name for name, geom in pyogrio.list_layers(path) if geom]
        if len(layers) > 1:
            report.add(None, "layer", ", ".join(layers), "the GeoPackage has several layers; "
                                                         "choose one with --layer")
            return None
        layer = layers[0] if layers else None
    try:
        return pyogrio.read_dataframe(path, layer=layer)
    except Exception as exc:  # GDAL's errors name the broken part; pass them on
        report.add(None, None, None, f"cannot read the file: {exc}")
        return None


def _map_fields(columns, explicit: dict[str, str], report: ImportReport) -> dict[str, str]:
    by_lower = {str(c).lower(): c for c in columns if c != "geometry"}
    fields = {}
    for target, given in explicit.items():
        if given.lower() not in by_lower:
            report.add(None, given, None, f"no field {given!r} in the file; fields are "
                                          f"{', '.join(by_lower.values())}")
        else:
            fields[target] = by_lower[given.lower()]
    for target, candidates in FIELD_CANDIDATES.items():
        if target in fields:
            continue
        for candidate in candidates:
            if candidate in by_lower:
                fields[target] = by_lower[candidate]
                break
    for required in ("code", "name"):
        if required not in fields:
            report.add(None, None, None,
                       f"no {required} field recognised (looked for "
                       f"{', '.join(FIELD_CANDIDATES[required])}); name it with "
                       f"--{required}-field")
    return fields


def _text(series: pd.Series) -> pd.Series:
    return series.map(lambda v: None if pd.isna(v) or str(v).strip() == "" else nfc(str(v)))


def _code(series: pd.Series, width: int) -> pd.Series:
    def clean(value):
        if value is None or pd.isna(value):
            return None
        text = str(value).strip()
        if text.endswith(".0") and text[:-2].isdigit():  # numeric field read as float
            text = text[:-2]
        return text.zfill(width) if text.isdigit() else (text or None)
    return series.map(clean)


def _to_schema(raw: gpd.GeoDataFrame, fields: dict[str, str], version: str, source: str):
    def column(name, fn=_text, *args):
        return fn(raw[fields[name]], *args) if name in fields else pd.Series([None] * len(raw))

    names = column("name")
    geometry = to_wgs84(raw.geometry)
    out = gpd.GeoDataFrame({
        "code": column("code", _code, 5),
        "name": names,
        "unit_type": names.map(lambda n: None if pd.isna(n) else type_label(split_unit_type(n)[0])),
        "district_code": column("district_code", _code, 3) if version == "2019" else None,
        "district_name": column("district_name") if version == "2019" else None,
        "province_code": column("province_code", _code, 2),
        "province_name": column("province_name"),
        "area_km2": None,
        "boundary_version": version,
        "geometry_source": f"imported: {source}",
        "code_source": f"imported: {source}",
        "match_method": "imported",
        "source_row": range(1, len(raw) + 1),
    }, geometry=geometry.values, crs=schema.CRS)
    return out


def _fill_from_gso(out: gpd.GeoDataFrame, version: str) -> None:
    """Fill missing district/province codes from the GSO code table.

    A 5-digit GSO commune code identifies its district and province, so a
    file that only carries commune codes still groups correctly by province;
    a province given by name gets its code the same way the demo build does.
    """
    if version != "2019":
        return
    from boundaries.join import province_lookup
    from boundaries.load import read_codes

    codes = read_codes().set_index("code")
    known = out["code"].isin(codes.index)
    for column, source in (("district_code", "district_code"), ("province_code", "province_code"),
                           ("district_name", "district_name"), ("province_name", "province_name")):
        missing = out[column].isna() & known
        out.loc[missing, column] = out.loc[missing, "code"].map(codes[source])
    by_name = out["province_code"].isna() & out["province_name"].notna()
    if by_name.any():
        lookup = province_lookup(codes.reset_index())
        out.loc[by_name, "province_code"] = out.loc[by_name, "province_name"].map(lookup)


def _validate(out: gpd.GeoDataFrame, report: ImportReport) -> None:
    minx, miny, maxx, maxy = VIETNAM_BBOX
    duplicated = out["code"].duplicated(keep=False) & out["code"].notna()
    # pandas 3 stores a missing text cell as NaN, not None: test with pd.isna below.
    for idx, row in out.iterrows():
        n = int(row["source_row"])
        geom = row.geometry
        if pd.isna(row["code"]):
            report.add(n, "code", None, "missing commune code")
        elif duplicated[idx]:
            report.add(n, "code", row["code"], "duplicate code (also on another feature)")
        if pd.isna(row["name"]):
            report.add(n, "name", None, "missing commune name")
        if geom is None or geom.is_empty:
            report.add(n, "geometry", None, "empty geometry")
            continue
        if not geom.is_valid:
            out.at[idx, "geometry"] = geom.make_valid()
            report.add(n, "geometry", None, "invalid geometry (e.g. self-intersection); repaired "
                                            "with make_valid", severity="warning")
        if geom.geom_type not in ("Polygon", "MultiPolygon", "GeometryCollection"):
            report.add(n, "geometry", geom.geom_type, "not a polygon")
            continue
        bx0, by0, bx1, by1 = geom.bounds
        if bx0 < minx or by0 < miny or bx1 > maxx or by1 > maxy:
            report.add(n, "geometry", f"{bx0:.3f},{by0:.3f},{bx1:.3f},{by1:.3f}",
                       "outside Vietnam's extent (wrong CRS or swapped coordinates?)")
    areas = out.geometry.to_crs(schema.EQUAL_AREA_CRS).area / 1e6
    out["area_km2"] = areas.where(out.geometry.notna() & ~out.geometry.is_empty)
