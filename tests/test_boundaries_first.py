"""A user's own boundaries first: `geoaid import boundaries FILE --workspace new.gpkg`, no demo build.

The boundary files are written the way a provincial office has them (ma_xa,
ten_xa, ten_huyen, ten_tinh; GeoPackage, GeoJSON or a zipped Shapefile in
VN-2000), from real communes of the demo workspace: Đồng Văn and Mèo Vạc
districts of Hà Giang, where Xã Tả Lủng exists twice.
"""

from __future__ import annotations

import zipfile

import pytest
import shapely
from pyproj import CRS

from geoaid.cli import main
from geoaid.imports.crs import from_wgs84
from geoaid.store import schema
from geoaid.store.workspace import Workspace
from tests.annex_workbooks import workbook
from web import create_app


@pytest.fixture(scope="module")
def two_districts(demo_workspace):
    communes = demo_workspace.read(schema.COMMUNES)
    return communes[communes["district_code"].isin(["026", "027"])].reset_index(drop=True)


def as_office_file(communes, folder, kind):
    """The communes with Vietnamese field names, as GeoPackage, GeoJSON or a zipped VN-2000 Shapefile."""
    frame = communes.rename(columns={"code": "ma_xa", "name": "ten_xa", "district_name": "ten_huyen",
                                     "province_name": "ten_tinh"})[["ma_xa", "ten_xa", "ten_huyen",
                                                                    "ten_tinh", "geometry"]]
    if kind == "gpkg":
        path = folder / "ranh_gioi_xa.gpkg"
        frame.to_file(path, layer="xa", driver="GPKG")
    elif kind == "geojson":
        path = folder / "ranh_gioi_xa.geojson"
        frame.to_file(path, driver="GeoJSON")
    else:
        shp = folder / "shp" / "ranh_gioi_xa.shp"
        shp.parent.mkdir()
        frame.set_geometry(from_wgs84(frame.geometry, CRS("EPSG:3405"))).to_file(shp, encoding="utf-8")
        path = folder / "ranh_gioi_xa.zip"
        with zipfile.ZipFile(path, "w") as archive:
            for part in shp.parent.iterdir():
                archive.write(part, part.name)
    return path


@pytest.mark.parametrize("kind", ["gpkg", "geojson", "shp-zip"])
def test_boundaries_create_a_new_workspace(two_districts, tmp_path, kind):
    path = as_office_file(two_districts, tmp_path, kind)
    target = tmp_path / "new" / "ha_giang.gpkg"
    assert main(["import", "boundaries", str(path), "--workspace", str(target)]) == 0
    workspace = Workspace(target)
    communes = workspace.read(schema.COMMUNES)
    assert sorted(communes["code"]) == sorted(two_districts["code"]) and len(communes) == 37
    assert set(communes["district_code"]) == {"026", "027"} and set(communes["province_code"]) == {"02"}
    meta = workspace.metadata()
    assert meta["provinces"] == "02" and meta["coverage.02"].startswith("37 of 193 official communes")
    assert "sample_data" not in meta
    audit = workspace.read(schema.AUDIT_LOG)
    assert audit["action"].tolist() == ["import boundaries 2019"] and '"created": true' in audit["details"].iloc[0]


def test_then_an_annex_projects_and_the_web_app_on_it(two_districts, tmp_path):
    target = tmp_path / "ha_giang.gpkg"
    assert main(["import", "boundaries", str(as_office_file(two_districts, tmp_path, "gpkg")),
                 "--workspace", str(target)]) == 0
    annex = workbook(tmp_path / "kv3.xlsx", [
        ["DANH SÁCH CÁC XÃ KHU VỰC III"], ["(Kèm theo Quyết định số 861/QĐ-TTg ngày 04/6/2021)"],
        ["STT", "Tên xã"], ["TỈNH HÀ GIANG", None],
        ["I", "Huyện Đồng Văn"], [1, "Xã Tả Lủng"], [2, "Xã Sủng Là"],
        ["II", "Huyện Mèo Vạc"], [1, "Xã Tả Lủng"]], ["A1:B1", "A2:B2", "A4:B4"])
    assert main(["import", "classifications", str(annex), "--scheme", "region_iii", "--legal-source",
                 "Decision 861/QĐ-TTg", "--period", "2021-2025", "--workspace", str(target)]) == 0
    projects = tmp_path / "du_an.csv"
    projects.write_text("project_id,title,donor,sector,budget,currency,start_date,end_date,status,locations\n"
                        "HG-1,Trạm y tế xã Tả Lủng,Donor A,health,1.000.000.000,VND,01/01/2024,31/12/2025,"
                        'ongoing,"Xã Tả Lủng, Huyện Mèo Vạc, Hà Giang"\n', encoding="utf-8")
    assert main(["import", "projects", str(projects), "--workspace", str(target)]) == 0
    workspace = Workspace(target)
    rows = workspace.read(schema.CLASSIFICATIONS)
    assert sorted(rows["unit_code"]) == ["00733", "00742", "00796"] and set(rows["sample"]) == {0}
    client = create_app(target).test_client()
    page = client.get("/")
    assert page.status_code == 200 and "sample data" not in page.get_data(as_text=True).lower()
    listed = client.get("/api/v1/communes?province=02").json["communes"]
    assert len(listed) == 37
    shapes = client.get("/api/v1/communes.geojson?province=02").json["features"]
    assert sorted(f["properties"]["commune_code"] for f in shapes) == sorted(two_districts["code"])
    gaps = client.get("/api/v1/gaps?province=02").json
    assert gaps["sample"] is False and len(gaps["communes"]) == 37
    listed = {row["commune_code"] for row in gaps["communes"] if row["priority_score"] > 0}
    assert listed == {"00733", "00742", "00796"}
    funded = {row["commune_code"]: row["funding_vnd"] for row in gaps["communes"] if row["funding_vnd"]}
    assert funded == {"00796": 1_000_000_000}


def test_refusal_for_a_few_bad_features_counts_the_valid_ones(two_districts, tmp_path, capsys):
    frame = two_districts.copy()
    frame.loc[3, "geometry"] = shapely.Polygon()
    frame.loc[5, "name"] = None
    path = as_office_file(frame, tmp_path, "gpkg")
    target = tmp_path / "new.gpkg"
    assert main(["import", "boundaries", str(path), "--workspace", str(target)]) == 2
    out = capsys.readouterr().out
    assert ("35 of 37 units are valid; nothing was written because of the 2 with errors above. Fix those, "
            "or import the 35 valid units with --keep-valid.") in out
    assert not target.exists()
    assert main(["import", "boundaries", str(path), "--workspace", str(target), "--keep-valid"]) == 0
    assert len(Workspace(target).read(schema.COMMUNES)) == 35
