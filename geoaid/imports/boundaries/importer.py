"""The boundaries importer: its options (CLI flags and web form fields) and read → commit."""

from __future__ import annotations

from geoaid.imports.base import Importer, Option, Prepared
from geoaid.imports.boundaries.codes import CODE_MODES
from geoaid.imports.boundaries.fields import FIELD_CANDIDATES
from geoaid.imports.boundaries.read import read_boundaries
from geoaid.imports.boundaries.write import write_boundaries
from geoaid.imports.crs import CRS_EXAMPLES
from geoaid.imports.problems import ImportReport

# Field options by role; district and province name their *names* (the usual case).
_FIELD_ROLES = {"code": "code", "name": "name", "unit_type": "unit_type", "district_code": "district_code",
                "district": "district_name", "province_code": "province_code", "province": "province_name"}
_WEB_FIELDS = ("code", "name", "district", "province")
# On the web only EPSG codes and the VN-2000 TM-3 forms: a PROJ string could name files on the server.
_WEB_CRS = r"(?i)(EPSG:)?\d{4,6}|(VN-?2000-TM3|TM3):[\w.°'=, -]{1,40}"
_FIELD_NAME = r"[\w .-]{1,64}"


def _field_option(role: str) -> Option:
    candidates = FIELD_CANDIDATES[_FIELD_ROLES[role]]
    what = f"commune {role}" if role in ("code", "name") else _FIELD_ROLES[role].replace("_", " ")
    return Option(f"{role}_field", f"the file's field holding the {what} (default: recognised, e.g. "
                                   f"{', '.join(candidates[:4])})", metavar="FIELD",
                  web=role in _WEB_FIELDS, label=f"field_{role}", group="fields", web_pattern=_FIELD_NAME)


class BoundariesImporter(Importer):
    label = "commune boundaries (Shapefile, zipped Shapefile, GeoPackage, GeoJSON)"
    description = ("Import commune boundaries. A --workspace file that does not exist yet is created from "
                   "them (no demo build needed); classification lists and projects can then be imported "
                   "into it.")
    suffixes = (".shp", ".zip", ".gpkg", ".geojson", ".json")
    upload_suffixes = (".zip", ".gpkg", ".geojson", ".json")   # a .shp alone lacks its .dbf/.prj
    rows = "units"
    options = (
        Option("version", "administrative structure: 2019 (legacy, with districts; default) or 2025 "
                          "(34 provinces, no districts); written to the layer of that version",
               choices=("2019", "2025"), default="2019", web=True, label="boundary_version",
               choice_labels={"2019": "version_2019", "2025": "version_2025"}),
        Option("codes", "commune codes: 'file' = the file's code field; 'names' = GSO codes found by "
                        "province/district/commune names; 'auto' (default) = the file's codes when "
                        "they are 5-digit GSO codes, else by names",
               choices=CODE_MODES, default="auto", web=True, label="codes_mode"),
        Option("crs", "CRS of a file that has none (Shapefile without .prj); overrides a wrong one. "
                      f"Examples: {CRS_EXAMPLES}, a WKT or PROJ string.",
               web=True, label="crs_optional", web_pattern=_WEB_CRS, refusal="crs_forms"),
        *(_field_option(role) for role in _FIELD_ROLES),
        Option("layer", "layer of a GeoPackage, or dataset name inside a zip holding several"),
        Option("encoding", "text encoding of a Shapefile without .cpg (e.g. utf-8, cp1258); UTF-8 is "
                           "detected automatically"),
        Option("merge", "replace only the communes of the provinces in the file, keep the others",
               type=bool, default=False, web=True, label="merge_provinces",
               off_flag="--replace", off_help="replace every commune of that version (default)"),
    )

    def read(self, path, options, workspace, source_name=None) -> Prepared:
        field_map = {_FIELD_ROLES[role]: options[f"{role}_field"] for role in _FIELD_ROLES
                     if options[f"{role}_field"]}
        frame, report = read_boundaries(path, field_map=field_map, crs=options["crs"],
                                        version=options["version"], layer=options["layer"],
                                        encoding=options["encoding"], codes=options["codes"],
                                        source_name=source_name)
        return Prepared.counted(self.key, frame, report, options, frame["source_row"])

    def commit(self, prepared, workspace, user="cli", keep_valid=False) -> ImportReport:
        return write_boundaries(workspace, prepared.data, prepared.report, merge=prepared.options["merge"],
                                keep_valid=keep_valid, user=user)
