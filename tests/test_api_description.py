"""The OpenAPI document matches the routes: every /api/v1 rule, and every query parameter it reads.

Each API request is served with a request class that records which query
parameters the code looks up, so a parameter read but not documented (or
documented but never read) fails here, whichever layer reads it.
"""

from __future__ import annotations

from werkzeug.datastructures import ImmutableMultiDict

from tests.routes import SAMPLE_PATHS, rule_url
from web import create_app
from web.openapi import _openapi_path

READ: set[str] = set()
EVERY_REQUEST = {"lang"}   # web/i18n.py reads ?lang= on every request to choose the page language


class RecordingArgs(ImmutableMultiDict):
    def get(self, key, default=None, type=None):
        READ.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):
        READ.add(key)
        return super().getlist(key, type)

    def __getitem__(self, key):
        READ.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        READ.add(key)
        return super().__contains__(key)


def _recording(app):
    class RecordingRequest(app.request_class):
        @property
        def args(self):
            return RecordingArgs(list(super().args.items(multi=True)))

    app.request_class = RecordingRequest
    return app


def _api_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1")]


def _documented_paths(app):
    """(OpenAPI path, URL to request) for every /api/v1 rule and its documented variants."""
    for rule in _api_rules(app):
        values, _quick = SAMPLE_PATHS.get(rule.endpoint, ({}, {}))
        url = rule_url(rule, values)
        yield _openapi_path(rule.rule), url
        for variant in app.view_functions[rule.endpoint].api_operation.variants:
            yield _openapi_path(rule.rule) + variant.suffix, url + variant.suffix


def _query_names(operation: dict) -> set[str]:
    return {p["name"] for p in operation["get"]["parameters"] if p["in"] == "query"}


def test_every_api_rule_is_documented_and_nothing_else(demo_app, demo_client):
    app = demo_app
    paths = demo_client.get("/api/v1/openapi.json").json["paths"]
    assert set(paths) == {path for path, _url in _documented_paths(app)}
    for rule in _api_rules(app):
        documented = paths[_openapi_path(rule.rule)]["get"]["parameters"]
        assert {p["name"] for p in documented if p["in"] == "path"} == set(rule.arguments), rule.rule


def test_documented_query_parameters_are_exactly_those_the_code_reads(demo_workspace_path):
    client = _recording(create_app(demo_workspace_path)).test_client()
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path, url in _documented_paths(client.application):
        READ.clear()
        assert client.get(url).status_code == 200, url
        documented = _query_names(paths[path])
        assert READ - EVERY_REQUEST <= documented, f"{path} reads undocumented {READ - EVERY_REQUEST - documented}"
        assert documented <= READ, f"{path} documents {documented - READ}, which it never reads"


def test_every_endpoint_reads_the_boundary_version(demo_client):
    paths = demo_client.get("/api/v1/openapi.json").json["paths"]
    assert all("version" in _query_names(op) for path, op in paths.items() if not path.endswith("openapi.json"))
    assert {"province", "year", "detail", "lang"} <= _query_names(paths["/api/v1/donors/{donor}.geojson"])


def test_an_undeclared_query_parameter_is_a_400_naming_it(demo_app, demo_client):
    for _path, url in _documented_paths(demo_app):
        response = demo_client.get(url + ("&" if "?" in url else "?") + "provnce=96")
        assert response.status_code == 400, url
        assert "provnce" in response.json["error"], url


def test_the_api_page_lists_every_documented_path(demo_app, demo_client):
    html = demo_client.get("/api?lang=en").get_data(as_text=True)
    for path, _url in _documented_paths(demo_app):
        assert f"<code>{path}</code>" in html


def test_every_endpoint_takes_the_page_language(demo_app, demo_client):
    # Links from the bilingual pages carry ?lang=; the API must not refuse them.
    paths = demo_client.get("/api/v1/openapi.json").json["paths"]
    for path, url in _documented_paths(demo_app):
        assert "lang" in _query_names(paths[path]), path
        response = demo_client.get(url + ("&" if "?" in url else "?") + "lang=vi")
        assert response.status_code == 200, url
