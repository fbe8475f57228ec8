"""Request bodies over the upload limit are refused from their headers, by the server itself.

Behind waitress's defaults, a 200 MB Content-Length (or a 300 MB chunked
body) was read into a temporary file up to 1 GiB before the app's limit
refused it, also on /login without signing in. The server's limit now follows
GEOAID_UPLOAD_MAX_MB: these tests send the bodies over raw sockets to
`geoaid serve` and measure how much of them the server took (bytes the client
got to send, the server's temporary files and resident memory).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from geoaid.serving.limits import request_limit_bytes, upload_limit_bytes
from tests.server_process import post_body, running_server
from web import create_app

MiB = 2**20
DEFAULT_LIMIT = request_limit_bytes(50 * MiB)
SMALL_LIMIT = request_limit_bytes(2 * MiB)          # GEOAID_UPLOAD_MAX_MB=2
SLACK = 8 * MiB          # what loopback socket buffers take in before the server's answer arrives
UPLOAD_URL = "/manage/import/projects"


@pytest.fixture(scope="module")
def default_server(demo_workspace_path, tmp_path_factory):
    with running_server(demo_workspace_path, tmp_path_factory.mktemp("server-tmp")) as server:
        yield server


@pytest.fixture(scope="module", params=["production", "development"])
def small_server(request, demo_workspace_path, tmp_path_factory):
    """The server with GEOAID_UPLOAD_MAX_MB=2: waitress, and Flask's development server."""
    with running_server(demo_workspace_path, tmp_path_factory.mktemp("small-server-tmp"),
                        env={"GEOAID_UPLOAD_MAX_MB": "2"}, production=request.param == "production") as server:
        server.kind = request.param
        yield server


@pytest.mark.parametrize("expect", ["", "Expect: 100-continue\r\n"])   # curl asks first for large bodies
@pytest.mark.parametrize("path", ["/login", UPLOAD_URL, "/api/v1/gaps"])
def test_a_200_mb_content_length_is_refused_at_once_without_reading_the_body(default_server, path, expect):
    sent = post_body(default_server, path, 200 * MiB, 200 * MiB, headers=expect)
    assert sent.code == 413 and not sent.continued, sent.status
    assert sent.seconds < 5 and sent.sent < SLACK, (sent.seconds, sent.sent)
    assert sent.peak_temp < MiB and sent.peak_rss < 50 * MiB, (sent.peak_temp, sent.peak_rss)


def test_a_300_mb_chunked_body_is_cut_off_at_the_limit(default_server):
    sent = post_body(default_server, "/login", None, 300 * MiB)
    assert sent.code == 413, sent.status
    assert sent.sent < DEFAULT_LIMIT + SLACK, sent.sent
    # What waitress buffered (a temporary file, at most the limit), not hundreds of MB.
    assert sent.peak_temp <= DEFAULT_LIMIT + MiB and sent.peak_rss < 100 * MiB, (sent.peak_temp, sent.peak_rss)


@pytest.mark.parametrize("expect", ["", "Expect: 100-continue\r\n"])
@pytest.mark.parametrize("declared", [SMALL_LIMIT + 1, 3_000_000, 200 * MiB, 10**15])
@pytest.mark.parametrize("path", ["/login", UPLOAD_URL])
def test_the_limit_follows_geoaid_upload_max_mb(small_server, path, declared, expect):
    # Only the headers are sent: the answer cannot wait for a body.
    sent = post_body(small_server, path, declared, 0, headers=expect)
    assert sent.code == 413, sent.status
    assert sent.seconds < 5, sent.seconds


@pytest.mark.parametrize("expect", ["", "Expect: 100-continue\r\n"])
@pytest.mark.parametrize("size, chunked", [(1_000_000, False), (SMALL_LIMIT, False), (1_000_000, True),
                                           (2 * MiB, True)])   # (waitress counts a chunked body's framing too)
def test_bodies_within_the_limit_are_read_and_answered(small_server, size, chunked, expect):
    sent = post_body(small_server, "/login", None if chunked else size, size,
                     headers="Accept-Language: en\r\n" + expect)
    assert sent.sent == size
    assert sent.code == 400 and b"The form expired" in sent.answer, sent.answer[-500:]  # read: it has no CSRF token


