"""Per-request access to the analysis, cached per workspace file version.

Parsing (query string → Filters) and caching live here; the analysis itself
is geoaid's. A new workspace version (any import) gets fresh frames,
allocations and simplified geometry automatically.
"""

from __future__ import annotations

import threading

from flask import g, request

from geoaid.store import schema
from geoaid.analysis.allocation import allocate
from geoaid.analysis.coverage import commune_projects, coverage, ranking_of
from geoaid.output.display_geometry import stored_display
from geoaid.analysis.donors import UnknownDonor, donor_reach, list_donors
from geoaid.analysis.filters import Filters, filters_for
from geoaid.analysis.neighbours import neighbours
from geoaid.analysis.frames import Frames, load_frames
from geoaid.reform.versions import available_versions, frames_for_version
from geoaid.output.simplify import DECIMALS, TOLERANCE, simplify_for_web
from geoaid.store.workspace import WorkspaceError
from web.context import workspace
from web.errors import BadParameter

_lock = threading.Lock()
_cache: dict = {}          # (workspace path, file version, name) -> value
_KEEP_VERSIONS = 2         # the newest and the one requests may still be reading
_MAX_ENTRIES = 256         # per process: bounds memory when many filter combinations are asked


def _store(key, value) -> None:
    with _lock:
        path, version = key[0], key[1]
        others = [v for v in dict.fromkeys(k[1] for k in _cache if k[0] == path) if v != version]
        keep = {version, *others[len(others) - (_KEEP_VERSIONS - 1):]}
        for old in [k for k in _cache if k[0] == path and k[1] not in keep]:
            del _cache[old]
        while len(_cache) >= _MAX_ENTRIES:            # oldest first (dicts keep insertion order)
            del _cache[next(iter(_cache))]
        _cache[key] = value


def _snapshot():
    """The (file version, Frames) this request reads, fixed at its first read.

    Why: an import may swap the workspace file while a request is being
    served. Every figure of one response must come from one version, so the
    request pins the version of the frames it first read, and every derived
    value (allocations, coverage, geometry) is cached under that version and
    built from those frames. The frames themselves are read again if the file
    changed while they were being read.
    """
    if "geoaid_snapshot" not in g:
        ws = workspace()
        for _ in range(20):
            version = ws.version()
            key = (str(ws.path), version, "frames:2019")
            with _lock:
                loaded = _cache.get(key)
            if loaded is None:
                loaded = load_frames(ws)
                if ws.version() != version:
                    continue                              # swapped mid-read: read again
                _store(key, loaded)
            g.geoaid_snapshot = (version, loaded)
            break
        else:
            raise WorkspaceError(f"{ws.path} keeps changing; try again in a moment",
                                 public="The workspace keeps changing; try again in a moment.")
    return g.geoaid_snapshot


def _cached(name: str, build):
    key = (str(workspace().path), _snapshot()[0], name)
    with _lock:
        if key in _cache:
            return _cache[key]
    value = build()
    _store(key, value)
    return value


def versions() -> list[str]:
    return _cached("versions", lambda: available_versions(workspace()))


def boundary_version() -> str:
    """``?version=2019|2025`` (default 2019, the version the official lists use)."""
    version = request.args.get("version") or "2019"
    if version not in versions():
        raise BadParameter(f"boundary version must be one of {', '.join(versions())}")
    return version


def frames() -> Frames:
    version = boundary_version()
    if version == "2019":
        return legacy_frames()
    ws = workspace()
    for _ in range(20):
        pinned, legacy = _snapshot()
        key = (str(ws.path), pinned, f"frames:{version}")
        with _lock:
            if key in _cache:
                return _cache[key]
        # The 2025 frames read more tables (2025 communes, crosswalk) from the file:
        # build them only while the file is still the pinned version, else re-pin.
        if ws.version() == pinned:
            built = frames_for_version(legacy, ws, version)
            if ws.version() == pinned:
                _store(key, built)
                return built
        g.pop("geoaid_snapshot", None)
    raise WorkspaceError(f"{ws.path} keeps changing; try again in a moment",
                         public="The workspace keeps changing; try again in a moment.")


