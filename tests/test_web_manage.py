"""Uploads through the web app: preview, confirm, audit, and hostile files, on a real demo workspace.

Every test drives the Flask app with CSRF protection on, exactly as served:
forms are fetched first and their token sent back, like a browser does.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime, timedelta

import geopandas as gpd
import pytest

from geoaid.store import schema
from geoaid.store.accounts import AccountStore
from tests.accounts import PASSWORD, sign_in, token
from tests.web_uploads import BAD_ROW, GOOD_PROJECTS, audit, confirm, cp1258, sha256, upload
from web import create_app

# --- uploads: preview, confirm, audit -----------------------------------------------

def test_upload_previews_then_commits_on_confirm(app, planner, writable_workspace):
    before = sha256(writable_workspace.path)
    projects_before = len(writable_workspace.read(schema.PROJECTS))
    preview = upload(planner, "projects", "dự án.csv", GOOD_PROJECTS.encode())
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "1 of 1" in page or "1 trên 1" in page
    assert sha256(writable_workspace.path) == before           # nothing written by a preview
    done = confirm(planner, preview)
    assert done.status_code == 200
    projects = writable_workspace.read(schema.PROJECTS)
    assert len(projects) == projects_before + 1
    assert projects.set_index("project_id").loc["W-1", "title"] == "Trạm y tế xã Tân Thành"
    last = audit(writable_workspace).iloc[-1]
    assert (last["user"], last["action"], last["file"]) == ("planner1", "import projects", "dự án.csv")
    assert '"projects": 1' in last["details"]
    age = datetime.now(UTC) - datetime.fromisoformat(last["at"])
    assert timedelta(0) <= age < timedelta(minutes=5)
    again = confirm(planner, preview)                          # the staged file is gone once imported
    assert again.status_code == 404


def test_bad_row_is_reported_and_nothing_written_unless_asked(app, planner, writable_workspace):
    before = sha256(writable_workspace.path)
    preview = upload(planner, "projects", "mixed.csv", (GOOD_PROJECTS + BAD_ROW).encode())
    page = preview.get_data(as_text=True)
    assert "Xã Không Có Thật" in page and "<td>3</td>" in page   # row 3, with the value
    refused = confirm(planner, preview)
    assert refused.status_code == 422 and sha256(writable_workspace.path) == before
    kept = confirm(planner, preview, keep_valid="on")
    assert kept.status_code == 200
    ids = set(writable_workspace.read(schema.PROJECTS)["project_id"])
    assert "W-1" in ids and "W-2" not in ids


def test_another_planner_cannot_confirm_my_upload(app, planner, writable_workspace):
    preview = upload(planner, "projects", "p.csv", GOOD_PROJECTS.encode())
    other = app.test_client()
    sign_in(other, "planner2")
    upload_token = re.search(r'name="token" value="([^"]+)"', preview.get_data(as_text=True)).group(1)
    response = other.post("/manage/import/confirm", data={"csrf_token": token(other, "/manage"),
                                                          "token": upload_token})
    assert response.status_code == 404
    assert "W-1" not in set(writable_workspace.read(schema.PROJECTS)["project_id"])


def test_hostile_file_name_is_text_and_never_a_path(app, planner, writable_workspace, tmp_path):
    name = '../../<img src=x onerror=alert(1)>.csv'
    preview = upload(planner, "projects", name, GOOD_PROJECTS.encode())
    page = preview.get_data(as_text=True)
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;.csv" in page
    staged = list((writable_workspace.path.parent / f".{writable_workspace.path.stem}.uploads").iterdir())
    assert staged and all(re.fullmatch(r"[A-Za-z0-9_-]{22}\.(csv|json)", p.name) for p in staged)
    assert not list(tmp_path.parent.glob("*onerror*"))


def test_classification_upload_with_scheme_and_sample_label(app, planner, writable_workspace):
    data = "ma_xa,ten_xa,huyen,tinh\n32026,Xã Tân Thành,Thành phố Cà Mau,Cà Mau\n".encode()
    preview = upload(planner, "classifications", "dbkk.csv", data, scheme="dbkk",
                     legal_source="Decision 861/QĐ-TTg", period="2021-2025", sample="on")
    assert preview.status_code == 200
    assert confirm(planner, preview).status_code == 200
    schemes = writable_workspace.read(schema.SCHEMES).set_index("scheme")
    assert schemes.loc["dbkk", "label"].startswith("SAMPLE") and schemes.loc["dbkk", "legal_source"] == (
        "Decision 861/QĐ-TTg")
    last = audit(writable_workspace).iloc[-1]
    assert (last["user"], last["action"], last["file"]) == ("planner1", "import classifications dbkk",
                                                           "dbkk.csv")


# --- hostile uploads ----------------------------------------------------------------

def _refused(response, writable_workspace, before, *words):
    page = response.get_data(as_text=True)
    assert response.status_code in (400, 413), response.status_code
    assert any(word in page for word in words), page[-2000:]
    assert sha256(writable_workspace.path) == before


def test_zip_slip_is_refused(app, planner, writable_workspace):
    before = sha256(writable_workspace.path)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("xa.shp", b"x")
        z.writestr("../../evil.sh", b"pwned")
    _refused(upload(planner, "boundaries", "xa.zip", archive.getvalue()), writable_workspace, before,
             "points outside the archive")


def test_zip_bomb_is_refused(app, planner, writable_workspace):
    before = sha256(writable_workspace.path)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xa.shp", b"\0" * (30 * 1024 * 1024))
    assert len(archive.getvalue()) < 200_000
    _refused(upload(planner, "boundaries", "bomb.zip", archive.getvalue()), writable_workspace, before,
             "zip bomb")


class Zeros(io.RawIOBase):
    """A 200 MB request body that counts how much of it the server read."""

    def __init__(self, size):
        self.size, self.pos, self.read_bytes = size, 0, 0

    def readable(self):
        return True

    def seekable(self):          # the test client measures the body by seeking to its end
        return True

    def tell(self):
        return self.pos

    def seek(self, offset, whence=0):
        self.pos = {0: 0, 1: self.pos, 2: self.size}[whence] + offset
        return self.pos

    def readinto(self, buffer):
        n = max(0, min(len(buffer), self.size - self.pos))
        buffer[:n] = b"\0" * n
        self.pos += n
        self.read_bytes += n
        return n


def test_200_mb_upload_is_refused_before_it_is_read(app, planner, writable_workspace):
    before = sha256(writable_workspace.path)
    size = 200 * 1024 * 1024
    body = Zeros(size)
    response = planner.post("/manage/import/projects", input_stream=body, content_length=size,
                            content_type="multipart/form-data; boundary=x")
    _refused(response, writable_workspace, before, "upload limit")
    assert body.read_bytes < 1024 * 1024


def test_file_over_the_limit_without_content_length_is_refused_while_reading(writable_workspace):
    AccountStore.for_workspace(writable_workspace.path).add("p", PASSWORD, "planner")
    small = create_app(writable_workspace.path, {"UPLOAD_MAX_BYTES": 1024 * 1024,
                                                 "MAX_CONTENT_LENGTH": 100 * 1024 * 1024})
    client = small.test_client()
    sign_in(client, "p")
    before = sha256(writable_workspace.path)
    big = (GOOD_PROJECTS + "x" * 2 * 1024 * 1024).encode()
    _refused(upload(client, "projects", "big.csv", big), writable_workspace, before, "1 MB limit")


def test_broken_dbf_is_reported_and_refused(app, planner, writable_workspace, tmp_path):
    communes = writable_workspace.read(schema.COMMUNES)
    frame = communes[communes["province_code"] == "96"][["code", "name", "geometry"]].head(5)
    gpd.GeoDataFrame(frame).to_file(tmp_path / "xa.shp", encoding="utf-8")
    dbf = (tmp_path / "xa.dbf").read_bytes()
    (tmp_path / "xa.dbf").write_bytes(dbf[:40] + b"\xff" * 20)          # header cut and garbled
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        for part in tmp_path.glob("xa.*"):
            z.write(part, part.name)
    before = sha256(writable_workspace.path)
    preview = upload(planner, "boundaries", "xa.zip", archive.getvalue())
    page = preview.get_data(as_text=True)
    assert preview.status_code == 422 and 'table-danger' in page           # refused at the preview
    assert "attribute table (.dbf) is missing, damaged or empty" in page
    assert 'name="token"' not in page and sha256(writable_workspace.path) == before   # nothing to confirm


def test_windows_1258_csv_is_refused_unless_declared(app, planner, writable_workspace):
    data = cp1258(GOOD_PROJECTS)
    assert data != GOOD_PROJECTS.encode()
    before = sha256(writable_workspace.path)
    _refused(upload(planner, "projects", "cp1258.csv", data), writable_workspace, before,
             "not UTF-8 (line 2")
    preview = upload(planner, "projects", "cp1258.csv", data, encoding="cp1258")
    assert preview.status_code == 200 and "Windows-1258" in preview.get_data(as_text=True)
    assert confirm(planner, preview).status_code == 200
    title = writable_workspace.read(schema.PROJECTS).set_index("project_id").loc["W-1", "title"]
    assert title == "Trạm y tế xã Tân Thành"      # decoded and composed to NFC


@pytest.mark.parametrize("kind,name,data,message", [
    ("projects", "p.exe", b"MZ\x90\x00", "wrong file type"),
    ("projects", "p.xlsx", b"not a workbook at all", "not a zip archive"),
    ("projects", "p.csv", b"PK\x03\x04" + b"\0" * 100, "Excel workbook named .csv"),
    ("boundaries", "b.gpkg", b"<html></html>", "not a GeoPackage"),
    ("boundaries", "b.geojson", b"\x89PNG\r\n", "not GeoJSON"),
    ("projects", "p.csv", b"", "empty"),
])
def test_wrong_file_types_are_refused(app, planner, writable_workspace, kind, name, data, message):
    before = sha256(writable_workspace.path)
    _refused(upload(planner, kind, name, data), writable_workspace, before, message)


def test_boundaries_without_prj_need_a_crs_and_field_names_can_be_given(app, planner, writable_workspace,
                                                                        tmp_path):
    from geoaid.imports.crs import vn2000_tm3
    from tests.boundary_files import as_vietnamese_shapefile

    communes = writable_workspace.read(schema.COMMUNES)
    ca_mau = communes[communes["province_code"] == "96"].reset_index(drop=True)
    shp = as_vietnamese_shapefile(ca_mau, tmp_path, vn2000_tm3(104.5))
    frame = gpd.read_file(shp).rename(columns={"ten_xa": "TEN_DV"})
    frame.to_file(shp, encoding="utf-8")
    shp.with_suffix(".prj").unlink()                                  # as often sent: no .prj
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        for part in tmp_path.glob("xa_camau.*"):
            z.write(part, part.name)
    data = archive.getvalue()
    before = sha256(writable_workspace.path)

    no_crs = upload(planner, "boundaries", "xa_camau.zip", data, merge="on")
    assert "no coordinate reference system" in no_crs.get_data(as_text=True)
    assert no_crs.status_code == 422 and sha256(writable_workspace.path) == before

    proj = upload(planner, "boundaries", "xa_camau.zip", data, crs="+proj=longlat +nadgrids=/etc/passwd")
    _refused(proj, writable_workspace, before, "give an EPSG code")

    given = upload(planner, "boundaries", "xa_camau.zip", data, merge="on", crs="VN2000-TM3:province=96",
                   name_field="TEN_DV")
    page = given.get_data(as_text=True)
    assert f"{len(ca_mau)} of {len(ca_mau)} rows valid" in page, page[-3000:]
    assert confirm(planner, given).status_code == 200
    after = writable_workspace.read(schema.COMMUNES)
    assert len(after) == len(communes)                                 # Cà Mau replaced, others kept
    assert set(after[after["province_code"] == "96"]["name"]) == set(ca_mau["name"])
    last = audit(writable_workspace).iloc[-1]
    assert (last["user"], last["action"], last["file"]) == ("planner1", "import boundaries 2019", "xa_camau.zip")
