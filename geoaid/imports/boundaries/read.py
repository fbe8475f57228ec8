"""Reading a boundary file into communes of the workspace schema, checked, nothing written.

The steps, each in its own module: the file (``source``: file, zip, layer,
encoding), its CRS (``reproject``), its fields (``fields``), GSO codes
(``codes``: the file's, or by names), the checks (``checks``).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import geopandas as gpd

from geoaid.imports.boundaries.checks import report_missing_communes, validate
from geoaid.imports.boundaries.codes import CODE_MODES, code_mode, codes_by_name, fill_from_gso
from geoaid.imports.boundaries.fields import complete_names, map_fields, to_schema
from geoaid.imports.boundaries.reproject import wgs84_geometry, with_crs
from geoaid.imports.boundaries.source import Source, read_source
from geoaid.imports.problems import ImportReport
from geoaid.store import schema


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
    raw = read_source(path, layer, encoding, report)
    if raw is None:
        return empty, report

    raw = with_crs(raw, crs, report)
    if raw is None:
        return empty, report
    fields = map_fields(raw.columns, field_map or {}, report)
    if "name" not in fields:
        return empty, report
    report.source.fields = fields
    geometry = wgs84_geometry(raw, report)
    if geometry is None:
        return empty, report
    out = to_schema(raw, geometry, fields, version, report.source.label)
    mode = code_mode(out, fields, codes, version, report)
    if mode is None:
        return empty, report
    report.source.code_mode = mode
    complete_names(out)
    if mode == "names":
        codes_by_name(out, report)
    fill_from_gso(out, version, report)
    complete_names(out)  # again: the GSO list may have given a unit type
    validate(out, report, mode)
    if version == "2019":
        report_missing_communes(out, report)
    report.counts = {"features": len(out), "valid": len(out) - len(report.bad_rows() & set(out["source_row"]))}
    return out, report
