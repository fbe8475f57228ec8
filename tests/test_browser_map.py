"""The map in a real headless Chromium, served by the running app, offline."""

from pathlib import Path

import pytest

from tests.browser import chromium_page, serve
from web import create_app

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="module")
def base_url(demo_workspace_path):
    with serve(create_app(demo_workspace_path)) as url:
        yield url


def test_map_draws_offline_with_local_assets(base_url, tmp_path):
    with chromium_page(tmp_path) as page:
        external, errors = [], []
        page.on("request", lambda r: external.append(r.url)
                if not r.url.startswith(base_url) and not r.url.startswith("data:") else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(base_url + "/?province=02", wait_until="load")
        page.wait_for_function("document.body.dataset.mapReady === 'yes'", timeout=30000)
        assert errors == []                                   # no "L is not defined"
        # Only basemap tiles may try the internet; scripts and styles are all local.
        assert all("tile.openstreetmap.org" in url for url in external), external
        paths = page.locator(".leaflet-overlay-pane path, .leaflet-overlay-pane canvas")
        assert paths.count() > 0
        assert page.locator("#geoaid-legend").is_visible()
        assert "Hà Giang" in page.locator("#geoaid-legend").inner_text()
        assert "193" in page.locator("#map-status").inner_text()
        # Offline: the tiles fail, the page says so, the communes are still there.
        page.wait_for_function("document.body.dataset.basemap === 'offline'", timeout=30000)
        assert page.locator("#basemap-offline").is_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "map_ha_giang.png"))


def test_language_switch_keeps_vietnamese_text(base_url, tmp_path):
    with chromium_page(tmp_path) as page:
        page.goto(base_url + "/?lang=en&province=96")
        assert page.locator("html").get_attribute("lang") == "en"
        page.click("#lang-switch")
        assert page.locator("html").get_attribute("lang") == "vi"
        assert "Tỉnh Cà Mau (96)" in page.locator("#province").inner_text()
        assert "province=96" in page.url
