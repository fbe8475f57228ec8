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
        """Locations of one row and its problems as (field, value, reason)."""
        district = _text(cells.get("district")) or district
        province = _text(cells.get("province")) or province
        found, problems = [], []
        written = _text(cells.get("locations"))
        commune = _text(cells.get("commune"))
        if written or commune:
            field = "locations" if written else "commune"
            for place, share in split_places(written or commune):
                location, why = self._place(place, share, district, province)
                if why:
                    problems.append((field, written or commune, f"{place!r}: {why}"))
                else:
                    found.append(location)
        elif _text(cells.get("district")):
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
