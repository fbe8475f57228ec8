"""``geoaid brief DONOR --out FILE.pdf|xlsx [--lang vi|en]``: the open local needs that fit a donor."""

from __future__ import annotations

import sys
from pathlib import Path

from geoaid.analysis.frames import load_frames
from geoaid.analysis.needs import need_status
from geoaid.cli import add_workspace_option, workspace_from
from geoaid.output.brief import brief_pdf, brief_xlsx, donor_brief


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "brief", help="the open local needs that fit one donor, as a one-page PDF or an XLSX",
        description="What a provincial office sends a donor before a meeting: the needs (open or partly "
                    "met) for which the donor fits, best fit first, with the reasons in words, the "
                    "sources and the date. Sample data is marked SAMPLE.",
        epilog="examples:\n  geoaid brief UNICEF --out unicef.pdf\n  geoaid brief \"World Vision\" --lang en "
               "--out world-vision.xlsx")
    parser.add_argument("donor", metavar="DONOR", help="donor name (case, diacritics and Unicode form do not matter)")
    parser.add_argument("--out", required=True, metavar="FILE", help="output file: .pdf or .xlsx")
    parser.add_argument("--lang", choices=["vi", "en"], default="vi", help="language of the brief (default vi)")
    add_workspace_option(parser)
    parser.set_defaults(func=run)


def run(args) -> int:
    suffix = Path(args.out).suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        raise ValueError(f"--out must end in .pdf or .xlsx, not {suffix or 'nothing'!r}")
    workspace = workspace_from(args).require()
    frames = load_frames(workspace)
    brief = donor_brief(frames, need_status(frames), args.donor, args.lang)
    Path(args.out).write_bytes(brief_pdf(brief) if suffix == ".pdf" else brief_xlsx(brief))
    print(f"Brief written: {args.out} ({len(brief.rows)} needs fit {brief.donor})")
    if brief.sample:
        print("Note: the brief contains SAMPLE data (marked on the page).", file=sys.stderr)
    return 0
