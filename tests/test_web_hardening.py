"""Security headers, one charset, no server paths in errors, nothing left of a refused upload.

Every route of the url_map (tests/routes.py) is requested, signed out and
signed in, together with every kind of error response the app makes, on a
real copy of the demo workspace.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
import zipfile
from pathlib import Path

import pytest

from geoaid.imports import uploads
from geoaid.store.workspace import Workspace, WorkspaceError
from geoaid.text.redact import hide_server_paths
from tests.accounts import signed_in, token
from tests.routes import sample_url
from web import create_app

PROJECTS = ("project_id,title,donor,sector,budget,currency,start_date,end_date,status,locations\n"
            'H-1,Giếng,Hardening Donor,health,900.000.000,VND,01/01/2025,31/12/2025,ongoing,'
            '"Xã Tân Thành, Thành phố Cà Mau"\n')
HEADERS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
           "Referrer-Policy": "strict-origin-when-cross-origin"}


def zipped(**members) -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name.replace("__", "/"), data)
    return archive.getvalue()


def sqlite_but_not_geopackage(tmp_path) -> bytes:
    import sqlite3

    path = tmp_path / "plain.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE t (a)")
    return path.read_bytes()


# (kind, file name, content, form fields): every way a file is refused, at the door or at its preview.
def refused_uploads(tmp_path):
    return [
        ("projects", "p.exe", b"MZ\x90\x00", {}),
        ("projects", "p.xlsx", b"not a workbook", {}),
        ("projects", "p.xlsx", zipped(**{"x.xml": b"<x/>"}), {}),
        ("projects", "p.csv", b"PK\x03\x04" + b"\0" * 100, {}),
        ("projects", "p.csv", b"", {}),
        ("projects", "p.csv", "Mã dự án;Tên\nX;Trạm\n".encode("utf-16-le"), {}),
        ("projects", "p.csv", b"a,b\n1,2\n", {}),                                   # no header row
        ("projects", "p.csv", PROJECTS.replace("Thành phố Cà Mau", "Nowhere").encode(), {}),  # no valid row
        ("projects", "p.csv", PROJECTS.encode("cp1258", "replace"), {}),                 # not UTF-8
        ("classifications", "c.csv", b"ma_xa\n32026\n", {"scheme": "dbkk", "period": "soon"}),
        ("classifications", "c.csv", b"ma_xa\n99999\n", {"scheme": "dbkk"}),
        ("classifications", "c.csv", b"ma_xa\n32026\n", {"scheme": "no_such_scheme"}),
        ("boundaries", "b.gpkg", b"<html></html>", {}),
        ("boundaries", "b.gpkg", sqlite_but_not_geopackage(tmp_path), {}),
        ("boundaries", "b.geojson", b'{"type": "FeatureCollection", "features": [ broken', {}),
        ("boundaries", "b.geojson", b'{"type": "FeatureCollection", "features": []}', {}),
        ("boundaries", "b.zip", zipped(**{"x.shp": b"garbage" * 10, "x.dbf": b"junk", "x.shx": b"junk"}), {}),
        ("boundaries", "b.zip", zipped(**{"readme.txt": b"hi"}), {}),
        ("boundaries", "b.zip", zipped(**{"x.shp": b"x", "..__..__evil.sh": b"pwned"}), {}),
        ("boundaries", "b.zip", zipped(**{"x.shp": b"\0" * (30 * 2**20)}), {}),         # zip bomb
        ("boundaries", "b.zip", b"PK\x03\x04 not really", {}),
        ("boundaries", "b.geojson", b'{"type": "FeatureCollection"}', {"crs": "+proj=longlat +nadgrids=/etc/x"}),
    ]


def upload(client, kind, name, data, **fields):
    form = {"csrf_token": token(client), "file": (io.BytesIO(data), name), **fields}
    return client.post(f"/manage/import/{kind}", data=form, content_type="multipart/form-data")


def staging_folder(workspace_path: Path) -> Path:
    return workspace_path.with_name(f".{workspace_path.stem}.uploads")


def every_response(app, workspace_path, tmp_path):
    """(label, response) for every route, signed out and in, and every kind of error."""
    public, admin = app.test_client(), signed_in(app, "admin1")
    out = []
    for rule in app.url_map.iter_rules():
        url = sample_url(rule)
        for who, client in (("public", public), ("admin", admin)):
            if "GET" in rule.methods:
                out.append((f"{who} GET {url}", client.get(url)))
            else:
                out.append((f"{who} POST {url} without a form token", client.post(url)))
    out += [
        ("login refused", public.post("/login", data={"name": "admin1", "password": "wrong",
                                                      "csrf_token": token(public)})),
        ("404 page", public.get("/no/such/page")), ("404 api", public.get("/api/v1/no-such")),
        ("404 commune", public.get("/communes/00000")), ("404 donor", public.get("/api/v1/donors/Nobody")),
        ("400 page", public.get("/?version=1999")), ("400 api", public.get("/api/v1/gaps?year=abc")),
        ("405", public.get("/logout")),
        ("upload refused", upload(admin, "projects", "p.exe", b"MZ")),
        ("upload gone", admin.post("/manage/import/confirm", data={"csrf_token": token(admin),
                                                                   "token": "A" * 22})),
    ]
    small = create_app(workspace_path, {"UPLOAD_MAX_BYTES": 1024, "MAX_CONTENT_LENGTH": 2048}).test_client()
    out.append(("413", small.post("/login", data={"name": "x" * 4096})))
    missing = create_app(tmp_path / "gone" / "none.gpkg").test_client()
    out += [("503 page", missing.get("/")), ("503 api", missing.get("/api/v1/gaps"))]
    broken = tmp_path / "broken" / "ws.gpkg"
    broken.parent.mkdir()
    broken.write_bytes(workspace_path.read_bytes())
    damaged = create_app(broken).test_client()
    broken.write_bytes(workspace_path.read_bytes()[:4096])         # truncated while served
    out += [("503 damaged page", damaged.get("/")), ("503 damaged api", damaged.get("/api/v1/gaps"))]
    failing = create_app(workspace_path)
    failing.add_url_rule("/fails", "fails", lambda: 1 / 0)          # an unexpected error
    failing.add_url_rule("/api/v1/fails", "api_fails", lambda: 1 / 0)
    out += [("500 page", failing.test_client().get("/fails")),
            ("500 api", failing.test_client().get("/api/v1/fails"))]
    return out


def test_every_response_carries_the_security_headers(app, writable_workspace, tmp_path):
    responses = every_response(app, writable_workspace.path, tmp_path)
    statuses = {response.status_code for _, response in responses}
    assert {200, 302, 400, 401, 404, 405, 413, 500, 503} <= statuses, statuses
    for label, response in responses:
        for name, value in HEADERS.items():
            assert response.headers.get(name) == value, (label, name)
        policy = response.headers.get("Content-Security-Policy", "")
        assert "frame-ancestors 'none'" in policy, label
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, label
        if response.mimetype == "text/html":
            assert re.search(r"script-src 'self' 'nonce-[\w-]{20,}'", policy), label
            assert "default-src 'self'" in policy and "object-src 'none'" in policy, label
            assert "img-src 'self' data: https://tile.openstreetmap.org;" in policy, label
        else:
            assert policy.startswith("default-src 'none'") and "sandbox" in policy, label


def test_pages_run_only_their_own_assets_and_nonced_scripts(app, writable_workspace, tmp_path):
    pages = [(label, r) for label, r in every_response(app, writable_workspace.path, tmp_path)
             if r.mimetype == "text/html"]
    assert len(pages) > 20
    for label, response in pages:
        html = response.get_data(as_text=True)
        nonce = re.search(r"'nonce-([\w-]+)'", response.headers["Content-Security-Policy"]).group(1)
        for tag in re.findall(r"<script\b[^>]*>", html):
            src = re.search(r'src="([^"]*)"', tag)
            assert (src and src.group(1).startswith("/")) or f'nonce="{nonce}"' in tag, (label, tag)
        for tag in re.findall(r"<link\b[^>]*>|<img\b[^>]*>", html):
            assert re.search(r'(?:href|src)="/', tag), (label, tag)
        assert "<style" not in html and " style=" not in html, label
    first, second = (app.test_client().get("/").headers["Content-Security-Policy"] for _ in range(2))
    assert first != second                                                 # a fresh nonce per response


def test_charset_is_stated_once(app, writable_workspace, tmp_path):
    responses = every_response(app, writable_workspace.path, tmp_path)
    client = app.test_client()
    for what in ("gaps", "projects", "allocations", "communes"):
        for fmt in ("csv", "xlsx", "geojson", "gpkg"):
            responses.append((f"export {what}.{fmt}", client.get(f"/export/{what}.{fmt}?province=95")))
    for fmt in ("png", "pdf", "svg"):
        responses.append((f"map.{fmt}", client.get(f"/map.{fmt}?province=95&dpi=72")))
    for label, response in responses:
        assert response.status_code != 500 or label.startswith("500"), label
        assert response.content_type.lower().count("charset") <= 1, (label, response.content_type)
        if response.mimetype == "text/html" and not 300 <= response.status_code < 400:   # not a redirect
            html = response.get_data(as_text=True).lower()
            assert len(re.findall(r"<meta[^>]*charset", html)) == 1, label
            assert response.content_type == "text/html; charset=utf-8", label
    assert client.get("/export/gaps.csv").content_type == "text/csv; charset=utf-8"


def test_error_messages_never_show_a_server_path(app, writable_workspace, tmp_path):
    admin = signed_in(app, "admin1")
    responses = every_response(app, writable_workspace.path, tmp_path)
    for kind, name, data, fields in refused_uploads(tmp_path):
        responses.append((f"upload {name}", upload(admin, kind, name, data, **fields)))
    server_folders = {str(writable_workspace.path.parent), str(writable_workspace.path.parent.resolve()),
                      str(tmp_path), tempfile.gettempdir() + os.sep, str(Path(__file__).resolve().parent.parent)}
    for label, response in responses:
        if response.mimetype not in ("text/html", "application/json"):
            continue
        body = response.get_data(as_text=True)
        for folder in server_folders:
            assert folder not in body, (label, folder)
    missing = dict(responses)["503 page"].get_data(as_text=True)
    assert "No workspace yet" in missing                                 # a clear message, no path


def test_a_refused_upload_leaves_nothing_in_the_staging_folder(app, writable_workspace, tmp_path):
    admin = signed_in(app, "admin1")
    folder = staging_folder(writable_workspace.path)
    for kind, name, data, fields in refused_uploads(tmp_path):
        response = upload(admin, kind, name, data, **fields)
        assert response.status_code in (400, 413, 422), (name, response.status_code)
        assert 'name="token"' not in response.get_data(as_text=True), name      # nothing to confirm
        assert not folder.exists() or list(folder.iterdir()) == [], (name, list(folder.iterdir()))
    good = upload(admin, "projects", "good.csv", PROJECTS.encode())
    assert good.status_code == 200 and len(list(folder.iterdir())) == 2          # the file and its record


def test_a_preview_that_raises_removes_its_staged_file(writable_workspace, tmp_path):
    staging = uploads.Staging(tmp_path / "staging")
    staged = staging.put(io.BytesIO(PROJECTS.encode()), "projects", "p.csv", "planner1", {})
    gone = Workspace(tmp_path / "moved-away.gpkg")                # reading it raises WorkspaceError
    with pytest.raises(WorkspaceError):
        uploads.preview(gone, staging, staged)
    assert list(staging.folder.iterdir()) == []
    kept = staging.put(io.BytesIO(PROJECTS.encode()), "projects", "p.csv", "planner1", {})
    assert uploads.preview(writable_workspace, staging, kept).importable
    assert len(list(staging.folder.iterdir())) == 2


def test_report_lines_name_the_users_file_not_the_staged_one(writable_workspace, tmp_path):
    staging = uploads.Staging(tmp_path / "staging")
    shapes = zipped(**{"ranh gioi.shp": b"garbage" * 10, "ranh gioi.dbf": b"junk"})
    staged = staging.put(io.BytesIO(shapes), "boundaries", "ranh giới xã.zip", "planner1", {})
    prepared = uploads.prepare(writable_workspace, staged)
    text = " ".join(f"{p.reason} {p.value}" for p in prepared.report.problems)
    assert prepared.report.errors and str(tmp_path) not in text and tempfile.gettempdir() + "/" not in text
    assert staged.token not in text


@pytest.mark.parametrize("text, folders, names, expected", [
    ("No workspace at /srv/geo/ws.gpkg. Build it", ["/srv/geo"], {}, "No workspace at ws.gpkg. Build it"),
    ("'/tmp/geoaid-zip-1a2b/x.shp' not recognized", ["/tmp"], {}, "'x.shp' not recognized"),
    ("cannot open /srv/geo/.ws.uploads/AbC.csv: bad", ["/srv/geo"], {"/srv/geo/.ws.uploads/AbC.csv": "dự án.csv"},
     "cannot open dự án.csv: bad"),
    ("/srv/geodata/x.gpkg stays: another folder", ["/srv/geo"], {}, "/srv/geodata/x.gpkg stays: another folder"),
    ("in /srv/geo itself", ["/srv/geo"], {}, "in geo itself"),
    ("/etc/passwd and 1/2 and 01/03/2024", ["/"], {}, "/etc/passwd and 1/2 and 01/03/2024"),   # never the root
    ("(/srv/geo/a b/c.shp)", ["/srv/geo/a b"], {}, "(c.shp)"),
])
def test_hide_server_paths(text, folders, names, expected):
    assert hide_server_paths(text, folders, names) == expected


def test_hide_server_paths_follows_links(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)
    assert hide_server_paths(f"open {real}/ws.gpkg failed", [link]) == "open ws.gpkg failed"
    shutil.rmtree(real)
