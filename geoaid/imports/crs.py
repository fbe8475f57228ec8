"""Coordinate reference systems that Vietnamese boundary files come in.

Most provincial shapefiles use VN-2000, either in the national UTM zones
(EPSG:3405 / 3406) or in a provincial TM-3 zone: Transverse Mercator with the
province's own central meridian, scale factor 0.9999 and false easting
500 km (Circular 973/2001/TT-TCĐC). The EPSG dataset shipped with PROJ defines
these zones (EPSG:9205–9218, 5897–5899), so :func:`vn2000_tm3` returns the
EPSG CRS when there is one: a Shapefile written in it keeps a .prj that
names the VN-2000 datum, and GDAL recognises it again on reading.

VN-2000 → WGS 84 always uses the official 7-parameter shift of Decision
05/2007/QĐ-BTNMT (EPSG transformation 6960), applied explicitly by
:func:`to_wgs84`, because PROJ may otherwise pick another published shift
(EPSG:5194, ~1 m apart) depending on which proj.db it loads.

A .prj or PROJ string that spells VN-2000 as "WGS 84 ellipsoid +towgs84=
-191.904…" (common in files written by GDAL from such strings) is also
recognised: an ESRI .prj drops the TOWGS84 clause and keeps the numbers only
in the datum *name*, and read naively that file would land ~300 m off.
"""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.crs import ProjectedCRS
from pyproj.crs.coordinate_operation import TransverseMercatorConversion
from pyproj.exceptions import CRSError

from geoaid.text.names import name_key

VN2000_GEOGRAPHIC = "EPSG:4756"
TM3_SCALE = 0.9999
TM3_FALSE_EASTING = 500000.0

# Official 7-parameter shift VN-2000 → WGS 84 (Decision 05/2007/QĐ-BTNMT) exactly as
# stored in the EPSG dataset: transformation EPSG:6960 "VN-2000 to WGS 84 (2)",
# method Coordinate Frame rotation, translations in metres, rotations in
# arc-seconds, scale difference in ppm. Read from PROJ's proj.db
# (table helmert_transformation, code 6960) and checked there by tests/test_crs.py.
DECISION_05_2007 = dict(x=-191.90441429, y=-39.30318279, z=-111.45032835,
                        rx=-0.00928836, ry=0.01975479, rz=-0.00427372, s=0.252906278)
DECISION_05_2007_EPSG = 6960

_HELMERT = (
    "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad +step +proj=cart +ellps=WGS84 "
    "+step +proj=helmert +x={x} +y={y} +z={z} +rx={rx} +ry={ry} +rz={rz} +s={s} "
    "+convention=coordinate_frame +step +inv +proj=cart +ellps=WGS84 "
    "+step +proj=unitconvert +xy_in=rad +xy_out=deg"
).format(**DECISION_05_2007)

