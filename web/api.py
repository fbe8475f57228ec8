"""JSON/GeoJSON API (``/api/v1``); each route declares its query parameters (web/openapi.py).

Map pages load their data from here. Responses carry an ETag derived from
their content and Cache-Control, so browsers re-use map data until the
workspace or the filters change. Geometry is simplified once per workspace
version (topology-preserving) and shared by every filter combination.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable
from typing import Any

import pandas as pd
from flask import Blueprint, Response, abort, current_app, jsonify, request

from geoaid.analysis.needs import open_need_points
from geoaid.analysis.project_points import project_points
from geoaid.analysis.views import DEFAULT_VIEW, WEB_MAP_VIEWS, View, resolve_view
from geoaid.output.json_records import dumps, point_features, records
from geoaid.text.catalog import LANGUAGES
from web import data
from web.errors import BadParameter
from web.openapi import DETAIL, FILTERS, LANG, VERSION, VIEW, documented, spec

bp = Blueprint("api", __name__)

# Colour-blind-safe qualitative palette (ColorBrewer "Dark2") for the plain province view.
PROVINCE_COLOURS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"]


def legend(view: View, classes) -> list[dict]:
    """The view's legend in ``?lang=`` (a catalog language, default en). Only the query string counts,
    not cookies or headers, so a cached response always matches its URL. Zero is labelled "0"
    on the web map, whose popups say what a commune's zero means."""
    lang = request.args.get("lang")
    return view.legend(classes, lang if lang in LANGUAGES else "en", zero_label="0")


def view_from_request() -> View:
    """``?view=`` (default gap; bookmarked spellings such as "gaps" too), a web map view; a 400 otherwise."""
    try:
        return resolve_view(request.args.get("view", DEFAULT_VIEW), WEB_MAP_VIEWS)
    except ValueError as exc:
        raise BadParameter(str(exc)) from None


def _encode(payload) -> tuple[bytes, bytes, str]:
    body = dumps(payload).encode()
    return body, gzip.compress(body, 6), hashlib.sha256(body).hexdigest()[:32]


def cached_json(payload: Callable[[], Any], mimetype: str = "application/json") -> Response:
    """JSON with ETag and Cache-Control, gzip-compressed when the client accepts it.

    ``payload`` builds the response's data; it is called, encoded and compressed
    once per workspace version and request (path + query), then served from memory.
    Every route checks its parameters before, so an error is never kept.
    """
    body, compressed, etag = data.cached_response(lambda: _encode(payload()))
    wants_gzip = "gzip" in request.headers.get("Accept-Encoding", "")
    response = Response(compressed if wants_gzip else body, mimetype=mimetype)
    if wants_gzip:
        response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    response.set_etag(etag + ("-gz" if wants_gzip else ""))
    response.cache_control.public = True
    response.cache_control.max_age = current_app.config["API_MAX_AGE"]
    return response.make_conditional(request)


def detail_from_request() -> str:
    """Geometry detail: as asked, else province detail for a province view, else by workspace size."""
    if request.args.get("detail"):
        return request.args["detail"]
    return "province" if request.args.get("province") else data.default_detail()


def feature_collection(rows: pd.DataFrame, properties: list[str], detail: str, **extra) -> dict:
    geometry = data.light_geometry(detail)
    features = []
    for record, code in zip(records(rows[properties]), rows["commune_code"]):
        features.append({"type": "Feature", "id": code, "properties": record,
                         "geometry": geometry[code].__geo_interface__})
    return {"type": "FeatureCollection", "features": features, **extra}


# -- communes -----------------------------------------------------------------
@bp.route("/communes.geojson")
@documented("Commune polygons (simplified, topology-preserving)", *FILTERS, DETAIL, VERSION, geo=True)
def communes_geojson():
    """Commune polygons with names, coloured by province."""
    filters = data.filters_from_request()
    detail = detail_from_request()
    data.light_geometry(detail)  # validates detail before anything is cached
    # Built and encoded once per workspace version and query, like the gap layer.
    return cached_json(lambda: _communes_collection(filters, detail), "application/geo+json")


def _communes_collection(filters, detail: str) -> dict:
    communes = data.frames().communes
    if filters.provinces:
        communes = communes[communes["province_code"].isin(filters.provinces)]
    names = data.province_names()
    codes = sorted(names)
    colour = {c: PROVINCE_COLOURS[i % len(PROVINCE_COLOURS)] for i, c in enumerate(codes)}
    rows = pd.DataFrame({"commune_code": communes["code"], "name": communes["name"],
                         "district": communes["district_name"], "province": communes["province_name"],
                         "area_km2": communes["area_km2"].round(2),
                         "fill": communes["province_code"].map(colour)})
    legend = [{"colour": colour[c], "label": names[c]} for c in codes
              if not filters.provinces or c in filters.provinces]
    return feature_collection(rows, list(rows.columns), detail, legend=legend, boundary_version="2019")


@bp.route("/communes")
@documented("Commune attributes", *FILTERS, VERSION)
def communes_json():
    filters = data.filters_from_request()

    def body():
        communes = data.frames().communes
        if filters.provinces:
            communes = communes[communes["province_code"].isin(filters.provinces)]
        return {"communes": records(pd.DataFrame(communes.drop(columns="geometry")))}
    return cached_json(body)


