"""``geoaid annex --out plan.pdf|plan.xlsx``: what goes into a provincial aid-mobilisation plan."""

from __future__ import annotations

import sys
from pathlib import Path

from tqdm import tqdm

from geoaid.cli.analysis import FILTER_HELP, add_analysis_options, load
from geoaid.output.limits import DEFAULT_DPI
from geoaid.output.plan_annex import annex_xlsx, plan_annex
from geoaid.store.settings import validate


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "annex", help="the plan annex: priority communes, open needs with donors, gap and sector maps (PDF/XLSX)",
        description="What goes into a provincial plan: the priority-commune list with gaps, the open local "
                    "needs with the three best-fitting donors, the gap map and one gap map per sector that "
                    "has projects or needs. PDF: A4, numbered pages, sources, date, boundary version, SAMPLE "
                    "marks. XLSX: the same tables, one sheet each, and a notes sheet.",
        epilog=FILTER_HELP + "\n\nexamples:\n  geoaid annex --province 96 --out plan.pdf\n"
                             "  geoaid annex --province 96 --lang en --out plan.xlsx")
    add_analysis_options(parser)
    parser.add_argument("--out", required=True, metavar="FILE", help="output file: .pdf or .xlsx")
    parser.add_argument("--lang", choices=["vi", "en"], default="vi", help="language of the annex (default vi)")
    parser.add_argument("--dpi", type=int, default=DEFAULT_DPI, help="resolution of the map pages' raster parts")
    parser.add_argument("--base-url", metavar="URL",
                        help="the web app's address for the maps' links and QR codes (default: the "
                             "web_base_url setting, http://127.0.0.1:5000)")
    parser.set_defaults(func=run)


def run(args) -> int:
    suffix = Path(args.out).suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        raise ValueError(f"--out must end in .pdf or .xlsx, not {suffix or 'nothing'!r}")
    if args.base_url:
        validate("web_base_url", args.base_url)
    workspace, analysis, filters = load(args)
    annex = plan_annex(analysis, filters, args.lang)
    if suffix == ".pdf":
        # matplotlib's PDF backend loads only for a PDF annex: `geoaid --help` stays fast
        from geoaid.output.plan_annex_pdf import annex_pdf

        def progress(pages):
            return tqdm(pages, desc="Annex", unit="page", file=sys.stderr)

        body = annex_pdf(analysis, annex, cache_dir=workspace.cache_dir, dpi=args.dpi, progress=progress,
                         base_url=args.base_url)
    else:
        body = annex_xlsx(annex)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_bytes(body)
    print(f"Annex written: {args.out} ({len(annex.priority)} communes, {len(annex.needs)} open needs, "
          f"{len(annex.sectors)} sector maps)")
    if annex.sample:
        print("Note: the annex contains SAMPLE data (marked on its pages and sheets).", file=sys.stderr)
    return 0
