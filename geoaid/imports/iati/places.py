"""An activity's ``location`` elements → communes, districts or provinces of the workspace.

* ``point/pos`` ("lat lng", WGS 84) is placed in the commune that contains it
  (the workspace's communes, spatial index); when ``feature-designation`` (or
  ``activity-scope``) says the location is a district or province, the point
  stands for that unit and the unit containing it is used.
* Otherwise the ``name`` narratives (Vietnamese first) with the
  ``administrative`` narratives of higher levels are matched as place names by
  :class:`geoaid.imports.locate.Locator`, English written without diacritics
  included: "Ngoc Hien District, Ca Mau Province" is read as "Huyện Ngoc Hien,
  Tỉnh Ca Mau", "Tan An commune" as "Xã Tan An".
* Level: ``feature-designation`` ADM1 → province, ADM2 → district, anything
  else → commune; without one, ``activity-scope`` 6 → province, 7 → district.
* Kept for each: ``location-reach``, ``exactness``, ``location-class``,
  ``feature-designation`` and the precision (AidData style): ``exact point``
  for a point with exactness 1, else ``approximate area``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from geoaid.imports.iati.activity import narratives
from geoaid.imports.locate import Locator

_ENGLISH_TYPE = re.compile(r"^(.*?)[\s-]+(district|province|commune|ward|town|township|city)\.?$", re.I)
_TYPE_WORDS = {"district": "Huyện", "province": "Tỉnh", "commune": "Xã", "ward": "Phường",
               "town": "Thị trấn", "township": "Thị trấn", "city": "Thành phố"}
_LEVEL_OF_DESIGNATION = {"ADM1": "province", "ADM2": "district"}
_LEVEL_OF_SCOPE = {"6": "province", "7": "district"}
_PREFIX_OF_LEVEL = {"province": "Tỉnh", "district": "Huyện"}


@dataclass
class Placed:
    locations: list[dict] = field(default_factory=list)   # project_locations rows without project_id
    details: list[dict] = field(default_factory=list)     # project_iati_locations rows without project_id
    problems: list[tuple[str, str | None, str]] = field(default_factory=list)


def vietnamese_form(part: str) -> str:
    """One comma-separated part with an English unit word turned into the Vietnamese prefix.

    >>> vietnamese_form("Ngoc Hien District")
    'Huyện Ngoc Hien'
    >>> vietnamese_form("Tan An commune")
    'Xã Tan An'
    """
    match = _ENGLISH_TYPE.match(part.strip())
    return f"{_TYPE_WORDS[match[2].lower()]} {match[1].strip()}" if match and match[1].strip() else part.strip()


def place(activity: ET.Element, default_lang: str, scope: str | None, locator: Locator) -> Placed:
    """Every ``location`` of ``activity`` resolved, or a problem naming it."""
    placed = Placed()
    for number, location in enumerate(activity.findall("location"), 1):
        where = f"location[{number}]"
        designation = _code(location, "feature-designation")
        level = (_LEVEL_OF_DESIGNATION.get(designation, "commune") if designation
                 else _LEVEL_OF_SCOPE.get(scope or "", "commune"))
        found, text, problem = _resolve(location, default_lang, level, locator)
        if problem:
            placed.problems.append((where, text, problem))
            continue
        unit_level, code, lon, lat = found
        exactness = _code(location, "exactness")
        placed.locations.append({"level": unit_level, "unit_code": code, "share_pct": None, "lon": lon,
                                 "lat": lat, "location_text": text})
        placed.details.append({
            "location_ref": location.get("ref"), "level": unit_level, "unit_code": code, "lon": lon, "lat": lat,
            "location_text": text, "reach": _code(location, "location-reach"), "exactness": exactness,
            "location_class": _code(location, "location-class"), "feature_designation": designation,
            "precision": "exact point" if lon is not None and exactness == "1" else "approximate area"})
    if not placed.locations and not placed.problems:
        placed.problems.append(("location", None, "no location: the activity cannot be placed on the map "
                                                  "(give point/pos or a place name)"))
    return placed


def _code(location: ET.Element, child: str) -> str | None:
    element = location.find(child)
    return (element.get("code") or "").strip() or None if element is not None else None


def _resolve(location, default_lang, level, locator: Locator):
    """((level, code, lon, lat), text, None) or (None, text, reason)."""
    names = narratives(location.find("name"), default_lang)
    text = names.get("vi") or next(iter(names.values()), None)
    pos = (location.findtext("point/pos") or "").strip()
    if pos:
        try:
            lat, lon = (float(n) for n in pos.split())
        except ValueError:
            return None, pos, "point/pos is not two numbers 'lat lng'"
        found, problem = locator.resolve(f"{lat}, {lon}")
        if problem:
            return None, pos, problem
        if level == "commune":
            return ("commune", found[1], lon, lat), text or pos, None
        row = locator.communes.loc[locator.communes["code"] == found[1]].iloc[0]
        code = row["district_code"] if level == "district" else row["province_code"]
        return (level, code, lon, lat), text or pos, None
    if not text:
        return None, None, "neither point/pos nor a name"
    parts = [vietnamese_form(part) for part in text.split(",") if part.strip()]
    context = [vietnamese_form(t) for t in _administrative(location, default_lang)
               if all(t.lower() not in p.lower() for p in parts)]
    if len(parts) == 1 and level in _PREFIX_OF_LEVEL and parts[0] == text.strip():
        parts[0] = f"{_PREFIX_OF_LEVEL[level]} {parts[0]}"
    written = ", ".join(parts + context)
    found, problem = locator.resolve(written)
    if problem:
        return None, text, problem
    return (found[0], found[1], None, None), text, None


def _administrative(location, default_lang) -> list[str]:
    """Names of the ``administrative`` units around the place, the smallest (highest level) first."""
    named = []
    for unit in location.findall("administrative"):
        names = narratives(unit, default_lang)
        name = names.get("vi") or next(iter(names.values()), None) or (unit.text or "").strip()
        if name:
            named.append((-int(unit.get("level") or 0), name))
    return [name for _, name in sorted(named)]
