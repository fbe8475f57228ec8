"""`geoaid serve`: the real command, started as a user starts it, answering over HTTP."""

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process, timeout: float = 60.0) -> bytes:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited early: {process.stdout.read()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read()
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer in {timeout} s")


@pytest.mark.parametrize("production", [False, True])
def test_serve_answers_pages_api_and_assets(demo_workspace_path, production):
    port = free_port()
    command = [sys.executable, "-m", "geoaid", "serve", "--workspace", str(demo_workspace_path),
               "--host", "127.0.0.1", "--port", str(port)] + (["--production"] if production else [])
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        html = wait_for(base + "/?lang=en", process).decode()
        assert "Basemap offline" in html and "/vendor/leaflet.js" in html
        assert b"Leaflet 1.9.4" in wait_for(base + "/vendor/leaflet.js", process)[:200]  # the pinned build
        spec = wait_for(base + "/api/v1/openapi.json", process)
        assert b'"openapi"' in spec
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(base + "/donors/Nobody", timeout=5)
        assert missing.value.code == 404
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_without_a_workspace_says_how_to_make_one(tmp_path):
    result = subprocess.run([sys.executable, "-m", "geoaid", "serve", "--workspace", str(tmp_path / "none.gpkg"),
                             "--port", str(free_port())], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "none.gpkg" in result.stderr + result.stdout and "Traceback" not in result.stderr


def test_serve_help_names_the_production_servers():
    result = subprocess.run([sys.executable, "-m", "geoaid", "serve", "--help"], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0
    assert "--production" in result.stdout and "waitress" in result.stdout and "gunicorn" in result.stdout
