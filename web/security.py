"""Security headers on every response: what a page may load, who may frame it.

Pages get a Content-Security-Policy that allows scripts, styles, fonts and
data requests from the app's own origin only, and images from it plus the
basemap's tile server (and ``data:`` URIs, which Bootstrap's stylesheet uses
for its form icons). The two inline scripts a map page needs — folium's map
set-up and the call that starts ``geoaid-map.js`` — carry a nonce made fresh
for each response, so no ``'unsafe-inline'`` is needed for scripts; a nonce
rather than hashes because folium names its map with a random id, so that
script differs on every page. No page has inline styles (folium's are in
``static/geoaid.css``), so styles need neither.

Every other response (API, downloads, assets, errors in JSON) gets a policy
that allows nothing and sandboxes it: a JSON or SVG opened on its own can
run nothing. All responses say ``nosniff``, may not be framed
(``frame-ancestors 'none'``, ``X-Frame-Options: DENY``) and send only the
origin to other sites (``strict-origin-when-cross-origin``: the basemap's
tile server asks for a Referer, and gets no path or query).
"""

from __future__ import annotations

import secrets

from flask import g

from web.maps import BASEMAP_ORIGIN

PAGE_POLICY = ("default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; "
               f"img-src 'self' data: {BASEMAP_ORIGIN}; font-src 'self'; connect-src 'self'; "
               "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
OTHER_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'; sandbox"
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def csp_nonce() -> str:
    """This response's script nonce (templates: ``<script nonce="{{ csp_nonce() }}">``)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def _add_headers(response):
    if response.mimetype == "text/html":
        response.headers["Content-Security-Policy"] = PAGE_POLICY.format(nonce=csp_nonce())
    else:
        response.headers["Content-Security-Policy"] = OTHER_POLICY
    response.headers.update(HEADERS)
    return response


def register(app) -> None:
    app.after_request(_add_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
