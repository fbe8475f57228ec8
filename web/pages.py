"""HTML pages: gap map (home), donors, planner, commune pages, API index (downloads of documents:
web/documents.py, on this blueprint).

Views parse the request, call geoaid, and render; user text reaches the
templates as data and Jinja escapes it.
"""

from __future__ import annotations

from urllib.parse import quote

import pandas as pd
from flask import Blueprint, Response, abort, current_app, render_template, request, url_for

from geoaid.analysis.donor_fit import reason_words
from geoaid.analysis.donor_names import donor_key
from geoaid.analysis.memoised import filter_key
from geoaid.analysis.sectors import SECTORS
from geoaid.analysis.views import DEFAULT_VIEW, WEB_MAP_VIEWS
from geoaid.output.exports import export_table
from geoaid.output.limits import IMAGE_FORMATS, SERVED_DEFAULT_DPI
from geoaid.output.print_service import PrintRequest
from geoaid.output.simplify import TOLERANCE
from geoaid.output.tiles import FIRST_TILE_ZOOM, MAX_ZOOM
from geoaid.reform.versions import describe_version
from web import data, scenarios
from web.api import view_from_request
from web.context import workspace
from web.errors import BadParameter
from web.i18n import current_language, gap_basis_words, people_group_words
from web.maps import map_frame
from web.openapi import spec

bp = Blueprint("pages", __name__)


def _query(filters) -> dict:
    """The filters, plus the boundary version when it is not the default."""
    query = filters.to_query()
    if data.boundary_version() != "2019":
        query["version"] = data.boundary_version()
    return query


def _form_context(filters):
    frames = data.frames()
    names, choices = data.analysis().remember(("filter form choices",), _form_choices)
    return {"filters": filters, **choices, "sectors": SECTORS,
            "versions": data.versions(), "version": data.boundary_version(),
            "version_text": describe_version(frames, _lang()), "metadata": frames.metadata,
            "filters_text": filters.describe(_lang(), names), "is_sample": frames.is_sample}


def _form_choices() -> tuple[dict, dict]:
    """Province names, and the filter form's provinces, donors and schemes (once per workspace version)."""
    frames = data.frames()
    names = data.province_names()
    schemes = frames.schemes[["scheme", "label"]].itertuples(index=False) if len(frames.schemes) else []
    return names, {"provinces": sorted(names.items()), "donors": sorted(frames.projects["donor"].dropna().unique()),
                   "schemes": list(schemes)}


def _bounds(filters):
    """The map's frame: the chosen provinces' communes, or all (once per workspace version and provinces)."""
    def bounds():
        communes = data.frames().communes
        if filters.provinces:
            communes = communes[communes["province_code"].isin(filters.provinces)]
        return communes.total_bounds if len(communes) else None
    return data.analysis().remember(("map bounds", tuple(sorted(filters.provinces))), bounds)


def _export_urls(query: dict) -> dict:
    """The gap ranking's downloads: CSV, XLSX, and CSV with an HXL hashtag row for HDX tools; the
    projects as XLSX with hashtags (``geoaid import projects`` reads it back)."""
    urls = {fmt: url_for("pages.export", what="gaps", fmt=fmt, **query) for fmt in ("csv", "xlsx")}
    urls["hxl"] = url_for("pages.export", what="gaps", fmt="csv", hxl="1", **query)
    urls["projects_hxl"] = url_for("pages.export", what="projects", fmt="xlsx", hxl="1", **query)
    for fmt in ("pdf", "xlsx"):
        urls[f"annex_{fmt}"] = url_for("pages.plan_annex_file", fmt=fmt, lang=current_language(), **query)
    return urls


@bp.route("/")
def home():
    filters = data.filters_from_request()
    view = view_from_request().key
    query = _query(filters)
    return render_template(
        "gap_map.html", frame=map_frame(_bounds(filters)), view=view, views=list(WEB_MAP_VIEWS),
        data_url=url_for("api.gaps_geojson", view=view, **query, **_detail_query(), lang=_lang()),
        projects_url=url_for("api.projects_geojson", **query),
        needs_url=url_for("api.needs_geojson", **query),
        export_urls=_export_urls(query),
        map_image_urls={fmt: url_for("pages.map_image", fmt=fmt, view=view, **query)
                        for fmt in ("png", "pdf", "svg")},
        commune_url=url_for("pages.commune", code="CODE", **_version_query()),
        commune_api_url=url_for("api.commune_json", code="CODE", **_version_query()),
        tiles=_tiles(filters), **_flow_charts(filters, query), **_form_context(filters))


