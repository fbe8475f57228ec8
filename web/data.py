"""Per-request access to the analysis, cached per workspace file version.

Parsing (query string → Filters) and caching live here; the analysis itself
is geoaid's. A new workspace version (any import) gets fresh frames,
allocations and simplified geometry automatically.
"""

from __future__ import annotations

import threading

from flask import request

from geoaid.allocation import allocate
from geoaid.filters import Filters
from geoaid.frames import Frames, load_frames
from geoaid.simplify import TOLERANCE, simplify_for_web
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


def frames() -> Frames:
    return _cached("frames", lambda: load_frames(workspace()))


def allocations():
    return _cached("allocations", lambda: allocate(frames()))


def light_geometry(detail: str):
    """Commune geometry simplified for the browser, by commune code."""
    if detail not in TOLERANCE:
        raise BadParameter(f"detail must be one of {', '.join(TOLERANCE)}")
    def build():
        communes = frames().communes
        return simplify_for_web(communes, TOLERANCE[detail]).set_index("code").geometry
    return _cached(f"geometry:{detail}", build)


def province_names() -> dict[str, str]:
    communes = frames().communes
    return dict(zip(communes["province_code"], communes["province_name"]))


def filters_from_request() -> Filters:
    try:
        return Filters.from_mapping(request.args, province_names=province_names())
    except ValueError as exc:
        raise BadParameter(str(exc)) from None


def default_detail() -> str:
    return "national" if len(frames().communes) > 3000 else "province"
