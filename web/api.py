"""JSON/GeoJSON API (``/api/v1``) with an OpenAPI description.

Responses carry an ETag derived from the workspace file version and the
query, plus Cache-Control, so browsers and proxies re-use map data until
the workspace changes.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache

from flask import Blueprint, current_app, jsonify, request, Response

from geoaid import schema
from geoaid.simplify import TOLERANCE, simplify_for_web
from web import workspace
from web.errors import BadParameter

bp = Blueprint("api", __name__)

# Colour-blind-safe qualitative palette (ColorBrewer "Dark2", 8 classes) for provinces.
PROVINCE_COLOURS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"]


def _province_codes(communes) -> list[str]:
    return sorted(communes["province_code"].dropna().unique())


def parse_province(value: str | None, communes) -> str | None:
    """A province filter: GSO code ("96") or None; a clear 400 otherwise."""
    if not value:
        return None
    code = value.strip().zfill(2)
    if not code.isdigit() or code not in _province_codes(communes):
        raise BadParameter(f"unknown province {value!r}; use a GSO province code present in the "
                           f"workspace: {', '.join(_province_codes(communes))}")
    return code


@lru_cache(maxsize=32)
def _communes_geojson(path: str, version: tuple, province: str | None, detail: str) -> bytes:
    ws = workspace()
    communes = ws.read(schema.COMMUNES)
    if province:
        communes = communes[communes["province_code"] == province]
    light = simplify_for_web(communes, TOLERANCE[detail])
    provinces = _province_codes(ws.read(schema.COMMUNES))
    colour = {code: PROVINCE_COLOURS[i % len(PROVINCE_COLOURS)] for i, code in enumerate(provinces)}
    features = []
    for row in light.itertuples():
        features.append({
            "type": "Feature",
            "id": row.code,
            "properties": {
                "code": row.code, "name": row.name, "district": row.district_name,
                "province": row.province_name, "province_code": row.province_code,
                "area_km2": None if row.area_km2 != row.area_km2 else round(float(row.area_km2), 2),
                "fill": colour.get(row.province_code, "#999999"),
            },
            "geometry": row.geometry.__geo_interface__,
        })
    names = light.drop_duplicates("province_code").set_index("province_code")["province_name"]
    legend = [{"colour": colour[c], "label": str(names[c])} for c in provinces if c in names.index]
    collection = {"type": "FeatureCollection", "features": features, "legend": legend,
                  "boundary_version": "2019"}
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode()


def cached_json(body: bytes, mimetype: str = "application/json") -> Response:
    etag = hashlib.sha256(body).hexdigest()[:32]
    response = Response(body, mimetype=mimetype)
    response.set_etag(etag)
    response.cache_control.public = True
    response.cache_control.max_age = current_app.config["API_MAX_AGE"]
    return response.make_conditional(request)


@bp.route("/communes.geojson")
def communes_geojson():
    """Commune polygons, simplified without slivers, with names and province colours."""
    ws = workspace()
    communes = ws.read(schema.COMMUNES)
    province = parse_province(request.args.get("province"), communes)
    detail = request.args.get("detail", "province")
    if detail not in TOLERANCE:
        raise BadParameter(f"detail must be one of {', '.join(TOLERANCE)}")
    body = _communes_geojson(str(ws.path), ws.version(), province, detail)
    return cached_json(body, "application/geo+json")


@bp.route("/communes")
def communes_json():
    """Commune attributes (no geometry) as JSON records."""
    ws = workspace()
    communes = ws.read(schema.COMMUNES)
    province = parse_province(request.args.get("province"), communes)
    if province:
        communes = communes[communes["province_code"] == province]
    records = communes.drop(columns="geometry").astype(object).where(communes.notna(), None)
    return jsonify(communes=records.drop(columns="geometry", errors="ignore").to_dict("records"))


@bp.route("/openapi.json")
def openapi():
    from web.openapi import spec

    return jsonify(spec())