def _tiles(filters) -> dict | None:
    """The national map's vector tiles (zoomed in it draws them instead of its light layer); none
    for a province map, whose layer is detailed already."""
    if filters.provinces:
        return None
    first = url_for("tiles.tile", boundary=data.boundary_version(), z=0, x=0, y=0)
    return {"url": first.replace("/0/0/0.pbf", "/{z}/{x}/{y}.pbf"), "min_zoom": FIRST_TILE_ZOOM,
            "max_zoom": MAX_ZOOM}


def _flow_charts(filters, query: dict, **series) -> dict:
    """The money-by-year charts' data URL and money kind: on a province view (one province) and a donor
    page (``series`` adds its donor); none elsewhere."""
    if len(filters.provinces) != 1 and not series:
        return {"flows_url": None}
    return {"flows_url": url_for("api.flows_json", **{**query, **series}, by="sector", lang=_lang()),
            "flows_kind": filters.money}


def _detail_query() -> dict:
    """``?detail=`` passed on to the map's data (the API checks it)."""
    detail = request.args.get("detail")
    if detail and detail not in TOLERANCE:
        raise BadParameter(f"detail must be one of {', '.join(TOLERANCE)}")
    return {"detail": detail} if detail else {}


def _version_query() -> dict:
    version = data.boundary_version()
    return {"version": version} if version != "2019" else {}


@bp.route("/donors")
def donors():
    return render_template("donors.html", donors=data.donors().to_dict("records"),
                           is_sample=data.frames().is_sample, flows_mode="donors",
                           flows_url=url_for("api.flows_json", by="donor", **_version_query(), lang=_lang()))


@bp.route("/donors/<path:donor>")
def donor(donor: str):
    filters = data.filters_from_request()
    reach = data.reach(donor, filters)  # UnknownDonor → 404 with suggestions
    provinces = reach.by_province["province_code"].tolist()
    bounds = None
    communes = data.frames().communes
    if provinces:
        bounds = communes[communes["province_code"].isin(provinces)].total_bounds
    return render_template("donor.html", reach=reach, frame=map_frame(bounds), fitting=_fitting(reach.donor),
                           brief_urls={fmt: url_for("pages.brief", donor=reach.donor, fmt=fmt, lang=_lang())
                                       for fmt in ("pdf", "xlsx")},
                           data_url=url_for("api.donor_json", donor=reach.donor + ".geojson",
                                            **_query(filters), lang=_lang()),
                           projects=reach.projects.to_dict("records"),
                           shares=reach.priority_share.to_dict("records"),
                           by_sector=reach.by_sector.to_dict("records"),
                           by_province=reach.by_province.to_dict("records"),
                           **_flow_charts(filters, _query(filters), donor=reach.donor))


def _fitting(donor: str) -> list[dict]:
    """The open needs this donor fits, best first, with the reasons in the page's language."""
    fits = data.need_fits()
    fits = fits[fits["donor"].map(donor_key) == donor_key(donor)]
    needs = data.need_status().set_index("need_id")
    return [{**needs.loc[fit.need_id].to_dict(), "score": fit.score,
             "reasons": [reason_words(reason, _lang()) for reason in fit.reasons]}
            for fit in fits.sort_values("score", ascending=False, kind="stable").itertuples()]


@bp.route("/planner")
def planner():
    filters = data.filters_from_request()
    limit = request.args.get("limit", "50")
    if not limit.isdigit():
        raise BadParameter("limit must be a whole number")
    query = _query(filters)
    # The ranking's rows as the table shows them, once per workspace version, filters and limit.
    rows, total = data.analysis().remember(("planner rows", filter_key(filters), int(limit)),
                                           lambda: _ranking_rows(filters, int(limit)))
    return render_template("planner.html", rows=rows, total=total,
                           export_urls=_export_urls(query),
                           **_form_context(filters), **scenarios.panel(filters))


