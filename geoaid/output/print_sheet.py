"""One print map sheet: the choropleth, zones, boundaries, labels, scale bar, north arrow, inset,
legend, title and footer, laid out on a page (geoaid.output.print_layout).

:func:`draw` draws all or part of a :class:`~geoaid.output.print_data.MapData`
(the atlas draws one province of it per page) and returns the matplotlib
figure; geoaid.output.printmap turns figures into PNG, PDF or SVG bytes.
"""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from geoaid import __version__
from geoaid.analysis.priority import SHORT_LABELS
from geoaid.output.print_data import MAP_CRS, MapData
from geoaid.output.print_elements import (
    TEXT,
    draw_footer,
    draw_header,
    draw_legend,
    draw_north_arrow,
    draw_scale_bar,
    draw_watermark,
    fit_extent,
    place_labels,
    short_name,
)
from geoaid.output.print_inset import draw_inset, vietnam_outline
from geoaid.output.print_layout import Box, Layout
from geoaid.output.print_marks import draw_qr, projection_name, view_url
from geoaid.output.print_words import WORDS

EM_COLOUR, COASTAL_COLOUR = "#5e3c99", "#0571b0"   # as on the web map
CONTEXT_FILL, CONTEXT_EDGE = "#f2f2f2", "#bdbdbd"
NATIONAL_CONTEXT_M = 400_000  # maps wider than this show the national outline around the data


def draw(data: MapData, layout: Layout, subset: pd.Series | None = None, title: str | None = None,
         subtitle: str | None = None, outline: gpd.GeoSeries | None = None) -> Figure:
    """One sheet for all communes of ``data`` or the ``subset`` (boolean mask) of them.

    >>> fig = draw(prepare(frames, "priority"), page_layout("A3", "portrait"))  # doctest: +SKIP
    """
    words = WORDS[data.lang]
    fig = Figure(figsize=layout.figsize, facecolor="white")
    shown = data.communes if subset is None else data.communes[subset.to_numpy()]
    if shown.empty:
        raise ValueError("nothing to draw: the page's selection has no communes")
    ax = fig.add_axes(layout.fraction(layout.map))
    xlim, ylim = fit_extent(shown.total_bounds, layout.map.w, layout.map.h)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xticks([])
    ax.set_yticks([])
    mm_per_unit = layout.map.w / (xlim[1] - xlim[0])
    lw = layout.pt

    if outline is None:
        outline = vietnam_outline(_communes_4326(data))
    if xlim[1] - xlim[0] > NATIONAL_CONTEXT_M:
        # Far apart provinces (Hà Giang and the Mekong delta) float in white
        # without the country around them; the inset-scale outline is only
        # accurate enough for such small scales.
        outline.to_crs(MAP_CRS).plot(ax=ax, color=CONTEXT_FILL, edgecolor=CONTEXT_EDGE, linewidth=lw(0.3),
                                     zorder=0.5)
    data.context.cx[xlim[0]:xlim[1], ylim[0]:ylim[1]].plot(ax=ax, color=CONTEXT_FILL, edgecolor=CONTEXT_EDGE,
                                                           linewidth=lw(0.4), zorder=1)
    # Only what falls in the frame is drawn (spatial index): a national atlas page then
    # draws a province's neighbours, not 10,000 communes.
    visible = data.communes.cx[xlim[0]:xlim[1], ylim[0]:ylim[1]]
    others = visible.drop(index=shown.index, errors="ignore")
    if len(others):  # neighbours in the same analysis: faded, so the page's area stands out
        others.plot(ax=ax, color=others["fill"], alpha=0.35, edgecolor="white", linewidth=lw(0.1), zorder=2)
    shown.plot(ax=ax, color=shown["fill"], edgecolor="white", linewidth=lw(0.15), zorder=3)
    zone_handles = _draw_zones(ax, data, shown, layout)
    districts = data.dissolved("district")
    provinces = data.dissolved("province")
    districts.cx[xlim[0]:xlim[1], ylim[0]:ylim[1]].boundary.plot(ax=ax, color="#737373", linewidth=lw(0.45),
                                                                 zorder=6)
    data.context.cx[xlim[0]:xlim[1], ylim[0]:ylim[1]].boundary.plot(ax=ax, color=TEXT, linewidth=lw(0.9),
                                                                    zorder=7)
    ax.set_xlim(*xlim)  # plotting context provinces must not move the frame
    ax.set_ylim(*ylim)
    ax.set_xlabel("")   # geopandas names the CRS axes; a print map has a scale bar instead
    ax.set_ylabel("")

    taken: list = []
    shown_provinces = provinces[provinces["province_code"].isin(shown["province_code"])]
    shown_districts = districts[districts["district_code"].isin(shown["district_code"])]
    if len(shown_provinces) > 1:
        place_labels(ax, zip(shown_provinces["name"], shown_provinces.geometry), mm_per_unit, lw(8), taken,
                     weight="bold")
    if len(shown_districts) <= 40:
        place_labels(ax, zip(shown_districts["name"], shown_districts.geometry), mm_per_unit, lw(6), taken,
                     colour="#404040")
    if len(shown) <= 90:
        place_labels(ax, zip(shown["commune_name"], shown.geometry), mm_per_unit, lw(4.5), taken,
                     colour="#525252")

    draw_scale_bar(ax, MAP_CRS, layout, layout.map.w, data.lang)
    draw_north_arrow(ax, MAP_CRS, layout)
    for spine in ax.spines.values():
        spine.set_linewidth(lw(0.6))
        spine.set_color(TEXT)
    if data.sample:
        draw_watermark(ax, words["watermark"], layout)

    inset_ax = fig.add_axes(layout.fraction(layout.inset), anchor="N")
    draw_inset(inset_ax, outline, gpd.GeoSeries([shown.union_all()], crs=MAP_CRS).to_crs(4326),
               MAP_CRS, layout, data.lang)

    legend_ax = fig.add_axes(layout.fraction(layout.legend))
    entries = data.view.legend(data.classes, data.lang)
    extra = zone_handles + [
        Patch(facecolor=CONTEXT_FILL, edgecolor=CONTEXT_EDGE, linewidth=lw(0.4), label=words["context"]),
        Patch(facecolor="none", edgecolor=TEXT, linewidth=lw(0.9), label=words["province"])]
    if (data.communes["district"] != "").any():   # 2025 boundaries have no districts
        extra.append(Patch(facecolor="none", edgecolor="#737373", linewidth=lw(0.45), label=words["district"]))
    note = words["classes"].format(n=int((data.communes["value"] > 0).sum()), scope=words[data.scope_key])
    if zone_handles:
        note += " " + words["zones"]
    if data.sample:
        note += "\n" + words["sample_note"]
    if lists := lists_line(data):
        note += "\n" + lists
    draw_legend(legend_ax, layout, data.view.words("legend", data.lang, data.donor), entries, extra, note)

    draw_header(fig, layout, title or default_title(data), subtitle or default_subtitle(data),
                words["sample"] if data.sample else None)
    # the QR code of the link back to this view sits at the footer's right end, the footer's height square
    qr_box = Box(layout.footer.right - layout.footer.h, layout.footer.y, layout.footer.h, layout.footer.h)
    draw_qr(fig, qr_box, link(data), layout)
    draw_footer(fig, layout, footer_lines(data), reserve_mm=qr_box.w + layout.pt(2))
    return fig


