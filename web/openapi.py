"""The ``/api/v1`` routes' query parameters, declared once: they check requests and make the OpenAPI document.

Each API view is decorated with :func:`documented`, which names the query
parameters it reads. A request with any other query parameter is refused
with 400 (a misspelt filter would otherwise be silently ignored), and
:func:`spec` builds the OpenAPI 3 description from the app's URL map and
these declarations, so the document cannot drift from the routes.

    @bp.route("/gaps")
    @documented("Gap ranking, most urgent first", *FILTERS)
    def gaps_json(): ...
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import wraps

from flask import current_app, request

from geoaid import __version__
from geoaid.analysis.filters import ZONES
from geoaid.text.catalog import LANGUAGES
from web.errors import BadParameter


def _query(name: str, description: str = "", **schema) -> dict:
    parameter = {"name": name, "in": "query", "schema": {"type": "string", **schema}}
    return {**parameter, "description": description} if description else parameter


FILTERS = (
    _query("province", "GSO province code(s) or name(s), comma separated, e.g. 96"),
    _query("sector", "sector key, label or OECD-DAC code"),
    _query("donor", "donor name(s), comma separated"),
    _query("year", "projects active that year", type="integer"),
    _query("from", "projects active from this date", format="date"),
    _query("to", "projects active until this date", format="date"),
    _query("zone", "communes in this priority zone", enum=list(ZONES)),
    _query("scheme", "restrict the priority index to this classification scheme"),
    _query("money", "which money is counted (default planned: the budget); committed and disbursed count "
                    "the flows dated in year/from/to", enum=["planned", "committed", "disbursed"]),
)
BY = _query("by", "one series per (default province)",
           enum=["province", "district", "commune", "donor", "sector"])
VERSION = _query("version", "boundary version: 2019 (default, with districts) or 2025")
DETAIL = _query("detail", "geometry detail (default: province for a province, else by workspace size)",
                enum=["province", "national"])
VIEW = _query("view", "what colours the map (default gap)", enum=["gap", "priority", "coverage"])
# The app reads ?lang= on every request (web/i18n.py), so every route accepts it.
LANG = _query("lang", "language of the words in the answer, e.g. legend labels (default en)",
              enum=list(LANGUAGES))

_ERRORS = {
    "400": {"description": "Bad or unknown parameter: {\"error\": message}"},
    "404": {"description": "Unknown donor or commune: {\"error\": message}"},
}


@dataclass(frozen=True)
class Operation:
    """One documented GET: what it answers and the query parameters it accepts."""

    summary: str
    parameters: tuple[dict, ...] = ()
    geo: bool = False
    suffix: str = ""            # a variant served by the same rule for paths ending so (".geojson")
    variants: tuple[Operation, ...] = field(default=())

    def for_path(self, path: str) -> Operation:
        return next((v for v in self.variants if path.endswith(v.suffix)), self)

    def names(self) -> set[str]:
        return {p["name"] for p in self.parameters}


def _with_lang(parameters) -> tuple[dict, ...]:
    parameters = tuple(parameters)
    return parameters if any(p["name"] == "lang" for p in parameters) else (*parameters, LANG)


def documented(summary: str, *parameters: dict, geo: bool = False, variants=()):
    """Declare an API view's query parameters; requests with others are a 400."""
    variants = tuple(Operation(v.summary, _with_lang(v.parameters), v.geo, v.suffix) for v in variants)
    operation = Operation(summary, _with_lang(parameters), geo, variants=variants)

    def decorate(view):
        @wraps(view)
        def checked(*args, **kwargs):
            accepted = operation.for_path(request.path).names()
            unknown = sorted(set(request.args) - accepted)
            if unknown:
                raise BadParameter(f"unknown query parameter {', '.join(unknown)}; this path takes "
                                   f"{', '.join(sorted(accepted)) or 'none'}")
            return view(*args, **kwargs)

        checked.api_operation = operation
        return checked

    return decorate


def _openapi_path(rule: str) -> str:
    """``/donors/<path:donor>`` → ``/donors/{donor}``."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def _get(operation: Operation, path_parameters: list[str]) -> dict:
    path = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in path_parameters]
    media = "application/geo+json" if operation.geo else "application/json"
    return {"get": {"summary": operation.summary, "parameters": path + list(operation.parameters),
                    "responses": {"200": {"description": "OK", "content": {media: {}}}, **_ERRORS}}}


def spec(app=None) -> dict:
    """The OpenAPI 3 document of every documented rule of ``app`` (default: the current app)."""
    app = app or current_app
    paths = {}
    for rule in app.url_map.iter_rules():
        operation = getattr(app.view_functions[rule.endpoint], "api_operation", None)
        if operation is None:
            continue
        path, arguments = _openapi_path(rule.rule), sorted(rule.arguments)
        paths[path] = _get(operation, arguments)
        for variant in operation.variants:
            paths[path + variant.suffix] = _get(variant, arguments)
    return {
        "openapi": "3.0.3",
        "info": {"title": "geoaid API", "version": __version__,
                 "description": "Communes, priority, coverage, gaps, overlaps and aid projects for "
                                "Vietnamese provinces. Responses say when data is SAMPLE data."},
        "paths": paths,
    }
