"""Per-request access to the analysis, cached per workspace file version.

Parsing (query string → Filters) and caching live here; the analysis itself
is geoaid's. A new workspace version (any import) gets fresh frames,
allocations and simplified geometry automatically.
"""

from __future__ import annotations

import threading

from flask import request

from geoaid.allocation import allocate
from geoaid.donors import UnknownDonor
from geoaid.filters import Filters, filters_for
from geoaid.frames import Frames, load_frames
from geoaid.reform_aggregate import available_versions, frames_for_version
from geoaid.simplify import DECIMALS, TOLERANCE, simplify_for_web
from web import workspace
from web.errors import BadParameter

_lock = threading.Lock()
_cache: dict = {}


def _cached(name: str, build):
    ws = workspace()
    key = (str(ws.path), ws.version(), name)
    with _lock:
        if key in _cache:
            return _cache[key]
    value = build()
    with _lock:
        for old in [k for k in _cache if k[0] == key[0] and k[1] != key[1]]:
            del _cache[old]
        _cache[key] = value
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
    legacy = _cached("frames:2019", lambda: load_frames(workspace()))
    version = boundary_version()
    if version == "2019":
        return legacy
    return _cached(f"frames:{version}", lambda: frames_for_version(legacy, workspace(), version))


def legacy_frames() -> Frames:
    return _cached("frames:2019", lambda: load_frames(workspace()))


def allocations():
    current = frames()
    return _cached(f"allocations:{boundary_version()}", lambda: allocate(current))


def light_geometry(detail: str):
    """Commune geometry simplified for the browser, by commune code."""
    if detail not in TOLERANCE:
        raise BadParameter(f"detail must be one of {', '.join(TOLERANCE)}")
    communes = frames().communes

    def build():
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
