"""Print-ready maps (PNG, PDF, SVG) of the same analysis as the web maps, offline.

Folium cannot export images, so geoaid draws print maps itself with
matplotlib (geopandas plotting): an A4/A3 sheet with title and filters in
words, the choropleth with class breaks and units, ethnic-minority and
coastal zones hatched, district/province boundaries and labels where they
are legible, scale bar and north arrow from real distances, an inset
locating the area in Vietnam, sources, date and a boundary disclaimer.

Two steps, so an atlas can classify once and draw many pages:

* :func:`geoaid.output.print_data.prepare` runs the analysis for a view
  (geoaid.analysis.views, shared with the web map) and filters;
* :func:`geoaid.output.print_sheet.draw` lays one sheet out for all or part of it.

:func:`render_map` does both and returns the file's bytes (the web app's
download button calls it); :func:`save_map` writes a file. Options are
checked against the one set of print limits (geoaid.output.limits).
"""

from __future__ import annotations

import io
import threading
from pathlib import Path

import matplotlib
from matplotlib.figure import Figure

from geoaid import __version__
from geoaid.analysis.filters import Filters
from geoaid.analysis.frames import Frames
from geoaid.analysis.memoised import Analysis, analysed
from geoaid.output.limits import DEFAULT_DPI, IMAGE_FORMATS, check_dpi, check_image_format
from geoaid.output.print_data import prepare
from geoaid.output.print_elements import FONT
from geoaid.output.print_inset import vietnam_outline
from geoaid.output.print_layout import Layout, page_layout
from geoaid.output.print_sheet import default_title, draw

# matplotlib's rcParams are process-global and its figures are not thread-safe;
# the web server renders in threads, so one map is drawn at a time.
render_lock = threading.Lock()


def rc_params(layout: Layout) -> dict:
    """Settings for every print: Vietnamese-capable font, text kept as text."""
    return {"font.family": FONT, "font.sans-serif": [FONT],
            "svg.fonttype": "none",    # SVG text stays <text>: editable, searchable
            "pdf.fonttype": 42,        # embed TrueType: PDF text is extractable and copyable
            "hatch.linewidth": layout.pt(0.35), "axes.unicode_minus": False,
            "svg.hashsalt": "geoaid"}  # stable SVG ids: the same map gives the same file


def figure_bytes(fig: Figure, fmt: str, dpi: int, layout: Layout, title: str = "") -> bytes:
    fmt = check_image_format(fmt)
    buffer = io.BytesIO()
    meta = {"png": {"Title": title, "Software": f"geoaid {__version__}"},
            "pdf": {"Title": title, "Creator": f"geoaid {__version__}"},
            "svg": {"Title": title, "Creator": f"geoaid {__version__}"}}[fmt]
    with matplotlib.rc_context(rc_params(layout)):
        fig.savefig(buffer, format=fmt, dpi=dpi, metadata=meta)
    return buffer.getvalue()


def render_map(frames: Frames | Analysis, view: str, filters: Filters = Filters(), paper: str = "A4",
               orientation: str = "landscape", fmt: str = "png", dpi: int = DEFAULT_DPI, lang: str = "en",
               title: str | None = None, cache_dir: str | Path | None = None, base_url: str | None = None) -> bytes:
    """The map of ``view`` for ``filters`` as PNG/PDF/SVG bytes. Raises ValueError on bad options.

    ``cache_dir`` (the workspace's folder) keeps the national outline for the
    inset between runs; without it the outline is cached in memory only.
    ``base_url`` replaces the ``web_base_url`` setting in the printed link and QR code.

    >>> png = render_map(frames, "gap", Filters(provinces=("96",)), dpi=150)  # doctest: +SKIP
    >>> png[:4]  # doctest: +SKIP
    b'\x89PNG'
    """
    fmt, dpi = check_image_format(fmt), check_dpi(dpi)
    layout = page_layout(paper, orientation)
    analysis = analysed(frames)
    with render_lock, matplotlib.rc_context(rc_params(layout)):
        data = prepare(analysis, view, filters, lang)
        data.base_url = base_url or data.base_url
        outline = vietnam_outline(analysis.frames.communes, cache_dir)
        fig = draw(data, layout, title=title, outline=outline)
        return figure_bytes(fig, fmt, dpi, layout, title or default_title(data))


def save_map(frames: Frames | Analysis, view: str, out: str | Path, filters: Filters = Filters(), **options) -> Path:
    """Write the map to ``out``; the format follows the file's suffix (.png, .pdf, .svg)."""
    out = Path(out)
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"--out must end in .png, .pdf or .svg, got {out.name!r}")
    body = render_map(frames, view, filters, fmt=fmt, **options)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(body)
    return out
