"""Page geometry of a print map: paper sizes and the boxes of every element.

Everything is measured in millimetres from the bottom-left corner of the
page, because that is how planners specify print work ("A4 landscape, 10 mm
margins"); :meth:`Layout.fraction` converts a box to matplotlib figure
coordinates. Font sizes scale with the paper so an A3 sheet reads like an
enlarged A4 sheet.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from geoaid.output.limits import PAPERS, check_orientation, check_paper

MM_PER_INCH = 25.4
POINTS_PER_MM = 72 / MM_PER_INCH


@dataclass(frozen=True)
class Box:
    """A rectangle on the page in millimetres (x, y of the bottom-left corner)."""

    x: float
    y: float
    w: float
    h: float

    @property
    def top(self) -> float:
        return self.y + self.h

    @property
    def right(self) -> float:
        return self.x + self.w


@dataclass(frozen=True)
class Layout:
    """Where the title, map, inset, legend and footer go on one sheet."""

    paper: str
    orientation: str
    width: float          # page size in mm, after orientation
    height: float
    scale: float          # font/line scale relative to A4
    header: Box
    map: Box
    inset: Box
    legend: Box
    footer: Box

    @property
    def figsize(self) -> tuple[float, float]:
        """Figure size in inches for matplotlib."""
        return self.width / MM_PER_INCH, self.height / MM_PER_INCH

    def fraction(self, box: Box) -> list[float]:
        """``box`` as [left, bottom, width, height] fractions of the figure (for add_axes)."""
        return [box.x / self.width, box.y / self.height, box.w / self.width, box.h / self.height]

    def pt(self, size: float) -> float:
        """A font size or line width given for A4, scaled to this paper."""
        return size * self.scale

    def pixels(self, dpi: int) -> tuple[int, int]:
        """Raster size matplotlib produces at ``dpi`` (it truncates fractional pixels)."""
        w, h = self.figsize
        return int(w * dpi), int(h * dpi)


def page_layout(paper: str = "A4", orientation: str = "landscape") -> Layout:
    """The layout of one sheet; raises ValueError for an unknown paper or orientation."""
    paper, orientation = check_paper(paper), check_orientation(orientation)
    short, long_ = PAPERS[paper]
    width, height = (long_, short) if orientation == "landscape" else (short, long_)
    # Scale by the linear size ratio (A3 is √2 × A4), so proportions stay those of A4.
    scale = math.sqrt((short * long_) / (PAPERS["A4"][0] * PAPERS["A4"][1]))
    margin = 10.0 * scale
    gap = 4.0 * scale
    header_h = 19.0 * scale
    footer_h = 17.0 * scale
    header = Box(margin, height - margin - header_h, width - 2 * margin, header_h)
    footer = Box(margin, margin, width - 2 * margin, footer_h)
    body = Box(margin, footer.top + gap, width - 2 * margin, header.y - gap - (footer.top + gap))
    if orientation == "landscape":
        panel_w = 64.0 * scale
        map_box = Box(body.x, body.y, body.w - panel_w - gap, body.h)
        panel_x = map_box.right + gap
        inset = Box(panel_x, body.top - panel_w, panel_w, panel_w)
        legend = Box(panel_x, body.y, panel_w, inset.y - gap - body.y)
    else:
        band_h = 62.0 * scale
        map_box = Box(body.x, body.y + band_h + gap, body.w, body.h - band_h - gap)
        inset = Box(body.x, body.y, band_h, band_h)
        legend = Box(inset.right + gap, body.y, body.w - band_h - gap, band_h)
    return Layout(paper, orientation, width, height, scale, header, map_box, inset, legend, footer)
