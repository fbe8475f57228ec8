"""VN-2000: official shift, provincial TM-3 zones checked against EPSG, CRS text users type."""

import os
import re
import sqlite3
import unicodedata

import geopandas as gpd
import pyproj
import pytest
import shapely
from pyproj import CRS, Geod, Transformer

from geoaid.imports.crs import (
    DECISION_05_2007,
    EPSG_TM3,
    PROVINCES,
    describe,
    from_wgs84,
    hint_for_bounds,
    is_vn2000,
    province_code,
    resolve_crs,
    to_wgs84,
    vn2000_tm3,
)
from geoaid.text.names import name_key

GEOD = Geod(ellps="WGS84")
# How a VN-2000 TM-3 zone is often written in Vietnamese GIS practice (e.g. QGIS custom CRS).
TOWGS84_STRING = ("+proj=tmerc +lat_0=0 +lon_0=104.5 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 "
                  "+towgs84=-191.90441429,-39.30318279,-111.45032835,-0.00928836,0.01975479,"
                  "-0.00427372,0.252906278 +units=m +no_defs")


def proj_db():
    return sqlite3.connect(os.path.join(pyproj.datadir.get_data_dir(), "proj.db"))


def test_official_shift_is_epsg_6960_as_shipped_with_proj():
    with proj_db() as db:
        row = db.execute("SELECT name, method_code, tx, ty, tz, rx, ry, rz, scale_difference "
                         "FROM helmert_transformation WHERE auth_name='EPSG' AND code='6960'").fetchone()
    name, method, *values = row
    assert name == "VN-2000 to WGS 84 (2)" and str(method) == "9607"  # 9607: Coordinate Frame rotation
    p = DECISION_05_2007
    assert values == [p["x"], p["y"], p["z"], p["rx"], p["ry"], p["rz"], p["s"]]


def point(x, y, crs):
    return gpd.GeoSeries([shapely.Point(x, y)], crs=crs)


def test_tm3_zone_applies_the_decision_05_2007_shift():
    tm3 = vn2000_tm3(104.5)
    unproject = Transformer.from_crs(tm3, "EPSG:4756", always_xy=True)
    p = DECISION_05_2007
    helmert = Transformer.from_pipeline(
        "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad "
        "+step +proj=cart +ellps=WGS84 "
        f"+step +proj=helmert +x={p['x']} +y={p['y']} +z={p['z']} +rx={p['rx']} +ry={p['ry']} "
        f"+rz={p['rz']} +s={p['s']} +convention=coordinate_frame "
        "+step +inv +proj=cart +ellps=WGS84 +step +proj=unitconvert +xy_in=rad +xy_out=deg")
    for x, y in [(480000, 1000000), (530000, 1010000), (500000, 1050000)]:
        original = point(x, y, tm3)
        lon1, lat1 = to_wgs84(original).iloc[0].coords[0]
        assert from_wgs84(to_wgs84(original), tm3).iloc[0].distance(original.iloc[0]) < 0.001
        lon2, lat2, _ = helmert.transform(*unproject.transform(x, y), 0)
        assert GEOD.inv(lon1, lat1, lon2, lat2)[2] < 0.01


def test_vn2000_differs_from_wgs84_by_hundreds_of_metres():
    # Guard against a CRS that silently ignores the datum shift.
    a = to_wgs84(point(500000, 1000000, vn2000_tm3(105.0))).iloc[0].coords[0]
    naive = Transformer.from_crs(
        CRS.from_proj4("+proj=tmerc +lon_0=105 +k=0.9999 +x_0=500000 +ellps=WGS84"),
        "EPSG:4326", always_xy=True)
    assert 100 < GEOD.inv(*a, *naive.transform(500000, 1000000))[2] < 500
    assert is_vn2000(vn2000_tm3(105.0)) and is_vn2000(CRS(3405)) and is_vn2000(CRS(4756))
    assert not is_vn2000(CRS(32648)) and not is_vn2000(CRS(4326))


def test_province_table_covers_the_63_legacy_provinces_with_gso_codes():
    from boundaries.load import read_codes
    gso = read_codes().drop_duplicates("province_code").set_index("province_code")["province_key"]
    assert len(PROVINCES) == 63 and set(PROVINCES) == set(gso.index)
    renamed = {"46": "hue"}  # Thừa Thiên Huế became the city of Huế (2025)
    for code, (name, _) in PROVINCES.items():
        assert renamed.get(code, name_key(name)) == gso[code], code


def _area_provinces(area_name: str) -> set[str]:
    text = area_name.split(" - ", 1)[1].rstrip(".")
    parts = re.split(r",|;| and ", text)
    words = r"\b(provinces?|cities|city|municipality)\b"
    return {name_key(re.sub(words, "", part)) for part in parts if part.strip()}


