"""Folium map frames whose data layers are loaded by our own script.

Folium builds the Leaflet map, the basemap and the page's asset tags (all
pointed at the app's own /vendor URLs). The commune layers are NOT inlined:
``static/geoaid-map.js`` fetches them from the API, so a page stays small
and the browser caches the data. Folium's output is library-generated
markup that never contains user text (names arrive later as JSON and are
inserted with textContent), which is why the template may include it as is.

Of folium's page header only the asset tags are kept. The rest is written
for a stand-alone HTML file: a second charset declaration (the page states
its own once), a second viewport tag, and inline ``<style>``/``<script>``
blocks the Content-Security-Policy would refuse; their sizing rules are in
``static/geoaid.css``, and the Leaflet switches they set are Leaflet's defaults.
"""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

import folium
from branca.element import CssLink, JavascriptLink
from flask import request
from markupsafe import Markup

from web.vendor import localise_folium

VIETNAM_CENTRE = (16.0, 106.0)
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
# The one other origin a page loads from (tile images); the CSP names it (web/security.py).
BASEMAP_ORIGIN = "{0.scheme}://{0.netloc}".format(urlsplit(folium.TileLayer("OpenStreetMap").tiles))


def map_frame(bounds=None, slot: str = "map") -> dict[str, Markup]:
    """A folium map frame framing ``bounds`` (minx, miny, maxx, maxy): its head (asset tags), body and
    script parts. A page showing two maps gives each its own ``slot``, so their element ids differ.

    Rendered once per bounds, slot and app root, then served from memory: building
    folium's element tree took more of a map page's time than everything else."""
    framed = None if bounds is None else tuple(round(float(value), 6) for value in bounds)
    return dict(_rendered_frame(framed, slot, request.script_root))


@functools.lru_cache(maxsize=2048)   # a few KB each
def _rendered_frame(bounds, slot: str, app_root: str) -> dict[str, Markup]:
    """``slot`` and ``app_root`` are part of the cache key only (app_root: the vendor URLs below)."""
    fmap = folium.Map(location=VIETNAM_CENTRE, zoom_start=6, tiles=None, control_scale=True,
                      prefer_canvas=True)
    folium.TileLayer("OpenStreetMap", name="OpenStreetMap", attr=OSM_ATTRIBUTION).add_to(fmap)
    if bounds is not None:
        minx, miny, maxx, maxy = bounds
        fmap.fit_bounds([[miny, minx], [maxy, maxx]])
    localise_folium(fmap)
    figure = fmap.get_root()
    figure.render()
    assets = [child.render() for child in figure.header._children.values()
              if isinstance(child, (JavascriptLink, CssLink))]
    return {
        "map_name": fmap.get_name(),
        "head": Markup("\n".join(assets)),
        "body": Markup(figure.html.render()),
        "script": Markup(figure.script.render()),
    }
