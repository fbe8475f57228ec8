"""Front-end libraries, served by the app from ``node_modules`` (installed by ``npm ci``).

Only the files named in ``VENDOR_FILES`` can be requested: the URL carries a
key of that allow-list, never a path, so no user input reaches the
filesystem. Folium's own defaults point at CDNs; :func:`localise_folium`
points every folium element we use at these URLs instead, so the map draws
on a machine without internet.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, send_file, url_for

NODE_MODULES = Path(__file__).resolve().parent.parent / "node_modules"

# key -> path under node_modules (versions pinned in package.json / package-lock.json)
VENDOR_FILES = {
    "leaflet.js": "leaflet/dist/leaflet.js",
    "leaflet.css": "leaflet/dist/leaflet.css",
    "jquery.js": "jquery/dist/jquery.min.js",
    "bootstrap.js": "bootstrap/dist/js/bootstrap.bundle.min.js",
    "bootstrap.css": "bootstrap/dist/css/bootstrap.min.css",
    "chart.js": "chart.js/dist/chart.umd.min.js",
    "markercluster.js": "leaflet.markercluster/dist/leaflet.markercluster.js",
    "vectorgrid.js": "leaflet.vectorgrid/dist/Leaflet.VectorGrid.bundled.min.js",
    "markercluster.css": "leaflet.markercluster/dist/MarkerCluster.css",
    "markercluster-default.css": "leaflet.markercluster/dist/MarkerCluster.Default.css",
    "images/marker-icon.png": "leaflet/dist/images/marker-icon.png",
    "images/marker-icon-2x.png": "leaflet/dist/images/marker-icon-2x.png",
    "images/marker-shadow.png": "leaflet/dist/images/marker-shadow.png",
    "images/layers.png": "leaflet/dist/images/layers.png",
    "images/layers-2x.png": "leaflet/dist/images/layers-2x.png",
}

bp = Blueprint("vendor", __name__)


def check_installed() -> None:
    """Fail at start-up, with the fix, when the assets were never installed."""
    missing = [rel for rel in VENDOR_FILES.values() if not (NODE_MODULES / rel).is_file()]
    if missing:
        raise RuntimeError(f"front-end assets missing ({missing[0]} …): run `npm ci` in "
                           f"{NODE_MODULES.parent} (./run.sh demo does it)")


@bp.route("/vendor/<path:key>")
def vendor_file(key: str):
    relative = VENDOR_FILES.get(key)
    if relative is None:
        abort(404)
    response = send_file(NODE_MODULES / relative, max_age=current_app.config["ASSET_MAX_AGE"])
    return response


def vendor_url(key: str) -> str:
    return url_for("vendor.vendor_file", key=key)


def localise_folium(*elements) -> None:
    """Replace folium's CDN asset URLs with the app's own, on the given elements.

    Folium collects ``default_js``/``default_css`` per element class; setting
    them on the instances keeps other apps in the same process unaffected.
    Assets we do not use (awesome-markers, glyphicons) are dropped rather
    than left pointing at a CDN.
    """
    js = {"leaflet": "leaflet.js", "jquery": "jquery.js", "bootstrap": "bootstrap.js",
          "markerclusterjs": "markercluster.js"}
    css = {"leaflet_css": "leaflet.css", "bootstrap_css": "bootstrap.css",
           "markerclustercss": "markercluster.css",
           "markerclusterdefaultcss": "markercluster-default.css"}
    for element in elements:
        element.default_js = [(name, vendor_url(js[name])) for name, _ in
                              getattr(element, "default_js", []) if name in js]
        element.default_css = [(name, vendor_url(css[name])) for name, _ in
                               getattr(element, "default_css", []) if name in css]
