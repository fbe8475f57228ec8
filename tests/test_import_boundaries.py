"""`geoaid import boundaries` on real communes written out in the formats users send."""

import hashlib
import zipfile

import pytest
from pyproj import Geod
from shapely.affinity import translate

from geoaid import schema
from geoaid.cli import main
from geoaid.crs import from_wgs84, vn2000_tm3
from pyproj import CRS
from geoaid.importers.boundaries import read_boundaries

GEOD = Geod(ellps="WGS84")


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def ca_mau(demo_workspace):
    communes = demo_workspace.read(schema.COMMUNES)
    return communes[communes["province_code"] == "96"].reset_index(drop=True)


def as_vietnamese_shapefile(communes, folder, crs):
    """Write communes the way provincial offices do: ma_xa/ten_xa fields, TM-3 zone."""
    frame = communes.rename(columns={"code": "ma_xa", "name": "ten_xa", "district_name": "ten_huyen",
                                     "province_name": "ten_tinh"})
    frame = frame[["ma_xa", "ten_xa", "ten_huyen", "ten_tinh", "geometry"]]
    frame = frame.set_geometry(from_wgs84(frame.geometry, CRS(crs)))
    path = folder / "xa_camau.shp"
    frame.to_file(path, encoding="utf-8")
    return path


def test_tm3_round_trip_under_one_metre(ca_mau, tmp_path):
    path = as_vietnamese_shapefile(ca_mau, tmp_path, vn2000_tm3(104.5))
    frame, report = read_boundaries(path)
    assert report.ok, [str(p) for p in report.problems]
    assert frame["code"].tolist() == ca_mau["code"].tolist()
    assert frame["name"].tolist() == ca_mau["name"].tolist()  # Vietnamese survives the .dbf
    worst = 0.0
    for before, after in zip(ca_mau.geometry, frame.geometry):
        for (x0, y0), (x1, y1) in zip(before.exterior.coords if before.geom_type == "Polygon"
                                      else before.geoms[0].exterior.coords,
                                      after.exterior.coords if after.geom_type == "Polygon"
                                      else after.geoms[0].exterior.coords):
            worst = max(worst, GEOD.inv(x0, y0, x1, y1)[2])
    assert worst < 1.0
    # Codes of a file that names only communes still group by province and district.
    assert set(frame["province_code"]) == {"96"} and frame["district_code"].notna().all()


def test_shapefile_without_prj_is_refused_with_instructions(ca_mau, tmp_path, writable_workspace, capsys):
    path = as_vietnamese_shapefile(ca_mau, tmp_path, vn2000_tm3(104.5))
    path.with_suffix(".prj").unlink()
    before = sha256(writable_workspace.path)
    code = main(["import", "boundaries", str(path), "--workspace", str(writable_workspace.path)])
    assert code == 2
    out = capsys.readouterr().out
    assert "no coordinate reference system" in out and "--crs VN2000-TM3:105.5" in out
    assert sha256(writable_workspace.path) == before
    # Given the CRS, the same file imports.
    assert main(["import", "boundaries", str(path), "--crs", "VN2000-TM3:province=96",
                 "--workspace", str(writable_workspace.path)]) == 0
    assert len(writable_workspace.read(schema.COMMUNES)) == len(ca_mau)


def test_zip_with_path_traversal_is_refused_and_nothing_is_written(ca_mau, tmp_path, writable_workspace):
    shp = as_vietnamese_shapefile(ca_mau, tmp_path, "EPSG:4326")
    archive = tmp_path / "upload.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for part in shp.parent.glob("xa_camau.*"):
            z.write(part, part.name)
        z.writestr("../../geoaid-evil.txt", "pwned")
    before = sha256(writable_workspace.path)
    code = main(["import", "boundaries", str(archive), "--workspace", str(writable_workspace.path)])
    assert code == 2
    assert sha256(writable_workspace.path) == before
    assert not (tmp_path.parent.parent / "geoaid-evil.txt").exists()
    assert not (writable_workspace.path.parent.parent / "geoaid-evil.txt").exists()


