"""``geoaid export gaps|projects|allocations|communes|districts|provinces|…_by_sector|needs``: plan and donor data."""

from __future__ import annotations

import sys
from argparse import RawDescriptionHelpFormatter
from pathlib import Path

from geoaid.analysis.needs import need_status
from geoaid.cli.analysis import FILTER_HELP, add_analysis_options, load
from geoaid.output.export_tables import WHAT
from geoaid.output.exports import write_export
from geoaid.output.needs_export import needs_file, needs_rows

WHAT_HELP = """what:
  gaps         the gap ranking: one row per commune, most urgent first
  projects     projects passing the filters, with sector labels and the VND they place in the area
  allocations  each project's share in each commune (integer VND), with commune names
  communes     communes with their population, priority score, classes and zones
  districts    per district: population, funding, funding per inhabitant (VND, USD), people in uncovered
               priority communes
  provinces    the same per province
  districts_by_sector, provinces_by_sector
               the same once per sector (--sector, else all seven): people in priority communes
               that no project of that sector reaches
  needs        local needs with status (met / partly met / open), funded VND and the projects
               that meet them (csv or xlsx; --province and --sector filter them)

formats:
  csv      UTF-8 with BOM (opens correctly in Excel), machine column names plus label columns
  xlsx     readable English/Vietnamese headers and a "notes" sheet (sources, rule, SAMPLE notice)
  geojson  features with geometry (projects: the communes they reach), notes as "geoaid_notes"
  gpkg     GeoPackage layer plus a "notes" table"""


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "export", help="export the gap ranking, projects, allocations or communes (CSV, XLSX, GeoJSON, GPKG)",
        formatter_class=RawDescriptionHelpFormatter,
        description="Export analysis tables for plans and donor reports, with the same filters as the "
                    "maps. Text that a spreadsheet would run as a formula (=, +, -, @, their full-width "
                    "forms, a leading tab or line break) gets a leading apostrophe in CSV and XLSX.",
        epilog=WHAT_HELP + "\n\n" + FILTER_HELP + "\n\nexamples:\n"
               "  geoaid export gaps --province 96 --out gaps-ca-mau.xlsx\n"
               "  geoaid export allocations --sector health --year 2024 --format csv --out health.csv\n"
               "  geoaid export communes --province 02 --out ha-giang.gpkg")
    parser.add_argument("what", choices=[*WHAT, "needs"], help="see below")
    add_analysis_options(parser)
    parser.add_argument("--format", choices=["csv", "xlsx", "geojson", "gpkg"],
                        help="default: from the --out file's suffix")
    parser.add_argument("--out", required=True, metavar="FILE", help="output file")
    parser.add_argument("--hxl", action="store_true",
                        help="CSV/XLSX: a row of HXL hashtags under the header, for HDX tools "
                             "(geoaid import projects reads it back)")
    parser.set_defaults(func=run)


def run(args) -> int:
    workspace, analysis, filters = load(args)
    if args.what == "needs":
        return _needs(args, workspace, analysis.frames, filters)
    out = write_export(analysis, args.what, args.out, filters, fmt=args.format, hxl=args.hxl)
    print(f"Export written: {out}")
    if analysis.frames.is_sample:
        print("Note: the export contains SAMPLE data (flagged in the 'sample' column and the notes).",
              file=sys.stderr)
    return 0


def _needs(args, workspace, frames, filters) -> int:
    if args.hxl:
        raise ValueError("needs exports have no HXL hashtags yet; --hxl is for the other tables")
    fmt = args.format or Path(args.out).suffix.lstrip(".").lower()
    status = need_status(frames)
    if filters.provinces:
        status = status[status["province_code"].isin(filters.provinces)]
    if filters.sectors:
        status = status[status["sector"].isin(filters.sectors)]
    rows = needs_rows(status, frames)
    Path(args.out).write_bytes(needs_file(rows, fmt))
    print(f"Export written: {args.out} ({len(rows)} needs)")
    return 0
