"""OpenAPI 3 description of ``/api/v1`` (kept beside the routes it describes)."""

from __future__ import annotations

from geoaid import __version__

_PROVINCE = {"name": "province", "in": "query", "required": False,
             "description": "GSO province code, e.g. 96 (Cà Mau)", "schema": {"type": "string"}}
_ERROR = {"description": "Bad parameter", "content": {"application/json": {"schema": {
    "type": "object", "properties": {"error": {"type": "string"}}}}}}


def spec() -> dict:
    return {
        "openapi": "3.0.3",
        "info": {"title": "geoaid API", "version": __version__,
                 "description": "Communes, priority, coverage and aid projects for Vietnamese "
                                "provinces. Sample data is flagged as such."},
        "paths": {
            "/api/v1/communes.geojson": {"get": {
                "summary": "Commune polygons (simplified, topology-preserving)",
                "parameters": [_PROVINCE, {"name": "detail", "in": "query", "schema": {
                    "type": "string", "enum": ["province", "national"]}}],
                "responses": {"200": {"description": "GeoJSON FeatureCollection with a legend",
                                      "content": {"application/geo+json": {}}},
                              "400": _ERROR}}},
            "/api/v1/communes": {"get": {
                "summary": "Commune attributes", "parameters": [_PROVINCE],
                "responses": {"200": {"description": "JSON records"}, "400": _ERROR}}},
        },
    }
