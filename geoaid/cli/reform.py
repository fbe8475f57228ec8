"""``geoaid reform build|report|show``: the 2025 boundaries (34 provinces, 3,321 communes)."""

from __future__ import annotations

import sys

import pandas as pd

from geoaid.cli import add_workspace_option, workspace_from
from geoaid.output.formula_injection import csv_text
from geoaid.reform.derive import write_reform
from geoaid.reform.versions import new_to_old, old_to_new, read_stored_crosswalk
from geoaid.store import schema


def add_version_option(parser) -> None:
    """``--boundary-version 2019|2025`` for the analysis, map and export commands."""
    parser.add_argument("--boundary-version", choices=["2019", "2025"], default="2019",
                        help="communes to work on: 2019 (legacy, with districts; default) or 2025 "
                             "(34 provinces, no districts; classifications and project money carried "
                             "over by the crosswalk, rule printed; needs `geoaid reform build`)")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "reform", help="2025 boundaries: derive them, see the crosswalk and its report",
        description="Since 1 July 2025 Vietnam has 34 provinces, no districts and 3,321 communes. "
                    "These commands keep a 2025 commune layer next to the legacy one, with the "
                    "crosswalk from vietnamadminunits (converter_2025.json) between them.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    build = actions.add_parser(
        "build", help="derive the 2025 layer from the legacy communes and store the crosswalk",
        description="Dissolve the legacy commune polygons into 2025 communes along the crosswalk and "
                    "store layer 'communes_2025', table 'crosswalk_2025' and table 'reform_report' "
                    "(divided legacy communes, uncertain shapes, unresolved keys), in one transaction. "
                    "A 2025 layer imported with `geoaid import boundaries --version 2025` is kept "
                    "(only the crosswalk and report are rebuilt) unless --replace-imported.")
    add_workspace_option(build)
    build.add_argument("--replace-imported", action="store_true",
                       help="replace an imported 2025 layer with the derived one")
    build.set_defaults(func=run_build)

    report = actions.add_parser("report", help="print the stored reform report",
                                description="Print table 'reform_report': one row per divided legacy "
                                            "commune, partial or uncertain 2025 commune, and package "
                                            "key that could not be resolved.")
    add_workspace_option(report)
    report.add_argument("--status", action="append",
                        help="only these statuses (divided, partial, no_geometry, overlap_resolved, "
                             "not_in_crosswalk, unresolved_key; repeatable)")
    report.add_argument("--format", choices=["table", "csv"], default="table")
    report.set_defaults(func=run_report)

    show = actions.add_parser("show", help="the 2025 communes a legacy commune went into, or the "
                                           "reverse",
                              description="Look a commune code up in the crosswalk. Codes of the two "
                                          "versions overlap (a 2025 commune often keeps one of its "
                                          "legacy communes' codes), so say which version CODE is on.")
    add_workspace_option(show)
    show.add_argument("code", help="5-digit GSO commune code")
    show.add_argument("--version", dest="boundary_version", choices=["2019", "2025"], default="2019",
                      help="version of CODE: 2019 (legacy, default) lists its 2025 communes; "
                           "2025 lists the legacy communes it was formed from")
    show.set_defaults(func=run_show)


def run_build(args) -> int:
    workspace = workspace_from(args).require()
    legacy = workspace.read(schema.COMMUNES)
    if legacy.empty:
        raise ValueError("the workspace has no legacy communes layer to derive from")
    log = lambda msg: print(msg, file=sys.stderr)  # noqa: E731
    log(f"Deriving 2025 communes from {len(legacy)} legacy communes along the crosswalk…")
    with workspace.transaction() as tx:
        result = write_reform(tx, legacy, replace_imported=args.replace_imported, log=log)
    print(result.counts.to_string(index=False))
    print("(derived = 2025 communes in the layer; formed_by_crosswalk = distinct 2025 communes the legacy "
          "communes present go into; official = vietnamadminunits admin_units; underivable = official units "
          "no legacy commune forms (island special zones); complete = every legacy commune of the new "
          "province is present, so derived should equal official - underivable)")
    summary = result.report["status"].value_counts().sort_index()
    print("Report: " + (", ".join(f"{k}: {v}" for k, v in summary.items()) or "nothing to report")
          + " (geoaid reform report)")
    print(f"Workspace written: {workspace.display}")
    return 0


def run_report(args) -> int:
    report = workspace_from(args).require().read(schema.REFORM_REPORT)
    if report.empty:
        print("No reform report: run `geoaid reform build` first.", file=sys.stderr)
        return 1
    if args.status:
        report = report[report["status"].isin(args.status)]
    if args.format == "csv":
        sys.stdout.write(csv_text(report))
    else:
        with pd.option_context("display.max_colwidth", 200, "display.width", 250):
            print(report.to_string(index=False) if len(report) else "(no rows)")
    return 0


def run_show(args) -> int:
    workspace = workspace_from(args).require()
    crosswalk = read_stored_crosswalk(workspace)
    if crosswalk.empty:
        raise ValueError("no crosswalk in this workspace: run `geoaid reform build` first")
    code = args.code.strip().zfill(5)
    if args.boundary_version == "2019":
        rows = old_to_new(code, crosswalk, workspace.read(schema.COMMUNES_2025))
        title = f"Legacy commune {code} went into:"
    else:
        rows = new_to_old(code, crosswalk, workspace.read(schema.COMMUNES))
        title = f"2025 commune {code} was formed from:"
    if rows.empty:
        print(f"{code} is not a {args.boundary_version} commune code in this workspace's crosswalk.",
              file=sys.stderr)
        return 1
    print(title)
    print(rows.to_string(index=False))
    if rows["divided"].any():
        print("weight: share of a divided legacy commune given to each new commune (published areas of the "
              "new communes, normalised: an approximation).")
    return 0
