"""The planner page's scenario panel: candidates, before/after map and table, save, compare, commit.

The scenario being built travels in the query string as its candidates' JSON
(``?scenario=[...]``), so looking at it writes nothing and the page can be
bookmarked; the add, remove and placement forms are GET forms that return it
with one change. Saving and committing are POSTs for signed-in planners with
the CSRF token, like every other change. Views parse the request, call
geoaid.planning and render; user text reaches the templates and the map as data.
"""

from __future__ import annotations

import json

import pandas as pd
from flask import Blueprint, redirect, render_template, request, url_for

from geoaid.analysis.memoised import filter_key
from geoaid.analysis.views import resolve_view
from geoaid.planning.candidates import (
    Candidate,
    amount_vnd,
    candidates_from_records,
    district_codes,
    parse_period,
)
from geoaid.planning.placement import PlacementRequest, propose
from geoaid.planning.saved import (
    commit_scenario,
    compare_scenarios,
    list_scenarios,
    save_scenario,
    scenario_candidates,
)
from geoaid.planning.scenario import run_scenario
from web import data
from web.api import feature_collection, legend
from web.auth import current_user, require, user_name
from web.context import workspace
from web.errors import BadParameter, public_text
from web.i18n import current_language, t
from web.maps import map_frame

bp = Blueprint("scenarios", __name__)
MAX_SCENARIO_TEXT = 60_000     # characters of candidates' JSON in a query string
MAP_PROPERTIES = ["commune_code", "commune_name", "district", "province", "priority_score", "classes",
                  "project_count", "donor_count", "funding_usd", "gap_score", "gap_rank", "ethnic_minority",
                  "coastal", "sectors_missing", "fill", "projects"]


def _records_from(text: str) -> list[dict]:
    if len(text) > MAX_SCENARIO_TEXT:
        raise BadParameter("scenario is too long")
    try:
        records = json.loads(text) if text.strip() else []
    except json.JSONDecodeError:
        raise BadParameter("scenario must be a JSON list of candidates") from None
    if not isinstance(records, list):
        raise BadParameter("scenario must be a JSON list of candidates")
    return records


def _candidates(records: list[dict]) -> list[Candidate]:
    try:
        return candidates_from_records(records)
    except ValueError as exc:
        raise BadParameter(str(exc)) from None


def _added(args) -> dict | None:
    """The candidate of the add form (``add_place`` …), or None when the form was not sent."""
    if not args.get("add_place"):
        return None
    fields = {"place": args.get("add_place"), "sector": args.get("add_sector"), "amount": args.get("add_amount"),
              "currency": args.get("add_currency"), "period": args.get("add_period"),
              "donor": args.get("add_donor")}
    return {key: value.strip() for key, value in fields.items() if value and value.strip()}


def _placement(args, frames):
    """The placement form (``place_budget`` …) as a proposal, or None when it was not sent."""
    if not args.get("place_budget"):
        return None
    rates = frames.setting("exchange_rates_vnd")
    currency = args.get("place_currency", "VND")
    try:
        start, end = parse_period(args.get("place_period", ""))
        sector = args.get("place_sector", "")
        district = args.get("place_district", "")
        request_ = PlacementRequest(
            budget_vnd=amount_vnd(args["place_budget"], currency, rates), sector=sector, start=start, end=end,
            provinces=tuple(data.filters_from_request().provinces),
            districts=district_codes(frames.communes, [district]) if district else (),
            min_amount_vnd=amount_vnd(args["place_min"], currency, rates) if args.get("place_min") else None,
            avoid_other_donors=args.get("place_avoid") == "on", donor=args.get("place_donor") or None,
            per_capita=args.get("place_per_capita") == "on")
        return propose(frames, request_)
    except ValueError as exc:
        raise BadParameter(str(exc)) from None


def _result(records: list[dict], filters):
    """The scenario's analysis, kept per workspace version, candidates and filters."""
    key = ("scenario", json.dumps(records, ensure_ascii=False, sort_keys=True), filter_key(filters))
    frames = data.legacy_frames()
    try:
        return data.snapshot().on("2019").remember(key, lambda: run_scenario(frames, _candidates(records), filters))
    except BadParameter:
        raise
    except ValueError as exc:       # e.g. a project id already in the workspace
        raise BadParameter(str(exc)) from None


