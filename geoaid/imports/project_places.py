"""Where a project is, as project lists write it: one "Địa bàn" cell, or Xã / Huyện / Tỉnh columns.

* Several communes in one cell: "Xã Khánh Hòa, xã Khánh Lâm" (or "; ", new
  lines, " và "); names after the communes are their district/province:
  "Xã Khánh Hòa, xã Khánh Lâm, huyện U Minh".
* "Toàn huyện", "các xã trong huyện" (with the district in its column or
  heading, or written after it) cover the district; "Toàn tỉnh" the province.
* The district and province come from their columns, else from the
  section heading ("1. Huyện U Minh"), else (province only) from the
  letterhead ("UBND TỈNH CÀ MAU"). A name that fits several communes is an
  error asking for the district, never a guess (:mod:`geoaid.imports.locate`).
* Code columns (HXL ``#adm3+code``, ``#adm2+code``, ``#adm1+code``) hold GSO
  codes, or P-codes made of "VN" and the GSO code ("VN32233"); a commune code
  matches before the names. A code that matches no unit is reported: an error
  when no name column can stand in for it, else a warning (the name is used).
"""

from __future__ import annotations

import re

from geoaid.imports.locate import Location, Locator
from geoaid.text.names import fold, name_key

_SHARE = re.compile(r"\(\s*(\d+(?:[.,]\d+)?)\s*%\s*\)\s*$")
_COORDS = re.compile(r"^\s*-?\d{1,3}\.\d+\s*[,; ]\s*-?\d{1,3}\.\d+\s*$")
_WHOLE_DISTRICT = re.compile(r"^(?:toan (?:huyen|quan|thi xa|thanh pho)|cac xa(?: phuong)?(?: thi tran)? "
                             r"(?:trong|thuoc|cua|tren dia ban) (?:huyen|quan|thi xa|thanh pho))(?: (.+))?$")
_WHOLE_PROVINCE = re.compile(r"^(?:toan tinh|cac huyen (?:trong|thuoc|cua) tinh)(?: (.+))?$")
_COMMUNE_WORD = re.compile(r"^(?:xa|phuong|thi tran|tt)\b")
_LETTERHEAD = re.compile(r"^(?:ubnd|uy ban nhan dan|so .+?) tinh (.+)$")
_PCODE = re.compile(r"^(?:VN[-_ ]?)?(\d{1,5})$")
_CODE_DIGITS = {"commune_code": 5, "district_code": 3, "province_code": 2}
_CODE_LEVELS = {"commune_code": "commune", "district_code": "district", "province_code": "province"}


def gso_code(text: object, fieldname: str) -> str | None:
    """The GSO code in a code cell: "32233", "VN32233", "VN-973", an Excel number 96.0; None if not one.

    >>> gso_code("VN32233", "commune_code"), gso_code(973.0, "district_code"), gso_code("VN9601", "commune_code")
    ('32233', '973', None)
    """
    raw = str(text).strip().upper()
    raw = raw[:-2] if raw.endswith(".0") else raw
    match = _PCODE.match(raw)
    digits = _CODE_DIGITS[fieldname]
    if not match or (raw.startswith("VN") and len(match[1]) != digits):
        return None
    return match[1].zfill(digits)


def split_places(text: str) -> list[tuple[str, float | None]]:
    """Each location written in a cell, with its stated share: communes listed together share their context.

    >>> split_places("Xã Khánh Hòa, xã Khánh Lâm, huyện U Minh")
    [('Xã Khánh Hòa, huyện U Minh', None), ('xã Khánh Lâm, huyện U Minh', None)]
    """
    places = []
    for chunk in re.split(r"[;\n]+", str(text)):
        chunk, share = chunk.strip(), None
        if match := _SHARE.search(chunk):
            share, chunk = float(match[1].replace(",", ".")), chunk[:match.start()].strip()
        if not chunk:
            continue
        pieces = [p.strip() for p in re.split(r",|\s+và\s+", chunk) if p.strip()]
        heads = 1
        while heads < len(pieces) and _COMMUNE_WORD.match(fold(pieces[heads])):
            heads += 1
        if _COORDS.match(chunk) or heads == 1:
            places.append((chunk, share))
        else:
            context = "".join(", " + p for p in pieces[heads:])
            places.extend((head + context, share if heads == 1 else None) for head in pieces[:heads])
    return places


