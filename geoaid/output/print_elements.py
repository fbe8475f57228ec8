"""Map furniture of the print layout: scale bar, north arrow, labels, legend, text blocks.

Every function draws on matplotlib axes that the caller set up; distances are
real ground distances (pyproj Geod on the WGS84 ellipsoid), never degree
guesses. All text is created with ``parse_math=False`` because names and
titles are user data: a ``$`` in a project title must print as a dollar sign,
not start TeX maths.
"""

from __future__ import annotations

import math

import matplotlib.patheffects as patheffects
import shapely
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Patch, Polygon, Rectangle
from pyproj import Geod, Transformer
from shapely.errors import GEOSException
from shapely.ops import polylabel

from geoaid.output.print_layout import POINTS_PER_MM, Layout
from geoaid.text.names import nfc

GEOD = Geod(ellps="WGS84")
NICE_STEPS = (1, 2, 2.5, 5)
TEXT = "#252525"
FONT = "DejaVu Sans"  # ships with matplotlib and has every Vietnamese glyph (ạ ầ ể ộ ữ đ…)
TYPE_WORDS = ("Thành phố", "Thị xã", "Thị trấn", "Tỉnh", "Huyện", "Quận", "Phường", "Xã")


# --- scale bar and north arrow ------------------------------------------------

def ground_scale(crs, x: float, y: float, span: float) -> float:
    """Metres on the ground per map unit along the x axis at (x, y).

    Projected coordinates are only approximately metres away from a
    projection's standard lines, so the factor is measured: the two ends of a
    horizontal segment are taken back to longitude/latitude and their
    geodesic distance divided by the segment's map length.
    """
    to_lonlat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    (lon0, lon1), (lat0, lat1) = to_lonlat.transform([x, x + span], [y, y])
    _az, _back, metres = GEOD.inv(lon0, lat0, lon1, lat1)
    return metres / span


def nice_length(metres: float) -> float:
    """The largest 1/2/2.5/5 × 10ⁿ metres not above ``metres``."""
    exponent = 10 ** math.floor(math.log10(metres))
    return max(step * exponent for step in NICE_STEPS if step * exponent <= metres)


def draw_scale_bar(ax, crs, layout: Layout, map_width_mm: float, lang: str = "en") -> float:
    """A four-segment scale bar in the lower-left corner; returns its length in metres."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    start_x = x0 + 0.04 * (x1 - x0)
    base_y = y0 + 0.04 * (y1 - y0)
    per_unit = ground_scale(crs, start_x, base_y, 0.2 * (x1 - x0))
    target = 0.22 * (x1 - x0) * per_unit          # about a fifth of the map width
    length = nice_length(target)
    units = length / per_unit                     # bar length in map units
    height = (y1 - y0) * (2.0 * layout.scale / (map_width_mm * (y1 - y0) / (x1 - x0)))
    segments = 4
    for i in range(segments):
        ax.add_patch(Rectangle((start_x + i * units / segments, base_y), units / segments, height,
                               facecolor=TEXT if i % 2 == 0 else "white", edgecolor=TEXT,
                               linewidth=layout.pt(0.5), zorder=20))
    kilometres = length >= 1000
    unit_label = "km" if kilometres else "m"
    for i in (0, segments // 2, segments):
        value = length * i / segments / (1000 if kilometres else 1)
        text = f"{value:g}" + (f" {unit_label}" if i == segments else "")
        _halo_text(ax, start_x + i * units / segments, base_y + height * 1.6, text, layout.pt(6),
                   ha="center", va="bottom", zorder=21)
    return length


def north_angle(crs, x: float, y: float) -> float:
    """Degrees from the map's +y axis to true north at (x, y) (positive = clockwise)."""
    to_lonlat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    to_map = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    lon, lat = to_lonlat.transform(x, y)
    nx, ny = to_map.transform(lon, lat + 0.05)
    return math.degrees(math.atan2(nx - x, ny - y))


