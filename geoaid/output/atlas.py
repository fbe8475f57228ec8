"""Batch atlas: one print map per province (or per district), as files or one multi-page PDF.

The analysis runs and the values are classified once for the whole atlas, so
every page uses the same class breaks and colours: a colour means the same
gap, priority or funding on page 1 and page 40 (per-page breaks would make
pages look alike that are not). Neighbouring units of the atlas stay on each
page, faded, for orientation.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import matplotlib
import pandas as pd
from matplotlib.backends.backend_pdf import PdfPages
from unidecode import unidecode

from geoaid import __version__
from geoaid.analysis.filters import Filters
from geoaid.analysis.frames import Frames
from geoaid.analysis.memoised import Analysis, analysed
from geoaid.analysis.views import DEFAULT_VIEW
from geoaid.output.limits import DEFAULT_DPI, check_dpi, check_image_format
from geoaid.output.print_data import prepare
from geoaid.output.print_elements import short_name
from geoaid.output.print_inset import vietnam_outline
from geoaid.output.print_layout import page_layout
from geoaid.output.print_sheet import default_subtitle, default_title, draw
from geoaid.output.printmap import figure_bytes, rc_params, render_lock

BY = ("province", "district")


@dataclass(frozen=True)
class Page:
    slug: str            # file name stem, e.g. "96-ca-mau" or "00-overview"
    name: str            # the unit in words, e.g. "Huyện Đầm Dơi, Tỉnh Cà Mau"
    short: str           # for the title, e.g. "Đầm Dơi"
    mask: pd.Series | None  # which communes of the atlas data are this page's (None: all)


def slugify(text: str) -> str:
    """ASCII file-name part: "Tỉnh Cà Mau" → "tinh-ca-mau"."""
    return re.sub(r"[^a-z0-9]+", "-", unidecode(str(text)).lower()).strip("-") or "unit"


def atlas_pages(communes: pd.DataFrame, by: str, overview: bool = True) -> list[Page]:
    """The pages for the analysed communes (columns province_code/province, district_code/district)."""
    if by not in BY:
        raise ValueError(f"an atlas is made by province or by district, not {by!r}")
    key, name = ("province_code", "province") if by == "province" else ("district_code", "district")
    if by == "district" and (communes["district"].fillna("") == "").all():
        raise ValueError("these boundaries have no districts (2025 structure); make the atlas by province")
    pages = []
    units = communes.drop_duplicates(key).sort_values(["province_code", key])
    for unit in units.itertuples():
        code = getattr(unit, key)
        label = getattr(unit, name)
        full = label if by == "province" else f"{label}, {unit.province}"
        pages.append(Page(f"{code}-{slugify(short_name(label))}", full, short_name(label),
                          communes[key] == code))
    if overview and len(pages) > 1:
        pages.insert(0, Page("00-overview", "", "", None))
    return pages


def write_atlas(frames: Frames | Analysis, out: str | Path, view: str = DEFAULT_VIEW, by: str = "province",
                filters: Filters = Filters(), paper: str = "A4", orientation: str = "landscape",
                dpi: int = DEFAULT_DPI, lang: str = "en", fmt: str = "png", overview: bool = True,
                cache_dir: str | Path | None = None,
                progress: Callable[[Iterable], Iterable] | None = None, base_url: str | None = None) -> list[Path]:
    """Write the atlas to ``out``: a ``.pdf`` file (one page per unit) or a folder of ``fmt`` files.

    The first page/file is an overview of all units when there are several.
    Returns the paths written. ``progress`` wraps the page iterable (tqdm on the CLI).
    """
    out = Path(out)
    dpi = check_dpi(dpi)
    layout = page_layout(paper, orientation)
    fmt = check_image_format(fmt)
    progress = progress or (lambda items: items)
    analysis = analysed(frames)
    with render_lock, matplotlib.rc_context(rc_params(layout)):
        data = prepare(analysis, view, filters, lang)
        data.scope_key = "scope_atlas"
        data.base_url = base_url or data.base_url
        pages = atlas_pages(data.communes, by, overview)
        outline = vietnam_outline(analysis.frames.communes, cache_dir)
        base_title, base_subtitle = default_title(data), default_subtitle(data)
        view_title = data.view.words("title", lang, data.donor)
        # A unit's page names its unit; the other filters (sector, year…) follow in words.
        other_filters = replace(data.filters, provinces=()).describe(lang, data.province_names)

        def figures():
            for page in progress(pages):
                title = f"{view_title} – {page.short}" if page.short else base_title
                subtitle = f"{page.name}; {other_filters}" if page.name else base_subtitle
                yield page, title, draw(data, layout, subset=page.mask, title=title, subtitle=subtitle,
                                        outline=outline)

        if out.suffix.lower() == ".pdf":
            return [_write_pdf(out, figures(), dpi, base_title)]
        if out.suffix:
            raise ValueError(f"--out must be a .pdf file or a folder, got {out.name!r}")
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for page, title, fig in figures():
            path = out / f"geoaid-{data.view.key}-{page.slug}.{fmt}"
            path.write_bytes(figure_bytes(fig, fmt, dpi, layout, title))
            written.append(path)
        return written


def _write_pdf(out: Path, figures, dpi: int, title: str) -> Path:
    """All pages into one PDF, written to a temporary name and moved into place when complete."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    metadata = {"Title": title, "Creator": f"geoaid {__version__}",
                "CreationDate": datetime.now(UTC)}
    try:
        with PdfPages(tmp, metadata=metadata) as pdf:
            for _page, _title, fig in figures:
                pdf.savefig(fig, dpi=dpi)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out
