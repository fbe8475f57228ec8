"""``geoaid scenario show|save|list|compare|commit`` and ``geoaid place``: planner decisions.

Thin wrappers over geoaid.planning: candidates come from a JSON or CSV/XLSX file
(geoaid/planning/candidates.py), the analysis before and after is the library's, and
saving/committing are workspace transactions with audit rows (user "cli").
"""

from __future__ import annotations

import json
import sys
from argparse import RawDescriptionHelpFormatter

from geoaid.analysis.filters import filters_for
from geoaid.analysis.frames import load_frames
from geoaid.cli import add_workspace_option, workspace_from
from geoaid.cli.analysis import FILTER_HELP, _emit, _table, add_filter_options, filters_from
from geoaid.output.json_records import dumps, records
from geoaid.planning.candidates import amount_vnd, district_codes, parse_period, read_candidates
from geoaid.planning.placement import PlacementRequest, propose
from geoaid.planning.saved import commit_scenario, compare_scenarios, list_scenarios, save_scenario
from geoaid.planning.scenario import run_scenario

CHANGE_TABLE = ["commune_code", "commune_name", "district", "gap_before", "gap_after", "rank_before", "rank_after",
                "funding_before_vnd", "funding_after_vnd"]
CANDIDATES_HELP = """candidates file: JSON (a list of objects, or {"candidates": [...]}) or CSV/XLSX with the columns
  place (Địa bàn): commune code or "Xã …, Huyện …", "Huyện …" for a district; several with ";"
  sector (Lĩnh vực), amount (Kinh phí), currency (Đơn vị tiền; default VND),
  period (Giai đoạn: 2025 or 2025-2027) or start/end (Từ ngày/Đến ngày),
  donor (Nhà tài trợ), title (Tên dự án), project_id (Mã dự án) — optional"""


def register(subparsers) -> None:
    scenario = subparsers.add_parser("scenario", help="what-if scenarios: candidate projects before/after, "
                                                      "saved, compared, committed")
    actions = scenario.add_subparsers(dest="action", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="the analysis before and after adding the candidates (writes nothing)",
                              formatter_class=RawDescriptionHelpFormatter,
                              epilog=CANDIDATES_HELP + "\n\n" + FILTER_HELP)
    show.add_argument("file", help="candidates (JSON, CSV or XLSX)")
    _common(show, filters=True)
    show.add_argument("--limit", type=int, default=30, help="communes shown in the table (0 = all)")
    show.set_defaults(func=run_show)
    save = actions.add_parser("save", help="save the candidates as a named scenario",
                              formatter_class=RawDescriptionHelpFormatter, epilog=CANDIDATES_HELP)
    save.add_argument("name")
    save.add_argument("file")
    add_workspace_option(save)
    save.set_defaults(func=run_save)
    listing = actions.add_parser("list", help="the saved scenarios")
    _common(listing)
    listing.set_defaults(func=run_list)
    compare = actions.add_parser("compare", help="saved scenarios side by side", epilog=FILTER_HELP,
                                 formatter_class=RawDescriptionHelpFormatter)
    compare.add_argument("names", nargs="+", metavar="NAME")
    _common(compare, filters=True)
    compare.set_defaults(func=run_compare)
    commit = actions.add_parser("commit", help="write a saved scenario's candidates as real projects")
    commit.add_argument("name")
    add_workspace_option(commit)
    commit.set_defaults(func=run_commit)

    place = subparsers.add_parser(
        "place", help="suggest where a budget reduces the total gap most (greedy marginal gain)",
        formatter_class=RawDescriptionHelpFormatter,
        description="Place a budget in steps of the minimum amount per commune, each step where it lowers the\n"
                    "total (weighted) gap most; gap = priority × R / (R + F) as in `geoaid gaps`.\n"
                    "This greedy rule is optimal for that formula (see geoaid/planning/placement.py).",
        epilog="example:\n  geoaid place --budget 10.000.000.000 --sector health --period 2025-2026 --province 96 "
               "--avoid-other-donors --out de_xuat.json\n  geoaid scenario show de_xuat.json")
    place.add_argument("--budget", required=True, help="amount (1.500.000.000 or 1,500,000,000)")
    place.add_argument("--currency", default="VND", help="currency of --budget and --min-amount (default VND)")
    place.add_argument("--sector", required=True, help="sector key, English/Vietnamese label or DAC code")
    place.add_argument("--period", required=True, help="2025 or 2025-2027")
    place.add_argument("--province", action="append", metavar="CODE|NAME", help="only these provinces (repeatable)")
    place.add_argument("--district", action="append", metavar="CODE|NAME", help="only these districts (repeatable)")
    place.add_argument("--min-amount", help="minimum amount per commune, also the step "
                                            "(default: the gap_reference_vnd setting)")
    place.add_argument("--avoid-other-donors", action="store_true",
                       help="leave out communes where another donor has a project in this sector and period")
    place.add_argument("--donor", help="the donor of the budget (its own projects are no obstacle)")
    place.add_argument("--per-capita", action="store_true", help="weight each commune's gap by its population")
    place.add_argument("--lang", choices=["vi", "en"], default="en", help="language of the reasons")
    _common(place)
    place.add_argument("--candidates-out", metavar="FILE.json", help="write the proposal as a candidates file")
    place.set_defaults(func=run_place)


def _common(parser, filters: bool = False) -> None:
    add_workspace_option(parser)
    if filters:
        add_filter_options(parser)
    parser.add_argument("--format", choices=["table", "json"], default="table")
    parser.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")