def _ranking_rows(filters, limit: int) -> tuple[list[dict], int]:
    """The first ``limit`` rows of the gap ranking (all for 0), and how many there are."""
    ranking = data.ranking(filters)
    return ranking.head(limit or len(ranking)).to_dict("records"), len(ranking)


@bp.route("/communes/<code>")
def commune(code: str):
    frames = data.frames()
    if code not in set(frames.communes["code"]):
        abort(404, description=f"unknown commune code {code!r}")
    page = data.commune_figures(code)
    version = data.boundary_version()
    return render_template("commune.html", commune=page["commune"], neighbours=page["neighbours"],
                           needs=page["needs"], projects=page["projects"], frame=map_frame(page["bounds"]),
                           data_url=url_for("api.gaps_geojson", view=DEFAULT_VIEW, province=page["province"],
                                            **_version_query(), lang=_lang()),
                           code=code, is_sample=frames.is_sample, version=version,
                           lineage=data.lineage(code), people=_people(page["commune"]),
                           gap_basis=gap_basis_words().get(page["commune"].get("gap_basis"), ""),
                           group_words=people_group_words())


def _people(row) -> dict:
    """The commune's population, funding per inhabitant and the people projects target and reach.

    ``groups``: (group, targeted, reached, % of the population reached or None); only the
    total has a census base.
    """
    population, per_person = row.get("population"), row.get("funding_usd_per_person")
    share = row.get("people_reached_pct")
    groups = [(group, int(row.get(f"{prefix}_targeted", 0) or 0), int(row.get(f"{prefix}_reached", 0) or 0),
               None if group != "total" or share is None or pd.isna(share) else float(share))
              for group, prefix in (("total", "people"), ("children", "children"), ("women", "women"),
                                    ("ethnic_minority", "ethnic_minority"))]
    return {"population": None if pd.isna(population) else int(population),
            "per_person": None if pd.isna(per_person) else float(per_person),
            "groups": [g for g in groups if g[1] or g[2]]}


@bp.route("/export/<what>.<fmt>")
def export(what: str, fmt: str):
    filters = data.filters_from_request()
    try:
        body, content_type, filename = export_table(data.analysis(), what, filters, fmt,
                                                    hxl=request.args.get("hxl") == "1")
    except ValueError as exc:
        raise BadParameter(str(exc)) from None
    # A full Content-Type ("text/csv; charset=utf-8"): given as mimetype, Werkzeug would add a second charset.
    return Response(body, content_type=content_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/map.<fmt>")
def map_image(fmt: str):
    """The current map as a print-ready image (matplotlib, offline), cached per workspace version."""

    if fmt not in IMAGE_FORMATS:
        raise BadParameter(f"image format must be one of {', '.join(IMAGE_FORMATS)}")
    filters = data.filters_from_request()
    try:
        job = PrintRequest(workspace().location, data.file_version(), data.boundary_version(),
                           request.args.get("view", DEFAULT_VIEW), filters, fmt=fmt,
                           paper=request.args.get("paper", "A4"),
                           orientation=request.args.get("orientation", "landscape"),
                           dpi=request.args.get("dpi", SERVED_DEFAULT_DPI),
                           lang=request.args.get("lang_map") or _lang()).normalised()
        body = current_app.extensions["geoaid_print"].render(job, data.analysis(),
                                                              cache_dir=workspace().cache_dir)
    except ValueError as exc:
        raise BadParameter(str(exc)) from None
    return Response(body, mimetype=IMAGE_FORMATS[fmt],
                    headers={"Content-Disposition": f'attachment; filename="geoaid-{job.view}.{fmt}"'})


def _lang() -> str:
    return current_language()


@bp.route("/api")
def api_index():
    description = spec()
    examples = {}
    for path in description["paths"]:
        example = path.replace("{code}", data.frames().communes["code"].iloc[0])
        if "{donor}" in path:
            donors = data.donors()["donor"]
            if donors.empty:
                continue
            example = example.replace("{donor}", quote(donors.iloc[0], safe=""))
        examples[path] = example
    return render_template("api.html", spec=description, examples=examples)
