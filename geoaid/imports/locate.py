"""Turn the locations people write into communes, districts and provinces.

One cell may hold several locations separated by ``;`` (or new lines), each
optionally followed by a stated share: ``"Xã Tân Thành, Cà Mau (40%)"``.
A location may be:

* a GSO commune code (``32002``);
* names, most specific first, comma separated: commune[, district][, province];
* a district or province as a whole (``Huyện Đầm Dơi``, ``Tỉnh Cà Mau``):
  the project then covers that area;
* coordinates ``lat, lon`` (or ``lon, lat``: told apart by Vietnam's
  ranges), assigned to the commune that contains the point.

Names are compared with :mod:`geoaid.text.names`. A name that fits several
units (the same commune name in two districts) is reported as ambiguous
with the candidates; it is never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import geopandas as gpd
import shapely

from geoaid.text.names import accent_key, has_diacritics, name_key, split_unit_type

_SHARE = re.compile(r"\(\s*(\d+(?:[.,]\d+)?)\s*%\s*\)\s*$")
_NUMBER = r"-?\d{1,3}(?:\.\d+)?"
_COORDS = re.compile(rf"^\s*({_NUMBER})\s*[,; ]\s*({_NUMBER})\s*$")
_DISTRICT_TYPES = {"huyen", "quan", "thi xa", "thanh pho", "tp"}
_COMMUNE_TYPES = {"xa", "phuong", "thi tran"}


def _same_type(type_key: str | None) -> str | None:
    """"TP" is "Thành phố"."""
    return "thanh pho" if type_key == "tp" else type_key


@dataclass(frozen=True)
class Location:
    level: str                   # "commune" | "district" | "province"
    unit_code: str
    share_pct: float | None
    text: str
    lon: float | None = None
    lat: float | None = None


class Locator:
    """Resolves location text against a communes layer (built once per import)."""

    def __init__(self, communes: gpd.GeoDataFrame):
        self.communes = communes.reset_index(drop=True)
        c = self.communes
        self.codes = set(c["code"])
        # Built once: a file of many points (an IATI export) asks for one commune per point.
        self._sindex, self._code_at = c.sindex, c["code"].to_numpy()
        self.by_commune: dict[str, list[int]] = {}
        for i, name in enumerate(c["name"]):
            self.by_commune.setdefault(name_key(name), []).append(i)
        self.districts: dict[str, set[tuple[str, str]]] = {}
        for dcode, dname, pcode in zip(c["district_code"], c["district_name"], c["province_code"]):
            if isinstance(dname, str):
                self.districts.setdefault(name_key(dname), set()).add((dcode, pcode))
        self.provinces = {name_key(n): p for n, p in zip(c["province_name"], c["province_code"])}
        self.district_names = dict(zip(c["district_code"], c["district_name"]))
        self.province_names = dict(zip(c["province_code"], c["province_name"]))
        # Per row, as plain lists: candidates are filtered for every location of every row.
        self._district_of = c["district_code"].tolist()
        self._province_of = c["province_code"].tolist()
        self._type_of = [name_key(unit_type or "") for unit_type in c["unit_type"]]
        self._written_type_of = [split_unit_type(name)[0] for name in c["name"]]

    # -- public ------------------------------------------------------------
    def resolve_cell(self, cell) -> tuple[list[Location], list[str]]:
        """All locations in one cell, and the reasons for those that failed."""
        locations, problems = [], []
        if cell is None or not str(cell).strip():
            return [], ["no location given"]
        for part in re.split(r"[;\n]+", str(cell)):
            part = part.strip()
            if not part:
                continue
            share = None
            match = _SHARE.search(part)
            if match:
                share = float(match[1].replace(",", "."))
                part = part[:match.start()].strip()
            found, problem = self.resolve(part)
            if problem:
                problems.append(f"{part!r}: {problem}")
            else:
                locations.append(Location(found[0], found[1], share, part, *found[2:]))
        return locations, problems

    def resolve(self, text: str) -> tuple[tuple | None, str | None]:
        """One location → ((level, code[, lon, lat]), None) or (None, reason)."""
        digits = text.replace(" ", "")
        if digits.isdigit():
            code = digits.zfill(5)
            return ((("commune", code), None) if code in self.codes
                    else (None, f"unknown commune code {code}"))
        coords = _COORDS.match(text)
        if coords:
            return self._point(float(coords[1]), float(coords[2]))
        parts = [p.strip() for p in text.split(",") if p.strip()]
        head, context = parts[0], parts[1:]
        head_type, _ = split_unit_type(head)
        # The last context part names the province when it can ("…, TP Cà Mau, Cà Mau").
        province = self.provinces.get(name_key(context[-1])) if context else None
        district = self._context_district(context[:-1] if province else context, province)
        if isinstance(district, str) and district.startswith("!"):
            return None, district[1:]
        if head_type in ("tinh",) or (not context and head_type is None and name_key(head) in self.provinces
                                      and name_key(head) not in self.by_commune
                                      and name_key(head) not in self.districts):
            code = self.provinces.get(name_key(head))
            return (("province", code), None) if code else (None, "unknown province")
        if head_type in _DISTRICT_TYPES:
            return self._district(head, province)
        found = self._commune(head, head_type, district, province)
        if head_type is None and name_key(head) in self.districts:
            as_district = self._district(head, province)
            if found[0] is None:
                return as_district
            if as_district[0] is not None and district is None:
                return None, (f"fits both a commune ({found[0][1]}) and a district "
                              f"({as_district[0][1]}); write 'Xã/Phường/Thị trấn …' for the "
                              "commune or 'Huyện/Thành phố/Thị xã …' for the whole district")
        return found

    def resolve_district(self, district: str, province: str | None = None):
        """A name known to be a district (e.g. from a "huyện" column)."""
        code = self.provinces.get(name_key(province)) if province else None
        if province and code is None:
            return None, f"unknown province {province!r}"
        return self._district(district, code)

    def resolve_commune(self, name: str, district: str | None = None, province: str | None = None):
        """A name known to be a commune, inside a district/province given by code (a heading above it)."""
        return self._commune(name, split_unit_type(name)[0], district, province)

    def province_of_district(self, district: str) -> str | None:
        return next((p for options in self.districts.values() for d, p in options if d == district), None)

    # -- helpers -------------------------------------------------------------
    def _point(self, a: float, b: float):
        lat, lon = (a, b) if a < 30 else (b, a)
        point = shapely.Point(lon, lat)
        hits = self._sindex.query(point, predicate="intersects")
        if len(hits) == 0:
            return None, f"no commune contains the point lat {lat}, lon {lon}"
        code = self._code_at[int(hits[0])]
        return ("commune", code, lon, lat), None

    def _of_written_type(self, options: set[str], text: str) -> set[str]:
        """The districts among ``options`` of the unit type written, when one is: "Huyện Cai Lậy" is
        not "Thị xã Cai Lậy" of the same province."""
        written = _same_type(split_unit_type(text)[0])
        if written is None or len(options) < 2:
            return options
        return {d for d in options if _same_type(split_unit_type(self.district_names[d])[0]) == written}

    def _context_district(self, context, province):
        for part in context:
            key = name_key(part)
            options = self._of_written_type(
                {d for d, p in self.districts.get(key, set()) if province in (None, p)}, part)
            if len(options) == 1:
                return options.pop()
            if len(options) > 1:
                if province is not None:      # namesakes in one province: a town and its district
                    return ("!district name fits several districts of that province; write its type "
                            "(Huyện, Thành phố, Thị xã, Quận)")
                return "!district name fits several districts; add the province"
            if key not in self.provinces:
                return f"!unknown district or province {part!r}"
        return None

    def _district(self, text, province):
        options = self._of_written_type(
            {d for d, p in self.districts.get(name_key(text), set()) if province in (None, p)}, text)
        if len(options) == 1:
            return ("district", options.pop()), None
        if not options:
            return None, "unknown district"
        names = ", ".join(f"{d} ({self.province_names.get(p)})" for d, p in
                          sorted(self.districts[name_key(text)]))
        return None, f"ambiguous district: {names}; add the province"

    def _commune(self, text, head_type, district, province):
        rows = self.by_commune.get(name_key(text), [])
        c = self.communes
        candidates = [i for i in rows
                      if (district is None or self._district_of[i] == district)
                      and (province is None or self._province_of[i] == province)
                      and (head_type is None or head_type not in _COMMUNE_TYPES
                           or self._type_of[i] == name_key(head_type)
                           or self._written_type_of[i] == head_type)]
        if len(candidates) > 1 and has_diacritics(text):
            # "Tân Thành" written with its diacritics is not "Tân Thạnh".
            exact = [i for i in candidates if accent_key(c.at[i, "name"]) == accent_key(text)]
            candidates = exact or candidates
        if len(candidates) == 1:
            return ("commune", self._code_at[candidates[0]]), None
        if not candidates:
            return None, "unknown commune" + (" in that district/province" if rows else "")
        listed = "; ".join(f"{c.at[i, 'name']}, {c.at[i, 'district_name']} ({c.at[i, 'code']})"
                           for i in candidates[:6])
        return None, (f"ambiguous: {len(candidates)} communes have this name ({listed}); "
                      "add the district or the unit type (Xã/Phường/Thị trấn)")
