"""``geoaid gaps``, ``geoaid overlaps``, ``geoaid donor NAME``: the targeting analysis."""

from __future__ import annotations

import json
import sys

import pandas as pd

from geoaid.cli import add_workspace_option, workspace_from

GAP_JSON_KEYS = ["commune_code", "commune_name", "district", "province", "priority_score", "classes",
                 "project_count", "donor_count", "funding_usd", "funding_vnd", "area_funding_vnd",
                 "sectors_present", "sectors_missing", "gap_score", "gap_rank", "ethnic_minority",
                 "coastal", "sample"]


def add_filter_options(parser) -> None:
    """The filters shared by the analysis, map and export commands."""
    parser.add_argument("--province", action="append", help="GSO code or name (repeatable)")
    parser.add_argument("--sector", action="append", help="sector key, label or DAC code (repeatable)")
    parser.add_argument("--donor", action="append", help="donor name (repeatable)")
    parser.add_argument("--year", help="projects active in this year")
    parser.add_argument("--from", dest="from_", metavar="DATE", help="projects active from this date")
    parser.add_argument("--to", metavar="DATE", help="projects active until this date")
    parser.add_argument("--zone", action="append", choices=["ethnic_minority", "coastal"],
                        help="only communes in this priority zone (repeatable)")
    parser.add_argument("--scheme", action="append", help="priority from these schemes only (repeatable)")


def filters_from(args, frames):
    from geoaid.filters import Filters

    names = dict(zip(frames.communes["province_code"], frames.communes["province_name"]))
    return Filters.from_mapping({"province": args.province or [], "sector": args.sector or [],
                                 "donor": args.donor or [], "year": args.year or [],
                                 "from": args.from_ or [], "to": args.to or [], "zone": args.zone or [],
                                 "scheme": args.scheme or []}, province_names=names)


def register(subparsers) -> None:
    gaps = subparsers.add_parser("gaps", help="rank communes by unmet priority (the gap ranking)",
                                 description="Rank communes: high priority with little or no coverage "
                                             "first. gap = priority × R / (R + F), see README.")
    add_workspace_option(gaps)
    add_filter_options(gaps)
    gaps.add_argument("--format", choices=["table", "csv", "json"], default="table")
    gaps.add_argument("--limit", type=int, default=20, help="rows to show in a table (default 20; 0 = all)")
    gaps.add_argument("--out", help="write to this file instead of standard output")
    gaps.set_defaults(func=run_gaps)

    overlaps = subparsers.add_parser("overlaps", help="donors funding the same sector in the same "
                                                      "commune at the same time",
                                     description="List communes where two or more donors fund the same "
                                                 "sector in overlapping periods.")
    add_workspace_option(overlaps)
    add_filter_options(overlaps)
    overlaps.add_argument("--format", choices=["table", "csv", "json"], default="table")
    overlaps.add_argument("--out", help="write to this file instead of standard output")
    overlaps.set_defaults(func=run_overlaps)

    donor = subparsers.add_parser("donor", help="where one donor's aid goes",
                                  description="Funding of one donor by province, commune and sector, and "
                                              "its share in priority communes vs the province average.")
    donor.add_argument("name", help="donor name (case and diacritics do not matter)")
    add_workspace_option(donor)
    add_filter_options(donor)
    donor.add_argument("--format", choices=["table", "json"], default="table")
    donor.set_defaults(func=run_donor)


def _load(args):
    from geoaid.frames import load_frames

    frames = load_frames(workspace_from(args).require())
    return frames, filters_from(args, frames)


def _emit(text: str, out: str | None) -> None:
    if out:
        with open(out, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        print(f"written: {out}", file=sys.stderr)
    else:
        sys.stdout.write(text)


def _notes(frames, filters) -> str:
    from geoaid.coverage import describe_gap_formula

    names = dict(zip(frames.communes["province_code"], frames.communes["province_name"]))
    lines = [f"Filters: {filters.describe(province_names=names)}",
             f"Allocation rule for district/province-wide projects: "
             f"{frames.settings.get('area_allocation_rule', 'even')}",
             f"Gap formula: {describe_gap_formula()}"]
    if frames.is_sample:
        lines.append("SAMPLE DATA: classifications and/or projects are sample data, not official.")
    return "\n".join(lines) + "\n"


def run_gaps(args) -> int:
    from geoaid.coverage import gap_ranking

    frames, filters = _load(args)
    ranking = gap_ranking(frames, filters)
    if args.format == "json":
        records = ranking[GAP_JSON_KEYS].astype(object).where(ranking[GAP_JSON_KEYS].notna(), None)
        _emit(json.dumps({"filters": filters.to_query(), "sample": frames.is_sample,
                          "allocation_rule": frames.settings.get("area_allocation_rule", "even"),
                          "communes": records.to_dict("records")}, ensure_ascii=False, indent=1,
                         default=_json_default) + "\n", args.out)
    elif args.format == "csv":
        _emit(ranking[GAP_JSON_KEYS].to_csv(index=False), args.out)
    else:
        shown = ranking if args.limit == 0 else ranking.head(args.limit)
        columns = ["gap_rank", "commune_code", "commune_name", "district", "priority_score",
                   "project_count", "funding_usd", "gap_score", "classes"]
        _emit(_notes(frames, filters) + shown[columns].to_string(index=False) + "\n", args.out)
    return 0


def run_overlaps(args) -> int:
    from geoaid.overlaps import find_overlaps

    frames, filters = _load(args)
    found = find_overlaps(frames, filters)
    if args.format == "json":
        _emit(json.dumps({"filters": filters.to_query(), "sample": frames.is_sample,
                          "overlaps": found.to_dict("records")}, ensure_ascii=False, indent=1,
                         default=_json_default) + "\n", args.out)
    elif args.format == "csv":
        _emit(found.to_csv(index=False), args.out)
    else:
        body = found.to_string(index=False) if len(found) else "No overlaps."
        _emit(_notes(frames, filters) + body + "\n", args.out)
    return 0


def run_donor(args) -> int:
    from geoaid.donors import donor_reach

    frames, filters = _load(args)
    try:
        reach = donor_reach(frames, args.name, filters)
    except LookupError as exc:
        print(f"geoaid: {exc}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps({"donor": reach.donor, "totals": reach.totals, "sample": reach.sample,
                          "by_province": reach.by_province.to_dict("records"),
                          "by_sector": reach.by_sector.to_dict("records"),
                          "priority_share": reach.priority_share.to_dict("records"),
                          "projects": reach.projects[["project_id", "title", "sector", "budget_vnd",
                                                      "start_date", "end_date"]].to_dict("records")},
                         ensure_ascii=False, indent=1, default=_json_default))
        return 0
    print(_notes(frames, filters), end="")
    print(f"Donor: {reach.donor}")
    print(", ".join(f"{k}: {v:,}" for k, v in reach.totals.items()))
    for title, table in (("By province", reach.by_province), ("By sector", reach.by_sector),
                         ("Share of funding in priority communes (%)", reach.priority_share)):
        print(f"\n{title}:\n{table.to_string(index=False) if len(table) else '(none)'}")
    return 0


def _json_default(value):
    if isinstance(value, (pd.Timestamp,)):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return str(value)