def legacy_frames() -> Frames:
    return _snapshot()[1]


def file_version() -> tuple:
    """The workspace file version this request reads (call after frames(), which may re-pin it)."""
    return _snapshot()[0]


def allocations():
    current = frames()
    return _cached(f"allocations:{boundary_version()}", lambda: allocate(current))


# Analysis results per filter set, computed once per workspace version: the
# views ask for the same coverage many times (a commune page needs its own row
# and its neighbours'), and recomputing it per request starves the server's
# threads of the interpreter under load. Callers get copies they may change.

def _filter_key(filters: Filters | None) -> str:
    return repr(sorted((filters or Filters()).to_query().items()))


def _per_filters(what: str, compute, filters: Filters | None):
    """``compute(frames, filters, allocations)`` for this request's version, cached per filter set."""
    current, filters = frames(), filters or Filters()
    return _cached(f"{what}:{boundary_version()}:{_filter_key(filters)}",
                   lambda: compute(current, filters, allocations())).copy()


def coverage_rows(filters: Filters | None = None):
    """geoaid.analysis.coverage.coverage for the request's boundary version and ``filters``."""
    return _per_filters("coverage", coverage, filters)


def ranking(filters: Filters | None = None):
    """geoaid.analysis.coverage.gap_ranking, from the same cached coverage rows (not computed again)."""
    return ranking_of(coverage_rows(filters))


def project_rows(filters: Filters | None = None):
    """geoaid.analysis.coverage.commune_projects: each project's allocation to each commune."""
    return _per_filters("projects", commune_projects, filters)


def donors():
    """geoaid.analysis.donors.list_donors for the request's version."""
    current = frames()
    return _cached(f"donors:{boundary_version()}", lambda: list_donors(current)).copy()


def reach(donor: str, filters: Filters):
    """geoaid.analysis.donors.donor_reach from the cached allocations (UnknownDonor is raised, not cached).

    The result is shared between requests: views only read it.
    """
    current = frames()
    return _cached(f"reach:{boundary_version()}:{donor}:{_filter_key(filters)}",
                   lambda: donor_reach(current, donor, filters, allocations()))


def neighbour_codes(code: str) -> list[str]:
    communes = frames().communes
    return list(_cached(f"neighbours:{boundary_version()}:{code}",
                        lambda: tuple(neighbours(communes, code)["code"])))


def light_geometry(detail: str):
    """Commune geometry simplified for the browser, by commune code.

    Imported boundaries carry it ready-made (geoaid.output.display_geometry), so a
    file of millions of vertices does not make the first map wait for a
    simplification; otherwise it is simplified here, once per version.
    """
    if detail not in TOLERANCE:
        raise BadParameter(f"detail must be one of {', '.join(TOLERANCE)}")
    communes = frames().communes
    layer = schema.COMMUNES if boundary_version() == "2019" else schema.COMMUNES_2025

    def build():
        stored = stored_display(workspace(), layer, communes, detail)
        if stored is not None:
            return stored
        return simplify_for_web(communes, TOLERANCE[detail], DECIMALS[detail]).set_index("code").geometry
    return _cached(f"geometry:{boundary_version()}:{detail}", build)


def province_names() -> dict[str, str]:
    communes = frames().communes
    return dict(zip(communes["province_code"], communes["province_name"]))


def filters_from_request() -> Filters:
    """Filters checked against the workspace: a bad value is a 400, an unknown donor a 404."""
    try:
        return filters_for(frames(), request.args)
    except UnknownDonor:
        raise
    except ValueError as exc:
        raise BadParameter(str(exc)) from None


def default_detail() -> str:
    return "national" if len(frames().communes) > 3000 else "province"


def cached_response(build):
    """Response bytes for this exact request (path, query, version), built once per workspace version."""
    return _cached(f"response:{request.full_path}", build)


def view_from_request(views) -> str:
    """``?view=`` (default "gap"), one of ``views``; a 400 otherwise."""
    view = request.args.get("view", "gap")
    if view not in views:
        raise BadParameter(f"view must be one of {', '.join(views)}")
    return view
