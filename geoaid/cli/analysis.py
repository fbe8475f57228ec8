"""``geoaid gaps``, ``geoaid overlaps``, ``geoaid donor [NAME]``: the targeting analysis.

Thin wrappers: they parse the shared filters (geoaid/filters.py), call the
library functions and print a table (with the allocation rule, the gap
formula and a SAMPLE line when sample data is involved), CSV or JSON.
"""

from __future__ import annotations

import sys
from argparse import RawDescriptionHelpFormatter

import pandas as pd

from geoaid.analysis.filters import filters_for
from geoaid.analysis.gap_formula import describe_gap_formula
from geoaid.cli import add_workspace_option, workspace_from
from geoaid.cli.reform import add_version_option
from geoaid.output.formula_injection import csv_text
from geoaid.output.json_records import dumps, records
from geoaid.reform.versions import describe_version
from geoaid.snapshot import Snapshot

GAP_TABLE_COLUMNS = ["gap_rank", "commune_code", "commune_name", "district", "priority_score",
                     "project_count", "donor_count", "funding_usd", "area_funding_vnd", "gap_score", "classes"]
DONOR_PROJECT_COLUMNS = ["project_id", "title", "sector", "budget_vnd", "allocated_vnd", "communes", "start_date",
                         "end_date", "sample"]
OVERLAP_TABLE_COLUMNS = ["commune_code", "commune_name", "sector", "donors", "project_ids", "period_start",
                         "period_end", "funding_vnd"]

FILTER_HELP = """filters (repeat an option or separate values with commas; values of one option widen,
different options narrow):
  --province 96 | "Cà Mau"      --sector health | "Y tế" | 121 (DAC)     --donor NAME
  --year 2024 | --from 2024-01-01 --to 2024-06-30 (projects whose period overlaps)
  --zone ethnic_minority|coastal  --scheme region_iii (priority from these schemes only)
  --money planned|committed|disbursed (default planned: the budget; committed/disbursed count the
          flows, and --year/--from/--to then select flows by their dates)"""


def add_filter_options(parser) -> None:
    """The filters shared by the analysis, map and export commands."""
    group = parser.add_argument_group("filters")
    group.add_argument("--province", action="append", metavar="CODE|NAME",
                       help="GSO province code or name (repeatable)")
    group.add_argument("--sector", action="append", metavar="SECTOR",
                       help="sector key, English/Vietnamese label or OECD-DAC code (repeatable)")
    group.add_argument("--donor", action="append", metavar="NAME",
                       help="donor name; case and diacritics do not matter (repeatable)")
    group.add_argument("--year", help="projects active at some time in this year")
    group.add_argument("--from", dest="from_", metavar="DATE", help="projects active on or after this date")
    group.add_argument("--to", metavar="DATE", help="projects active on or before this date")
    group.add_argument("--zone", action="append", choices=["ethnic_minority", "coastal"],
                       help="only communes in this zone, by classification (repeatable: either zone)")
    group.add_argument("--scheme", action="append", metavar="KEY",
                       help="compute priority from these classification schemes only (repeatable)")
    group.add_argument("--money", choices=["planned", "committed", "disbursed"], default="planned",
                       help="which money is counted: the planned budget (default), commitments or "
                            "disbursements (then the period selects flows by their dates)")


def add_rule_option(parser) -> None:
    """--allocation-rule: a one-run override of the area_allocation_rule setting."""
    parser.add_argument("--allocation-rule", choices=["even", "area", "population"],
                        help="spread district/province-wide budgets evenly or by commune area for this "
                             "run (default: the workspace setting area_allocation_rule)")


def add_analysis_options(parser) -> None:
    """The options of every command that reads the analysis through :func:`load`:
    --workspace, the filters, --allocation-rule and --boundary-version."""
    add_workspace_option(parser)
    add_filter_options(parser)
    add_rule_option(parser)
    add_version_option(parser)


def filters_from(args, frames):
    """Filters from parsed arguments, checked against the workspace (ValueError when bad)."""
    return filters_for(frames, {"province": args.province or [], "sector": args.sector or [],
                                "donor": args.donor or [], "year": args.year or [],
                                "from": args.from_ or [], "to": args.to or [], "zone": args.zone or [],
                                "scheme": args.scheme or [], "money": getattr(args, "money", None) or []})


