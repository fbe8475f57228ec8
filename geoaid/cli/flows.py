"""``geoaid flows``: planned, committed, disbursed and spent money by year, per place, donor or sector."""

from __future__ import annotations

from argparse import RawDescriptionHelpFormatter

from geoaid.analysis.flows import BY, series_columns
from geoaid.cli.analysis import FILTER_HELP, _emit, _json, _notes, _table, add_analysis_options, load
from geoaid.output.formula_injection import csv_text
from geoaid.output.json_records import records


def register(subparsers) -> None:
    flows = subparsers.add_parser(
        "flows", help="money by year: planned, committed, disbursed, spent (per province, district, commune, "
                      "donor or sector)",
        formatter_class=RawDescriptionHelpFormatter,
        description="A yearly series of the money of the filtered projects: planned budgets, commitments,\n"
                    "disbursements and expenditure, and the disbursement rate (disbursed / committed).\n"
                    "A flow counts in the year of its date (a budget in the year its period starts); a project\n"
                    "without planned flows counts its budget in its start year. Places receive their share\n"
                    "of each year's money by the allocation rules, in whole VND.",
        epilog=FILTER_HELP + "\n\nexamples:\n  geoaid flows --by sector --province 96\n"
                             "  geoaid flows --by donor --from 2023-01-01 --to 2025-12-31 --format csv --out f.csv\n"
                             "  geoaid flows --by commune --donor \"Donor A\" --format json")
    flows.add_argument("--by", choices=BY, default="province", help="one series per (default: province)")
    add_analysis_options(flows)
    flows.add_argument("--format", choices=["table", "csv", "json"], default="table")
    flows.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")
    flows.set_defaults(func=run_flows)


def run_flows(args) -> int:
    _workspace, analysis, filters = load(args)
    frames = analysis.frames
    series = analysis.flows(filters, args.by)
    if args.format == "json":
        _emit(_json({"by": args.by, "filters": filters.to_query(), "sample": bool(frames.is_sample),
                     "allocation_rule": frames.allocation_rule, "usd_rate_vnd": frames.usd_rate,
                     "series": records(series)}), args.out)
    elif args.format == "csv":
        _emit(csv_text(series), args.out, csv_file=True)
    else:
        body = (_table(series, series_columns(args.by)) if len(series)
                else "No money of the filtered projects in those years.")
        _emit(_notes(frames, filters) + body + "\n", args.out)
    return 0
