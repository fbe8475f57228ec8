"""Heading rows of a published annex: the province and district the rows below belong to.

Annexes list communes under headings instead of district columns::

    TỈNH HÀ GIANG
    I. HUYỆN ĐỒNG VĂN
    1   Xã Tả Lủng      x
    II. Huyện Mèo Vạc
    1   Xã Tả Lủng      x

A row is a heading when its text starts with a province or district unit
word (Tỉnh, Thành phố, Huyện, Quận, Thị xã), after an optional numbering
("I.", "1.", "A -"), and names a unit of the workspace; or when it is
written in capitals or numbered with a Roman numeral and names one without
the word ("HÀ GIANG", "II. Mèo Vạc"), and has no level, mark or value of its
own ("MÈO VẠC | I" is the commune). A plain "Đồng Văn" is a commune name,
never a heading: many communes share their district's name. In hamlet
lists, "Xã …" rows with no hamlet are commune headings. A count after a
heading's name ("HUYỆN ĐỒNG VĂN (10 xã)") is ignored; total and note rows
("Tổng cộng: 30 xã", "Ghi chú") are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from geoaid.imports.annex.columns import region_level
from geoaid.imports.locate import Locator
from geoaid.text.names import fold, name_key, split_unit_type

_NUMBERING = re.compile(r"^\s*(?:[IVXLC]+|\d+|[A-Za-z])\s*[.):/-]\s*")
_ROMAN_NUMBER = re.compile(r"^[IVXLC]+\.?$")
# "HUYỆN ĐỒNG VĂN (10 xã)", "Huyện Mèo Vạc: 12 xã": the count after a heading's name.
_COUNT_TAIL = re.compile(r"\s*(?:\(\s*\d+[^)]*\)|[:–-]\s*\d+.*)$")
# "Tổng cộng", "Tổng số: 30 xã", "Cộng: 12 xã", "Ghi chú …", but not the commune "Cộng Hòa".
_TOTALS = re.compile(r"^(?:(?:tong cong|tong so|tong|cong)(?: (?:\d|xa\b|don vi|co\b).*)?|ghi chu.*)$")
# "I. XÃ KHU VỰC III", "Các xã khu vực II": the list divided into sections by region level.
_REGION_SECTION = re.compile(r"^(?:danh sach )?(?:cac )?(?:xa |don vi )?(?:thuoc )?(?:khu vuc|kv) ?(iii|ii|i|[123])$")
_PROVINCE_WORDS = {"tinh"}
_DISTRICT_WORDS = {"huyen", "quan", "thi xa"}
_COMMUNE_WORDS = {"xa", "phuong", "thi tran"}


@dataclass
class Context:
    """The headings above the current row: province and district codes, and where each was."""

    province: str | None = None
    district: str | None = None
    commune: str | None = None          # hamlet lists only
    unresolved: int | None = None       # row of a heading that named no unit: rows below are not guessed
    region: int | None = None           # 1, 2, 3 under a "XÃ KHU VỰC I/II/III" section row


@dataclass(frozen=True)
class Heading:
    level: str            # "province" | "district" | "commune"
    code: str | None      # None when the heading names no unit (or several)
    problem: str | None = None


def is_total_or_note(text: str) -> bool:
    """"Tổng cộng: 30 xã", "Cộng", "Ghi chú: …" rows below or inside the table."""
    return bool(text) and bool(_TOTALS.match(fold(_NUMBERING.sub("", text))))


def region_section(text: str) -> int | None:
    """The region level a section row starts, or None.

    >>> region_section("II. CÁC XÃ KHU VỰC III"), region_section("Xã Khu Vực 2"), region_section("Xã Tả Lủng")
    (3, 2, None)
    """
    match = _REGION_SECTION.match(fold(_NUMBERING.sub("", text)))
    return region_level(match.group(1)) if match else None


def heading_of(text: str, numbering: str | None, context: Context, locator: Locator,
               commune_headings: bool, district_headings: bool = True, has_values: bool = False
               ) -> Heading | None:
    """The heading ``text`` is, or None when the row is data.

    ``numbering`` is the row's STT cell (a Roman numeral marks a heading).
    ``district_headings`` is False for district-level lists, whose
    "Huyện …" rows are the data. ``has_values``: the row has a level, mark
    or value of its own, so a name without a unit word is data.
    """
    numbered = _NUMBERING.match(text)
    bare = _NUMBERING.sub("", text).strip() if numbered else text.strip()
    bare = _COUNT_TAIL.sub("", bare) or bare
    roman = bool(numbering and _ROMAN_NUMBER.match(str(numbering).strip())) or bool(
        numbered and _ROMAN_NUMBER.match(numbered.group(0).strip(" .):/-")))
    word, _rest = split_unit_type(bare)
    if word in _PROVINCE_WORDS:
        return _province(bare, locator)
    if word in _DISTRICT_WORDS:
        return _district(bare, context, locator) if district_headings else None
    if word == "thanh pho":
        # A city is a district (Thành phố Hà Giang, named like its province) or, for the five
        # centrally-run ones (Thành phố Cần Thơ), a province.
        if name_key(bare) in locator.districts:
            return _district(bare, context, locator) if district_headings else None
        return _province(bare, locator)
    if word in _COMMUNE_WORDS:
        return Heading("commune", None) if commune_headings else None
    if word is None and not has_values and (roman or (bare.isupper() and len(bare) > 3)):
        key = name_key(bare)
        if key in locator.provinces:
            return Heading("province", locator.provinces[key])
        if district_headings and key in locator.districts:
            return _district(bare, context, locator)
    return None


def _province(text: str, locator: Locator) -> Heading:
    code = locator.provinces.get(name_key(text))
    return Heading("province", code, None if code else "unknown province")


def _district(text: str, context: Context, locator: Locator) -> Heading:
    options = {d for d, p in locator.districts.get(name_key(text), set())
               if context.province in (None, p)}
    if len(options) == 1:
        return Heading("district", options.pop())
    if not options:
        where = " in the province above" if context.province else ""
        return Heading("district", None, f"unknown district{where}")
    return Heading("district", None, "district name fits several districts; put the province "
                                     "heading (TỈNH …) above it")


def enter(context: Context, heading: Heading, line: int, locator: Locator) -> Context:
    """The context below ``heading`` (on row ``line``)."""
    region = context.region             # a region section may hold several provinces' headings
    if heading.level == "commune":
        return Context(context.province, context.district, heading.code, context.unresolved, region)
    if heading.code is None:
        return Context(context.province if heading.level == "district" else None, None, None, line, region)
    if heading.level == "province":
        return Context(heading.code, region=region)
    return Context(locator.province_of_district(heading.code), heading.code, region=region)