def test_zipped_shapefile_imports(ca_mau, tmp_path, writable_workspace):
    shp = as_vietnamese_shapefile(ca_mau.iloc[:10], tmp_path, "EPSG:3405")
    archive = tmp_path / "xa.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for part in shp.parent.glob("xa_camau.*"):
            z.write(part, f"data/{part.name}")
    assert main(["import", "boundaries", str(archive), "--merge",
                 "--workspace", str(writable_workspace.path)]) == 0
    communes = writable_workspace.read(schema.COMMUNES)
    # --merge replaced Cà Mau's communes only: the other provinces are untouched.
    assert (communes["province_code"] == "96").sum() == 10
    assert (communes["province_code"] == "02").sum() == 193
    log = writable_workspace.read(schema.AUDIT_LOG)
    assert log["action"].iloc[-1] == "import boundaries 2019" and log["file"].iloc[-1] == "xa.zip"


def test_problems_are_reported_per_feature(ca_mau, tmp_path, writable_workspace):
    frame = ca_mau.iloc[:5][["code", "name", "geometry"]].copy()
    frame = frame.rename(columns={"code": "GID_3", "name": "NAME_3"})   # GADM-style fields
    frame.loc[1, "GID_3"] = frame.loc[0, "GID_3"]                       # duplicate code
    frame.loc[2, "geometry"] = translate(frame.loc[2, "geometry"], xoff=-20)  # far outside Vietnam
    frame.loc[3, "NAME_3"] = None
    path = tmp_path / "gadm.geojson"
    frame.to_file(path)
    result, report = read_boundaries(path)
    rows = {(p.row, p.column, p.reason.split(" (")[0]) for p in report.errors}
    assert (1, "code", "duplicate code") in rows and (2, "code", "duplicate code") in rows
    assert any(r == 3 and c == "geometry" and "outside Vietnam" in why for r, c, why in rows)
    assert (4, "name", "missing commune name") in rows
    assert report.bad_rows() == {1, 2, 3, 4}
    # Default all-or-nothing: nothing written; --keep-valid imports the one good feature.
    before = sha256(writable_workspace.path)
    assert main(["import", "boundaries", str(path), "--workspace", str(writable_workspace.path)]) == 2
    assert sha256(writable_workspace.path) == before
    assert main(["import", "boundaries", str(path), "--keep-valid",
                 "--workspace", str(writable_workspace.path)]) == 0
    assert writable_workspace.read(schema.COMMUNES)["code"].tolist() == [ca_mau.loc[4, "code"]]


def test_explicit_field_mapping_and_unknown_field(ca_mau, tmp_path):
    frame = ca_mau.iloc[:3][["code", "name", "geometry"]].rename(columns={"code": "xcode", "name": "label"})
    path = tmp_path / "odd.gpkg"
    frame.to_file(path, layer="xa")
    result, report = read_boundaries(path, field_map={"code": "XCODE", "name": "label"})
    assert report.ok and result["code"].tolist() == ca_mau["code"].iloc[:3].tolist()
    _, report = read_boundaries(path, field_map={"code": "nope"})
    assert any("no field 'nope'" in p.reason for p in report.errors)


def test_version_2025_file_goes_to_its_own_layer(ca_mau, tmp_path, writable_workspace):
    frame = ca_mau.iloc[:4][["code", "name", "geometry"]]
    path = tmp_path / "xa_2025.geojson"
    frame.to_file(path)
    assert main(["import", "boundaries", str(path), "--version", "2025",
                 "--workspace", str(writable_workspace.path)]) == 0
    new = writable_workspace.read(schema.COMMUNES_2025)
    assert len(new) == 4 and set(new["boundary_version"]) == {"2025"}
    assert new["district_code"].isna().all()
    assert len(writable_workspace.read(schema.COMMUNES)) == 500  # legacy layer untouched
