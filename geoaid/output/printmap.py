"""Print-ready maps (PNG, PDF, SVG) of the same analysis as the web maps, offline.

Folium cannot export images, so geoaid draws print maps itself with
matplotlib (geopandas plotting): an A4/A3 sheet with title and filters in
words, the choropleth with class breaks and units, ethnic-minority and
coastal zones hatched, district/province boundaries and labels where they
are legible, scale bar and north arrow from real distances, an inset
locating the area in Vietnam, sources, date and a boundary disclaimer.

Two steps, so an atlas can classify once and draw many pages:

* :func:`prepare` runs the analysis (geoaid.analysis.coverage) for a view and filters
  and classifies the values (geoaid.analysis.classify, shared with the web map);
* :func:`draw` lays one sheet out for all or part of that data.

:func:`render_map` does both and returns the file's bytes (the web app's
download button calls it); :func:`save_map` writes a file.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import geopandas as gpd
import matplotlib
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from geoaid import __version__
from geoaid.analysis.classify import Classes, classify
from geoaid.analysis.filters import Filters
from geoaid.analysis.frames import Frames
from geoaid.analysis.memoised import Analysis, analysed
from geoaid.output.print_elements import (FONT, TEXT, draw_footer, draw_header, draw_legend, draw_north_arrow,
                                   draw_scale_bar, draw_watermark, fit_extent, place_labels, short_name)
from geoaid.output.print_inset import draw_inset, vietnam_outline
from geoaid.output.print_layout import Layout, page_layout
from geoaid.store.schema import EQUAL_AREA_CRS
from geoaid.text.catalog import LANGUAGES, section, text

FORMATS = {"png": "image/png", "pdf": "application/pdf", "svg": "image/svg+xml"}
DEFAULT_DPI = 300
# Map in Vietnam's Albers equal-area projection (geoaid.store.schema): areas compare
# fairly between communes, and shapes stay true enough for any province.
MAP_CRS = EQUAL_AREA_CRS
EM_COLOUR, COASTAL_COLOUR = "#5e3c99", "#0571b0"   # as on the web map
CONTEXT_FILL, CONTEXT_EDGE = "#f2f2f2", "#bdbdbd"
NATIONAL_CONTEXT_M = 400_000  # maps wider than this show the national outline around the data

# matplotlib's rcParams are process-global and its figures are not thread-safe;
# the web server renders in threads, so one map is drawn at a time.
_render_lock = threading.Lock()


@dataclass(frozen=True)
class View:
    key: str
    column: str
    palette: str
    unit: str           # catalog key of the unit after each class bound ("": none)
    decimals: int
    title: str          # catalog keys (geoaid/locale/*/LC_MESSAGES/geoaid.po)
    legend: str
    zero: str


POINTS, USD = "unit.points", "unit.USD"   # catalog keys (geoaid/locale), like the texts below
VIEWS = {
    "gaps": View("gaps", "gap_score", "YlOrRd", POINTS, 1, "view.gaps.title", "view.gaps.legend", "view.gaps.zero"),
    "priority": View("priority", "priority_score", "Purples", POINTS, 1,
                     "view.priority.title", "view.priority.legend", "view.priority.zero"),
    "coverage": View("coverage", "funding_usd", "YlGnBu", USD, 0,
                     "view.coverage.title", "view.coverage.legend", "view.coverage.zero"),
    "projects": View("projects", "project_count", "YlGnBu", "", 0,
                     "view.projects.title", "view.projects.legend", "view.projects.zero"),
    "donor": View("donor", "funding_usd", "YlGnBu", USD, 0,
                  "view.donor.title", "view.donor.legend", "view.donor.zero"),
}
ALIASES = {"gap": "gaps", "funding": "coverage", "project_count": "projects"}

WORDS = {lang: section(lang, "print.") for lang in LANGUAGES}
LANGS = LANGUAGES


@dataclass
class MapData:
    """One view's analysed, classified communes, ready to be drawn on one or more pages."""

    view: View
    filters: Filters
    lang: str
    communes: gpd.GeoDataFrame       # MAP_CRS; value, fill, zones, district/province codes
    classes: Classes
    context: gpd.GeoDataFrame        # the workspace's provinces (MAP_CRS), drawn grey around the map
    province_names: dict
    metadata: dict
    sources: dict                    # "classifications"/"projects" → short lists of source files
    sample: bool
    donor: str | None = None
    scope_key: str = "scope_all"
    _dissolved: dict = field(default_factory=dict, repr=False)

    def dissolved(self, level: str) -> gpd.GeoDataFrame:
        """District or province polygons of the data (computed once per MapData)."""
        if level not in self._dissolved:
            key = {"district": "district_code", "province": "province_code"}[level]
            name = {"district": "district", "province": "province"}[level]
            frame = self.communes[[key, name, "geometry"]].dissolve(by=key, as_index=False)
            self._dissolved[level] = frame.rename(columns={name: "name"})
        return self._dissolved[level]

    def zone(self, column: str) -> gpd.GeoSeries:
        key = f"zone:{column}"
        if key not in self._dissolved:
            rows = self.communes[self.communes[column].astype(bool)]
            self._dissolved[key] = gpd.GeoSeries([rows.union_all()] if len(rows) else [], crs=MAP_CRS)
        return self._dissolved[key]


