"""``geoaid map`` and ``geoaid atlas``: print-ready maps rendered offline with matplotlib."""

from __future__ import annotations

import sys
from argparse import RawDescriptionHelpFormatter
from pathlib import Path

from tqdm import tqdm

from geoaid.analysis.views import DEFAULT_VIEW, LANGS, view_choices
from geoaid.cli.analysis import FILTER_HELP, add_analysis_options, load
from geoaid.output.limits import DEFAULT_DPI, DPI_MAX, DPI_MIN, IMAGE_FORMATS, ORIENTATIONS, PAPERS
from geoaid.output.printmap import save_map
from geoaid.store.settings import validate

VIEW_HELP = """views:
  gap       gap score: priority not yet covered by aid (default; "gaps" also works)
  priority  priority score from the classification schemes (0-100)
  coverage  allocated funding per commune (USD)
  projects  number of projects per commune
  donor     one donor's allocated funding (needs --donor NAME)"""




def _layout_options(parser, dpi_help: str) -> None:
    group = parser.add_argument_group("map")
    group.add_argument("--view", default=DEFAULT_VIEW, type=str.lower, choices=view_choices(),
                       help=f"what the colours show (default {DEFAULT_VIEW}; see below)")
    group.add_argument("--paper", default="A4", type=str.upper, choices=list(PAPERS),
                       help="paper size (default A4)")
    group.add_argument("--orientation", default="landscape", choices=ORIENTATIONS, help="default landscape")
    group.add_argument("--dpi", type=int, default=DEFAULT_DPI, help=dpi_help)
    group.add_argument("--base-url", metavar="URL",
                       help="the web app's address for the map's link and QR code (default: the "
                            "web_base_url setting, http://127.0.0.1:5000)")
    group.add_argument("--lang", choices=sorted(LANGS), default="en",
                       help="language of titles, legend and notes (default en)")


def register(subparsers) -> None:
    single = subparsers.add_parser(
        "map", help="write a print-ready map (PNG, PDF or SVG)",
        formatter_class=RawDescriptionHelpFormatter,
        description="Render a print map of the same analysis as the web maps, offline: title and "
                    "filters in words, legend with class breaks and units, scale bar, north arrow, "
                    "labels, an inset locating the area in Vietnam, sources, date and a boundary "
                    "disclaimer. SAMPLE data is marked on the map.",
        epilog=VIEW_HELP + "\n\n" + FILTER_HELP + "\n\nexamples:\n"
               "  geoaid map --view gap --province 96 --out ca-mau-gaps.png\n"
               "  geoaid map --view donor --donor \"Sample Donor A (fictitious)\" --paper A3 "
               "--orientation portrait --out donor-a.pdf\n"
               "  geoaid map --view priority --province \"Hà Giang\" --lang vi --out ha-giang.svg")
    add_analysis_options(single)
    _layout_options(single, f"resolution of PNG output, {DPI_MIN}-{DPI_MAX} (default {DEFAULT_DPI})")
    single.add_argument("--title", help="replace the default title")
    single.add_argument("--out", required=True, metavar="FILE",
                        help="output file; the format follows the suffix: .png, .pdf or .svg")
    single.set_defaults(func=run_map)

    atlas = subparsers.add_parser(
        "atlas", help="one print map per province or per district (folder or multi-page PDF)",
        formatter_class=RawDescriptionHelpFormatter,
        description="Write one print map per province (or district) of the filtered area, after an "
                    "overview page. All pages share the same class breaks, so colours compare across "
                    "pages. --out FILE.pdf writes one multi-page PDF; --out FOLDER writes one image per "
                    "page (--format png|svg|pdf).",
        epilog=VIEW_HELP + "\n\n" + FILTER_HELP + "\n\nexamples:\n"
               "  geoaid atlas --view gap --by province --out atlas.pdf\n"
               "  geoaid atlas --view priority --by district --province 02 --out maps/ha-giang/")
    add_analysis_options(atlas)
    _layout_options(atlas, f"resolution, {DPI_MIN}-{DPI_MAX} (default {DEFAULT_DPI}; use 150 for quick drafts)")
    atlas.add_argument("--by", choices=["province", "district"], default="province",
                       help="one page per province (default) or per district")
    atlas.add_argument("--format", dest="image_format", choices=list(IMAGE_FORMATS), default="png",
                       help="image format when --out is a folder (default png)")
    atlas.add_argument("--no-overview", action="store_true", help="leave out the overview page")
    atlas.add_argument("--out", required=True, metavar="FILE.pdf|FOLDER",
                       help="a .pdf file (one page per unit) or a folder for one file per unit")
    atlas.set_defaults(func=run_atlas)


def run_map(args) -> int:
    if args.base_url:
        validate("web_base_url", args.base_url)
    workspace, analysis, filters = load(args)
    out = save_map(analysis, args.view, args.out, filters, paper=args.paper, orientation=args.orientation,
                   dpi=args.dpi, lang=args.lang, title=args.title, cache_dir=workspace.cache_dir,
                   base_url=args.base_url)
    print(f"Map written: {out}")
    if analysis.frames.is_sample:
        print("Note: the map uses SAMPLE data (marked on the map).", file=sys.stderr)
    return 0


def run_atlas(args) -> int:
    # matplotlib's PDF backend (and fontTools) load only for an atlas: `geoaid --help` stays fast
    from geoaid.output.atlas import write_atlas

    if args.base_url:
        validate("web_base_url", args.base_url)
    workspace, analysis, filters = load(args)
    pages = []

    def progress(items):
        pages.extend(items)
        return tqdm(pages, desc="Atlas", unit="page", file=sys.stderr)

    written = write_atlas(analysis, Path(args.out), view=args.view, by=args.by, filters=filters,
                          paper=args.paper, orientation=args.orientation, dpi=args.dpi, lang=args.lang,
                          fmt=args.image_format, overview=not args.no_overview,
                          cache_dir=workspace.cache_dir,
                          progress=progress, base_url=args.base_url)
    if Path(args.out).suffix.lower() == ".pdf":
        print(f"Atlas written: {written[0]} ({len(pages)} pages)")
    else:
        print(f"Atlas written: {len(written)} files in {args.out}")
    return 0