def link(data: MapData) -> str:
    """The web app's URL of the same view and filters."""
    return view_url(data.base_url, data.view.key, data.filters, str(data.metadata.get("boundary_version", "2019")))


def _communes_4326(data: MapData) -> gpd.GeoDataFrame:
    """Enough of the workspace's communes to decide where the national outline comes from."""
    frame = data.communes.rename(columns={"commune_code": "code"})
    frame = frame.assign(boundary_version=data.metadata.get("boundary_version", ""))
    if frame["province_code"].nunique() >= 34:   # national analysis: dissolve what is drawn
        return frame.to_crs(4326)
    return frame.iloc[:1].to_crs(4326)


def _draw_zones(ax, data: MapData, shown: gpd.GeoDataFrame, layout: Layout) -> list[Patch]:
    """Hatch and outline the zones (as the web map outlines them); returns legend handles."""
    handles = []
    for column, colour, hatch, style, label in (
            ("ethnic_minority", EM_COLOUR, "////", (0, (4, 2)), "em"),
            ("coastal", COASTAL_COLOUR, "....", "solid", "coastal")):
        if not shown[column].astype(bool).any():
            continue
        zone = data.zone(column)
        zone.plot(ax=ax, facecolor="none", edgecolor="none", hatch=hatch, hatchcolor=colour, linewidth=0,
                  zorder=4)
        zone.boundary.plot(ax=ax, color=colour, linewidth=layout.pt(0.9), linestyle=style, zorder=8)
        handles.append(Patch(facecolor="white", edgecolor=colour, hatch=hatch, linewidth=layout.pt(0.9),
                             linestyle=style, label=WORDS[data.lang][label]))
    return handles


def default_title(data: MapData) -> str:
    title = data.view.words("title", data.lang, data.donor)
    # Name the area mapped (whatever the filter), unless it is more than a few provinces.
    provinces = data.filters.provinces or tuple(sorted(data.communes["province_code"].unique()))
    if len(provinces) <= 3:
        title += " – " + ", ".join(short_name(data.province_names.get(p, p)) for p in provinces)
    return title


def default_subtitle(data: MapData) -> str:
    return data.filters.describe(data.lang, data.province_names)


def lists_line(data: MapData) -> str:
    """Which classification lists are official and which sample, in the map's language."""
    column = 0 if data.lang == "en" else 1
    parts = []
    for kind in ("official", "sample"):
        keys = data.sources.get(f"{kind}_schemes", ())
        if keys:
            named = ", ".join(SHORT_LABELS.get(key, (key, key))[column] for key in keys)
            parts.append(WORDS[data.lang][f"lists_{kind}"].format(items=named))
    return " ".join(parts)


def footer_lines(data: MapData) -> list[str]:
    words = WORDS[data.lang]
    meta = data.metadata
    boundaries = words["boundaries"].format(geometry=meta.get("source.geometry", "imported boundaries (see workspace)"),
                                            version=meta.get("boundary_version", "?"))
    if data.boundary_day:
        boundaries += f" ({data.boundary_day})"
    lines = [boundaries + ". " + words["codes"].format(codes=meta.get("source.codes", "as imported")) + "."]
    parts = [words[key].format(items=data.sources[key]) for key in ("classifications", "projects", "iati")
             if data.sources.get(key)]
    if meta.get("source.population"):
        parts.append(words["population"])
    if data.view.key == "gap" and data.gap_formula:
        parts.append(words["gap_formula"].format(formula=data.gap_formula))
    if parts:
        lines.append(". ".join(parts) + ".")
    if data.sample:
        lines.append(words["sample_line"].format(detail=meta.get("sample_data", words["sample_note"])))
    lines.append(words["generated"].format(day=date.today().isoformat(), version=__version__)
                 + " " + words["disclaimer"])
    lines.append(" · ".join((words["map_number"].format(number=data.number),
                             words["projection"].format(projection=projection_name(MAP_CRS)),
                             words["link"].format(url=link(data)))))
    return lines
