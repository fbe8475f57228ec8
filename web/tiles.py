"""Vector tiles of the commune layer: ``/tiles/<boundary version>/<z>/<x>/<y>.pbf``.

The tiles are cut by geoaid.output.tiles from the request's workspace
snapshot. A tile changes only when the workspace does, so its ETag is the
snapshot's version (and the boundary version): a browser revalidating a tile
gets a 304 without the tile being cut or read again.
"""

from __future__ import annotations

import gzip
import hashlib

from flask import Blueprint, Response, abort, current_app, request

from geoaid.output.tiles import TileError, tile_bounds
from web import data

bp = Blueprint("tiles", __name__)

MVT = "application/vnd.mapbox-vector-tile"
TILE_FORMAT = "mvt1"   # part of the ETag: a change of how tiles are cut changes every tag


def tile_etag(version: tuple, boundary: str) -> str:
    """One tag per workspace version and boundary version (the URL carries the tile address)."""
    return hashlib.sha256(repr((TILE_FORMAT, version, boundary)).encode()).hexdigest()[:32]


def _tile_address(z: str, x: str, y: str) -> tuple[int, int, int]:
    """The tile address as numbers; a 404 for anything else or outside the pyramid.

    The route takes any text (not Flask's int converter) so a bad address still
    reaches this view, and its error page is built like every other view's.
    """
    if not all(part.isascii() and part.isdigit() and len(part) < 8 for part in (z, x, y)):
        abort(404, description="a tile address is /tiles/<version>/<zoom>/<x>/<y>.pbf in whole numbers")
    address = int(z), int(x), int(y)
    try:
        tile_bounds(*address)
    except TileError as exc:
        abort(404, description=str(exc))
    return address


@bp.route("/tiles/<boundary>/<z>/<x>/<y>.pbf")
def tile(boundary: str, z: str, x: str, y: str):
    """One MVT tile (layer "communes": code, name); an empty body where no commune is."""
    snapshot = data.snapshot()
    if boundary not in snapshot.boundaries:
        abort(404, description=f"boundary version must be one of {', '.join(snapshot.boundaries)}")
    z, x, y = _tile_address(z, x, y)
    wants_gzip = "gzip" in request.headers.get("Accept-Encoding", "")
    etag = tile_etag(snapshot.version, boundary) + ("-gz" if wants_gzip else "")
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        body = snapshot.tiles(boundary).tile(z, x, y)
        response = Response(gzip.compress(body, 6) if wants_gzip else body, mimetype=MVT)
        if wants_gzip:
            response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    response.set_etag(etag)
    response.cache_control.public = True
    response.cache_control.max_age = current_app.config["API_MAX_AGE"]
    return response
