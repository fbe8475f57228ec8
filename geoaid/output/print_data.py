"""What a print map shows: one view's analysed, classified communes and the facts printed around them.

:func:`prepare` runs the analysis (geoaid.analysis.coverage) for a view and
filters and classifies the values with the view's class rule
(geoaid.analysis.views, shared with the web map); an atlas prepares once and
draws many pages from the result (geoaid.output.print_sheet).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from geoaid.analysis.classify import Classes
from geoaid.analysis.filters import Filters
from geoaid.analysis.frames import Frames, sample_mask
from geoaid.analysis.gap_formula import describe_gap_formula
from geoaid.analysis.memoised import Analysis, analysed
from geoaid.analysis.views import LANGS, View, resolve_view
from geoaid.output.print_marks import import_dates, last_change, map_number
from geoaid.store.schema import EQUAL_AREA_CRS

# Map in Vietnam's Albers equal-area projection (geoaid.store.schema): areas compare
# fairly between communes, and shapes stay true enough for any province.
MAP_CRS = EQUAL_AREA_CRS


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
    number: str = ""                 # map number and version (geoaid.output.print_marks)
    base_url: str = ""               # the web app, for the link back to this view
    boundary_day: str = ""           # when the boundaries were imported or built
    gap_formula: str = ""            # the gap formula and settings used (geoaid.analysis.coverage)
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


def prepare(frames: Frames | Analysis, view: str, filters: Filters = Filters(), lang: str = "en") -> MapData:
    """Run the analysis behind ``view`` for ``filters`` and classify the values.

    ``frames`` may be a snapshot's memoised Analysis (its results are reused).

    The donor view needs exactly one donor in ``filters.donors``; without a
    province filter it shows the provinces where that donor has funding.

    >>> data = prepare(frames, "gap", Filters(provinces=("95",)))  # doctest: +SKIP
    >>> data.view.key, len(data.communes), data.classes.breaks[-1]  # doctest: +SKIP
    ('gap', 64, 48.2)
    """
    analysis = analysed(frames)
    frames = analysis.frames
    spec = resolve_view(view)
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    if len(frames.communes) == 0:
        raise ValueError("the workspace has no communes; build or import boundaries first")
    donor = None
    if spec.needs_donor:
        if len(filters.donors) != 1:
            raise ValueError("the donor view needs exactly one donor (--donor NAME)")
        reach = analysis.reach(filters.donors[0], filters)
        donor, filters = reach.donor, reach.map_filters(filters)
    rows = analysis.coverage(filters)
    if rows.empty:
        raise ValueError(f"no communes match the filters ({filters.describe('en')})")
    if "district_code" not in rows.columns:
        rows["district_code"] = rows["commune_code"].map(frames.communes.set_index("code")["district_code"])
    # 2025 boundaries have no districts: one "district" per province keeps the drawing code simple.
    rows = rows.assign(value=rows[spec.column].astype(float),
                       district_code=rows["district_code"].fillna(rows["province_code"]),
                       district=rows["district"].fillna(""))
    classes = spec.classify(rows["value"])
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
                   metadata=_metadata(frames), sources=data_sources(frames),
                   sample=bool(frames.is_sample or rows["sample"].any()), donor=donor,
                   number=map_number(spec.key, filters, len(frames.audit)),
                   base_url=str(frames.setting("web_base_url")),
                   boundary_day=last_change(frames.audit, "import boundaries") or frames.metadata.get("built_on", ""),
                   gap_formula=describe_gap_formula(frames))


def _metadata(frames: Frames) -> dict:
    """Workspace metadata, with the boundary version of the communes actually mapped (2019 or 2025)."""
    meta = dict(frames.metadata)
    versions = frames.communes["boundary_version"].dropna().astype(str).unique()
    if len(versions) == 1:
        meta["boundary_version"] = versions[0]
    return meta


def data_sources(frames: Frames) -> dict:
    """"classifications"/"projects" → the legal sources and files they were imported from, in short."""
    # each file with the day it was imported (audit log); the demo's sample lists with the day it was built
    dates = import_dates(frames.audit)
    built = frames.metadata.get("built_on", "")
    for table in (frames.schemes, frames.projects):
        if built and len(table):
            sample_files = table.loc[sample_mask(table["sample"]), "source_file"].dropna().astype(str)
            dates.update({name: built for name in sample_files if name not in dates})

    def listed(values, dated: bool = False) -> str:
        items = sorted({str(v) for v in values if isinstance(v, str) and v.strip()})
        if dated:
            items = [f"{item} ({dates[item]})" if item in dates else item for item in items]
        return ", ".join(items[:4]) + (f" (+{len(items) - 4} more)" if len(items) > 4 else "")

    schemes = frames.schemes
    legal = listed(schemes["legal_source"]) if len(schemes) else ""
    files = listed(schemes["source_file"], dated=True) if len(schemes) else ""
    sample = sample_mask(schemes["sample"]) if len(schemes) else pd.Series(dtype=bool)
    keys = schemes["scheme"].astype(str) if len(schemes) else pd.Series(dtype=str)
    iati = frames.iati if frames.iati is not None and len(frames.iati) else None
    return {"classifications": "; ".join(p for p in (legal, files) if p),
            "projects": listed(frames.projects["source_file"], dated=True) if len(frames.projects) else "",
            "iati": listed(iati["source_file"], dated=True) if iati is not None else "",
            # Which lists are official and which sample, named in the legend.
            "official_schemes": tuple(keys[~sample.to_numpy()]), "sample_schemes": tuple(keys[sample.to_numpy()])}