def test_a_chunked_body_over_the_limit_is_cut_off(small_server):
    sent = post_body(small_server, UPLOAD_URL, None, 300 * MiB)
    assert sent.sent < SMALL_LIMIT + SLACK, sent.sent
    # waitress refuses it itself; Flask's development server stops reading at the limit, and the
    # form it parsed from the part it read has no CSRF token.
    assert sent.code == (413 if small_server.kind == "production" else 400), sent.status


def test_the_refusal_is_the_apps_page_in_the_users_language(small_server):
    page = post_body(small_server, UPLOAD_URL, 3_000_000, 0, headers="Accept-Language: en\r\n")
    assert page.code == 413 and b"text/html" in page.answer, page.answer[:300]
    assert b"The file is larger than the upload limit (2 MB)." in page.answer, page.answer[-800:]
    assert b"Connection: close" in page.answer.partition(b"\r\n\r\n")[0] or small_server.kind == "development"
    api = post_body(small_server, "/api/v1/gaps", 3_000_000, 0)
    assert api.code == 413, api.status
    body = json.loads(api.answer.partition(b"\r\n\r\n")[2])
    assert "upload limit (2 MB)" in body["error"] or "giới hạn tải lên (2 MB)" in body["error"], body


# --- the app alone (the limit any WSGI server gets) -------------------------------------------

@pytest.mark.parametrize("setting, upload_bytes", [(None, 50 * MiB), ("2", 2 * MiB), ("0.5", MiB // 2),
                                                   (" 10 ", 10 * MiB), ("1e-7", 1)])
def test_upload_limit_from_the_environment(monkeypatch, demo_workspace_path, setting, upload_bytes):
    if setting is None:
        monkeypatch.delenv("GEOAID_UPLOAD_MAX_MB", raising=False)
    else:
        monkeypatch.setenv("GEOAID_UPLOAD_MAX_MB", setting)
    assert upload_limit_bytes() == upload_bytes
    app = create_app(demo_workspace_path)
    assert app.config["UPLOAD_MAX_BYTES"] == upload_bytes
    assert app.config["MAX_CONTENT_LENGTH"] == request_limit_bytes(upload_bytes)
    client = app.test_client()
    over = client.post("/login", data=b"a" * (request_limit_bytes(upload_bytes) + 1),
                       content_type="application/x-www-form-urlencoded")
    assert over.status_code == 413
    within = client.post("/login", data=b"a" * request_limit_bytes(upload_bytes),
                         content_type="application/x-www-form-urlencoded")
    assert within.status_code == 400     # read, and refused for its missing CSRF token


def test_the_request_limit_follows_an_upload_limit_given_to_the_app(demo_workspace_path):
    assert create_app(demo_workspace_path, {"UPLOAD_MAX_BYTES": 1000}).config["MAX_CONTENT_LENGTH"] == (
        request_limit_bytes(1000))
    assert create_app(demo_workspace_path, {"MAX_CONTENT_LENGTH": 5000}).config["MAX_CONTENT_LENGTH"] == 5000


@pytest.mark.parametrize("setting", ["abc", "", "0", "-5", "nan", "inf", "50MB"])
def test_a_meaningless_upload_limit_is_refused_with_its_name(setting):
    with pytest.raises(ValueError, match="GEOAID_UPLOAD_MAX_MB must be a positive number"):
        upload_limit_bytes({"GEOAID_UPLOAD_MAX_MB": setting})


def test_serve_says_which_setting_is_wrong(demo_workspace_path):
    result = subprocess.run([sys.executable, "-m", "geoaid", "serve", "--production", "--workspace",
                             str(demo_workspace_path), "--port", "1"], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "GEOAID_UPLOAD_MAX_MB": "50MB"})
    assert result.returncode == 2 and "GEOAID_UPLOAD_MAX_MB must be a positive number" in result.stderr, result
    assert "Traceback" not in result.stderr
