"""Print-ready maps (PNG/PDF/SVG) rendered with matplotlib, offline.

Folium cannot export images reliably, so print maps are drawn here from the
same analysis as the web maps (``coverage``): a page of A4 or A3, portrait
or landscape, with title and subtitle (the filters in words), a legend with
class breaks and units, a scale bar measured in metres, a north arrow,
province/district labels where they fit, an inset locating the area in
Vietnam, a source line (boundary source and version, data sources, *sample
data* where it is), the date and a boundary disclaimer. Text uses DejaVu Sans,
which ships with matplotlib and has every Vietnamese glyph; SVG keeps text as
text and PDF embeds TrueType fonts, so titles stay searchable.
"""

from __future__ import annotations

import io
import math
from datetime import date

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")  # no display: servers and CI render off-screen
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Patch, Rectangle  # noqa: E402
from pyproj import Geod  # noqa: E402

from geoaid.classify import classify  # noqa: E402
from geoaid.coverage import coverage  # noqa: E402
from geoaid.filters import Filters  # noqa: E402
from geoaid.frames import Frames  # noqa: E402

FORMATS = {"png": "image/png", "pdf": "application/pdf", "svg": "image/svg+xml"}
PAPERS_MM = {"A4": (210, 297), "A3": (297, 420)}
VIEWS = {  # view → column, palette, unit, English title, Vietnamese title
    "gaps": ("gap_score", "YlOrRd", "points", "Aid gaps: priority not yet covered",
             "Thiếu hụt viện trợ: ưu tiên chưa được hỗ trợ"),
    "priority": ("priority_score", "Purples", "points (0–100)", "Priority communes", "Mức độ ưu tiên của xã"),
    "coverage": ("funding_usd", "YlGnBu", "USD", "Allocated aid funding", "Kinh phí viện trợ đã phân bổ"),
    "donor": ("funding_usd", "YlGnBu", "USD", "Where this donor's aid goes", "Viện trợ của nhà tài trợ"),
}
VIEW_ALIASES = {"gap": "gaps"}
DISCLAIMER = {
    "en": "Boundaries are indicative and imply no official endorsement or acceptance.",
    "vi": "Ranh giới chỉ mang tính minh hoạ, không thể hiện sự công nhận chính thức.",
}
GEOD = Geod(ellps="WGS84")
_RC = {"font.family": "DejaVu Sans", "svg.fonttype": "none", "pdf.fonttype": 42}


def figure_size(paper: str, orientation: str) -> tuple[float, float]:
    if paper not in PAPERS_MM:
        raise ValueError(f"paper must be one of {', '.join(PAPERS_MM)}")
    if orientation not in ("portrait", "landscape"):
        raise ValueError("orientation must be portrait or landscape")
    w, h = PAPERS_MM[paper]
    if orientation == "landscape":
        w, h = h, w
    return w / 25.4, h / 25.4


def render_map(frames: Frames, view: str = "gaps", filters: Filters = Filters(), paper: str = "A4",
               orientation: str = "landscape", fmt: str = "png", dpi: int = 300, lang: str = "en",
               title: str | None = None, outline: gpd.GeoDataFrame | None = None) -> bytes:
    """Render one print map and return the file's bytes."""
    figure = draw_map(frames, view, filters, paper, orientation, lang, title, outline)
    return save(figure, fmt, dpi)


def save(figure, fmt: str, dpi: int) -> bytes:
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    buffer = io.BytesIO()
    with matplotlib.rc_context(_RC):
        figure.savefig(buffer, format=fmt, dpi=dpi, metadata=_metadata(fmt))
    plt.close(figure)
    return buffer.getvalue()


def _metadata(fmt):
    if fmt == "png":
        return {"Software": "geoaid"}
    if fmt == "pdf":
        return {"Creator": "geoaid"}
    return {"Creator": "geoaid"}