# Provincial central meridians of the VN-2000 TM-3 zones (Circular 973/2001/TT-TCĐC),
# for the 63 provinces of the legacy structure, keyed by GSO province code.
# Sources, cross-checked:
#  * the EPSG dataset in PROJ: the areas of use of EPSG:9205–9218 and 5899 name the
#    provinces of each provincial TM-3 zone — that confirms 53 of these 63 entries
#    (every meridian except 105°00' and 108°00', whose EPSG zones 5897/5898 are not
#    provincial); tests/test_crs.py checks the table against proj.db;
#  * published tables of the circular's annex (rtk.com.vn "kinh tuyến trục hệ tọa độ
#    địa phương VN2000", viet-thanh.vn, the dart_vn2000 package's province list),
#    which agree with each other and with EPSG on every province; the 105°00'
#    provinces (Hà Nội, Vĩnh Phúc, Hà Nam, Ninh Bình, Thanh Hóa, Đồng Tháp, Cần Thơ,
#    Hậu Giang, Bạc Liêu) and Quảng Ngãi (108°00') rest on these tables alone.
# The circular's own text was not consulted. A survey office may use a different
# zone for a particular map: the meridian in the file's metadata always wins
# ("VN2000-TM3:105.75").
PROVINCES: dict[str, tuple[str, float]] = {
    "01": ("Hà Nội", 105.0), "02": ("Hà Giang", 105.5), "04": ("Cao Bằng", 105.75),
    "06": ("Bắc Kạn", 106.5), "08": ("Tuyên Quang", 106.0), "10": ("Lào Cai", 104.75),
    "11": ("Điện Biên", 103.0), "12": ("Lai Châu", 103.0), "14": ("Sơn La", 104.0),
    "15": ("Yên Bái", 104.75), "17": ("Hòa Bình", 106.0), "19": ("Thái Nguyên", 106.5),
    "20": ("Lạng Sơn", 107.25), "22": ("Quảng Ninh", 107.75), "24": ("Bắc Giang", 107.0),
    "25": ("Phú Thọ", 104.75), "26": ("Vĩnh Phúc", 105.0), "27": ("Bắc Ninh", 105.5),
    "30": ("Hải Dương", 105.5), "31": ("Hải Phòng", 105.75), "33": ("Hưng Yên", 105.5),
    "34": ("Thái Bình", 105.5), "35": ("Hà Nam", 105.0), "36": ("Nam Định", 105.5),
    "37": ("Ninh Bình", 105.0), "38": ("Thanh Hóa", 105.0), "40": ("Nghệ An", 104.75),
    "42": ("Hà Tĩnh", 105.5), "44": ("Quảng Bình", 106.0), "45": ("Quảng Trị", 106.25),
    "46": ("Thừa Thiên Huế", 107.0), "48": ("Đà Nẵng", 107.75), "49": ("Quảng Nam", 107.75),
    "51": ("Quảng Ngãi", 108.0), "52": ("Bình Định", 108.25), "54": ("Phú Yên", 108.5),
    "56": ("Khánh Hòa", 108.25), "58": ("Ninh Thuận", 108.25), "60": ("Bình Thuận", 108.5),
    "62": ("Kon Tum", 107.5), "64": ("Gia Lai", 108.5), "66": ("Đắk Lắk", 108.5),
    "67": ("Đắk Nông", 108.5), "68": ("Lâm Đồng", 107.75), "70": ("Bình Phước", 106.25),
    "72": ("Tây Ninh", 105.5), "74": ("Bình Dương", 105.75), "75": ("Đồng Nai", 107.75),
    "77": ("Bà Rịa - Vũng Tàu", 107.75), "79": ("Hồ Chí Minh", 105.75), "80": ("Long An", 105.75),
    "82": ("Tiền Giang", 105.75), "83": ("Bến Tre", 105.75), "84": ("Trà Vinh", 105.5),
    "86": ("Vĩnh Long", 105.5), "87": ("Đồng Tháp", 105.0), "89": ("An Giang", 104.75),
    "91": ("Kiên Giang", 104.5), "92": ("Cần Thơ", 105.0), "93": ("Hậu Giang", 105.0),
    "94": ("Sóc Trăng", 105.5), "95": ("Bạc Liêu", 105.0), "96": ("Cà Mau", 104.5),
}
PROVINCE_MERIDIANS = {code: meridian for code, (_, meridian) in PROVINCES.items()}

# Other spellings users type (name_key of the spelling → GSO code).
_PROVINCE_ALIASES = {"baccan": "06", "hue": "46", "tphue": "46", "hcm": "79", "tphcm": "79",
                     "saigon": "79", "brvt": "77", "vungtau": "77", "daclak": "66",
                     "dacnong": "67", "hn": "01"}
_PROVINCE_BY_KEY = {name_key(name): code for code, (name, _) in PROVINCES.items()}
_PROVINCE_BY_KEY.update(_PROVINCE_ALIASES)

# EPSG's VN-2000 TM-3 CRSs by central meridian (all k=0.9999, x_0=500 km; checked
# against proj.db by tests/test_crs.py).
EPSG_TM3 = {102.0: 5896, 103.0: 9205, 104.0: 9206, 104.5: 9207, 104.75: 9208, 105.0: 5897,
            105.5: 9209, 105.75: 9210, 106.0: 9211, 106.25: 9212, 106.5: 9213, 107.0: 9214,
            107.25: 9215, 107.5: 9216, 107.75: 5899, 108.0: 5898, 108.25: 9217, 108.5: 9218}

CRS_EXAMPLES = "EPSG:4326, EPSG:3405, VN2000-TM3:105.5, VN2000-TM3:province=96"
CRS_HELP = ("Give the CRS with --crs, e.g. --crs EPSG:4326 (longitude/latitude), "
            "--crs EPSG:3405 (VN-2000 / UTM 48N; EPSG:3406 for 49N), --crs VN2000-TM3:105.5 "
            "(VN-2000 provincial TM-3 zone with central meridian 105°30'), or "
            "--crs VN2000-TM3:province=96 (the zone of that province, GSO code or name).")

_DMS = re.compile(r"^\s*(\d{3})(?:\s*[°d\-\s]\s*(\d{1,2})\s*['′]?)?\s*$")