def _candidates(path):
    candidates, report = read_candidates(path)
    if not report.ok:
        raise ValueError("; ".join(str(p) for p in report.errors))
    return candidates


def run_show(args) -> int:
    workspace = workspace_from(args).require()
    frames = load_frames(workspace)
    filters = filters_from(args, frames)
    result = run_scenario(frames, _candidates(args.file), filters)
    changes, summary = result.changes, result.summary()
    for problem in result.report.errors:
        print(problem, file=sys.stderr)
    if args.format == "json":
        _emit(dumps({"filters": filters.to_query(), "summary": summary, "changes": records(changes),
                     "new_overlaps": records(result.new_overlaps),
                     "problems": [str(p) for p in result.report.problems]}, indent=1) + "\n", args.out)
    else:
        shown = changes.head(args.limit) if args.limit else changes
        lines = [f"Scenario of {summary['candidates']} candidate project(s), {summary['added_vnd']:,} VND "
                 "(nothing written)",
                 f"Total gap: {summary['total_gap_before']:,.2f} → {summary['total_gap_after']:,.2f}; "
                 f"communes without funding: {summary['unfunded_before']} → {summary['unfunded_after']}; "
                 f"overlap alerts: {summary['overlaps_before']} → {summary['overlaps_after']}", ""]
        body = _table(shown, CHANGE_TABLE) if len(shown) else "No commune changes."
        alerts = result.new_overlaps
        if len(alerts):
            body += "\n\nNew overlap alerts:\n" + alerts[["commune_code", "commune_name", "sector", "donors",
                                                          "project_ids"]].to_string(index=False)
        _emit("\n".join(lines) + body + "\n", args.out)
    return 2 if result.report.errors else 0


def run_save(args) -> int:
    name = save_scenario(workspace_from(args).require(), "cli", args.name, _candidates(args.file))
    print(f"saved scenario {name!r}")
    return 0


def run_list(args) -> int:
    table = list_scenarios(workspace_from(args).require())
    columns = ["name", "status", "candidate_count", "saved_by", "saved_at", "committed_by", "committed_at"]
    if args.format == "json":
        _emit(dumps(records(table[columns]), indent=1) + "\n", args.out)
    else:
        _emit((table[columns].fillna("").to_string(index=False) if len(table) else "No saved scenario.") + "\n",
              args.out)
    return 0


def run_compare(args) -> int:
    workspace = workspace_from(args).require()
    frames = load_frames(workspace)
    table = compare_scenarios(frames, workspace, args.names, filters_from(args, frames))
    if args.format == "json":
        _emit(dumps(records(table), indent=1) + "\n", args.out)
    else:
        _emit(table.set_index("scenario").T.to_string() + "\n", args.out)
    return 0


def run_commit(args) -> int:
    ids = commit_scenario(workspace_from(args).require(), "cli", args.name)
    print(f"committed: {len(ids)} project(s): {', '.join(ids)}")
    return 0


def run_place(args) -> int:
    workspace = workspace_from(args).require()
    frames = load_frames(workspace)
    rates = frames.setting("exchange_rates_vnd")
    # Province names and sector labels read by the shared filter parser, as in every command.
    parsed = filters_for(frames, {"province": args.province or [], "sector": [args.sector]})
    start, end = parse_period(args.period)
    sector = parsed.sectors[0]
    request = PlacementRequest(
        budget_vnd=amount_vnd(args.budget, args.currency, rates), sector=sector, start=start, end=end,
        provinces=parsed.provinces, districts=district_codes(frames.communes, args.district or []),
        min_amount_vnd=amount_vnd(args.min_amount, args.currency, rates) if args.min_amount else None,
        avoid_other_donors=args.avoid_other_donors, donor=args.donor, per_capita=args.per_capita)
    proposal = propose(frames, request)
    if args.candidates_out:
        with open(args.candidates_out, "w", encoding="utf-8") as handle:
            json.dump({"candidates": [c.record() for c in proposal.candidates()]}, handle, ensure_ascii=False,
                      indent=1)
        print(f"written: {args.candidates_out}", file=sys.stderr)
    if args.format == "json":
        _emit(dumps({"step_vnd": proposal.step_vnd, "objective_before": proposal.objective_before,
                     "objective_after": proposal.objective_after, "unplaced_vnd": proposal.unplaced_vnd,
                     "eligible": proposal.eligible, "chosen": records(proposal.chosen),
                     "reasons": proposal.reasons(args.lang), "excluded": records(proposal.excluded)}, indent=1)
              + "\n", args.out)
        return 0
    lines = [f"{request.budget_vnd:,} VND for {sector}, {start} to {end}, in steps of {proposal.step_vnd:,} VND "
             f"over {proposal.eligible} eligible communes (greedy marginal gain).",
             f"Total {'people-weighted ' if request.per_capita else ''}gap: {proposal.objective_before:,.2f} → "
             f"{proposal.objective_after:,.2f}; not placed: {proposal.unplaced_vnd:,} VND.", ""]
    lines += [f"{n}. {reason}" for n, reason in enumerate(proposal.reasons(args.lang), start=1)]
    if len(proposal.excluded):
        lines += ["", "Left out (another donor works there in this sector):"]
        lines += [f"  {r.commune_code} {r.commune_name}: {r.donors}" for r in proposal.excluded.itertuples()]
    _emit("\n".join(lines) + "\n", args.out)
    return 0
