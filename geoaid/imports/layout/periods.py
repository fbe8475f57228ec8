"""Periods as reports write them in one "Thời gian thực hiện" cell.

"2024-2026", "2024 - 2026", "01/2024 - 12/2025", "Năm 2025", "Quý I/2024",
"Quý I/2024 - Quý IV/2025", "15/03/2024 - 31/12/2025" and an Excel year
number all read as (first day, last day):

>>> read_period("01/2024 - 12/2025")
(datetime.date(2024, 1, 1), datetime.date(2025, 12, 31))
>>> read_period("Quý II/2024")
(datetime.date(2024, 4, 1), datetime.date(2024, 6, 30))
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime

from geoaid.text.names import fold
from geoaid.text.values import parse_date

_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_YEAR = re.compile(r"^(?:nam )?(\d{4})$")
_MONTH = re.compile(r"^(?:thang )?(\d{1,2}) (\d{4})$")                 # on folded text: "/" is a space
_QUARTER = re.compile(r"^(?:quy|q) ?(iv|iii|ii|i|[1-4]) (?:nam )?(\d{4})$")
# "2024-2026" splits at its dash; the dashes inside "2024-03-01" do not.
_SPLIT = re.compile(r"\s+[-–—]\s+|\s*[–—]\s*|\s+(?:đến|den|to)\s+"
                    r"|(?<=\d{4})\s*-\s*(?=(?:\d{4}|\d{1,2}/\d{4}|\d{1,2}/\d{1,2}/\d{4})\b)", re.IGNORECASE)


def read_period(value) -> tuple[date, date]:
    """(start, end) of a written period; ValueError when it cannot be read."""
    if isinstance(value, datetime):
        return value.date(), value.date()
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer() \
            and 1900 < value < 2200:
        return date(int(value), 1, 1), date(int(value), 12, 31)
    text = " ".join(str(value).split())
    text = re.sub(r"^(?:từ|tu)\s+", "", text, flags=re.IGNORECASE)
    parts = [p for p in _SPLIT.split(text) if p.strip()]
    if len(parts) == 1:
        return _point(parts[0])
    if len(parts) == 2:
        return _point(parts[0])[0], _point(parts[1])[1]
    raise ValueError("not a period (write e.g. 2024-2026, 01/2024 - 12/2025, Năm 2025, Quý I/2024)")


def _point(text: str) -> tuple[date, date]:
    """The first and last day of one written year, quarter, month or date."""
    folded = fold(text)
    if match := _YEAR.match(folded):
        year = int(match[1])
        return date(year, 1, 1), date(year, 12, 31)
    if match := _QUARTER.match(folded):
        quarter, year = _QUARTERS[match[1]], int(match[2])
        last = quarter * 3
        return date(year, last - 2, 1), date(year, last, calendar.monthrange(year, last)[1])
    if match := _MONTH.match(folded):
        month, year = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            raise ValueError(f"month {month} does not exist")
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    try:
        day = parse_date(text.strip())
    except ValueError:
        raise ValueError(f"{text.strip()!r} is not a year, quarter, month or date "
                         "(write e.g. 2024-2026, 01/2024 - 12/2025, Năm 2025, Quý I/2024)") from None
    return day, day
