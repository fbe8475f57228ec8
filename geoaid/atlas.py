"""Batch atlas: one print map per province (or per district), as files or one multi-page PDF."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

from matplotlib.backends.backend_pdf import PdfPages

from geoaid.filters import Filters
from geoaid.frames import Frames
from geoaid.printmap import _RC, draw_map, save

import matplotlib
import matplotlib.pyplot as plt


def atlas_pages(frames: Frames, by: str, filters: Filters) -> list[tuple[str, str, Frames, Filters]]:
    """(slug, title suffix, frames, filters) for every page of the atlas."""
    communes = frames.communes
    if filters.provinces:
        communes = communes[communes["province_code"].isin(filters.provinces)]
    pages = []
    if by == "province":
        for code, group in communes.groupby("province_code"):
            pages.append((f"province-{code}", group["province_name"].iloc[0], frames,
                          replace(filters, provinces=(code,))))
    elif by == "district":
        for code, group in communes.groupby("district_code"):
            sub = Frames(communes=frames.communes[frames.communes["district_code"] == code],
                         schemes=frames.schemes, classifications=frames.classifications,
                         projects=frames.projects, locations=frames.locations,
                         settings=frames.settings, metadata=frames.metadata)
            name = f"{group['district_name'].iloc[0]}, {group['province_name'].iloc[0]}"
            pages.append((f"district-{code}", name, sub, replace(filters, provinces=())))
    else:
        raise ValueError("an atlas is made by province or by district")
    return pages


def write_atlas(frames: Frames, out: str | Path, view: str = "gaps", by: str = "province",
                filters: Filters = Filters(), paper: str = "A4", orientation: str = "landscape",
                dpi: int = 300, lang: str = "en",
                progress: Callable[[Iterable], Iterable] = lambda items: items) -> list[Path]:
    """Write the atlas to ``out``: a ``.pdf`` file (one page per unit) or a folder of images."""
    out = Path(out)
    pages = atlas_pages(frames, by, filters)
    if not pages:
        raise ValueError("no communes match these filters")
    outline = None
    if out.suffix.lower() == ".pdf":
        out.parent.mkdir(parents=True, exist_ok=True)
        with matplotlib.rc_context(_RC), PdfPages(out, metadata={"Creator": "geoaid"}) as pdf:
            for slug, name, page_frames, page_filters in progress(pages):
                figure = draw_map(page_frames, view, page_filters, paper, orientation, lang,
                                  outline=outline)
                figure.texts[0].set_text(f"{figure.texts[0].get_text()} – {name}")
                pdf.savefig(figure, dpi=dpi)
                plt.close(figure)
        return [out]
    out.mkdir(parents=True, exist_ok=True)
    written = []
    suffix = "png"
    for slug, name, page_frames, page_filters in progress(pages):
        figure = draw_map(page_frames, view, page_filters, paper, orientation, lang, outline=outline)
        figure.texts[0].set_text(f"{figure.texts[0].get_text()} – {name}")
        path = out / f"geoaid-{view}-{slug}.{suffix}"
        path.write_bytes(save(figure, suffix, dpi))
        written.append(path)
    return written