def register(subparsers) -> None:
    gaps = subparsers.add_parser(
        "gaps", help="rank communes by unmet priority (where aid is needed but absent)",
        formatter_class=RawDescriptionHelpFormatter,
        description="Rank communes by gap: high priority with little or no coverage first.\n\n"
                    "  gap = priority × R / (R + F)\n"
                    "  F = commune-targeted VND + gap_area_weight × district/province-wide VND\n"
                    "  R = gap_reference_vnd (settings; defaults 1,000,000,000 VND and 0.5)\n"
                    "  with gap_funding_basis = per_person: gap = priority × Rp / (Rp + F / population),\n"
                    "  Rp = gap_reference_vnd_per_person (default 100,000 VND); no population: R, F\n\n"
                    "Budgets are split over communes by stated percentages, else evenly; area-wide\n"
                    "projects by the area_allocation_rule setting.",
        epilog=FILTER_HELP + "\n\nexamples:\n  geoaid gaps --province 96 --sector health --year 2024\n"
                             "  geoaid gaps --zone coastal --format csv --out gaps.csv\n"
                             "  geoaid gaps --province \"Hà Giang\" --format json --limit 0")
    add_analysis_options(gaps)
    gaps.add_argument("--format", choices=["table", "csv", "json"], default="table")
    gaps.add_argument("--limit", type=int, default=None,
                      help="most urgent N communes only (default: 20 in a table, all in CSV/JSON; 0 = all)")
    gaps.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")
    gaps.set_defaults(func=run_gaps)

    overlaps = subparsers.add_parser(
        "overlaps", help="two or more donors funding the same sector in the same commune at the same time",
        formatter_class=RawDescriptionHelpFormatter,
        description="List communes where projects of two or more donors in the same sector run at the "
                    "same time\n(provincial plans ask donors to avoid overlap and duplication). Only "
                    "commune-targeted projects\ncount unless --include-area is given.",
        epilog=FILTER_HELP + "\n\nexample:\n  geoaid overlaps --province 96 --year 2024 --format csv --out o.csv")
    add_analysis_options(overlaps)
    overlaps.add_argument("--include-area", action="store_true",
                          help="also count district/province-wide projects in each of their communes")
    overlaps.add_argument("--format", choices=["table", "csv", "json"], default="table")
    overlaps.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")
    overlaps.set_defaults(func=run_overlaps)

    donor = subparsers.add_parser(
        "donor", help="where one donor's aid goes (without NAME: list the donors)",
        formatter_class=RawDescriptionHelpFormatter,
        description="Funding of one donor by province, sector and commune, and the share of it in "
                    "priority\ncommunes (per classification scheme) against the province average: the "
                    "same share for\nall donors together in the provinces where the donor works.",
        epilog=FILTER_HELP + "\n\nexamples:\n  geoaid donor\n  geoaid donor \"hoi chu thap do\" --year 2024\n"
                             "  geoaid donor \"Donor A\" --format json --out donor.json\n"
                             "  geoaid donor \"Donor A\" --format csv --out projects.csv   (the donor's projects)")
    donor.add_argument("name", nargs="?", help="donor name (case, Unicode form and diacritics do not matter)")
    add_analysis_options(donor)
    donor.add_argument("--format", choices=["table", "csv", "json"], default="table",
                       help="csv: the donor list, or with NAME the donor's projects")
    donor.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")
    donor.set_defaults(func=run_donor)


def load(args):
    """(workspace, analysis, filters): the workspace snapshot's memoised analysis on
    --boundary-version, with a one-run --allocation-rule, and the parsed filters."""
    workspace = workspace_from(args).require()
    snapshot = Snapshot.read(workspace)
    if getattr(args, "allocation_rule", None):
        snapshot = snapshot.with_settings(area_allocation_rule=args.allocation_rule)
    analysis = snapshot.on(getattr(args, "boundary_version", None) or "2019")
    return workspace, analysis, filters_from(args, analysis.frames)


def _emit(text: str, out: str | None, csv_file: bool = False) -> None:
    if out:
        # A BOM lets Excel open Vietnamese CSV correctly.
        with open(out, "w", encoding="utf-8-sig" if csv_file else "utf-8", newline="") as handle:
            handle.write(text)
        print(f"written: {out}", file=sys.stderr)
    else:
        sys.stdout.write(text)


def _notes(frames, filters) -> str:
    lines = [f"Filters: {filters.describe(province_names=frames.province_names)}",
             f"Allocation rule for district/province-wide projects: {frames.allocation_rule}",
             f"Gap formula: {describe_gap_formula(frames)}",
             f"USD at {frames.usd_rate:,.0f} VND (setting exchange_rates_vnd)"]
    lines.append(describe_version(frames))
    if frames.is_sample:
        lines.append("SAMPLE data: some classifications and/or projects are sample data, not official.")
    return "\n".join(lines) + "\n\n"


def _json(data) -> str:
    return dumps(data, indent=1) + "\n"


def _table(frame: pd.DataFrame, columns: list[str]) -> str:
    shown = frame[columns].copy()
    for column in shown.columns:
        if column.endswith(("_vnd", "_usd")):
            shown[column] = shown[column].map(lambda v: f"{v:,.0f}")
    return shown.to_string(index=False)


