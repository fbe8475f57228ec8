"""Numbers and dates as Vietnamese spreadsheets and forms write them.

* Numbers: "1.500.000.000" and "1,500,000,000" are 1,500,000,000; a single
  separator followed by exactly three digits is a thousands separator
  ("25.000" = 25000, Vietnamese usage); otherwise the last separator is the
  decimal mark ("1,5" = 1.5).
* Dates: dd/mm/yyyy (Vietnamese order, also with - or .), ISO yyyy-mm-dd,
  Excel date cells and Excel serial numbers. mm/dd/yyyy is never guessed.

>>> parse_number("25.000 USD"), parse_date("02/09/2024")
(25000.0, datetime.date(2024, 9, 2))
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

_NUMBER_CHARS = re.compile(r"[^\d.,\-]")


def parse_number(value) -> float:
    """Read a number written the Vietnamese or the English way (see module doc)."""
    if isinstance(value, bool):
        raise ValueError("not a number")
    if isinstance(value, (int, float)):
        return float(value)
    text = _NUMBER_CHARS.sub("", str(value).replace("\u00a0", "").replace(" ", ""))
    if not text or text in "-.,":
        raise ValueError("not a number")
    dots, commas = text.count("."), text.count(",")
    if dots and commas:
        decimal = "." if text.rfind(".") > text.rfind(",") else ","
        thousands = "," if decimal == "." else "."
        text = text.replace(thousands, "").replace(decimal, ".")
    elif dots > 1 or commas > 1:
        text = text.replace(".", "").replace(",", "")
    elif dots == 1 or commas == 1:
        sep = "." if dots else ","
        whole, frac = text.split(sep)
        text = whole + frac if len(frac) == 3 and whole.lstrip("-") else f"{whole}.{frac}"
    return float(text)


_DMY = re.compile(r"^(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4}|\d{2})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_EXCEL_EPOCH = date(1899, 12, 30)


def parse_date(value) -> date:
    """Read a date: Excel cell, Excel serial, dd/mm/yyyy or yyyy-mm-dd."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000 < value < 80000:  # Excel serial day numbers of 1954–2119
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise ValueError("a number that is not an Excel date")
    text = str(value).strip()
    match = _ISO.match(text)
    if match:
        return date(int(match[1]), int(match[2]), int(match[3]))
    match = _DMY.match(text)
    if match:
        day, month, year = int(match[1]), int(match[2]), int(match[3])
        if year < 100:
            year += 2000
        return date(year, month, day)
    if text.isdigit():
        return parse_date(int(text))
    raise ValueError("not a date (use dd/mm/yyyy or yyyy-mm-dd)")