def draw_map(frames: Frames, view: str, filters: Filters, paper: str = "A4", orientation: str = "landscape",
             lang: str = "en", title: str | None = None, outline: gpd.GeoDataFrame | None = None):
    """Build the matplotlib figure of one map page."""
    view = VIEW_ALIASES.get(view, view)
    if view not in VIEWS:
        raise ValueError(f"view must be one of {', '.join(VIEWS)}")
    if view == "donor" and not filters.donors:
        raise ValueError("the donor view needs a donor filter")
    column, palette, unit, title_en, title_vi = VIEWS[view]
    rows = coverage(frames, filters)
    if rows.empty:
        raise ValueError("no communes match these filters")
    vi = lang == "vi"
    names = dict(zip(frames.communes["province_code"], frames.communes["province_name"]))
    with matplotlib.rc_context(_RC):
        figure = plt.figure(figsize=figure_size(paper, orientation))
        portrait = orientation == "portrait"
        map_box = [0.04, 0.14, 0.70, 0.72] if not portrait else [0.05, 0.27, 0.90, 0.56]
        ax = figure.add_axes(map_box)
        classes = classify(rows[column], palette=palette)
        rows = rows.assign(_colour=classes.colour_of())
        rows.plot(ax=ax, color=rows["_colour"], edgecolor="#666666", linewidth=0.15)
        em, coastal = rows[rows["ethnic_minority"]], rows[rows["coastal"]]
        if len(em):
            em.plot(ax=ax, facecolor="none", edgecolor="#5e3c99", hatch="///", linewidth=0.0)
        if len(coastal):
            coastal.plot(ax=ax, facecolor="none", edgecolor="#0571b0", linewidth=1.0)
        _boundaries(ax, rows, frames)
        _labels(ax, rows, frames)
        ax.set_axis_off()
        ax.set_aspect(1 / math.cos(math.radians(rows.geometry.union_all().centroid.y)))
        _scale_bar(ax)
        _north_arrow(ax)
        heading = title or (title_vi if vi else title_en)
        if view == "donor":
            heading += f": {', '.join(filters.donors)}"
        figure.text(0.04, 0.95, heading, fontsize=17, fontweight="bold", va="top")
        figure.text(0.04, 0.905, filters.describe(lang, names), fontsize=10.5, va="top", color="#333333")
        if frames.is_sample:
            figure.text(0.04, 0.875, "DỮ LIỆU MẪU – không phải số liệu chính thức" if vi
                        else "SAMPLE DATA – not official figures", color="#b00020", fontsize=10,
                        fontweight="bold", va="top")
        legend_box = [0.76, 0.42, 0.22, 0.43] if not portrait else [0.05, 0.125, 0.5, 0.14]
        _legend(figure, legend_box, classes, unit, vi, frames.is_sample, len(em) > 0, len(coastal) > 0)
        inset_box = [0.77, 0.15, 0.2, 0.24] if not portrait else [0.62, 0.125, 0.33, 0.14]
        _inset(figure, inset_box, rows, frames, outline)
        _footer(figure, frames, vi)
    return figure


def _boundaries(ax, rows, frames):
    communes = frames.communes[frames.communes["code"].isin(rows["commune_code"])]
    if communes["district_code"].notna().any():
        communes.dissolve("district_code").boundary.plot(ax=ax, color="#444444", linewidth=0.5)
    communes.dissolve("province_code").boundary.plot(ax=ax, color="#111111", linewidth=1.1)


def _labels(ax, rows, frames):
    """Province labels, and district labels when few enough to stay legible."""
    communes = frames.communes[frames.communes["code"].isin(rows["commune_code"])]
    provinces = communes.dissolve("province_code", aggfunc={"province_name": "first"})
    for _, row in provinces.iterrows():
        point = row.geometry.representative_point()
        ax.annotate(row["province_name"], (point.x, point.y), fontsize=9, fontweight="bold", ha="center",
                    color="#111111", bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="none", alpha=0.7))
    districts = communes.dissolve("district_code", aggfunc={"district_name": "first"}) \
        if communes["district_code"].notna().any() else []
    if 0 < len(districts) <= 30:
        for _, row in districts.iterrows():
            point = row.geometry.representative_point()
            name = str(row["district_name"]).replace("Huyện ", "").replace("Thành phố ", "TP ")
            ax.annotate(name, (point.x, point.y), fontsize=6, ha="center", color="#222222")


def _nice(length_m: float) -> float:
    exponent = 10 ** math.floor(math.log10(length_m))
    for step in (5, 2, 1):
        if step * exponent <= length_m:
            return step * exponent
    return exponent