def run_gaps(args) -> int:
    _workspace, analysis, filters = load(args)
    frames = analysis.frames
    ranking = analysis.ranking(filters)
    total = len(ranking)
    limit = args.limit if args.limit is not None else (20 if args.format == "table" else 0)
    if limit:
        ranking = ranking.head(limit)
    if args.format == "json":
        _emit(_json({"filters": filters.to_query(), "filters_text": filters.describe(
                         province_names=frames.province_names),
                     "sample": bool(frames.is_sample), "allocation_rule": frames.allocation_rule,
                     "gap_formula": ranking.attrs.get("gap_formula"), "usd_rate_vnd": frames.usd_rate,
                     "communes_total": total, "communes": records(ranking)}), args.out)
    elif args.format == "csv":
        _emit(csv_text(ranking), args.out, csv_file=True)
    else:
        body = _table(ranking, GAP_TABLE_COLUMNS) if len(ranking) else "No communes match the filters."
        _emit(_notes(frames, filters) + body + f"\n\n{len(ranking)} of {total} communes shown "
              "(most urgent first; --limit 0 for all).\n", args.out)
    return 0


def run_overlaps(args) -> int:
    _workspace, analysis, filters = load(args)
    frames = analysis.frames
    found = analysis.overlaps(filters, include_area=args.include_area)
    if args.format == "json":
        _emit(_json({"filters": filters.to_query(), "sample": bool(frames.is_sample),
                     "allocation_rule": frames.allocation_rule, "include_area": args.include_area,
                     "overlaps": records(found)}), args.out)
    elif args.format == "csv":
        _emit(csv_text(found), args.out, csv_file=True)
    else:
        body = (_table(found, OVERLAP_TABLE_COLUMNS) + f"\n\n{len(found)} commune-sector overlap(s)."
                if len(found) else "No overlaps.")
        scope = ("commune-targeted and area-wide projects" if args.include_area
                 else "commune-targeted projects only (--include-area adds area-wide ones)")
        _emit(_notes(frames, filters) + f"Counting {scope}.\n\n" + body + "\n", args.out)
    return 0


def run_donor(args) -> int:
    _workspace, analysis, filters = load(args)
    frames = analysis.frames
    if not args.name:
        donors = analysis.donors()
        if args.format == "json":
            _emit(_json({"sample": bool(frames.is_sample), "donors": records(donors)}), args.out)
        elif args.format == "csv":
            _emit(csv_text(donors), args.out, csv_file=True)
        else:
            body = _table(donors, list(donors.columns)) if len(donors) else "No projects in the workspace."
            _emit(body + "\n", args.out)
        return 0
    reach = analysis.reach(args.name, filters)
    if args.format == "csv":
        _emit(csv_text(reach.projects[DONOR_PROJECT_COLUMNS]), args.out, csv_file=True)
        return 0
    if args.format == "json":
        _emit(_json({"donor": reach.donor, "filters": filters.to_query(), "sample": reach.sample,
                     "allocation_rule": reach.allocation_rule, "totals": reach.totals,
                     "by_province": records(reach.by_province), "by_sector": records(reach.by_sector),
                     "by_commune": records(reach.by_commune),
                     "priority_share": records(reach.priority_share),
                     "projects": records(reach.projects[DONOR_PROJECT_COLUMNS])}), args.out)
        return 0
    t = reach.totals
    lines = [_notes(frames, filters).rstrip("\n"), "",
             f"Donor: {reach.donor}" + (" (the figures involve SAMPLE data)" if reach.sample else ""),
             f"{t['projects']} project(s), {t['funding_vnd']:,} VND (≈ {t['funding_usd']:,} USD) allocated "
             f"to {t['communes']} commune(s) in {t['provinces']} province(s); "
             f"area-wide part {t['area_funding_vnd']:,} VND"]
    if t["people_reached_in_funded"] or t["people_targeted"] or t["people_reached"]:
        lines.append(f"People reached in the communes it funds: {t['people_reached_in_funded']:,}; its projects "
                     f"state {t['people_targeted']:,} targeted, {t['people_reached']:,} reached")
    shares = reach.priority_share.rename(columns={"donor_share": "donor_%", "province_average": "province_avg_%",
                                                  "difference": "diff_pts"})
    for title, table, columns in (
            ("By province", reach.by_province, ["province_code", "province", "funding_vnd", "funding_usd",
                                                "communes", "share_pct"]),
            ("By sector", reach.by_sector, ["sector", "project_count", "funding_vnd", "funding_usd", "share_pct"]),
            ("Share of funding in priority communes vs all donors in the same provinces (%)", shares,
             ["scheme", "donor_%", "province_avg_%", "diff_pts"]),
            ("Top communes", reach.by_commune.head(15), ["commune_code", "commune_name", "district", "scope",
                                                          "funding_vnd", "priority_score"])):
        lines += ["", f"{title}:", _table(table, columns) if len(table) else "(none)"]
    _emit("\n".join(lines) + "\n", args.out)
    return 0
