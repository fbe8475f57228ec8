"""Helpers for browser tests: the app on a loopback port, and Debian's Chromium.

Chromium is started the way this workplace's closed network needs (no
background networking, no component updates) with a fresh profile, so a
test sees exactly what an offline user sees.
"""

from __future__ import annotations

import contextlib
import shutil
import threading

from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# The app as `geoaid serve` makes it on 127.0.0.1: session cookies without Secure, over plain HTTP.
LOOPBACK = {"LOOPBACK_ONLY": True}
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@contextlib.contextmanager
def serve(app):
    """Serve ``app`` on 127.0.0.1 on a free port from a background thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@contextlib.contextmanager
def chromium_page(tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="vi-VN")
            yield context.new_page()
        finally:
            browser.close()


def sign_in_page(page, base: str, name: str, password: str) -> None:
    """Sign ``name`` in through the English sign-in form, as a person would, and wait for the manage page."""
    page.goto(base + "/login?lang=en")
    page.fill("#name", name)
    page.fill("#password", password)
    page.click("#login-form button")
    page.wait_for_url("**/manage*")
