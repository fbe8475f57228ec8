"""The gap map in a real headless Chromium, served by the running app, offline."""

from pathlib import Path

import pytest

from geoaid.demo.samples import HOSTILE_TITLE
from tests.browser import LOOPBACK, chromium_page, serve
from web import create_app

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="module")
def base_url(demo_workspace_path):
    with serve(create_app(demo_workspace_path, LOOPBACK)) as url:
        yield url


def wait_ready(page):
    # A function, not an expression: Playwright evals expressions, which the pages' CSP refuses.
    page.wait_for_function("() => document.body.dataset.mapReady === 'yes'", timeout=30000)


def test_gap_map_draws_offline_filters_and_exports(base_url, tmp_path):
    with chromium_page(tmp_path) as page:
        external, errors = [], []
        page.on("request", lambda r: external.append(r.url)
                if not r.url.startswith(base_url) and not r.url.startswith("data:") else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(base_url + "/", wait_until="load")
        wait_ready(page)
        assert errors == []                                   # no "L is not defined"
        assert all("tile.openstreetmap.org" in url for url in external), external
        # Polygons are drawn (canvas renderer) and the legend shows classes and the sample notice.
        assert page.locator(".leaflet-overlay-pane canvas, .leaflet-overlay-pane path").count() > 0
        legend = page.locator("#geoaid-legend")
        assert legend.is_visible() and "–" in legend.inner_text() and "DỮ LIỆU MẪU" in legend.inner_text()
        assert "500" in page.locator("#map-status").inner_text()
        assert page.locator(".leaflet-control-layers").is_visible()
        page.wait_for_function("() => document.body.dataset.basemap === 'offline'", timeout=30000)
        assert page.locator("#basemap-offline").is_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "gap_map.png"))
        # Apply a filter: one province, one sector.
        page.select_option("#province", "95")
        page.select_option("#sector", "health")
        page.click("#apply")
        wait_ready(page)
        assert "province=95" in page.url and "sector=health" in page.url
        assert "64" in page.locator("#map-status").inner_text()
        assert "province=95" in page.locator("#export-xlsx").get_attribute("href")
        page.screenshot(path=str(ARTIFACTS / "gap_map_bac_lieu_health.png"))


def test_popup_shows_a_hostile_title_as_text_and_runs_nothing(base_url, tmp_path):
    with chromium_page(tmp_path) as page:
        page.goto(base_url + "/", wait_until="load")
        wait_ready(page)
        # Find the hostile project's marker, zoom to it, and click it like a user.
        point = page.evaluate("""(title) => new Promise(resolve => {
            const map = geoaidMap.map, cluster = geoaidMap.layers.projects;
            const marker = cluster.getLayers().find(layer => {
                const content = layer.getPopup()._content;
                return (typeof content === 'function' ? content(layer) : content).textContent.includes(title);
            });
            if (!marker) return resolve(null);
            cluster.zoomToShowLayer(marker, () => {
                const p = map.latLngToContainerPoint(marker.getLatLng());
                const rect = map.getContainer().getBoundingClientRect();
                resolve([rect.left + p.x, rect.top + p.y]);
            });
        })""", HOSTILE_TITLE)
        assert point is not None
        page.wait_for_timeout(500)
        page.mouse.click(*point)
        popup = page.locator(".leaflet-popup-content .project-popup")
        popup.wait_for(timeout=10000)
        assert HOSTILE_TITLE in popup.inner_text()        # shown as text, tags and all
        assert popup.locator("script, img").count() == 0
        assert page.evaluate("window.__xss") is None       # nothing ran
        page.screenshot(path=str(ARTIFACTS / "hostile_popup.png"))


def test_language_switch_keeps_filters_and_vietnamese_text(base_url, tmp_path):
    with chromium_page(tmp_path) as page:
        page.goto(base_url + "/?lang=en&province=96")
        assert page.locator("html").get_attribute("lang") == "en"
        page.click("#lang-switch")
        assert page.locator("html").get_attribute("lang") == "vi"
        assert "Tỉnh Cà Mau (96)" in page.locator("#province").inner_text()
        assert "province=96" in page.url


def test_donor_and_commune_pages_draw_their_maps(base_url, tmp_path):
    with chromium_page(tmp_path) as page:
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        for path in ("/donors/Sample Donor B (fictitious)", "/communes/32026"):
            errors.clear()
            page.goto(base_url + path)
            wait_ready(page)
            assert errors == [] and page.locator("#geoaid-legend").is_visible()
        # The commune page outlines its own commune on the mini-map.
        assert page.evaluate("geoaidMap.layers.highlight.getLayers()[0].feature.id") == "32026"


def test_zones_are_outlined_with_legend_entries_and_light_popups_fetch_their_figures(base_url, tmp_path):
    with chromium_page(tmp_path) as page:
        errors, asked = [], []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: asked.append(r.url))
        # National detail: features carry only name, colour and zone flags (omitted when false).
        page.goto(base_url + "/?lang=en&province=96&detail=national", wait_until="load")
        wait_ready(page)
        legend = page.locator("#geoaid-legend").inner_text()
        assert "Priority zones (outline)" in legend and "Coastal and island zone" in legend
        counts = page.evaluate("""() => ({
            coastal: geoaidMap.layers.zones.coastal.getLayers().length,
            ethnic: geoaidMap.layers.zones.ethnic_minority.getLayers().length,
            communes: geoaidMap.layers.communes.getLayers().length})""")
        assert counts["communes"] == 100 and 0 < counts["coastal"] < 100
        # Open a commune's popup the way a click does; its figures arrive from the API.
        page.evaluate("""() => {
            const layer = geoaidMap.layers.communes.getLayers()[0];
            layer.openPopup(layer.getBounds().getCenter());
        }""")
        popup = page.locator(".leaflet-popup-content .geoaid-popup")
        popup.wait_for(timeout=10000)
        page.wait_for_function("() => document.querySelector('.leaflet-popup-content dl') !== null", timeout=10000)
        text = popup.inner_text()
        assert "Gap score" in text and "Priority score" in text and "Tỉnh Cà Mau" in text
        code = page.evaluate("geoaidMap.layers.communes.getLayers()[0].feature.id")
        assert popup.locator("a.commune-link").get_attribute("href") == f"/communes/{code}"
        assert any("detail=national" in url for url in asked)          # the light layer was drawn
        assert any(url.endswith(f"/api/v1/communes/{code}") for url in asked)  # figures on demand
        assert errors == []
