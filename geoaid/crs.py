"""Coordinate reference systems that Vietnamese boundary files come in.

Most provincial shapefiles use VN-2000, either in the national UTM zones
(EPSG:3405 / 3406) or in a provincial TM-3 zone: Transverse Mercator with the
province's own central meridian and scale factor 0.9999 (Circular
973/2001/TT-TCĐC). The TM-3 CRS is built on the EPSG VN-2000 geographic CRS
(EPSG:4756), so PROJ applies the EPSG transformation "VN-2000 to WGS 84 (2)"
— the official 7-parameter shift of Decision 05/2007/QĐ-BTNMT — and a
Shapefile written in it keeps a .prj that names the VN-2000 datum (a
``+towgs84`` string would be lost in a .prj and silently shift data ~300 m).
"""

from __future__ import annotations

import geopandas as gpd
import shapely
from pyproj import CRS, Transformer
from pyproj.crs import ProjectedCRS
from pyproj.crs.coordinate_operation import TransverseMercatorConversion

from geoaid.textnorm import name_key

VN2000_GEOGRAPHIC = "EPSG:4756"
TM3_SCALE = 0.9999

# Official 7-parameter shift VN-2000 → WGS 84 (Decision 05/2007/QĐ-BTNMT), as stored
# in the EPSG dataset (transformation "VN-2000 to WGS 84 (2)", coordinate-frame
# rotations in arc-seconds, scale in ppm). Used by tests to check PROJ applies it.
DECISION_05_2007 = dict(x=-191.90441429, y=-39.30318279, z=-111.45032835,
                        rx=-0.00928836, ry=0.01975479, rz=-0.00427372, s=0.252906278)

_HELMERT = (
    "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad +step +proj=cart +ellps=WGS84 "
    "+step +proj=helmert +x={x} +y={y} +z={z} +rx={rx} +ry={ry} +rz={rz} +s={s} "
    "+convention=coordinate_frame +step +inv +proj=cart +ellps=WGS84 "
    "+step +proj=unitconvert +xy_in=rad +xy_out=deg"
).format(**DECISION_05_2007)

# Provincial central meridians of the VN-2000 TM-3 zones (Circular 973/2001/TT-TCĐC),
# for the demo provinces. Other provinces: give the meridian explicitly
# ("VN2000-TM3:105.75") as stated in the file's metadata or by your survey office.
PROVINCE_MERIDIANS = {
    "02": 105.5,   # Hà Giang, 105°30'
    "91": 104.5,   # Kiên Giang, 104°30'
    "95": 105.0,   # Bạc Liêu, 105°00'
    "96": 104.5,   # Cà Mau, 104°30'
}
_PROVINCE_NAMES = {"hagiang": "02", "kiengiang": "91", "baclieu": "95", "camau": "96"}

CRS_HELP = ("Give the CRS with --crs, e.g. --crs EPSG:4326 (longitude/latitude), "
            "--crs EPSG:3405 (VN-2000 / UTM 48N), --crs VN2000-TM3:105.5 (VN-2000 provincial "
            "TM-3 zone with central meridian 105°30'), or --crs VN2000-TM3:province=96.")


def vn2000_tm3(central_meridian: float) -> CRS:
    """VN-2000 TM-3 zone with the given central meridian (degrees east)."""
    if not 100.0 <= central_meridian <= 112.0:
        raise ValueError(f"central meridian {central_meridian} is outside Vietnam (100–112° E)")
    conversion = TransverseMercatorConversion(
        latitude_natural_origin=0.0, longitude_natural_origin=central_meridian,
        false_easting=500000.0, false_northing=0.0, scale_factor_natural_origin=TM3_SCALE,
    )
    return ProjectedCRS(conversion=conversion, geodetic_crs=CRS(VN2000_GEOGRAPHIC),
                        name=f"VN-2000 / TM-3 {central_meridian:g}")


