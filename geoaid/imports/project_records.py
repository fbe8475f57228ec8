"""One project from one record of a project list: id, sector, budget in its unit, period, places.

A record is one or several rows (:mod:`geoaid.imports.layout.body`). Title,
donor, sector, period and status are read from its first row that holds
them (merged cells spread over the record hold the same value); the budget
is the sum of the amounts written on the record's rows, a merged amount
counted once; the locations are those of every row (when every row states
its own amount, each row's places get that part of the budget as their share).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace

from geoaid.analysis.sectors import BY_KEY, resolve_sector
from geoaid.imports.layout import Record, Unit, read_period
from geoaid.imports.locate import Location
from geoaid.imports.problems import ImportReport
from geoaid.imports.project_places import Places
from geoaid.text.names import fold, name_key, nfc, split_unit_type
from geoaid.text.values import parse_date, parse_number

STATUSES = {
    "planned": ["planned", "ke hoach", "du kien", "chuan bi", "pipeline"],
    "ongoing": ["ongoing", "dang thuc hien", "dang trien khai", "active", "in progress"],
    "completed": ["completed", "da hoan thanh", "hoan thanh", "ket thuc", "closed", "finished"],
}
CURRENCY_WORDS = {"vnd": "VND", "d": "VND", "dong": "VND", "usd": "USD", "us": "USD", "eur": "EUR",
                  "euro": "EUR"}
_CURRENCY_SYMBOLS = {"$": "USD", "€": "EUR", "₫": "VND", "đ": "VND"}
_YES = {"true", "1", "x", "yes", "co", "sample", "mau"}
_AREA_TYPES = {"huyen", "quan", "thi xa", "thanh pho", "tp"}


def derived_project_id(donor: str, title: str) -> str:
    """The id of a project listed without one: from its donor and title, normalised.

    Case, diacritics (NFC/NFD), punctuation and spacing do not change it, so
    the same list imported again, or next year's list repeating the project,
    updates it instead of adding it twice.

    >>> derived_project_id("Quỹ Nhi đồng LHQ (UNICEF)", "Nước sạch  cho trường học")
    'auto-af445ca38ec0'
    >>> derived_project_id("QUY NHI DONG LHQ - UNICEF", "nuoc sach cho truong hoc")
    'auto-af445ca38ec0'
    """
    key = f"{fold(donor)}|{fold(title)}"
    return "auto-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


@dataclass
class SheetContext:
    """What every record of one table shares."""

    report: ImportReport
    name: str | None                        # the sheet's name (None for CSV)
    columns: dict[str, str]                 # field → the column's name in the file
    unit: Unit | None                       # the budget's stated unit
    rates: dict
    places: Places
    province: str | None                    # from the letterhead
    has_sector_column: bool
    bad_headings: set[int] = field(default_factory=set)

    def bad(self, line, fieldname, value, reason, severity="error"):
        if fieldname == "locations" and fieldname not in self.columns:   # the list has Xã/Huyện/Tỉnh instead
            fieldname = next((f for f in ("commune", "district", "province") if f in self.columns), fieldname)
        column = self.columns.get(fieldname, fieldname) if fieldname else None
        self.report.add(line, column, value, reason, severity=severity, sheet=self.name)


def read_record(record: Record, sheet: SheetContext):
    """(project fields, locations, amount as written or None, the places of each row); problems to ``sheet.report``."""
    line = record.lines[0]
    errors_before = len(sheet.report.errors)
    title, donor = _text(record.first("title")), _text(record.first("donor"))
    if not title:
        sheet.bad(line, "title", None, "missing title")
    if not donor:
        sheet.bad(line, "donor", None, "missing donor")
    stated_id = _text(record.first("project_id"))
    pid = stated_id or (derived_project_id(donor, title) if title and donor else None)
    sector, district, province = sector_and_places(record, sheet)
    written, amount, currency = read_budget(record, sheet)
    start, end = read_dates(record, sheet)
    status = _status(record, sheet)
    by_row = []
    for row_line, cells in zip(record.lines, record.cells):
        found, problems = sheet.places.of_row(cells, district, province)
        by_row.append(found)
        for fieldname, value, why, *severity in problems:
            sheet.bad(row_line, fieldname, value, why, *severity)
    locations = _amount_shares(record, by_row) or [loc for found in by_row for loc in found]
    locations = _once(locations)
    _check_shares(locations, record, sheet)
    if len(sheet.report.errors) > errors_before:
        return None, [], written, by_row
    sample = fold(str(record.first("sample") or "")) in _YES
    return {"project_id": pid, "title": title, "donor": donor, "implementer": _text(record.first("implementer")),
            "sector": sector, "dac_code": BY_KEY[sector].dac[0], "budget": amount, "currency": currency,
            "budget_vnd": int(round(amount * sheet.rates[currency])),
            "start_date": start.isoformat() if start else None, "end_date": end.isoformat() if end else None,
            "status": status, "sample": sample}, locations, written, by_row


def _amount_shares(record: Record, by_row: list[list[Location]]) -> list[Location] | None:
    """A project written one row per commune with an amount on each row: each row's places get
    its part of the budget as their stated share. None when the rows do not all state one."""
    amounts = []
    for own, found in zip(record.own, by_row):
        try:
            amounts.append(parse_number(own["budget"]) if "budget" in own else None)
        except ValueError:
            return None
        if found and amounts[-1] is None or any(loc.share_pct is not None for loc in found):
            return None
    total = sum(a for a in amounts if a)
    if sum(1 for a in amounts if a is not None) < 2 or total <= 0:
        return None
    return [replace(loc, share_pct=round(100 * amount / total / len(found), 6))
            for amount, found in zip(amounts, by_row) if found for loc in found]


def _once(locations: list[Location]) -> list[Location]:
    """Each place once; a place named on several rows with their parts of the budget gets their sum."""
    places: dict[tuple[str, str], Location] = {}
    for loc in locations:
        seen = places.get((loc.level, loc.unit_code))
        if seen is None:
            places[(loc.level, loc.unit_code)] = loc
        elif seen.share_pct is not None and loc.share_pct is not None:
            places[(loc.level, loc.unit_code)] = replace(seen, share_pct=seen.share_pct + loc.share_pct)
    return list(places.values())


def heading_meaning(heading: str, sheet: SheetContext) -> tuple[str, str] | None:
    """What a section heading says: ("district"|"province", its text) or ("sector", key); None if nothing known."""
    kind, _rest = split_unit_type(heading)
    if kind in _AREA_TYPES or (kind is None and sheet.places.locator.districts.get(name_key(heading))):
        return "district", heading
    if kind == "tinh":
        return "province", heading
    sector = resolve_sector(_sector_words(heading))
    return ("sector", sector) if sector else None


def sector_and_places(record: Record, sheet: SheetContext):
    """The sector (its cell, else the innermost heading naming one) and the district/province headings."""
    said: dict[str, str] = {}
    unknown = None
    for heading_line, heading in reversed(record.sections):          # innermost first
        meaning = heading_meaning(heading, sheet)
        if meaning:
            said.setdefault(*meaning)
        else:
            unknown = unknown or (heading_line, heading)
    raw = record.first("sector")
    sector = resolve_sector(raw) if raw is not None else said.get("sector")
    if raw is not None and sector is None:
        sheet.bad(record.lines[0], "sector", raw, "unknown sector; use one of: " + _known_sectors())
    elif sector is None and unknown is not None and not sheet.has_sector_column:
        if unknown[0] not in sheet.bad_headings:
            sheet.bad_headings.add(unknown[0])
            sheet.bad(unknown[0], None, unknown[1], "section heading names no known sector; known: "
                      + _known_sectors())
        sheet.bad(record.lines[0], None, None, f"under the section on row {unknown[0]}, whose sector is unknown")
    elif sector is None:
        sheet.bad(record.lines[0], "sector", None, "missing sector: fill in the Lĩnh vực column or put the "
                                                   "project under a section row (I. LĨNH VỰC Y TẾ …)")
    return sector, said.get("district"), said.get("province") or sheet.province


def _sector_words(heading: str) -> str:
    folded = fold(heading)
    for prefix in ("linh vuc ", "nganh ", "sector "):
        folded = folded.removeprefix(prefix)
    return folded


def _known_sectors() -> str:
    return "; ".join(f"{s.label('vi')} ({s.en})" for s in BY_KEY.values())


def read_budget(record: Record, sheet: SheetContext):
    """(amount as written, amount in its currency, currency); each row's own amount counted once."""
    line = record.lines[0]
    written = [(row_line, own["budget"]) for row_line, own in zip(record.lines, record.own) if "budget" in own]
    currency_text = _text(record.first("currency"))
    unit = sheet.unit
    if not written:
        sheet.bad(line, "budget", None, "missing budget")
        return None, 0.0, "VND"
    total = 0.0
    for row_line, raw in written:
        stated = _currency_in(str(raw)) if isinstance(raw, str) else None
        try:
            if unit and stated and stated != unit.currency:
                raise ValueError
            total += parse_number(raw)
        except ValueError:
            sheet.bad(row_line, "budget", raw, f"cannot be read as an amount in the stated unit ({unit})"
                      if unit else "not a number")
            return None, 0.0, "VND"
    currency_text = currency_text or (unit.currency if unit else None) or _currency_in(str(written[0][1]))
    currency = CURRENCY_WORDS.get(fold(currency_text), currency_text.upper()) if currency_text else "VND"
    if currency not in sheet.rates:
        sheet.bad(line, "currency", currency_text, f"unknown currency; known: {', '.join(sheet.rates)} "
                                                   "(add a rate with `geoaid settings set exchange_rates_vnd …`)")
        return total, 0.0, "VND"
    if total < 0:
        sheet.bad(line, "budget", written[0][1], "negative budget")
    return total, total * (unit.factor if unit else 1), currency


