"""The money-by-year charts in a real headless Chromium: drawn on the donor page and the province view,
from the API, under the Content-Security-Policy, with no page error."""

from __future__ import annotations

import pytest

from geoaid.cli import main
from geoaid.store.workspace import Workspace
from geoaid.text.catalog import text
from tests.browser import LOOPBACK, chromium_page, serve
from tests.iati_files import document
from tests.test_import_iati import AREAS, MANGROVE
from tests.test_money_flows import BMZ, WATER
from web import create_app

pytestmark = pytest.mark.browser
# Donor names are data: one that looks like markup must come out as text.
HOSTILE = MANGROVE.replace("XM-DAC-5-7-2024-VN-001", "XM-DAC-5-7-2024-VN-009").replace(
    "Federal Ministry for Economic Cooperation and Development", "&lt;img src=x onerror=alert(1)&gt;")
PAINTED = """(id) => {
    const canvas = document.getElementById(id);
    const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] > 0) painted++; }
    return painted;
}"""
DATA = """(id) => Chart.getChart(document.getElementById(id)).data.datasets.map(
    (d) => [d.label, d.data])"""


@pytest.fixture
def flows_app(writable_workspace, tmp_path):
    xml = tmp_path / "bmz-vn.xml"
    xml.write_bytes(document(MANGROVE, AREAS, WATER, HOSTILE))
    assert main(["import", "iati", str(xml), "--workspace", str(writable_workspace.path)]) == 0
    return create_app(Workspace(writable_workspace.path).path, LOOPBACK)


def _open(page, url):
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    # Offline, the basemap's tiles fail to load ("Failed to load resource"): anything else is an error.
    page.on("console", lambda m: errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    page.goto(url, wait_until="load")
    page.wait_for_function("() => document.getElementById('flow-charts').dataset.chartsReady !== 'no'",
                           timeout=30000)
    assert page.get_attribute("#flow-charts", "data-charts-ready") == "yes"
    return errors


def test_charts_draw_on_the_donor_page_and_the_province_view(flows_app, tmp_path):
    with serve(flows_app) as base, chromium_page(tmp_path) as page:
        errors = _open(page, f"{base}/donors/{BMZ}?lang=en")
        for canvas in ("chart-by-sector", "chart-disbursement"):
            assert page.evaluate(PAINTED, canvas) > 1000, canvas
        stacked = dict(page.evaluate(DATA, "chart-by-sector"))
        # Planned money of BMZ's activities, million VND, per year (2024, 2025) and sector.
        assert sorted(stacked.values()) == [[270, 810], [1296, 864], [1944, 1296]]
        assert stacked[text("sector.health", "en")] == [270, 810]
        lines = dict(page.evaluate(DATA, "chart-disbursement"))
        assert lines == {"Committed": [5400, 810], "Disbursed": [1250, 810], "Disbursement rate (%)": [23.1, 100]}
        assert page.locator("#flow-charts-status").inner_text() == ""
        assert errors == []

        errors = _open(page, f"{base}/?province=96&lang=vi")
        assert page.evaluate(PAINTED, "chart-by-sector") > 1000
        lines = dict(page.evaluate(DATA, "chart-disbursement"))
        # The demo's planned budgets add earlier years; BMZ's two mangrove activities and the health
        # station committed and disbursed in 2024 and 2025.
        assert lines["Cam kết"][-2:] == [10800, 810] and lines["Đã giải ngân"][-2:] == [2500, 1620]
        assert errors == []

        errors = _open(page, f"{base}/donors?lang=en")
        assert page.evaluate(PAINTED, "chart-donors") > 1000
        per_donor = dict(page.evaluate(DATA, "chart-donors"))
        assert per_donor == {"Committed": [6210, 5400], "Disbursed": [2060, 2060]}    # most committed first
        names = page.evaluate("() => Chart.getChart(document.getElementById('chart-donors')).data.labels")
        assert names == [f"{BMZ} (Disbursement rate (%): 33.2 %)",
                         "<img src=x onerror=alert(1)> (Disbursement rate (%): 38.1 %)"]
        assert page.locator("img[src=x]").count() == 0
        assert errors == []

        errors = _open(page, f"{base}/donors/<img src=x onerror=alert(1)>?lang=en")
        assert page.locator("img[src=x]").count() == 0
        assert page.locator("#donor-name").inner_text() == "<img src=x onerror=alert(1)>"
        assert errors == []
