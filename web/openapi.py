"""OpenAPI 3 description of ``/api/v1`` (kept beside the routes it describes)."""

from __future__ import annotations

from geoaid import __version__

_FILTERS = [
    {"name": "province", "in": "query", "schema": {"type": "string"},
     "description": "GSO province code(s), comma separated, e.g. 96"},
    {"name": "sector", "in": "query", "schema": {"type": "string"},
     "description": "sector key, label or OECD-DAC code"},
    {"name": "donor", "in": "query", "schema": {"type": "string"}},
    {"name": "year", "in": "query", "schema": {"type": "integer"}, "description": "projects active that year"},
    {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}},
    {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}},
    {"name": "zone", "in": "query", "schema": {"type": "string", "enum": ["ethnic_minority", "coastal"]}},
    {"name": "scheme", "in": "query", "schema": {"type": "string"}},
]
_ERRORS = {
    "400": {"description": "Bad parameter: {\"error\": message}"},
    "404": {"description": "Unknown donor or commune: {\"error\": message}"},
}


def _get(summary, params=(), geo=False):
    media = "application/geo+json" if geo else "application/json"
    return {"get": {"summary": summary, "parameters": list(params),
                    "responses": {"200": {"description": "OK", "content": {media: {}}}, **_ERRORS}}}


def spec() -> dict:
    detail = {"name": "detail", "in": "query", "schema": {"type": "string", "enum": ["province", "national"]}}
    view = {"name": "view", "in": "query", "schema": {"type": "string", "enum": ["gap", "priority", "coverage"]}}
    donor = {"name": "donor", "in": "path", "required": True, "schema": {"type": "string"}}
    code = {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}
    lang = {"name": "lang", "in": "query", "schema": {"type": "string", "enum": ["en", "vi"]},
            "description": "language of the legend labels (default en)"}
    return {
        "openapi": "3.0.3",
        "info": {"title": "geoaid API", "version": __version__,
                 "description": "Communes, priority, coverage, gaps, overlaps and aid projects for "
                                "Vietnamese provinces. Responses say when data is SAMPLE data."},
        "paths": {
            "/api/v1/communes.geojson": _get("Commune polygons (simplified, topology-preserving)",
                                             _FILTERS[:1] + [detail], geo=True),
            "/api/v1/communes": _get("Commune attributes", _FILTERS[:1]),
            "/api/v1/communes/{code}": _get("One commune: coverage, projects, neighbours", [code]),
            "/api/v1/gaps": _get("Gap ranking, most urgent first", _FILTERS),
            "/api/v1/gaps.geojson": _get("Communes with priority, coverage and gap, coloured by view",
                                         _FILTERS + [view, detail, lang], geo=True),
            "/api/v1/projects": _get("Projects and their allocations", _FILTERS),
            "/api/v1/projects.geojson": _get("Commune-targeted project locations as points", _FILTERS, geo=True),
            "/api/v1/overlaps": _get("Same sector, same commune, different donors, overlapping periods",
                                     _FILTERS),
            "/api/v1/donors": _get("Donors with project counts and funding"),
            "/api/v1/donors/{donor}": _get("Where one donor's aid goes", [donor] + _FILTERS),
            "/api/v1/donors/{donor}.geojson": _get("A donor's funding per commune", [donor, lang], geo=True),
        },
    }
