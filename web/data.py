"""Request → (workspace snapshot, boundary version, Filters) → the core's answer.

Each request pins the workspace snapshot current when it first asks
(geoaid.snapshot), so every figure of one response comes from one file
version, and every result is computed once per version by the snapshot.
Nothing is read or retried here; what is kept is kept by the snapshot, per version.
"""

from __future__ import annotations

from datetime import date

from flask import g, request

from geoaid.analysis import needs
from geoaid.analysis.donor_fit import donor_fits
from geoaid.analysis.donor_names import UnknownDonor
from geoaid.analysis.filters import Filters, filter_names
from geoaid.analysis.frames import Frames
from geoaid.analysis.memoised import Analysis
from geoaid.snapshot import Snapshot, current_snapshot
from web.context import workspace
from web.errors import BadParameter


def snapshot() -> Snapshot:
    """The snapshot this request reads, fixed at its first call."""
    if "geoaid_snapshot" not in g:
        g.geoaid_snapshot = current_snapshot(workspace())
    return g.geoaid_snapshot


def versions() -> list[str]:
    return snapshot().boundaries


def boundary_version() -> str:
    """``?version=2019|2025`` (default 2019, the version the official lists use)."""
    version = request.args.get("version") or "2019"
    if version not in versions():
        raise BadParameter(f"boundary version must be one of {', '.join(versions())}")
    return version


def analysis() -> Analysis:
    """The memoised analysis of the request's boundary version."""
    return snapshot().on(boundary_version())


def frames() -> Frames:
    return analysis().frames


def legacy_frames() -> Frames:
    return snapshot().frames("2019")


def file_version() -> tuple:
    """The workspace file version this request reads."""
    return snapshot().version


def allocations():
    return analysis().allocations()


def coverage_rows(filters: Filters | None = None):
    return analysis().coverage(filters)


def ranking(filters: Filters | None = None):
    return analysis().ranking(filters)


def project_rows(filters: Filters | None = None):
    return analysis().project_rows(filters)


def donors():
    return analysis().donors()


def reach(donor: str, filters: Filters):
    """The donor's reach; UnknownDonor (a 404 with suggestions) is raised, never kept."""
    return analysis().reach(donor, filters)


def need_status():
    """Every local need with its status (met / partly / open), computed once per workspace version."""
    return analysis().remember(("need_status",), lambda: needs.need_status(frames()))


def need_fits():
    """The donors that fit each open need (reasons as catalog keys), once per version and day."""
    today = date.today()
    return analysis().remember(("need_fits", today),
                               lambda: donor_fits(frames(), needs.open_needs(need_status()), today=today))


def neighbour_codes(code: str) -> list[str]:
    return analysis().neighbour_codes(code)


def lineage(code: str) -> list[dict]:
    return snapshot().lineage(code, boundary_version())


def light_geometry(detail: str):
    """Commune geometry simplified for the browser, by commune code (a 400 for an unknown detail)."""
    try:
        return snapshot().light_geometry(boundary_version(), detail)
    except ValueError as exc:
        raise BadParameter(str(exc)) from None


def province_names() -> dict[str, str]:
    communes = frames().communes
    return dict(zip(communes["province_code"], communes["province_name"]))


def filters_from_request() -> Filters:
    """Filters checked against the workspace: a bad value is a 400, an unknown donor a 404.

    What they are checked against is listed once per workspace version: listing the donors
    took most of a cached response's time."""
    names = analysis().remember(("filter names",), lambda: filter_names(frames()))
    try:
        return Filters.from_mapping(request.args, **names)
    except UnknownDonor:
        raise
    except ValueError as exc:
        raise BadParameter(str(exc)) from None


def default_detail() -> str:
    return "national" if len(frames().communes) > 3000 else "province"


def cached_response(build):
    """Response bytes for this exact request (path and query), built once per workspace version."""
    return analysis().remember(("response", request.full_path), build)


def commune_figures(code: str) -> dict:
    """A commune page's figures: its coverage row, neighbours, needs and projects (as records), the
    bounds of it and its neighbours, and its province; once per workspace version and commune
    (shared: read, never change them)."""
    return analysis().remember(("commune page", code), lambda: _commune_figures(code))


def _commune_figures(code: str) -> dict:
    communes = frames().communes
    rows = coverage_rows()
    near = neighbour_codes(code)
    near_rows = rows[rows["commune_code"].isin(near)].sort_values("gap_rank")
    projects = project_rows()
    needs = need_status()
    # The mini-map frames the commune with its neighbours, so their coverage is in view too.
    around = communes[communes["code"].isin([code, *near])]
    return {"commune": rows[rows["commune_code"] == code].iloc[0], "neighbours": near_rows.to_dict("records"),
            "needs": needs[needs["communes"].map(lambda codes: code in codes)].to_dict("records"),
            "projects": projects[projects["commune_code"] == code].to_dict("records"),
            "bounds": around.total_bounds,
            "province": communes.loc[communes["code"] == code, "province_code"].iloc[0]}
