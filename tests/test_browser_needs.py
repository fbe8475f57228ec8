"""The open-needs layer of the gap map in headless Chromium: a toggle, popups that show user text as text."""

from __future__ import annotations

import openpyxl
import pytest

from geoaid.cli import main
from tests.browser import LOOPBACK, chromium_page, serve
from tests.needs_workbooks import needs_workbook
from tests.test_browser_map import wait_ready
from web import create_app

pytestmark = pytest.mark.browser
HOSTILE = 'Trang thiết bị <img src=x onerror="window.__xss=1">'


@pytest.fixture
def base_url(writable_workspace, tmp_path):
    path = tmp_path / "nhu-cau.xlsx"
    needs_workbook(path)
    book = openpyxl.load_workbook(path)
    book["Cà Mau"]["B12"] = HOSTILE
    book.save(path)
    assert main(["import", "needs", str(path), "--workspace", str(writable_workspace.path)]) == 0
    with serve(create_app(writable_workspace.path, LOOPBACK)) as url:
        yield url


def test_open_needs_are_a_layer_with_a_toggle_and_safe_popups(base_url, tmp_path):
    with chromium_page(tmp_path) as page:
        page.goto(base_url + "/?province=96", wait_until="load")
        wait_ready(page)
        assert page.evaluate("() => geoaidMap.layers.needs.getLayers().length") == 4       # open or partly met
        assert page.evaluate("() => geoaidMap.map.hasLayer(geoaidMap.layers.needs)")
        text = page.evaluate("""(hostile) => {
            const marker = geoaidMap.layers.needs.getLayers().find(layer =>
                layer.getPopup()._content(layer).textContent.includes(hostile));
            marker.openPopup();
            return marker ? 'opened' : null;
        }""", HOSTILE)
        assert text == "opened"
        popup = page.locator(".leaflet-popup-content .need-popup")
        popup.wait_for(timeout=10000)
        assert HOSTILE in popup.inner_text() and "Xã Khánh Lâm, Xã Khánh An (Huyện U Minh)" in popup.inner_text()
        assert popup.locator("img, script").count() == 0
        assert page.evaluate("window.__xss") is None
        toggle = page.locator(".leaflet-control-layers label", has_text="Nhu cầu chưa được đáp ứng")
        toggle.locator("input").uncheck()
        assert not page.evaluate("() => geoaidMap.map.hasLayer(geoaidMap.layers.needs)")
