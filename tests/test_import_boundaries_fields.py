"""`geoaid import boundaries`: field names of GADM, OCHA and provincial files, codes given by name."""

import re
import zipfile

import geopandas as gpd

from geoaid.imports.boundaries import read_boundaries
from geoaid.store import schema
from tests.boundary_files import _TYPE, as_vietnamese_shapefile, import_cli


def gadm_level3(communes):
    """GADM 4.1 layout: names without type words in NAME_1/2/3, the type in TYPE_3, GID_3 ids."""
    strip = lambda n: re.sub(_TYPE, "", n)  # noqa: E731
    return gpd.GeoDataFrame({
        "GID_3": [f"VNM.13.{i}.{j}_1" for i, j in zip(range(1, len(communes) + 1), range(len(communes)))],
        "NAME_1": communes["province_name"].map(strip), "NAME_2": communes["district_name"].map(strip),
        "NAME_3": communes["name"].map(strip), "TYPE_3": communes["unit_type"],
    }, geometry=communes.geometry.values, crs=4326)


def test_gadm_file_gets_gso_codes_by_name(ca_mau, tmp_path):
    path = tmp_path / "gadm41_VNM.gpkg"
    gadm_level3(ca_mau).to_file(path, layer="ADM_ADM_3")
    gpd.GeoDataFrame({"GID_1": ["VNM.13_1"]}, geometry=[ca_mau.union_all()], crs=4326).to_file(
        path, layer="ADM_ADM_1")
    _, report = read_boundaries(path)
    assert "several layers" in report.errors[0].reason and "ADM_ADM_1" in report.errors[0].value
    frame, report = read_boundaries(path, layer="ADM_ADM_3")
    assert report.ok, [str(p) for p in report.errors]
    # Same names as the GSO list (Tân Thành is both a ward and a commune: the type tells them apart).
    for column in ("code", "name", "unit_type", "district_code", "district_name", "province_name"):
        assert frame[column].tolist() == ca_mau[column].tolist(), column
    assert frame["code_source"].str.startswith("GSO list by name (exact)").all()
    assert any("not 5-digit GSO commune codes" in p.reason for p in report.problems)
    # Asked to keep the file's codes, they stay, with a warning each.
    frame, report = read_boundaries(path, layer="ADM_ADM_3", codes="file")
    assert frame["code"].iloc[0] == "VNM.13.1.0_1" and report.ok
    assert sum("not a 5-digit GSO commune code" in p.reason for p in report.problems) == len(ca_mau)


def test_unknown_names_are_reported_not_guessed(ca_mau, tmp_path):
    gadm = gadm_level3(ca_mau.iloc[:3])
    gadm.loc[1, "NAME_3"] = "Không Có Thật"
    path = tmp_path / "gadm.geojson"
    gadm.to_file(path)
    frame, report = read_boundaries(path)
    assert report.bad_rows() == {2}
    problem = report.errors[0]
    assert problem.column == "name" and problem.value.startswith("Phường Không Có Thật")
    assert "no GSO commune with this name" in problem.reason


def test_ocha_field_names_are_recognised(ca_mau, tmp_path):
    ocha = gpd.GeoDataFrame({
        "ADM3_PCODE": "VN" + ca_mau["code"], "ADM3_VI": ca_mau["name"], "ADM3_EN": "x",
        "ADM2_VI": ca_mau["district_name"], "ADM1_VI": ca_mau["province_name"],
    }, geometry=ca_mau.geometry.values, crs=4326)
    path = tmp_path / "vnm_admbnda_adm3.shp"
    ocha.to_file(path, encoding="utf-8")
    frame, report = read_boundaries(path)
    assert report.ok and frame["code"].tolist() == ca_mau["code"].tolist()
    assert frame["name"].tolist() == ca_mau["name"].tolist()


def test_utf8_shapefile_without_cpg_is_detected(ca_mau, tmp_path):
    path = as_vietnamese_shapefile(ca_mau.iloc[:5], tmp_path, "EPSG:4326")
    path.with_suffix(".cpg").unlink()
    frame, report = read_boundaries(path)
    assert frame["name"].tolist() == ca_mau["name"].iloc[:5].tolist()
    assert any("no .cpg" in p.reason and p.severity == "warning" for p in report.problems)


def test_explicit_field_mapping_and_unknown_field(ca_mau, tmp_path):
    frame = ca_mau.iloc[:3][["code", "name", "geometry"]].rename(columns={"code": "xcode", "name": "label"})
    path = tmp_path / "odd.gpkg"
    frame.to_file(path, layer="xa")
    result, report = read_boundaries(path, field_map={"code": "XCODE", "name": "label"})
    assert report.ok and result["code"].tolist() == ca_mau["code"].iloc[:3].tolist()
    _, report = read_boundaries(path, field_map={"code": "nope", "name": "label"})
    assert any("no field 'nope'" in p.reason and "xcode" in p.reason for p in report.errors)
    _, report = read_boundaries(path, layer="missing")
    assert "no such spatial layer" in report.errors[0].reason and report.errors[0].value == "missing"


def test_cli_field_options_for_a_names_only_file(ca_mau, tmp_path, writable_workspace):
    """Odd field names given by option; no codes in the file: GSO codes come from the names."""
    frame = gpd.GeoDataFrame({
        "Don_vi": ca_mau["name"], "Huyen_TP": ca_mau["district_name"], "Tinh_TP": ca_mau["province_name"],
    }, geometry=ca_mau.geometry.values, crs=4326)
    path = tmp_path / "ranh_gioi_xa.geojson"
    frame.to_file(path)
    _, report = read_boundaries(path)
    assert "no commune name field recognised" in report.errors[0].reason and "Don_vi" in report.errors[0].reason
    assert import_cli(path, writable_workspace, "--name-field", "don_vi", "--district-field", "Huyen_TP",
                      "--province-field", "Tinh_TP") == 0
    communes = writable_workspace.read(schema.COMMUNES)
    assert sorted(communes["code"]) == sorted(ca_mau["code"])
    assert communes["code_source"].str.startswith("GSO list by name").all()


def test_upload_saved_under_another_name_reports_the_users_name(ca_mau, tmp_path):
    shp = as_vietnamese_shapefile(ca_mau.iloc[:3], tmp_path, "EPSG:4326")
    upload = tmp_path / "upload-5f2c.zip"  # as a web server would store it
    with zipfile.ZipFile(upload, "w") as z:
        for part in shp.parent.glob("xa_camau.*"):
            z.write(part, part.name)
    frame, report = read_boundaries(upload, source_name="C:\\Users\\an\\Desktop\\ranh_gioi.zip")
    assert report.ok and report.file == "ranh_gioi.zip"
    assert set(frame["geometry_source"]) == {"ranh_gioi.zip › xa_camau.shp"}