def panel(filters) -> dict:
    """Template context of the scenario panel for this request (empty scenario: the forms only)."""
    frames = data.legacy_frames()
    records = _records_from(request.args.get("scenario", ""))
    if current_user.is_authenticated and request.args.get("load"):
        try:
            _name, _status, loaded = scenario_candidates(workspace(), request.args["load"])
        except KeyError as exc:
            raise BadParameter(str(exc.args[0])) from None
        records = [c.record() for c in loaded]
    proposal = _placement(request.args, frames)
    if proposal is not None:
        records = [c.record() for c in proposal.candidates()]
    added = _added(request.args)
    if added:
        records.append(added)
    remove = request.args.get("remove", "")
    if remove.isdigit() and 0 < int(remove) <= len(records):
        del records[int(remove) - 1]
    # The pickers list every commune and district: sorted once per workspace version, not per page.
    places, districts, labels = data.snapshot().on("2019").remember(("place pickers",), lambda: _pickers(frames))
    context = {"scenario_text": json.dumps(records, ensure_ascii=False), "candidates": records,
               "proposal": proposal, "reasons": proposal.reasons(current_language()) if proposal else [],
               "currencies": list(frames.setting("exchange_rates_vnd")), "places": places,
               "districts": districts, "place_labels": labels, "filter_query": filters.to_query(),
               "saved": list_scenarios(workspace()).to_dict("records") if current_user.is_authenticated else []}
    if not records:
        return {**context, "result": None}
    result = _result(records, filters)
    query = {"scenario": context["scenario_text"], **filters.to_query()}
    communes = frames.communes
    touched = communes[communes["code"].isin(result.changes["commune_code"])]
    bounds = touched.total_bounds if len(touched) else None
    return {**context, "result": result, "summary": result.summary(),
            "changes": result.changes.head(100).to_dict("records"),
            "per_person": "per_person_after_vnd" in result.changes.columns,
            "new_overlaps": result.new_overlaps.to_dict("records"), "problems": result.report.problems,
            "frames": {state: map_frame(bounds, slot=state) for state in ("before", "after")},
            "map_urls": {state: url_for("scenarios.geojson", state=state, **query, lang=current_language())
                         for state in ("before", "after")}}


def _pickers(frames) -> tuple[list, list, dict]:
    """The commune and district pickers' choices, and every choice's label by value."""
    places, districts = _places(frames), _districts(frames)
    return places, districts, dict(places + districts)


def _places(frames) -> list[tuple[str, str]]:
    """(value, label) of every commune, for the commune picker: the code, and names to read."""
    communes = frames.communes.sort_values(["province_name", "district_name", "name"])
    return [(code, f"{name}, {district}, {province}") for code, name, district, province in
            zip(communes["code"], communes["name"], communes["district_name"], communes["province_name"])]


def _districts(frames) -> list[tuple[str, str]]:
    districts = frames.communes.drop_duplicates("district_code").sort_values(["province_name", "district_name"])
    return [(f"district:{code}", f"{name}, {province}") for code, name, province in
            zip(districts["district_code"], districts["district_name"], districts["province_name"]) if code]


@bp.route("/planner/scenario.geojson")
def geojson():
    """The scenario's communes before or after, coloured with one set of gap classes for both."""
    state = request.args.get("state", "after")
    if state not in ("before", "after"):
        raise BadParameter("state must be before or after")
    filters = data.filters_from_request()
    result = _result(_records_from(request.args.get("scenario", "")), filters)
    view = resolve_view("gap")
    both = pd.concat([result.before["gap_score"], result.after["gap_score"]], ignore_index=True)
    classes = view.classify(both)
    colours = pd.Series(classes.colour_of())
    rows = pd.DataFrame((result.before if state == "before" else result.after).drop(columns="geometry"))
    rows["fill"] = (colours.iloc[:len(rows)] if state == "before" else colours.iloc[len(rows):]).to_numpy()
    rows["projects"] = [[] for _ in range(len(rows))]
    detail = data.default_detail()
    return feature_collection(rows, MAP_PROPERTIES, detail, legend=legend(view, classes), view=view.key,
                              sample=data.frames().is_sample, state=state)


@bp.route("/planner/scenarios/save", methods=["POST"])
@require("planner")
def save():
    records = _records_from(request.form.get("scenario", ""))
    try:
        name = save_scenario(workspace(), user_name(), request.form.get("name", ""), _candidates(records))
    except ValueError as exc:
        raise BadParameter(public_text(str(exc))) from None
    return redirect(url_for("pages.planner", load=name))


@bp.route("/planner/scenarios/commit", methods=["POST"])
@require("planner")
def commit():
    try:
        ids = commit_scenario(workspace(), user_name(), request.form.get("name", ""))
    except (KeyError, ValueError) as exc:
        raise BadParameter(public_text(str(exc.args[0] if isinstance(exc, KeyError) else exc))) from None
    return render_template("scenario_committed.html", ids=ids, name=request.form.get("name", ""))


@bp.route("/planner/scenarios/compare")
@require("planner")
def compare():
    names = request.args.getlist("name")
    if not names:
        raise BadParameter(t("scenario.choose"))
    filters = data.filters_from_request()
    try:
        table = compare_scenarios(data.legacy_frames(), workspace(), names, filters)
    except KeyError as exc:
        raise BadParameter(str(exc.args[0])) from None
    return render_template("scenario_compare.html", rows=table.to_dict("records"))
