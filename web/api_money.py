"""API routes about money and donors: yearly flows, the donors list and one donor's reach.

They hang on the API blueprint of web/api.py (same URLs under /api/v1, same cached JSON encoding);
kept apart so each module stays small.
"""

from __future__ import annotations

import pandas as pd
from flask import request

from geoaid.analysis.flows import BY as FLOW_SERIES
from geoaid.analysis.sectors import BY_KEY
from geoaid.analysis.views import VIEWS
from geoaid.output.json_records import records
from geoaid.text.catalog import LANGUAGES
from web import data
from web.api import bp, cached_json, detail_from_request, feature_collection, legend
from web.errors import BadParameter
from web.openapi import BY, DETAIL, FILTERS, LANG, VERSION, Operation, documented


@bp.route("/flows")
@documented("Money by year: planned, committed, disbursed, spent, and the disbursement rate",
            *FILTERS, BY, VERSION)
def flows_json():
    filters = data.filters_from_request()
    by = request.args.get("by", "province")
    if by not in FLOW_SERIES:
        raise BadParameter(f"unknown series {by!r}; use one of {', '.join(FLOW_SERIES)}")
    lang = request.args.get("lang") if request.args.get("lang") in LANGUAGES else "en"

    def body():
        series = data.analysis().flows(filters, by)
        labels = ({key: BY_KEY[key].label(lang) if key in BY_KEY else key for key in series["sector"]}
                  if by == "sector" else {})
        return {"by": by, "filters": filters.to_query(), "sample": bool(data.frames().is_sample),
                "usd_rate_vnd": data.frames().usd_rate, "labels": labels, "series": records(series)}
    return cached_json(body)


# -- donors ---------------------------------------------------------------------
@bp.route("/donors")
@documented("Donors with project counts and funding", VERSION)
def donors_json():
    return cached_json(lambda: {"donors": records(data.donors())})


def reach_or_404(donor: str):
    """The donor's reach; an unknown donor raises UnknownDonor (a 404 with suggestions)."""
    return data.reach(donor, data.filters_from_request())


@bp.route("/donors/<path:donor>")
@documented("Where one donor's aid goes", *FILTERS, VERSION, variants=[
    Operation("A donor's funding per commune", (*FILTERS, DETAIL, LANG, VERSION), geo=True, suffix=".geojson")])
def donor_json(donor: str):
    if donor.endswith(".geojson"):
        return donor_geojson(donor.removesuffix(".geojson"))
    reach = reach_or_404(donor)
    return cached_json(lambda: {"donor": reach.donor, "totals": reach.totals, "sample": reach.sample,
                                "by_province": records(reach.by_province), "by_sector": records(reach.by_sector),
                                "by_commune": records(reach.by_commune),
                                "priority_share": records(reach.priority_share),
                                "projects": records(reach.projects)})


def donor_geojson(donor: str):
    filters = data.filters_from_request()
    reach = data.reach(donor, filters)   # an unknown donor is a 404 before anything is cached
    detail = detail_from_request()
    return cached_json(lambda: _donor_collection(reach, reach.map_filters(filters), detail),
                       "application/geo+json")


def _donor_collection(reach, filters, detail: str) -> dict:
    """The donor view, as the print map draws it (geoaid.analysis.views, DonorReach.map_filters)."""
    view = VIEWS["donor"]
    rows = pd.DataFrame(data.coverage_rows(filters).drop(columns="geometry"))
    classes = view.classify(rows[view.column])
    rows["fill"] = classes.colour_of()
    return feature_collection(
        rows, ["commune_code", "commune_name", "district", "province", view.column, "fill"], detail,
        legend=legend(view, classes), sample=reach.sample, donor=reach.donor)
