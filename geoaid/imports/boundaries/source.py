"""Reading a boundary file as sent: a Shapefile (also zipped), a GeoPackage layer, GeoJSON.

A zip is checked and extracted into a private temporary folder that is gone
when reading ends; a file with several layers or datasets needs ``--layer``;
a Shapefile without .cpg whose text is UTF-8 is read again as UTF-8.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pyogrio

from geoaid.imports.problems import ImportReport
from geoaid.imports.safezip import UnsafeFileError, check_size, extracted

_DATASET_SUFFIXES = (".shp", ".gpkg", ".geojson", ".json")


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



def read_source(path: Path, layer: str | None, encoding: str | None,
                report: ImportReport) -> gpd.GeoDataFrame | None:
    """The features of ``path`` as GDAL reads them; None (with a file-wide problem) when unreadable."""
    shown = report.source.file
    try:
        check_size(path)
        if path.suffix.lower() != ".zip":
            return _read(path, layer, encoding, report)
        with extracted(path) as folder:
            dataset = _dataset_in(folder, layer)
            report.source.dataset = f"{shown} › {dataset.relative_to(folder).as_posix()}"
            return _read(dataset, layer if dataset.suffix.lower() == ".gpkg" else None, encoding, report)
    except (UnsafeFileError, FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        report.add(None, None, None, str(exc))
        return None


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