def resolve_view(view: str) -> View:
    key = ALIASES.get(str(view).lower(), str(view).lower())
    if key not in VIEWS:
        raise ValueError(f"view must be one of {', '.join(VIEWS)}, got {view!r}")
    return VIEWS[key]


def prepare(frames: Frames | Analysis, view: str, filters: Filters = Filters(), lang: str = "en") -> MapData:
    """Run the analysis behind ``view`` for ``filters`` and classify the values.

    ``frames`` may be a snapshot's memoised Analysis (its results are reused).
    The donor view needs exactly one donor in ``filters.donors``; without a
    province filter it shows the provinces where that donor has funding.
    """
    analysis = analysed(frames)
    frames = analysis.frames
    spec = resolve_view(view)
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    if len(frames.communes) == 0:
        raise ValueError("the workspace has no communes; build or import boundaries first")
    donor = None
    if spec.key == "donor":
        if len(filters.donors) != 1:
            raise ValueError("the donor view needs exactly one donor (--donor NAME)")
        reach = analysis.reach(filters.donors[0], filters)
        donor = reach.donor
        filters = replace(filters, donors=(donor,))
        if not filters.provinces and len(reach.by_province):
            filters = replace(filters, provinces=tuple(sorted(reach.by_province["province_code"])))
    rows = analysis.coverage(filters)
    if rows.empty:
        raise ValueError(f"no communes match the filters ({filters.describe('en')})")
    if "district_code" not in rows.columns:
        rows["district_code"] = rows["commune_code"].map(frames.communes.set_index("code")["district_code"])
    # 2025 boundaries have no districts: one "district" per province keeps the drawing code simple.
    rows = rows.assign(value=rows[spec.column].astype(float),
                       district_code=rows["district_code"].fillna(rows["province_code"]),
                       district=rows["district"].fillna(""))
    classes = classify(rows["value"], palette=spec.palette)
    rows["fill"] = classes.colour_of()
    # Neighbouring provinces are drawn as context: dissolve only those near the mapped area
    # (a national workspace would otherwise union 10,000 communes for every map).
    minx, miny, maxx, maxy = rows.total_bounds
    pad_x, pad_y = (maxx - minx) * 0.3 + 0.05, (maxy - miny) * 0.3 + 0.05
    nearby = frames.communes.cx[minx - pad_x:maxx + pad_x, miny - pad_y:maxy + pad_y]
    provinces = nearby[["province_code", "province_name", "geometry"]].dissolve(
        by="province_code", as_index=False)
    return MapData(view=spec, filters=filters, lang=lang, communes=rows.to_crs(MAP_CRS), classes=classes,
                   context=provinces.to_crs(MAP_CRS),
                   province_names=dict(zip(frames.communes["province_code"], frames.communes["province_name"])),
                   metadata=_metadata(frames), sources=_data_sources(frames),
                   sample=bool(frames.is_sample or rows["sample"].any()), donor=donor)


def _metadata(frames: Frames) -> dict:
    """Workspace metadata, with the boundary version of the communes actually mapped (2019 or 2025)."""
    meta = dict(frames.metadata)
    versions = frames.communes["boundary_version"].dropna().astype(str).unique()
    if len(versions) == 1:
        meta["boundary_version"] = versions[0]
    return meta


def _data_sources(frames: Frames) -> dict:
    def listed(values) -> str:
        items = sorted({str(v) for v in values if isinstance(v, str) and v.strip()})
        return ", ".join(items[:4]) + (f" (+{len(items) - 4} more)" if len(items) > 4 else "")

    schemes = frames.schemes
    legal = listed(schemes["legal_source"]) if len(schemes) else ""
    files = listed(schemes["source_file"]) if len(schemes) else ""
    return {"classifications": "; ".join(p for p in (legal, files) if p),
            "projects": listed(frames.projects["source_file"]) if len(frames.projects) else ""}


# --- drawing ------------------------------------------------------------------