def test_province_meridians_agree_with_epsg_areas_of_use():
    """EPSG's provincial TM-3 CRSs list their provinces: each must have that meridian here."""
    by_key = {name_key(name): (code, meridian) for code, (name, meridian) in PROVINCES.items()}
    by_key["thuathienhue"] = by_key[name_key("Thừa Thiên Huế")]
    confirmed = set()
    for meridian, epsg in EPSG_TM3.items():
        crs = CRS.from_epsg(epsg)
        if not crs.area_of_use.name.startswith("Vietnam -") or "onshore" in crs.area_of_use.name:
            continue  # national zones 481/482/491, not provincial
        for key in _area_provinces(crs.area_of_use.name):
            code, ours = by_key[key]
            assert ours == meridian, (key, ours, meridian)
            confirmed.add(code)
    unconfirmed = {code for code in PROVINCES if code not in confirmed}
    assert len(confirmed) == 53
    assert {PROVINCES[c][1] for c in unconfirmed} == {105.0, 108.0}


def test_epsg_tm3_codes_have_the_tm3_parameters():
    for meridian, epsg in EPSG_TM3.items():
        params = {p.name: p.value for p in CRS.from_epsg(epsg).coordinate_operation.params}
        assert params["Longitude of natural origin"] == meridian
        assert params["Scale factor at natural origin"] == 0.9999
        assert params["False easting"] == 500000 and params["False northing"] == 0
        assert is_vn2000(CRS.from_epsg(epsg))


def _tm3_params(crs):
    return {p.name: p.value for p in crs.coordinate_operation.params}


@pytest.mark.parametrize("text, meridian, epsg", [
    ("VN2000-TM3:105.5", 105.5, 9209), ("VN2000-TM3:province=96", 104.5, 9207),
    ("VN2000-TM3:province=Hà Giang", 105.5, 9209), ("vn2000-tm3:province=ca mau", 104.5, 9207),
    (unicodedata.normalize("NFD", "VN2000-TM3:province=Thừa Thiên Huế"), 107.0, 9214),
    ("VN2000-TM3:province=TP. Hồ Chí Minh", 105.75, 9210), ("VN2000-TM3:105°45'", 105.75, 9210),
    ("VN2000-TM3:107-45", 107.75, 5899), ("VN2000_TM3:105,0", 105.0, 5897),
    ("VN2000-TM3:105.6", 105.6, None),
])
def test_resolve_tm3(text, meridian, epsg):
    crs = resolve_crs(text)
    params = _tm3_params(crs)
    assert params["Longitude of natural origin"] == pytest.approx(meridian)
    assert params["Scale factor at natural origin"] == 0.9999 and params["False easting"] == 500000
    assert crs.to_epsg() == epsg and is_vn2000(crs)


def test_resolve_epsg_and_proj_forms():
    assert resolve_crs("3405").to_epsg() == 3405
    assert resolve_crs("EPSG:4756").to_epsg() == 4756
    assert resolve_crs(CRS(4326).to_wkt()).to_epsg() == 4326
    assert is_vn2000(resolve_crs(TOWGS84_STRING))
    assert province_code("2") == "02" and province_code("Bắc Cạn") == "06" and province_code("x") is None


@pytest.mark.parametrize("text, message", [
    ("", "empty CRS"), ("EPSG:999999", "unknown CRS"), ("not a crs", "VN2000-TM3:105.5"),
    ("VN2000-TM3:province=03", "unknown province"), ("VN2000-TM3:90", "outside Vietnam"),
    ("VN2000-TM3:abc", "cannot read the central meridian"), ("VN2000-TM3:105°75'", "central meridian"),
])
def test_resolve_rejects_with_guidance(text, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        resolve_crs(text)


def test_towgs84_spellings_get_the_official_shift(tmp_path):
    """+towgs84 strings, and .prj files where GDAL kept the numbers only in the datum name."""
    reference = to_wgs84(point(500000, 1000000, vn2000_tm3(104.5))).iloc[0]
    bound = CRS(TOWGS84_STRING)
    frame = gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.Point(500000, 1000000)], crs=bound)
    frame.to_file(tmp_path / "p.shp")
    from_prj = gpd.read_file(tmp_path / "p.shp").crs
    assert not from_prj.is_bound and "towgs84" in from_prj.geodetic_crs.datum.name.lower()
    for crs in (bound, from_prj):
        assert is_vn2000(crs)
        moved = to_wgs84(point(500000, 1000000, crs)).iloc[0]
        assert GEOD.inv(*moved.coords[0], *reference.coords[0])[2] < 0.01
        assert from_wgs84(gpd.GeoSeries([moved], crs=4326), crs).iloc[0].distance(
            shapely.Point(500000, 1000000)) < 0.001
    naive = point(500000, 1000000, from_prj).to_crs(4326).iloc[0]
    assert GEOD.inv(*naive.coords[0], *reference.coords[0])[2] > 100  # what reading it naively costs


def test_describe_and_hints():
    assert "EPSG:9207" in describe(vn2000_tm3(104.5)) and "Decision 05/2007" in describe(CRS(3405))
    assert "Decision" not in describe(CRS(4326))
    assert "EPSG:4326" in hint_for_bounds((104.8, 8.6, 105.3, 9.5))
    assert "VN2000-TM3" in hint_for_bounds((480000, 950000, 540000, 1050000))
    assert hint_for_bounds((0, 0, 10, 10)) == ""