def province_code(text: str) -> str | None:
    """GSO code of a legacy province given by code ("2", "02") or name ("Cà Mau", "ca mau")."""
    text = (text or "").strip()
    if text.isdigit():
        return text.zfill(2) if text.zfill(2) in PROVINCES else None
    return _PROVINCE_BY_KEY.get(name_key(text))


def parse_meridian(text: str) -> float:
    """Read a central meridian: ``105.5``, ``105,5``, ``105°30'``, ``105-30`` or ``105 30``."""
    raw = str(text).strip()
    try:
        return float(raw.replace(",", "."))
    except ValueError:
        pass
    match = _DMS.match(raw)
    if not match or int(match.group(2) or 0) >= 60:
        raise ValueError(f"cannot read the central meridian {text!r}; write it as 105.5 or 105°30'")
    return int(match.group(1)) + int(match.group(2) or 0) / 60


def vn2000_tm3(central_meridian: float) -> CRS:
    """VN-2000 TM-3 zone with the given central meridian (degrees east).

    Returns the EPSG CRS when EPSG defines that zone (every provincial
    meridian does), otherwise an equivalent CRS built on EPSG:4756.
    """
    meridian = float(central_meridian)
    if not 100.0 <= meridian <= 112.0:
        raise ValueError(f"central meridian {meridian:g} is outside Vietnam (100–112° E)")
    quarter = round(meridian * 4) / 4
    code = EPSG_TM3.get(quarter) if abs(quarter - meridian) < 1e-9 else None
    if code is not None:
        return CRS.from_epsg(code)
    conversion = TransverseMercatorConversion(
        latitude_natural_origin=0.0, longitude_natural_origin=meridian,
        false_easting=TM3_FALSE_EASTING, false_northing=0.0, scale_factor_natural_origin=TM3_SCALE,
    )
    return ProjectedCRS(conversion=conversion, geodetic_crs=CRS(VN2000_GEOGRAPHIC),
                        name=f"VN-2000 / TM-3 {_dm(meridian)}")


def _dm(meridian: float) -> str:
    degrees = int(meridian)
    return f"{degrees}-{round((meridian - degrees) * 60):02d}"


def resolve_crs(text: str) -> CRS:
    """Read a CRS the way a user would write it.

    Accepts ``EPSG:3405`` or ``3405``, ``VN2000-TM3:105.5`` (or ``105°30'``),
    ``VN2000-TM3:province=96`` (GSO code or province name, any spelling or
    diacritics), or any WKT/PROJ string pyproj understands. Raises
    ValueError naming the accepted forms.
    """
    raw = (text or "").strip()
    if not raw:
        raise ValueError("empty CRS. " + CRS_HELP)
    head, _, arg = raw.partition(":")
    if head.strip().upper().replace("_", "-").replace(" ", "") in ("VN2000-TM3", "VN-2000-TM3", "TM3"):
        arg = arg.strip()
        if arg.lower().startswith("province="):
            province = arg.split("=", 1)[1].strip()
            code = province_code(province)
            if code is None:
                raise ValueError(f"unknown province {province!r} for a TM-3 zone; give its GSO code "
                                 "(01–96, legacy 63 provinces) or name, or the meridian itself, "
                                 "e.g. VN2000-TM3:105.75")
            return vn2000_tm3(PROVINCE_MERIDIANS[code])
        return vn2000_tm3(parse_meridian(arg))
    if raw.isdigit():
        raw = f"EPSG:{raw}"
    try:
        return CRS.from_user_input(raw)
    except (CRSError, ValueError, TypeError) as exc:
        raise ValueError(f"unknown CRS {text!r}. {CRS_HELP}") from exc


_TOWGS84_IN_NAME = re.compile(r"towgs84[=_ ,]*((?:-?\d+(?:[._]\d+)?[_, ]*){3})", re.IGNORECASE)
_NUMBER = re.compile(r"-?\d+(?:[._]\d+)?")


def _towgs84_translation(crs: CRS) -> tuple[float, float, float] | None:
    """The datum shift a CRS carries as +towgs84 (bound CRS) or in its datum name."""
    if crs.is_bound and crs.coordinate_operation is not None:
        params = [p.value for p in crs.coordinate_operation.params][:3]
        if len(params) == 3:
            return tuple(params)
    geodetic = crs.geodetic_crs
    name = geodetic.datum.name if geodetic is not None else ""
    match = _TOWGS84_IN_NAME.search(name)
    if match:
        numbers = [float(n.replace("_", ".")) for n in _NUMBER.findall(match.group(1))][:3]
        if len(numbers) == 3:
            return tuple(numbers)
    return None