def letterhead_province(texts: list[str], locator: Locator) -> str | None:
    """The province of a letterhead line "UBND TỈNH CÀ MAU" / "SỞ NGOẠI VỤ TỈNH CÀ MAU", if known."""
    for text in texts:
        match = _LETTERHEAD.match(fold(text))
        if match and name_key(match[1]) in locator.provinces:
            return match[1]
    return None


class Places:
    """Resolves a row's location cells with the district/province given around them."""

    def __init__(self, locator: Locator):
        self.locator = locator

    def of_row(self, cells: dict, district: str | None, province: str | None
               ) -> tuple[list[Location], list[tuple[str, object, str]]]:
        """Locations of one row and its problems as (field, value, reason[, severity])."""
        found, problems = [], []
        written = _text(cells.get("locations"))
        commune = _text(cells.get("commune"))
        named = {fieldname: self._coded(cells, fieldname, problems) for fieldname in _CODE_DIGITS}
        if named["commune_code"]:
            return [Location("commune", named["commune_code"], None, str(cells["commune_code"]))], problems
        if any(p[3:] == () for p in problems):
            return [], problems
        district_column = _text(cells.get("district")) or named["district_code"]
        district = district_column or district
        province = _text(cells.get("province")) or named["province_code"] or province
        if written or commune:
            field = "locations" if written else "commune"
            for place, share in split_places(written or commune):
                location, why = self._place(place, share, district, province)
                if why:
                    problems.append((field, written or commune, f"{place!r}: {why}"))
                else:
                    found.append(location)
        elif district_column:
            for place, _share in split_places(district):
                location, why = self._area(place, district=None, province=province)
                if why:
                    problems.append(("district", place, why))
                else:
                    found.append(location)
        elif _text(cells.get("province")):
            location, why = self._area("toan tinh", None, province)
            problems += [("province", province, why)] if why else []
            found += [location] if location else []
        else:
            problems.append(("locations", None, "no commune found: the row names no commune, "
                                                "district or province"))
        return found, problems

    def _coded(self, cells: dict, fieldname: str, problems: list) -> str | None:
        """The commune code, or the district/province name, that a code column gives; an unknown
        code is a problem (a warning when the row's name column names the unit instead)."""
        raw = _text(cells.get(fieldname))
        if raw is None:
            return None
        code = gso_code(raw, fieldname)
        level = _CODE_LEVELS[fieldname]
        known = {"commune": self.locator.codes, "district": self.locator.district_names,
                 "province": self.locator.province_names}[level]
        if code in known:
            return code if level == "commune" else known[code]
        why = (f"no {level} has this code: geoaid reads GSO codes ({_CODE_DIGITS[fieldname]} digits) and "
               f"P-codes made of VN and the GSO code (VN{'32233' if level == 'commune' else '973'})")
        name_column = {"commune": ("commune", "locations"), "district": ("district",),
                       "province": ("province",)}[level]
        if any(_text(cells.get(f)) for f in name_column):
            problems.append((fieldname, raw, why + "; the name column was used instead", "warning"))
        else:
            problems.append((fieldname, raw, why + "; give the name column (e.g. #adm3+name) or GSO codes"))
        return None

    def _place(self, text, share, district, province):
        folded = fold(text)
        if _WHOLE_DISTRICT.match(folded) or _WHOLE_PROVINCE.match(folded):
            return self._area(text, district, province, share)
        context = "" if "," in text else "".join(f", {p}" for p in (district, province) if p)
        resolved, why = self.locator.resolve(text + context)
        if why:
            return None, why
        return Location(resolved[0], resolved[1], share, text, *resolved[2:]), None

    def _area(self, text, district, province, share=None):
        """"Toàn huyện [X]" / "các xã trong huyện" / "Toàn tỉnh" / a district name → one area."""
        folded = fold(text)
        if match := _WHOLE_PROVINCE.match(folded):
            name = match[1] or province
            code = self.locator.provinces.get(name_key(name)) if name else None
            if code is None:
                return None, "'Toàn tỉnh' needs the province (a Tỉnh column, heading or letterhead)"
            return Location("province", code, share, text), None
        match = _WHOLE_DISTRICT.match(folded)
        name = (match[1] or district) if match else text
        if not name:
            return None, f"{text!r} needs the district (a Huyện column or a district heading)"
        resolved, why = self.locator.resolve_district(name, province)
        if why:
            return None, why
        return Location(resolved[0], resolved[1], share, text), None


def _text(value) -> str | None:
    text = " ".join(str(value).split()) if value is not None else ""
    return text or None
