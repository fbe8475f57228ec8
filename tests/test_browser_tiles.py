"""The national map in Chromium: light at national zoom, vector tiles with full detail zoomed in."""

from __future__ import annotations

import pytest

from geoaid.output.display_geometry import write_communes
from geoaid.store import schema
from tests.browser import LOOPBACK, chromium_page, serve
from web import create_app

pytestmark = pytest.mark.browser

HOSTILE_NAME = '<img src=x onerror="document.title=\'pwned\'">Xã Tân Thành'
TAN_THANH = (9.1964, 105.2273)   # a point inside Xã Tân Thành, Cà Mau (commune 32026)

# Vertices of commune 32026 as drawn: in the light layer, or in every vector tile that holds it.
LIGHT_VERTICES = """() => {
  const layer = geoaidMap.layers.communes.getLayers().find(l => l.feature.id === '32026');
  return layer.toGeoJSON().geometry.coordinates.flat(Infinity).length / 2;
}"""
TILES_LOADED = """() => {
  const tiles = geoaidMap.layers.tiles;
  if (!tiles || !geoaidMap.map.hasLayer(tiles)) return false;
  const keys = Object.keys(tiles._tiles);
  return keys.length > 0 && keys.every(k => tiles._tiles[k].loaded);
}"""
TILE_VERTICES = """() => {
  const tiles = geoaidMap.layers.tiles;
  let vertices = 0;
  for (const key in tiles._vectorTiles) {
    const drawn = tiles._vectorTiles[key]._features['32026'];
    if (drawn && drawn.feature._path) vertices += (drawn.feature._path.getAttribute('d').match(/[ML]/g) || []).length;
  }
  return vertices;
}"""


@pytest.fixture
def base_url(writable_workspace):
    with writable_workspace.transaction() as tx:
        communes = tx.read(schema.COMMUNES)
        communes.loc[communes["code"] == "32026", "name"] = HOSTILE_NAME
        write_communes(tx, schema.COMMUNES, communes)
    with serve(create_app(writable_workspace.path, LOOPBACK)) as url:
        yield url


def test_zooming_in_on_the_national_map_draws_fine_tiles_and_their_popups(base_url, tmp_path):
    with chromium_page(tmp_path) as page:
        errors, tile_answers = [], []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("response", lambda r: tile_answers.append((r.url, r.status)) if "/tiles/" in r.url else None)
        page.goto(base_url + "/?detail=national", wait_until="load")
        page.wait_for_function("() => document.body.dataset.mapReady === 'yes'", timeout=30000)
        assert page.evaluate("() => geoaidMap.map.getZoom()") <= 6
        assert page.evaluate("() => geoaidMap.map.hasLayer(geoaidMap.layers.communes)")
        light = page.evaluate(LIGHT_VERTICES)
        assert tile_answers == []                     # national zoom: the light layer only

        page.evaluate("([lat, lng]) => { geoaidMap.map.setView([lat, lng], 12, {animate: false}); }", TAN_THANH)
        page.wait_for_function(TILES_LOADED, timeout=30000)
        fine = page.evaluate(TILE_VERTICES)
        assert fine >= 3 * light, (fine, light)
        # The light layer and its coarse zone outlines give way (the tiles outline zones themselves).
        assert not page.evaluate("() => geoaidMap.map.hasLayer(geoaidMap.layers.communes)")
        assert not page.evaluate("() => geoaidMap.map.hasLayer(geoaidMap.layers.zones.ethnic_minority)")
        zoom_12 = [status for url, status in tile_answers if "/tiles/2019/12/" in url]
        assert zoom_12 and set(zoom_12) == {200}

        x, y = page.evaluate("""([lat, lng]) => {
          const point = geoaidMap.map.latLngToContainerPoint([lat, lng]);
          const box = geoaidMap.map.getContainer().getBoundingClientRect();
          return [box.left + point.x, box.top + point.y];
        }""", TAN_THANH)
        page.mouse.click(x, y)
        popup = page.locator(".leaflet-popup-content .geoaid-popup")
        popup.wait_for(timeout=10000)
        page.wait_for_function("() => !document.querySelector('.leaflet-popup-content .text-muted')",
                               timeout=10000)      # the commune's figures arrived
        assert popup.locator("strong").first.inner_text() == HOSTILE_NAME
        assert popup.locator("img").count() == 0
        assert "Cà Mau" in popup.inner_text()
        assert page.title() != "pwned" and errors == []

        page.evaluate("() => { geoaidMap.map.setZoom(6, {animate: false}); }")
        page.wait_for_function("() => geoaidMap.map.hasLayer(geoaidMap.layers.communes)", timeout=10000)
        assert not page.evaluate("() => geoaidMap.map.hasLayer(geoaidMap.layers.tiles)")
        assert page.evaluate("() => geoaidMap.map.hasLayer(geoaidMap.layers.zones.ethnic_minority)")