def resolve_crs(text: str) -> CRS:
    """Read a CRS the way a user would write it.

    Accepts ``EPSG:3405`` or ``3405``, ``VN2000-TM3:105.5``,
    ``VN2000-TM3:province=96`` (GSO code or province name), or any WKT/PROJ
    string pyproj understands. Raises ValueError with the accepted forms.
    """
    raw = (text or "").strip()
    if not raw:
        raise ValueError("empty CRS. " + CRS_HELP)
    upper = raw.upper()
    if upper.startswith("VN2000-TM3:") or upper.startswith("VN2000_TM3:"):
        arg = raw.split(":", 1)[1].strip()
        if arg.lower().startswith("province="):
            province = arg.split("=", 1)[1].strip()
            code = province.zfill(2) if province.isdigit() else _PROVINCE_NAMES.get(name_key(province))
            if code not in PROVINCE_MERIDIANS:
                raise ValueError(f"no TM-3 central meridian on record for province {province!r}; "
                                 "give it explicitly, e.g. VN2000-TM3:105.75")
            return vn2000_tm3(PROVINCE_MERIDIANS[code])
        try:
            return vn2000_tm3(float(arg.replace(",", ".")))
        except ValueError as exc:
            raise ValueError(f"cannot read TM-3 central meridian {arg!r}: {exc}") from None
    if raw.isdigit():
        raw = f"EPSG:{raw}"
    try:
        return CRS.from_user_input(raw)
    except Exception as exc:  # pyproj raises CRSError, a ValueError subclass in some versions
        raise ValueError(f"unknown CRS {text!r}. {CRS_HELP}") from exc


def is_vn2000(crs: CRS) -> bool:
    """True when ``crs`` is based on the VN-2000 datum (geographic or projected)."""
    geodetic = crs.geodetic_crs
    name = (geodetic.datum.name if geodetic is not None else "").lower().replace(" ", "_")
    return "vietnam_2000" in name or "vn-2000" in name or "vn_2000" in name


def to_wgs84(geoms: gpd.GeoSeries) -> gpd.GeoSeries:
    """Reproject to EPSG:4326, applying the official VN-2000 shift explicitly.

    PROJ knows two VN-2000 → WGS 84 transformations of equal stated accuracy
    and which one it picks depends on the proj.db it loads (GDAL wheels ship
    their own); they differ by about 0.8 m. geoaid always applies the one of
    Decision 05/2007/QĐ-BTNMT so results do not depend on import order.
    """
    if geoms.crs is None:
        raise ValueError("geometries have no CRS. " + CRS_HELP)
    if not is_vn2000(geoms.crs):
        return geoms.to_crs("EPSG:4326")
    geographic = geoms.to_crs(VN2000_GEOGRAPHIC)  # only the map projection is undone here
    shift = Transformer.from_pipeline(_HELMERT)
    moved = shapely.transform(geographic.values, lambda xy: _apply(shift, xy))
    return gpd.GeoSeries(moved, index=geoms.index, crs="EPSG:4326")


def from_wgs84(geoms: gpd.GeoSeries, crs: CRS) -> gpd.GeoSeries:
    """The inverse of :func:`to_wgs84`: WGS 84 to ``crs`` with the official shift."""
    if not is_vn2000(crs):
        return geoms.to_crs(crs)
    shift = Transformer.from_pipeline(_HELMERT)
    moved = shapely.transform(geoms.to_crs("EPSG:4326").values,
                              lambda xy: _apply(shift, xy, inverse=True))
    return gpd.GeoSeries(moved, index=geoms.index, crs=VN2000_GEOGRAPHIC).to_crs(crs)


def _apply(transformer: Transformer, xy, inverse: bool = False):
    import numpy as np

    direction = "INVERSE" if inverse else "FORWARD"
    x, y, _ = transformer.transform(xy[:, 0], xy[:, 1], np.zeros(len(xy)), direction=direction)
    return np.column_stack([x, y])
