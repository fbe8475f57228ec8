"""The plan annex as one A4 PDF: a page of tables, the gap map, and one gap map per sector.

Page 1 holds the most urgent communes and the open needs with their best-fitting donors
(every row is in the XLSX; the page says how many more there are), the sources, the date
and the boundary version. The map pages come from the one print map renderer
(:func:`geoaid.output.print_data.prepare` and :func:`geoaid.output.print_sheet.draw`), so
they carry what every print map carries. Every page is numbered; pages showing sample
data carry the SAMPLE mark.

Example::

    annex = plan_annex(analysis, Filters(provinces=("96",)), "vi")
    Path("plan.pdf").write_bytes(annex_pdf(analysis, annex))
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime

import matplotlib
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from geoaid import __version__
from geoaid.analysis.donor_fit import money
from geoaid.analysis.memoised import Analysis, analysed
from geoaid.analysis.sectors import BY_KEY
from geoaid.output.limits import DEFAULT_DPI
from geoaid.output.plan_annex import NEED_COLUMNS, PRIORITY_COLUMNS, Annex, headers, notes
from geoaid.output.print_data import prepare
from geoaid.output.print_elements import FONT, wrap_to
from geoaid.output.print_inset import vietnam_outline
from geoaid.output.print_layout import page_layout
from geoaid.output.print_sheet import default_title, draw
from geoaid.output.printmap import rc_params, render_lock
from geoaid.text.catalog import text

PAGE_MM = (297, 210)          # A4 landscape, as the map pages
MARGIN_MM = 12
SAMPLE_COLOUR = "#b2182b"
PRIORITY_ROWS = 15            # rows on the page; the XLSX has them all
NEED_ROWS = 8
# column widths in mm of the two tables on page 1
PRIORITY_WIDTHS = dict(zip(PRIORITY_COLUMNS, (12, 45, 45, 80, 22, 45, 20)))
NEED_WIDTHS = dict(zip(NEED_COLUMNS, (50, 32, 60, 36, 24, 71)))


def annex_pdf(frames, annex: Annex, cache_dir=None, dpi: int = DEFAULT_DPI,
              progress: Callable[[Iterable], Iterable] | None = None, base_url: str | None = None) -> bytes:
    """All pages as PDF bytes: 2 + one page per sector in ``annex.sectors``.

    ``progress`` wraps the list of pages (tqdm on the CLI), as for the atlas; ``base_url``
    replaces the ``web_base_url`` setting in the map pages' links.
    """
    analysis: Analysis = analysed(frames)
    progress = progress or (lambda items: items)
    layout = page_layout("A4", "landscape")
    pages = ["tables", "gap", *annex.sectors]
    buffer = io.BytesIO()
    metadata = {"Title": text("annex.title", annex.lang), "Creator": f"geoaid {__version__}",
                "CreationDate": datetime.now(UTC)}
    with render_lock, matplotlib.rc_context(rc_params(layout)):
        outline = vietnam_outline(analysis.frames.communes, cache_dir)
        with PdfPages(buffer, metadata=metadata) as pdf:
            for number, page in enumerate(progress(pages), start=1):
                if page == "tables":
                    figure = tables_page(annex)
                else:
                    figure = _map_page(analysis, annex, None if page == "gap" else page, layout, outline, base_url)
                figure.text(1 - MARGIN_MM / PAGE_MM[0], 4 / PAGE_MM[1],
                            text("annex.page", annex.lang, page=number, pages=len(pages)),
                            ha="right", va="bottom", fontsize=7, color="#525252", family=FONT, parse_math=False)
                pdf.savefig(figure, dpi=dpi)
    return buffer.getvalue()


def _map_page(analysis, annex: Annex, sector: str | None, layout, outline, base_url: str | None) -> Figure:
    filters = annex.filters if sector is None else replace(annex.filters, sectors=(sector,))
    data = prepare(analysis, "gap", filters, annex.lang)
    data.base_url = base_url or data.base_url
    title = default_title(data)
    if sector is not None:
        title += " – " + BY_KEY[sector].label(annex.lang)
    return draw(data, layout, title=title, outline=outline)


def tables_page(annex: Annex) -> Figure:
    """Page 1: the priority communes, the open needs with suggested donors, and the notes."""
    lang = annex.lang
    figure = Figure(figsize=(PAGE_MM[0] / 25.4, PAGE_MM[1] / 25.4))   # no pyplot: safe in server threads
    ax = figure.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, PAGE_MM[0])
    ax.set_ylim(PAGE_MM[1], 0)
    ax.axis("off")
    y = _block(ax, MARGIN_MM, text("annex.title", lang), 13, "bold")
    y = _block(ax, y + 0.5, annex.scope, 8)
    if annex.sample:
        y = _block(ax, y + 0.5, text("annex.sample_note", lang), 8, "bold", SAMPLE_COLOUR)
        ax.text(PAGE_MM[0] / 2, PAGE_MM[1] / 2, "SAMPLE", fontsize=90, color=SAMPLE_COLOUR, alpha=0.12,
                ha="center", va="center", rotation=30, family=FONT, parse_math=False)
    footer = notes(annex)[2:]
    footer_top = PAGE_MM[1] - 9 - 3.2 * sum(wrap_to(line, 270, 6).count("\n") + 1 for line in footer)
    y = _block(ax, y + 2, text("annex.priority_heading", lang), 9, "bold")
    rows = [{**row, "funding": money(row["funding"], lang), "priority": f"{row['priority']:g}",
             "gap": f"{row['gap']:g}"} for row in annex.priority.head(PRIORITY_ROWS).to_dict("records")]
    y = _table(ax, y + 1, PRIORITY_WIDTHS, headers(annex, PRIORITY_COLUMNS), rows, footer_top - 40,
               len(annex.priority), lang)
    y = _block(ax, y + 2, text("annex.needs_heading", lang), 9, "bold")
    rows = annex.needs.head(NEED_ROWS).to_dict("records")
    if not rows:
        y = _block(ax, y + 1, text("annex.no_needs", lang), 7)
    else:
        _table(ax, y + 1, NEED_WIDTHS, headers(annex, NEED_COLUMNS), rows, footer_top - 2, len(annex.needs), lang)
    _block(ax, footer_top, "\n".join(footer), 6, colour="#525252")
    return figure


def _table(ax, y, widths: dict, header: dict, rows: list[dict], limit: float, total: int, lang: str) -> float:
    y = _row(ax, y, widths, header, limit, "bold")
    shown = 0
    for row in rows:
        below = _row(ax, y, widths, row, limit)
        if below is None:
            break
        y, shown = below, shown + 1
    if total > shown:
        y = _block(ax, y + 0.5, text("annex.more", lang, count=total - shown), 6.5)
    return y


def _block(ax, y, words, size, weight="normal", colour="#1a1a1a") -> float:
    wrapped = wrap_to(words, PAGE_MM[0] - 2 * MARGIN_MM, size, weight)
    ax.text(MARGIN_MM, y, wrapped, fontsize=size, weight=weight, color=colour, va="top", family=FONT,
            parse_math=False, linespacing=1.25)
    return y + (wrapped.count("\n") + 1) * size * 0.44


def _row(ax, y, widths: dict, row: dict, limit: float, weight="normal") -> float | None:
    """One table row, each cell wrapped to its column: the y below it, or None (not drawn) past ``limit``."""
    size = 6.5
    cells = [wrap_to(str(row.get(key, "")), width - 1.5, size, weight) for key, width in widths.items()]
    bottom = y + max(cell.count("\n") + 1 for cell in cells) * size * 0.43 + 1.2
    if bottom > limit:
        return None
    x = MARGIN_MM
    for cell, width in zip(cells, widths.values()):
        ax.text(x, y, cell, fontsize=size, weight=weight, va="top", family=FONT, parse_math=False, linespacing=1.2)
        x += width
    ax.plot([MARGIN_MM, PAGE_MM[0] - MARGIN_MM], [bottom - 0.6] * 2, color="#bdbdbd", linewidth=0.4)
    return bottom
