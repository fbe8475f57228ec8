"""One need from one record of a needs list: id, sector, estimated cost, priority, period, source, places.

A needs list is read like a project list (:mod:`geoaid.imports.project_records`
reads the sector from its column or section heading, the cost in the unit
the header or the line above the table states, the period and the places);
a need has no donor, and adds a priority and the plan that asks for it.
"""

from __future__ import annotations

import hashlib
import re

from geoaid.imports.layout import Record
from geoaid.imports.project_records import SheetContext, read_budget, read_dates, sector_and_places
from geoaid.text.names import fold, nfc

_PRIORITY_WORDS = {"rat cao": 1, "cao": 1, "high": 1, "trung binh": 2, "medium": 2, "vua": 2,
                   "thap": 3, "low": 3}
_PRIORITY_NUMBER = re.compile(r"^(?:uu tien|muc|priority|p)?\s*(\d{1,2})(?:\.0)?$")


def derived_need_id(places: list[tuple[str, str]], sector: str, description: str) -> str:
    """The id of a need listed without one: its places (level, code), sector and description, normalised.

    The places are the resolved units, so "Xã Khánh Hòa" and "xa khanh hoa, huyện U Minh" give the
    same id; case, diacritics (NFC/NFD), punctuation and spacing of the description do not matter.

    >>> derived_need_id([("commune", "32047")], "health", "Xây mới trạm y tế")
    'need-13309552bc2e'
    >>> derived_need_id([("commune", "32047")], "health", "XAY MOI TRAM Y TE")
    'need-13309552bc2e'
    """
    where = ",".join(f"{level}:{code}" for level, code in sorted(places))
    key = f"{where}|{sector}|{fold(description)}"
    return "need-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


def read_priority(raw) -> int | None:
    """1 (highest), 2, 3… from "1", "Cao", "Trung bình", "Thấp", "Ưu tiên 1"; ValueError otherwise.

    >>> [read_priority(text) for text in ("Cao", "Trung bình", "Thấp", "Ưu tiên 2", 3)]
    [1, 2, 3, 2, 3]
    """
    if raw is None or str(raw).strip() == "":
        return None
    folded = fold(str(raw))
    if folded in _PRIORITY_WORDS:
        return _PRIORITY_WORDS[folded]
    match = _PRIORITY_NUMBER.match(folded)
    if match and int(match[1]) >= 1:
        return int(match[1])
    raise ValueError("unknown priority; write 1, 2, 3, Cao / Trung bình / Thấp or Ưu tiên 1")


def read_need(record: Record, sheet: SheetContext, source: str | None):
    """(need fields, locations) of one record, or (None, []) when it has errors (in ``sheet.report``)."""
    line = record.lines[0]
    errors_before = len(sheet.report.errors)
    description = _text(record.first("description"))
    if not description:
        sheet.bad(line, "description", None, "missing description of the need")
    sector, district, province = sector_and_places(record, sheet)
    _written, cost, currency = read_budget(record, sheet)
    start, end = read_dates(record, sheet)
    priority_text = _text(record.first("priority"))
    try:
        priority = read_priority(priority_text)
    except ValueError as exc:
        sheet.bad(line, "priority", priority_text, str(exc))
        priority = None
    locations, written_places = [], []
    for row_line, cells in zip(record.lines, record.cells):
        found, problems = sheet.places.of_row(cells, district, province)
        locations += [loc for loc in found if (loc.level, loc.unit_code) not in
                      {(seen.level, seen.unit_code) for seen in locations}]
        for fieldname, value, why in problems:
            sheet.bad(row_line, fieldname, value, why)
        written_places += [_text(cells.get(f)) for f in ("locations", "commune", "district") if cells.get(f)]
    if len(sheet.report.errors) > errors_before:
        return None, []
    stated_id = _text(record.first("need_id"))
    need_id = stated_id or derived_need_id([(loc.level, loc.unit_code) for loc in locations], sector,
                                           description)
    return {"need_id": need_id, "description": description, "sector": sector, "cost": cost,
            "currency": currency, "cost_vnd": int(round(cost * sheet.rates[currency])),
            "priority": priority, "priority_text": priority_text,
            "start_date": start.isoformat() if start else None, "end_date": end.isoformat() if end else None,
            "source": _text(record.first("source")) or source,
            "place_text": "; ".join(dict.fromkeys(p for p in written_places if p)),
            "sample": fold(str(record.first("sample") or "")) in {"1", "x", "true", "yes", "co", "mau"}}, locations


def _text(value) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = " ".join(nfc(str(value)).split())
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return text or None
