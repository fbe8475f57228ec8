"""VN-2000 TM-3 zones: official shift applied, round trips under 1 m."""

import pytest
from pyproj import CRS, Geod, Transformer

import geopandas as gpd
import shapely

from geoaid.crs import DECISION_05_2007, from_wgs84, is_vn2000, resolve_crs, to_wgs84, vn2000_tm3

GEOD = Geod(ellps="WGS84")


def test_tm3_zone_applies_the_decision_05_2007_shift():
    tm3 = vn2000_tm3(104.5)
    unproject = Transformer.from_crs(tm3, "EPSG:4756", always_xy=True)
    # The official shift written out from the published parameters, as a PROJ pipeline.
    p = DECISION_05_2007
    helmert = Transformer.from_pipeline(
        "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad "
        "+step +proj=cart +ellps=WGS84 "
        f"+step +proj=helmert +x={p['x']} +y={p['y']} +z={p['z']} +rx={p['rx']} +ry={p['ry']} "
        f"+rz={p['rz']} +s={p['s']} +convention=coordinate_frame "
        "+step +inv +proj=cart +ellps=WGS84 +step +proj=unitconvert +xy_in=rad +xy_out=deg")
    for x, y in [(480000, 1000000), (530000, 1010000), (500000, 1050000)]:
        point = gpd.GeoSeries([shapely.Point(x, y)], crs=tm3)
        lon1, lat1 = to_wgs84(point).iloc[0].coords[0]
        assert from_wgs84(to_wgs84(point), tm3).iloc[0].distance(point.iloc[0]) < 0.001
        lon_vn, lat_vn = unproject.transform(x, y)
        lon2, lat2, _ = helmert.transform(lon_vn, lat_vn, 0)
        assert GEOD.inv(lon1, lat1, lon2, lat2)[2] < 0.01


def test_vn2000_differs_from_wgs84_by_hundreds_of_metres():
    # Guard against a CRS that silently ignores the datum shift.
    point = gpd.GeoSeries([shapely.Point(500000, 1000000)], crs=vn2000_tm3(105.0))
    naive = Transformer.from_crs(
        CRS.from_proj4("+proj=tmerc +lon_0=105 +k=0.9999 +x_0=500000 +ellps=WGS84"),
        "EPSG:4326", always_xy=True)
    a, b = to_wgs84(point).iloc[0].coords[0], naive.transform(500000, 1000000)
    assert is_vn2000(vn2000_tm3(105.0)) and is_vn2000(CRS(3405)) and not is_vn2000(CRS(32648))
    assert 100 < GEOD.inv(*a, *b)[2] < 500


@pytest.mark.parametrize("text, meridian", [
    ("VN2000-TM3:105.5", 105.5), ("VN2000-TM3:province=96", 104.5),
    ("VN2000-TM3:province=Hà Giang", 105.5), ("vn2000-tm3:province=ca mau", 104.5),
])
def test_resolve_tm3(text, meridian):
    crs = resolve_crs(text)
    assert crs.to_dict()["lon_0"] == meridian and crs.to_dict()["k"] == 0.9999


def test_resolve_epsg_forms():
    assert resolve_crs("3405").to_epsg() == 3405
    assert resolve_crs("EPSG:4756").to_epsg() == 4756


@pytest.mark.parametrize("text, message", [
    ("", "empty CRS"), ("EPSG:999999", "unknown CRS"),
    ("VN2000-TM3:province=01", "no TM-3 central meridian"), ("VN2000-TM3:90", "outside Vietnam"),
])
def test_resolve_rejects_with_guidance(text, message):
    with pytest.raises(ValueError, match=message):
        resolve_crs(text)