def _currency_in(text: str) -> str | None:
    """Currency written inside an amount: "25.000 USD", "1.500.000.000 đ", "$25,000"."""
    for symbol, code in _CURRENCY_SYMBOLS.items():
        if symbol in text:
            return code
    words = fold(text).split()
    return CURRENCY_WORDS.get(words[-1]) if words and not words[-1].isdigit() else None


def read_dates(record: Record, sheet: SheetContext):
    """(start, end) from a "Thời gian thực hiện" cell or start/end columns ("01/2024" starts on the 1st)."""
    line = record.lines[0]
    start = end = None
    raw_period = record.first("period")
    try:
        if raw_period is not None:
            start, end = read_period(raw_period)
        if (raw := record.first("start_date")) is not None:
            start = _day(raw, first=True)
        if (raw := record.first("end_date")) is not None:
            end = _day(raw, first=False)
    except ValueError as exc:
        fieldname = ("period" if raw_period is not None and start is None
                     else "start_date" if start is None else "end_date")
        sheet.bad(line, fieldname, record.first(fieldname), str(exc))
        return None, None
    if start and end and end < start:
        if record.first("end_date") is not None:
            sheet.bad(line, "end_date", record.first("end_date"), "end date is before the start date")
        else:
            sheet.bad(line, "period", raw_period, "the period ends before it starts")
    return start, end