def draw_north_arrow(ax, crs, layout: Layout) -> float:
    """A north arrow in the upper-right corner, turned to true north; returns its angle."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    angle = north_angle(crs, (x0 + x1) / 2, (y0 + y1) / 2)
    # Draw in axes-fraction coordinates so the arrow keeps its size on any map.
    bbox = ax.get_position()
    fig_w, fig_h = ax.figure.get_size_inches()
    aspect = (bbox.height * fig_h) / (bbox.width * fig_w)   # axes height / width
    cx, cy, size = 0.955, 0.87, 0.04
    theta = math.radians(angle)

    def at(dx, dy):  # rotate an offset given in units of the axes width
        rx = dx * math.cos(theta) + dy * math.sin(theta)
        ry = -dx * math.sin(theta) + dy * math.cos(theta)
        return cx + rx * size, cy + ry * size / aspect

    left = [at(0, 1), at(-0.45, -0.6), at(0, -0.25)]
    right = [at(0, 1), at(0.45, -0.6), at(0, -0.25)]
    ax.add_patch(Polygon(left, closed=True, transform=ax.transAxes, facecolor=TEXT, edgecolor=TEXT,
                         linewidth=layout.pt(0.5), zorder=20))
    ax.add_patch(Polygon(right, closed=True, transform=ax.transAxes, facecolor="white", edgecolor=TEXT,
                         linewidth=layout.pt(0.5), zorder=20))
    tx, ty = at(0, 1.35)
    _halo_text(ax, tx, ty, "N", layout.pt(8), ha="center", va="bottom", weight="bold",
               transform=ax.transAxes, zorder=21)
    return angle


# --- labels -----------------------------------------------------------------

def short_name(name: str) -> str:
    """ "Huyện Đồng Văn" → "Đồng Văn"; a numbered unit ("Phường 2") keeps its type word."""
    name = nfc(str(name))
    for word in TYPE_WORDS:
        if name.startswith(word + " "):
            rest = name[len(word) + 1:]
            return name if rest.strip().isdigit() else rest
    return name


_measurer = None


def text_size_mm(text: str, fontsize_pt: float, weight: str = "normal") -> tuple[float, float]:
    """Width and height of one line of text in millimetres, measured with the Agg renderer."""
    global _measurer
    if _measurer is None:
        _measurer = RendererAgg(10, 10, 72)   # 72 dpi: the renderer then measures in points
    prop = FontProperties(family=FONT, size=fontsize_pt, weight=weight)
    width, height, _descent = _measurer.get_text_width_height_descent(text, prop, ismath=False)
    return width / POINTS_PER_MM, max(height, fontsize_pt) * 1.15 / POINTS_PER_MM


def label_anchor(geom) -> shapely.Point:
    """A point well inside the polygon (pole of inaccessibility of its largest part)."""
    parts = getattr(geom, "geoms", [geom])
    largest = max(parts, key=lambda g: g.area)
    try:
        return polylabel(largest, tolerance=max(largest.length / 200, 1.0))
    except (ValueError, GEOSException):  # odd rings: any interior point will do
        return largest.representative_point()


def place_labels(ax, units, mm_per_unit: float, fontsize: float, taken: list, colour: str = TEXT,
                 weight: str = "normal", min_fill: float = 1.0) -> int:
    """Label polygons whose label fits inside them at print scale and hits no other label.

    ``units`` is an iterable of (name, geometry) in map units; bigger units are
    labelled first. ``taken`` collects label boxes (map units) across calls,
    so district labels avoid the province labels placed before them.
    Returns the number of labels placed.
    """
    placed = 0
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    for name, geom in sorted(units, key=lambda item: -item[1].area):
        label = short_name(name) if isinstance(name, str) else ""
        if not label.strip():
            continue
        width_mm, height_mm = text_size_mm(label, fontsize)
        w, h = width_mm / mm_per_unit, height_mm / mm_per_unit
        minx, miny, maxx, maxy = geom.bounds
        # Legible only where the unit is wider than its name and a few lines tall.
        if maxx - minx < w * min_fill or maxy - miny < 2 * h or geom.area < w * h * 2.5:
            continue
        point = label_anchor(geom)
        box = (point.x - w / 2, point.y - h / 2, point.x + w / 2, point.y + h / 2)
        if box[0] < x0 or box[2] > x1 or box[1] < y0 or box[3] > y1:
            continue
        if any(box[0] < t[2] and t[0] < box[2] and box[1] < t[3] and t[1] < box[3] for t in taken):
            continue
        taken.append(box)
        _halo_text(ax, point.x, point.y, label, fontsize, ha="center", va="center", color=colour,
                   weight=weight, zorder=15)
        placed += 1
    return placed


def _halo_text(ax, x, y, text, size, zorder=10, **kwargs):
    """Text with a white halo that stays real text in SVG/PDF.

    Matplotlib turns text with path effects into outlines, which would make
    labels unsearchable and unextractable; so the halo is a separate outline
    copy drawn underneath, and the readable text on top has no effects.
    """
    colour = kwargs.pop("color", TEXT)
    halo = ax.text(x, y, text, fontsize=size, color="white", zorder=zorder - 0.5, parse_math=False,
                   **kwargs)
    halo.set_path_effects([patheffects.withStroke(linewidth=size / 4, foreground="white")])
    return ax.text(x, y, text, fontsize=size, color=colour, zorder=zorder, parse_math=False, **kwargs)


# --- legend and text blocks -------------------------------------------------

def draw_legend(ax, layout: Layout, title: str, entries: list[dict], extra: list[Patch], note: str) -> None:
    """Legend with class colours and breaks, zone symbols and a note on the class method."""
    ax.set_axis_off()
    handles = [Patch(facecolor=e["colour"], edgecolor="#969696", linewidth=layout.pt(0.3), label=e["label"])
               for e in entries] + extra
    legend = ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, 1.0), frameon=False,
                       title=title, fontsize=layout.pt(7), title_fontsize=layout.pt(7.5),
                       handlelength=2.2, handleheight=1.3, borderaxespad=0.0, labelspacing=0.45,
                       alignment="left")
    for text in [legend.get_title(), *legend.get_texts()]:
        text.set_parse_math(False)
    legend.get_title().set_fontweight("bold")
    if note:
        box = ax.get_position()
        width_mm = box.width * layout.width
        ax.text(0.0, 0.0, wrap_to(note, width_mm, layout.pt(6)), transform=ax.transAxes, ha="left",
                va="bottom", fontsize=layout.pt(6), color="#525252", parse_math=False, linespacing=1.3)


def wrap_to(text: str, width_mm: float, fontsize: float, weight: str = "normal") -> str:
    """Wrap ``text`` (paragraphs split on newlines) into lines measured to fit ``width_mm``."""
    lines = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if line and text_size_mm(candidate, fontsize, weight)[0] > width_mm:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return "\n".join(lines)


def fit_size(text: str, width_mm: float, fontsize: float, weight: str = "normal", smallest: float = 0.7
             ) -> float:
    """The font size, at most ``fontsize`` and at least ``smallest`` × it, that fits one line."""
    width = text_size_mm(text, fontsize, weight)[0]
    return fontsize if width <= width_mm else max(fontsize * smallest, fontsize * width_mm / width)


def draw_header(fig, layout: Layout, title: str, subtitle: str, sample_mark: str | None) -> None:
    """Title (shrunk, then wrapped, to fit), subtitle, and the SAMPLE mark at the top right."""
    box = layout.header
    title_width = box.w
    if sample_mark:
        mark_size = layout.pt(9)
        fig.text(box.right / layout.width, box.top / layout.height, sample_mark, ha="right", va="top",
                 fontsize=mark_size, weight="bold", color="#b2182b", parse_math=False,
                 bbox={"boxstyle": "square,pad=0.35", "facecolor": "white", "edgecolor": "#b2182b",
                       "linewidth": layout.pt(1.0)})
        title_width -= text_size_mm(sample_mark, mark_size, "bold")[0] + 8 * layout.scale
    size = fit_size(title, title_width, layout.pt(15), "bold")
    title_text = wrap_to(title, title_width, size, "bold")
    fig.text(box.x / layout.width, box.top / layout.height, title_text, ha="left", va="top",
             fontsize=size, weight="bold", color=TEXT, parse_math=False, linespacing=1.1)
    title_h = text_size_mm("Hg", size, "bold")[1] * (title_text.count("\n") + 1)
    sub_size = fit_size(subtitle, box.w, layout.pt(9.5), smallest=0.8)
    fig.text(box.x / layout.width, (box.top - title_h - 2.0 * layout.scale) / layout.height,
             wrap_to(subtitle, box.w, sub_size), ha="left", va="top", fontsize=sub_size,
             color="#404040", parse_math=False, linespacing=1.2)


def draw_footer(fig, layout: Layout, lines: list[str], reserve_mm: float = 0.0) -> None:
    """The footer's lines, wrapped to its width less ``reserve_mm`` kept free at its right end."""
    box = layout.footer
    size = layout.pt(5.5)
    text = "\n".join(wrap_to(line, box.w - reserve_mm, size) for line in lines)
    fig.text(box.x / layout.width, box.top / layout.height, text, ha="left", va="top", fontsize=size,
             color="#404040", parse_math=False, linespacing=1.35)


def draw_watermark(ax, text: str, layout: Layout) -> None:
    """A faint diagonal mark over the map: sample maps must not pass for official ones."""
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", rotation=30,
            fontsize=layout.pt(44), color="#b2182b", alpha=0.10, weight="bold", zorder=30,
            parse_math=False)


def fit_extent(bounds, box_w_mm: float, box_h_mm: float, pad: float = 0.04):
    """x/y limits around ``bounds`` padded and widened to the frame's aspect ratio."""
    minx, miny, maxx, maxy = bounds
    w, h = max(maxx - minx, 1.0), max(maxy - miny, 1.0)
    minx, maxx = minx - pad * w, maxx + pad * w
    miny, maxy = miny - pad * h, maxy + pad * h
    w, h = maxx - minx, maxy - miny
    target = box_w_mm / box_h_mm
    if w / h < target:
        grow = (h * target - w) / 2
        minx, maxx = minx - grow, maxx + grow
    else:
        grow = (w / target - h) / 2
        miny, maxy = miny - grow, maxy + grow
    return (minx, maxx), (miny, maxy)
