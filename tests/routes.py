"""Sample path values for every route of the app, so tests can walk the whole url_map.

A route with a path variable that has no sample here makes the walking
tests fail (they check), so a new route is covered as soon as it is added.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

DONOR = "Sample Donor A (fictitious)"
COMMUNE = "32026"

# endpoint -> (path values that reach the view's normal answer, a query that keeps it quick)
SAMPLE_PATHS = {
    "static": ({"filename": "geoaid.css"}, {}),
    "vendor.vendor_file": ({"key": "leaflet.js"}, {}),
    "api.commune_json": ({"code": COMMUNE}, {}),
    "api.donor_json": ({"donor": DONOR}, {}),
    "pages.donor": ({"donor": DONOR}, {}),
    "pages.brief": ({"donor": DONOR, "fmt": "xlsx"}, {}),
    "pages.commune": ({"code": COMMUNE}, {}),
    "pages.export": ({"what": "gaps", "fmt": "csv"}, {"province": "95"}),
    "pages.map_image": ({"fmt": "svg"}, {"province": "95", "dpi": "72"}),
    "manage.upload": ({"kind": "projects"}, {}),
    "pages.plan_annex_file": ({"fmt": "xlsx"}, {"province": "95"}),
    "tiles.tile": ({"boundary": "2019", "z": "12", "x": "3245", "y": "1942"}, {}),
}


def rule_url(rule, values: dict, query: dict | None = None) -> str:
    """The URL of a url_map rule with these path values and query (lists: repeated keys)."""
    path = rule.rule
    for name, value in values.items():
        path = re.sub(rf"<(?:\w+:)?{name}>", quote(value, safe=""), path)
    return path + ("?" + urlencode(query, doseq=True) if query else "")


def sample_url(rule) -> str:
    values, query = SAMPLE_PATHS.get(rule.endpoint, ({}, {}))
    missing = set(rule.arguments) - set(values)
    assert not missing, f"tests/routes.py: add sample path values for {rule.endpoint} ({sorted(missing)})"
    return rule_url(rule, values, query)