@bp.route("/communes/<code>")
@documented("One commune: coverage, projects, neighbours", VERSION)
def commune_json(code: str):
    frames = data.frames()
    if code not in set(frames.communes["code"]):
        abort(404, description=f"unknown commune code {code!r}")

    def body():
        rows = data.coverage_rows()
        row = rows[rows["commune_code"] == code].drop(columns="geometry")
        projects = data.project_rows()
        projects = projects[projects["commune_code"] == code]
        near_rows = rows[rows["commune_code"].isin(data.neighbour_codes(code))].drop(columns="geometry")
        return {"commune": records(pd.DataFrame(row))[0], "projects": records(projects),
                "neighbours": records(pd.DataFrame(near_rows))}
    return cached_json(body)


# -- gaps ---------------------------------------------------------------------
@bp.route("/gaps")
@documented("Gap ranking, most urgent first", *FILTERS, VERSION)
def gaps_json():
    """The gap ranking (most urgent first) for the filters."""
    filters = data.filters_from_request()
    return cached_json(lambda: {"filters": filters.to_query(), "sample": data.frames().is_sample,
                                "communes": records(data.ranking(filters))})


@bp.route("/gaps.geojson")
@documented("Communes with priority, coverage and gap, coloured by view",
            *FILTERS, VIEW, DETAIL, LANG, VERSION, geo=True)
def gaps_geojson():
    """Communes with priority, coverage and gap, coloured for the chosen view."""
    filters = data.filters_from_request()
    view = view_from_request()
    detail = detail_from_request()
    data.light_geometry(detail)  # validates detail before anything is cached
    return cached_json(lambda: _gaps_collection(filters, view, detail), "application/geo+json")


# At national detail only what the map colours and outlines by travels; the
# rest of a commune's figures come from /api/v1/communes/<code> on demand.
# (The commune code travels once, as the feature id.)
# The colour travels as "k", the feature's entry in the legend (1 byte, not 9).
NATIONAL_PROPERTIES = ["name", "k", "ethnic_minority", "coastal"]


def _gaps_collection(filters, view: View, detail: str) -> dict:
    frames = data.frames()
    rows = pd.DataFrame(data.coverage_rows(filters).drop(columns="geometry"))
    classes = view.classify(rows[view.column])
    rows["fill"] = classes.colour_of()
    extra = {"legend": legend(view, classes), "view": view.key, "sample": frames.is_sample,
             "filters": filters.to_query(), "geometry_detail": detail}
    if detail == "national":
        rows["k"] = [0 if i < 0 else int(i) + 1 for i in classes.index]   # legend[0] is "none"
        collection = feature_collection(rows.rename(columns={"commune_name": "name"}), NATIONAL_PROPERTIES,
                                        detail, **extra)
        for feature in collection["features"]:  # absent = false: 10,000 "false"s are 200 KB
            props = feature["properties"]
            for flag in ("ethnic_minority", "coastal"):
                if not props.get(flag):
                    props.pop(flag, None)
        return collection
    titles = data.project_rows(filters)
    titles = titles.groupby("commune_code").apply(
        lambda g: [{"title": t, "donor": d, "sector": s}  # a sector key: the page labels it in its language
                   for t, d, s in zip(g["title"], g["donor"], g["sector"])][:8], include_groups=False)
    rows["projects"] = rows["commune_code"].map(titles).map(lambda v: v if isinstance(v, list) else [])
    properties = ["commune_code", "commune_name", "district", "province", "priority_score", "classes",
                  "project_count", "donor_count", "funding_usd", "population", "funding_usd_per_person",
                  "gap_score", "gap_rank", "gap_basis", "people_targeted", "people_reached", "people_reached_pct",
                  "ethnic_minority", "coastal", "sectors_missing", "fill", "projects"]
    return feature_collection(rows, properties, detail, **extra)


# -- projects -----------------------------------------------------------------
@bp.route("/projects")
@documented("Projects and their allocations", *FILTERS, VERSION)
def projects_json():
    filters = data.filters_from_request()

    def body():
        rows = data.project_rows(filters)
        projects = data.frames().projects
        wanted = projects[projects["project_id"].isin(rows["project_id"])]
        return {"projects": records(wanted),
                "allocations": records(rows[["project_id", "commune_code", "scope", "amount_vnd"]])}
    return cached_json(body)


@bp.route("/projects.geojson")
@documented("Commune-targeted project locations as points, with their precision", *FILTERS, VERSION,
            geo=True)
def projects_geojson():
    """Commune-targeted project locations: an IATI exact point where given, else the commune's point."""
    filters = data.filters_from_request()
    return cached_json(lambda: point_features(project_points(data.frames(), data.project_rows(filters))),
                       "application/geo+json")


@bp.route("/needs.geojson")
@documented("Local needs still open (or partly met) as points, with status and estimated cost", *FILTERS, VERSION,
            geo=True)
def needs_geojson():
    """Open and partly met needs, one point per need (inside its communes; a district-wide need: its district)."""
    filters = data.filters_from_request()
    return cached_json(lambda: point_features(pd.DataFrame(
        [{**properties, "lon": round(lon, 5), "lat": round(lat, 5)}
         for properties, (lon, lat) in open_need_points(data.frames(), data.need_status(), filters)])),
        "application/geo+json")


@bp.route("/overlaps")
@documented("Same sector, same commune, different donors, overlapping periods", *FILTERS, VERSION)
def overlaps_json():
    filters = data.filters_from_request()
    return cached_json(lambda: {"filters": filters.to_query(),
                                "overlaps": records(data.analysis().overlaps(filters))})


@bp.route("/openapi.json")
@documented("This description of the API (OpenAPI 3)")
def openapi():
    return jsonify(spec())
