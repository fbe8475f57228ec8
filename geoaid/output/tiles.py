"""Vector tiles of a commune layer: light at national zoom, full useful detail zoomed in.

Why vector tiles (Mapbox Vector Tiles, drawn with Leaflet.VectorGrid) rather
than per-zoom simplified GeoJSON layers: the browser fetches only the tiles
on screen, each cut from geometry simplified for its own zoom, so a view at
zoom 12 carries a few dozen communes at 20 m detail instead of the country;
VectorGrid draws each tile in its own square, so polygons cut at a tile edge
show no seam (cut GeoJSON polygons would outline the cut, or paint the
overlap twice); MVT is binary and quantised to the tile grid (4,096 units a
tile, 1/16 of a screen pixel), and its URL scheme is the one PostGIS's
``ST_AsMVT`` answers, so another storage backend can serve the same URLs.
Tiles are cut here, in Python, from the snapshot's communes, so they work
the same on every storage backend.

Detail per zoom: every zoom has its own level, the whole coverage simplified
once in Web Mercator (``shapely.coverage_simplify``: a border shared by two
communes is simplified once for both, so neighbours keep meeting exactly) at
half a screen pixel of that zoom. Its Visvalingam–Whyatt rule removes
near-zero-width spikes whatever their length, so a handful of communes per
zoom would be drawn more than a pixel from their boundary; those keep their
full geometry at that zoom (their neighbours then meet them within the
neighbour's own sub-pixel error). Every commune's level is thus within one
screen pixel of its full-detail boundary (Hausdorff distance, see
:func:`boundary_error_px`). Encoding rounds to the tile grid: what is
narrower than 1/16 of a pixel there (a sliver of a spike, an islet of a few
square metres at zoom 12) cannot be drawn and is left out
(bench/tiles.py counts the communes this puts more than a pixel off).

The first tile of a zoom simplifies that zoom's level (1–3 s for the
national coverage on this machine); each commune's error is checked when a
tile first draws it. Both are kept with the snapshot, so later tiles only
cut and encode, and a tile once encoded is kept too.

Example::

    tiles = TileSet(communes)                  # codes, names, geometry in EPSG:4326
    body = tiles.tile(12, 3258, 1805)          # MVT bytes, layer "communes" (code, name)
"""

from __future__ import annotations

import threading

import geopandas as gpd
import mapbox_vector_tile
import numpy as np
import shapely
from cachetools import LRUCache

from geoaid.analysis.memoised import Memo

WEB_MERCATOR = "EPSG:3857"
EARTH_CIRCUMFERENCE = 40075016.686       # metres at the equator, the Web Mercator world's width
HALF_WORLD = EARTH_CIRCUMFERENCE / 2
MAX_ZOOM = 14                            # a pixel is 9.6 m; the browser enlarges zoom-14 tiles beyond
# The national light layer (simplified at 0.02°, about 2 km) is drawn up to zoom 6, where a pixel is
# 2.4 km; from zoom 7 on the map draws tiles instead.
FIRST_TILE_ZOOM = 7
SIMPLIFY_PX = 0.5                        # simplification tolerance in screen pixels of the tile's zoom
MAX_ERROR_PX = 1.0                       # a commune drawn farther than this from its boundary keeps full detail
EXTENT = 4096                            # tile units per tile side (the MVT default)
BUFFER = 64                              # tile units drawn beyond each edge, so edge strokes are not cut
LAYER = "communes"
TILE_CACHE_BYTES = 32 * 1024 * 1024      # encoded tiles kept per tile set
# Zoom levels kept per tile set, the least recently drawn going first: a national level holds
# about 18 MB of geometry, and a session moves between a few neighbouring zooms.
KEPT_LEVELS = 4


class TileError(ValueError):
    """A tile address outside the tile pyramid (a 404 on the web)."""


