"""``geoaid export gaps|projects|allocations|communes``: data for plans."""

from __future__ import annotations

from pathlib import Path

from geoaid.cli import add_workspace_option, workspace_from
from geoaid.commands.analysis import add_filter_options, filters_from


def register(subparsers) -> None:
    parser = subparsers.add_parser("export", help="export gap ranking, projects, allocations or communes",
                                   description="Export data as CSV (UTF-8 with BOM for Excel), XLSX "
                                               "(readable headers + a notes sheet), GeoJSON or GeoPackage.")
    parser.add_argument("what", choices=["gaps", "projects", "allocations", "communes"])
    add_workspace_option(parser)
    add_filter_options(parser)
    parser.add_argument("--format", choices=["csv", "xlsx", "geojson", "gpkg"],
                        help="default: from the --out file's extension")
    parser.add_argument("--out", required=True, help="output file")
    parser.set_defaults(func=run)


def run(args) -> int:
    from geoaid.exports import export_table
    from geoaid.frames import load_frames

    frames = load_frames(workspace_from(args).require())
    fmt = args.format or Path(args.out).suffix.lower().lstrip(".")
    body, _, _ = export_table(frames, args.what, filters_from(args, frames), fmt)
    Path(args.out).write_bytes(body)
    print(f"written: {args.out}")
    return 0