def _scale_bar(ax):
    """A bar whose length is measured on the ellipsoid at the map's latitude."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    lat = y0 + 0.06 * (y1 - y0)
    _, _, width_m = GEOD.inv(x0, lat, x1, lat)
    length = _nice(width_m / 4)
    lon_end, _, _ = GEOD.fwd(x0 + 0.05 * (x1 - x0), lat, 90, length)
    start = x0 + 0.05 * (x1 - x0)
    ax.add_patch(Rectangle((start, lat), lon_end - start, (y1 - y0) * 0.008, color="black"))
    label = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    ax.text((start + lon_end) / 2, lat + (y1 - y0) * 0.015, label, ha="center", fontsize=8)


def _north_arrow(ax):
    ax.annotate("N", xy=(0.96, 0.95), xytext=(0.96, 0.86), xycoords="axes fraction", ha="center",
                fontsize=11, fontweight="bold",
                arrowprops=dict(facecolor="black", width=4, headwidth=11, headlength=10))


def _legend(figure, box, classes, unit, vi, sample, has_em, has_coastal):
    ax = figure.add_axes(box)
    ax.set_axis_off()
    handles = [Patch(facecolor=e["colour"], edgecolor="#666666", label=e["label"])
               for e in classes.legend(f" {unit}" if unit.startswith("USD") else "", decimals=1)]
    if has_em:
        handles.append(Patch(facecolor="none", edgecolor="#5e3c99", hatch="///",
                             label="Vùng DTTS (gạch chéo)" if vi else "Ethnic-minority zone (hatched)"))
    if has_coastal:
        handles.append(Patch(facecolor="none", edgecolor="#0571b0", linewidth=1.5,
                             label="Vùng ven biển, hải đảo" if vi else "Coastal and island zone"))
    title = ("Chú giải" if vi else "Legend") + f" ({unit})"
    ax.legend(handles=handles, title=title, loc="upper left", fontsize=8, title_fontsize=9, frameon=False)


def _inset(figure, box, rows, frames, outline):
    ax = figure.add_axes(box)
    ax.set_axis_off()
    country = outline if outline is not None else vietnam_outline(frames)
    country.plot(ax=ax, color="#eeeeee", edgecolor="#999999", linewidth=0.3)
    area = rows.geometry.union_all()
    gpd.GeoSeries([area.envelope], crs=rows.crs).plot(ax=ax, facecolor="none", edgecolor="#d7191c",
                                                     linewidth=1.2)
    ax.set_aspect(1 / math.cos(math.radians(16)))
    ax.set_title("Việt Nam", fontsize=7)


_OUTLINE_CACHE: dict = {}


def vietnam_outline(frames: Frames) -> gpd.GeoDataFrame:
    """Province outlines of the whole country for the inset (registry polygons, cached)."""
    if len(frames.communes["province_code"].unique()) >= 60:
        return frames.communes.dissolve("province_code").simplify(0.02).to_frame("geometry")
    if "national" not in _OUTLINE_CACHE:
        from boundaries.load import read_polygons

        polygons = read_polygons()
        provinces = polygons.dissolve("src_province")
        _OUTLINE_CACHE["national"] = gpd.GeoDataFrame(geometry=provinces.simplify(0.02).values,
                                                      crs=polygons.crs)
    return _OUTLINE_CACHE["national"]


def _footer(figure, frames, vi):
    meta = frames.metadata
    sources = [f"{'Ranh giới' if vi else 'Boundaries'}: {meta.get('source.geometry', 'workspace')}",
               f"{'Mã đơn vị' if vi else 'Codes'}: {meta.get('source.codes', '')}"]
    if frames.is_sample:
        sources.append("Phân loại và dự án: DỮ LIỆU MẪU" if vi else "Classifications and projects: SAMPLE DATA")
    sources.append(f"{'Ngày lập' if vi else 'Date'}: {date.today().isoformat()} · geoaid")
    figure.text(0.04, 0.115, "\n".join(sources), fontsize=6.5, va="top", color="#333333",
                linespacing=1.4)
    figure.text(0.04, 0.02, DISCLAIMER["vi" if vi else "en"], fontsize=6.5, color="#555555", style="italic")