def _day(raw, first: bool):
    try:
        return parse_date(raw)
    except ValueError as not_a_date:
        try:
            start, end = read_period(raw)      # "01/2024", "Năm 2025" as a start or end
        except ValueError:
            raise not_a_date from None
        return start if first else end


def _status(record: Record, sheet: SheetContext):
    raw = record.first("status")
    if raw in (None, ""):
        return None
    folded = fold(str(raw))
    for status, words in STATUSES.items():
        if folded in words:
            return status
    sheet.bad(record.lines[0], "status", raw, f"unknown status; use {', '.join(STATUSES)}")
    return None


def _check_shares(locations, record: Record, sheet: SheetContext) -> None:
    """If any location states a percentage, all must, adding up to 100."""
    shares = [loc.share_pct for loc in locations]
    if not any(s is not None for s in shares):
        return
    where = record.first("locations") or record.first("commune")
    if any(s is None for s in shares):
        sheet.bad(record.lines[0], "locations", where, "some locations state a percentage and some "
                                                       "do not: state all or none")
    elif abs(sum(shares) - 100) > 0.01:
        sheet.bad(record.lines[0], "locations", where, f"percentages add up to {sum(shares):g}, not 100")


def _text(value) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = nfc(str(value))
    if text.endswith(".0") and text[:-2].isdigit():  # an Excel number used as an id
        text = text[:-2]
    return text or None