def is_vn2000(crs: CRS) -> bool:
    """True when ``crs`` is based on the VN-2000 datum (geographic or projected).

    Recognised by the datum's name, or by a +towgs84 shift within 2 m of a
    published VN-2000 → WGS 84 shift (EPSG:6960 or EPSG:5194).
    """
    geodetic = crs.geodetic_crs
    name = (geodetic.datum.name if geodetic is not None else "").lower().replace(" ", "_")
    if any(tag in name for tag in ("vietnam_2000", "vn-2000", "vn_2000", "vn2000")):
        return True
    shift = _towgs84_translation(crs)
    published = [(DECISION_05_2007["x"], DECISION_05_2007["y"], DECISION_05_2007["z"]),
                 (-192.873, -39.382, -111.202)]  # EPSG:5194, Mekong delta blocks
    return shift is not None and any(
        all(abs(a - b) < 2.0 for a, b in zip(shift, ref)) for ref in published)


def _base(crs: CRS) -> CRS:
    """The CRS without any +towgs84 binding: its own projection and ellipsoid only."""
    return crs.source_crs if crs.is_bound else crs


def to_wgs84(geoms: gpd.GeoSeries) -> gpd.GeoSeries:
    """Reproject to EPSG:4326, applying the official VN-2000 shift explicitly.

    For a VN-2000 CRS the map projection is undone on the CRS's own
    ellipsoid (no datum change), then the Decision 05/2007 shift moves the
    points to WGS 84, whatever shift PROJ or the file would otherwise use.
    """
    if geoms.crs is None:
        raise ValueError("geometries have no CRS. " + CRS_HELP)
    if not is_vn2000(geoms.crs):
        return geoms.to_crs("EPSG:4326")
    base = _base(geoms.crs)
    geographic = geoms.set_crs(base, allow_override=True).to_crs(base.geodetic_crs)
    shift = Transformer.from_pipeline(_HELMERT)
    moved = shapely.transform(geographic.values, lambda xy: _apply(shift, xy))
    return gpd.GeoSeries(moved, index=geoms.index, crs="EPSG:4326")


def from_wgs84(geoms: gpd.GeoSeries, crs: CRS) -> gpd.GeoSeries:
    """The inverse of :func:`to_wgs84`: WGS 84 to ``crs`` with the official shift."""
    crs = CRS.from_user_input(crs)
    if not is_vn2000(crs):
        return geoms.to_crs(crs)
    base = _base(crs)
    shift = Transformer.from_pipeline(_HELMERT)
    moved = shapely.transform(geoms.to_crs("EPSG:4326").values,
                              lambda xy: _apply(shift, xy, inverse=True))
    projected = gpd.GeoSeries(moved, index=geoms.index, crs=base.geodetic_crs).to_crs(base)
    return projected.set_crs(crs, allow_override=True)


def _apply(transformer: Transformer, xy, inverse: bool = False):
    direction = "INVERSE" if inverse else "FORWARD"
    x, y, _ = transformer.transform(xy[:, 0], xy[:, 1], np.zeros(len(xy)), direction=direction)
    return np.column_stack([x, y])


def describe(crs: CRS) -> str:
    """A short human description of a CRS for reports and metadata."""
    epsg = crs.to_epsg(min_confidence=90)
    label = f"{crs.name} (EPSG:{epsg})" if epsg else crs.name
    if is_vn2000(crs):
        label += f"; VN-2000 → WGS 84 by the official shift (Decision 05/2007/QĐ-BTNMT, EPSG:{DECISION_05_2007_EPSG})"
    return label


def hint_for_bounds(bounds) -> str:
    """What a file's raw coordinates suggest when it has no CRS (a guess to check, never applied)."""
    minx, miny, maxx, maxy = bounds
    if 100 <= minx and maxx <= 120 and 5 <= miny and maxy <= 25:
        return ("The coordinates look like longitude/latitude in Vietnam: if they are WGS 84, "
                "use --crs EPSG:4326 (VN-2000 degrees: --crs EPSG:4756).")
    if 150_000 <= minx and maxx <= 850_000 and 900_000 <= miny and maxy <= 2_700_000:
        return ("The coordinates look like metres in a VN-2000 zone: a provincial TM-3 zone "
                "(--crs VN2000-TM3:province=<GSO code>, or the central meridian from the file's "
                "metadata) or UTM (--crs EPSG:3405 west of 108°E, EPSG:3406 east of it).")
    return ""