def pixel_size(zoom: int) -> float:
    """Web Mercator metres per screen pixel at ``zoom`` (256-pixel tiles).

    >>> round(pixel_size(12), 2)
    38.22
    """
    return EARTH_CIRCUMFERENCE / (256 * 2 ** zoom)


def tile_bounds(zoom: int, x: int, y: int) -> tuple[float, float, float, float]:
    """The tile's (minx, miny, maxx, maxy) in Web Mercator metres; TileError outside the pyramid.

    >>> tile_bounds(0, 0, 0)[2]
    20037508.343
    """
    if not (0 <= zoom <= MAX_ZOOM and 0 <= x < 2 ** zoom and 0 <= y < 2 ** zoom):
        raise TileError(f"no tile {zoom}/{x}/{y}: zoom 0–{MAX_ZOOM}, x and y 0–2^zoom−1")
    size = EARTH_CIRCUMFERENCE / 2 ** zoom
    return (-HALF_WORLD + x * size, HALF_WORLD - (y + 1) * size,
            -HALF_WORLD + (x + 1) * size, HALF_WORLD - y * size)


def tiles_covering(bounds: tuple[float, float, float, float], zoom: int) -> list[tuple[int, int]]:
    """(x, y) of every tile of ``zoom`` that a Web Mercator rectangle touches (a browser viewport)."""
    size = EARTH_CIRCUMFERENCE / 2 ** zoom
    last = 2 ** zoom - 1
    x0, x1 = (int(np.clip(np.floor((v + HALF_WORLD) / size), 0, last)) for v in (bounds[0], bounds[2]))
    y0, y1 = (int(np.clip(np.floor((HALF_WORLD - v) / size), 0, last)) for v in (bounds[3], bounds[1]))
    return [(x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]


def boundary_error_px(original, drawn, zoom: int) -> np.ndarray:
    """How far, in screen pixels at ``zoom``, each drawn geometry strays from its original
    (Hausdorff distance in Web Mercator metres / pixel size; both arrays in EPSG:3857)."""
    return shapely.hausdorff_distance(np.asarray(original), np.asarray(drawn)) / pixel_size(zoom)


def coverage_simplified(geoms: np.ndarray, tolerance: float) -> np.ndarray:
    """``shapely.coverage_simplify``, also on coverages with degenerate rings.

    GEOS refuses a whole coverage over one zero-area hole (a dissolve of
    communes into a 2025 commune can leave some); ``buffer(0)`` drops such
    rings and changes nothing else. Should GEOS still refuse, each commune
    is simplified on its own (shared borders may then part by up to the
    tolerance, half a pixel).
    """
    if not len(geoms):
        return geoms
    try:
        return np.asarray(shapely.coverage_simplify(geoms, tolerance))
    except shapely.errors.GEOSException:
        cleaned = shapely.buffer(geoms, 0)
    try:
        return np.asarray(shapely.coverage_simplify(cleaned, tolerance))
    except shapely.errors.GEOSException:
        return np.asarray(shapely.simplify(cleaned, tolerance))


class Level:
    """One zoom's geometry: the coverage simplified once, each commune's error checked when first drawn.

    Checking a commune's error costs a Hausdorff distance over its vertices;
    a view at zoom 12 draws a few hundred of the country's 10,000 communes,
    so they are checked as tiles need them, and kept.
    """

    def __init__(self, geoms: np.ndarray, zoom: int):
        self.zoom = zoom
        self.original = geoms
        self.simplified = coverage_simplified(geoms, SIMPLIFY_PX * pixel_size(zoom))
        self._drawn = self.simplified.copy()
        self._checked = np.zeros(len(geoms), dtype=bool)
        self._lock = threading.Lock()

    def drawn(self, positions: np.ndarray | None = None) -> np.ndarray:
        """The geometry drawn at this zoom for ``positions`` (default all), each within a pixel of its
        original: a commune the simplification moved farther keeps its full geometry."""
        positions = np.arange(len(self.original)) if positions is None else np.asarray(positions, dtype=int)
        with self._lock:
            todo = positions[~self._checked[positions]]
            if len(todo):
                far = todo[boundary_error_px(self.original[todo], self.simplified[todo], self.zoom)
                           > MAX_ERROR_PX]
                self._drawn[far] = self.original[far]
                self._checked[todo] = True
            return self._drawn[positions]


class TileSet:
    """The vector tiles of one commune layer at one workspace version (thread-safe, built lazily).

    A zoom's level is simplified on the first tile asked at that zoom; each
    encoded tile is kept (bounded by bytes), so a warm tile costs a lookup.
    """

    def __init__(self, communes: gpd.GeoDataFrame):
        projected = communes.to_crs(WEB_MERCATOR)
        self.codes = projected["code"].astype(str).to_numpy()
        self.names = projected["name"].astype(str).to_numpy()
        self.geometry = np.asarray(projected.geometry.values)
        # Simplified vertices are a subset of the original ones, so the original extents find every commune.
        self._index = shapely.STRtree(self.geometry)
        self._levels = Memo(max_results=KEPT_LEVELS)
        self._tiles: LRUCache = LRUCache(maxsize=TILE_CACHE_BYTES, getsizeof=lambda body: len(body) + 100)
        self._lock = threading.Lock()

    def level(self, zoom: int) -> Level:
        """The geometry of ``zoom`` (positions as in ``codes``)."""
        return self._levels.value(zoom, lambda: Level(self.geometry, zoom))

    def tile(self, zoom: int, x: int, y: int) -> bytes:
        """The MVT tile ``zoom/x/y``: layer "communes", properties code and name; b"" where no commune is.

        TileError for an address outside the pyramid.
        """
        bounds = tile_bounds(zoom, x, y)
        with self._lock:
            body = self._tiles.get((zoom, x, y))
        if body is None:
            body = self._encode(zoom, bounds)
            with self._lock:
                self._tiles[(zoom, x, y)] = body
        return body

    def _encode(self, zoom: int, bounds) -> bytes:
        minx, miny, maxx, maxy = bounds
        unit = (maxx - minx) / EXTENT
        margin = BUFFER * unit
        hits = np.sort(self._index.query(shapely.box(minx - margin, miny - margin, maxx + margin, maxy + margin)))
        if not len(hits):
            return b""
        clipped = shapely.clip_by_rect(self.level(zoom).drawn(hits), minx - margin, miny - margin,
                                       maxx + margin, maxy + margin)
        features = [{"geometry": geom, "properties": {"code": code, "name": name}}
                    for geom, code, name in zip(in_tile_units(clipped, minx, maxy, unit),
                                                self.codes[hits], self.names[hits])
                    if not geom.is_empty]
        if not features:
            return b""
        return mapbox_vector_tile.encode({"name": LAYER, "features": features},
                                         default_options={"y_coord_down": True, "extents": EXTENT})


def in_tile_units(geoms: np.ndarray, minx: float, maxy: float, unit: float) -> np.ndarray:
    """Web Mercator polygons in whole tile units (y down, as MVT stores them), valid and polygonal.

    Rounding can fold a ring onto itself where it runs narrower than a unit.
    The encoder drops a polygon it finds invalid, so such polygons are
    repaired here, keeping their areas and dropping what rounding collapsed
    to a line or a point (narrower than 1/16 of a screen pixel).
    """
    rounded = shapely.transform(geoms, lambda xy: np.round(
        np.column_stack([(xy[:, 0] - minx) / unit, (maxy - xy[:, 1]) / unit])))
    broken = ~shapely.is_valid(rounded)
    if broken.any():
        rounded[broken] = [polygonal(g) for g in
                           shapely.make_valid(rounded[broken], method="structure", keep_collapsed=False)]
    return rounded


def polygonal(geometry):
    """The polygons of a repaired geometry as one (Multi)Polygon (an empty one if none is left)."""
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    parts = [p for p in shapely.get_parts(geometry) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.MultiPolygon()