def draw(data: MapData, layout: Layout, subset: pd.Series | None = None, title: str | None = None,
         subtitle: str | None = None, outline: gpd.GeoSeries | None = None) -> Figure:
    """One sheet for all communes of ``data`` or the ``subset`` (boolean mask) of them."""
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
    entries = data.classes.legend(text(data.view.unit, data.lang), decimals=data.view.decimals,
                                  zero_label=text(data.view.zero, data.lang))
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
    draw_legend(legend_ax, layout, text(data.view.legend, data.lang, donor=data.donor), entries, extra, note)

    draw_header(fig, layout, title or default_title(data), subtitle or default_subtitle(data),
                words["sample"] if data.sample else None)
    draw_footer(fig, layout, footer_lines(data))
    return fig


_outline_cache_4326: dict = {}


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


def place_names(data: MapData, codes) -> str:
    return ", ".join(data.province_names.get(code, code) for code in codes)


def default_title(data: MapData) -> str:
    title = text(data.view.title, data.lang, donor=data.donor)
    # Name the area mapped (whatever the filter), unless it is more than a few provinces.
    provinces = data.filters.provinces or tuple(sorted(data.communes["province_code"].unique()))
    if len(provinces) <= 3:
        title += " – " + ", ".join(short_name(data.province_names.get(p, p)) for p in provinces)
    return title


def default_subtitle(data: MapData) -> str:
    return data.filters.describe(data.lang, data.province_names)


def footer_lines(data: MapData) -> list[str]:
    words = WORDS[data.lang]
    meta = data.metadata
    lines = [words["boundaries"].format(geometry=meta.get("source.geometry", "imported boundaries (see workspace)"),
                                        version=meta.get("boundary_version", "?"))
             + ". " + words["codes"].format(codes=meta.get("source.codes", "as imported")) + "."]
    parts = [words[key].format(items=data.sources[key]) for key in ("classifications", "projects")
             if data.sources.get(key)]
    if parts:
        lines.append(". ".join(parts) + ".")
    if data.sample:
        lines.append(words["sample_line"].format(detail=meta.get("sample_data", words["sample_note"])))
    lines.append(words["generated"].format(day=date.today().isoformat(), version=__version__)
                 + " " + words["disclaimer"])
    return lines


# --- output -----------------------------------------------------------------

def rc_params(layout: Layout) -> dict:
    """Settings for every print: Vietnamese-capable font, text kept as text."""
    return {"font.family": FONT, "font.sans-serif": [FONT],
            "svg.fonttype": "none",    # SVG text stays <text>: editable, searchable
            "pdf.fonttype": 42,        # embed TrueType: PDF text is extractable and copyable
            "hatch.linewidth": layout.pt(0.35), "axes.unicode_minus": False,
            "svg.hashsalt": "geoaid"}  # stable SVG ids: the same map gives the same file


def figure_bytes(fig: Figure, fmt: str, dpi: int, layout: Layout, title: str = "") -> bytes:
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    buffer = io.BytesIO()
    meta = {"png": {"Title": title, "Software": f"geoaid {__version__}"},
            "pdf": {"Title": title, "Creator": f"geoaid {__version__}"},
            "svg": {"Title": title, "Creator": f"geoaid {__version__}"}}[fmt]
    with matplotlib.rc_context(rc_params(layout)):
        fig.savefig(buffer, format=fmt, dpi=dpi, metadata=meta)
    return buffer.getvalue()


def check_dpi(dpi) -> int:
    dpi = int(dpi)
    if not 50 <= dpi <= 600:
        raise ValueError(f"dpi must be between 50 and 600, got {dpi}")
    return dpi


def render_map(frames: Frames | Analysis, view: str, filters: Filters = Filters(), paper: str = "A4",
               orientation: str = "landscape", fmt: str = "png", dpi: int = DEFAULT_DPI, lang: str = "en",
               title: str | None = None, cache_dir: str | Path | None = None) -> bytes:
    """The map of ``view`` for ``filters`` as PNG/PDF/SVG bytes. Raises ValueError on bad options.

    ``cache_dir`` (the workspace's folder) keeps the national outline for the
    inset between runs; without it the outline is cached in memory only.
    """
    fmt = str(fmt).lower()
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    dpi = check_dpi(dpi)
    layout = page_layout(paper, orientation)
    analysis = analysed(frames)
    with _render_lock, matplotlib.rc_context(rc_params(layout)):
        data = prepare(analysis, view, filters, lang)
        outline = vietnam_outline(analysis.frames.communes, cache_dir)
        fig = draw(data, layout, title=title, outline=outline)
        return figure_bytes(fig, fmt, dpi, layout, title or default_title(data))


def save_map(frames: Frames | Analysis, view: str, out: str | Path, filters: Filters = Filters(), **options) -> Path:
    """Write the map to ``out``; the format follows the file's suffix (.png, .pdf, .svg)."""
    out = Path(out)
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"--out must end in .png, .pdf or .svg, got {out.name!r}")
    body = render_map(frames, view, filters, fmt=fmt, **options)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(body)
    return out
