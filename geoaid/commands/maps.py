"""``geoaid map`` and ``geoaid atlas``: print maps rendered offline with matplotlib."""

from __future__ import annotations

import sys
from pathlib import Path

from tqdm import tqdm

from geoaid.cli import add_workspace_option, workspace_from
from geoaid.commands.analysis import add_filter_options, filters_from


def _layout_options(parser) -> None:
    parser.add_argument("--view", choices=["gaps", "priority", "coverage", "donor"], default="gaps")
    parser.add_argument("--paper", choices=["A4", "A3"], default="A4")
    parser.add_argument("--orientation", choices=["portrait", "landscape"], default="landscape")
    parser.add_argument("--dpi", type=int, default=300, help="resolution of PNG output (default 300)")
    parser.add_argument("--lang", choices=["en", "vi"], default="en", help="language of the map text")


def register(subparsers) -> None:
    single = subparsers.add_parser("map", help="write a print map (PNG, PDF or SVG)",
                                   description="Render a print-ready map: title, legend with class "
                                               "breaks, scale bar, north arrow, inset, sources.")
    add_workspace_option(single)
    add_filter_options(single)
    _layout_options(single)
    single.add_argument("--title", help="replace the default title")
    single.add_argument("--out", required=True, help="output file: .png, .pdf or .svg")
    single.set_defaults(func=run_map)

    atlas = subparsers.add_parser("atlas", help="one map per province or district",
                                  description="Write one print map per province (or district) into a "
                                              "folder of PNG files, or into one multi-page PDF.")
    add_workspace_option(atlas)
    add_filter_options(atlas)
    _layout_options(atlas)
    atlas.add_argument("--by", choices=["province", "district"], default="province")
    atlas.add_argument("--out", required=True, help="a .pdf file, or a folder for PNG files")
    atlas.set_defaults(func=run_atlas)


def run_map(args) -> int:
    from geoaid.frames import load_frames
    from geoaid.printmap import render_map

    frames = load_frames(workspace_from(args).require())
    fmt = Path(args.out).suffix.lower().lstrip(".")
    body = render_map(frames, args.view, filters_from(args, frames), paper=args.paper,
                      orientation=args.orientation, fmt=fmt, dpi=args.dpi, lang=args.lang, title=args.title)
    Path(args.out).write_bytes(body)
    print(f"written: {args.out}")
    return 0


def run_atlas(args) -> int:
    from geoaid.atlas import write_atlas
    from geoaid.frames import load_frames

    frames = load_frames(workspace_from(args).require())
    written = write_atlas(frames, args.out, view=args.view, by=args.by, filters=filters_from(args, frames),
                          paper=args.paper, orientation=args.orientation, dpi=args.dpi, lang=args.lang,
                          progress=lambda pages: tqdm(pages, desc="Atlas pages", unit="map", file=sys.stderr))
    print(f"written: {len(written)} file(s) in {args.out}")
    return 0
