"""Text that a spreadsheet would run as a formula, made inert: the one rule for every CSV and XLSX geoaid writes.

Titles, donors, implementers, names and labels are typed by people, and a
spreadsheet opening a CSV (or openpyxl writing an XLSX) treats a cell that
starts with ``=``, ``+``, ``-`` or ``@`` as a formula ("CSV/formula
injection": ``=HYPERLINK(...)`` leaks data, ``=cmd|...`` runs programs on
old Excel). Excel and LibreOffice also take the full-width ``＝ ＋ － ＠``
that Asian input methods type, skip leading spaces, and a leading tab or
line break can start a formula after the cell is split. Such text gets a
leading apostrophe (OWASP's advice): the spreadsheet shows it as text.

Numbers are not text: numeric cells (and text that is just a signed
number, such as ``-5``, which every spreadsheet reads as that number)
are left as they are, so sums still work.

GeoJSON and GeoPackage are not spreadsheet formats and keep text as typed.
"""

from __future__ import annotations

import re

import pandas as pd

FORMULA_STARTS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")   # and the full-width ＝ ＋ － ＠
CONTROL_STARTS = frozenset("\t\r\n")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d+)*|\.\d+)(?:[eE][+-]?\d+)?")


def is_formula_text(value) -> bool:
    """True when a spreadsheet could read ``value`` (text) as the start of a formula."""
    if not isinstance(value, str) or not value:
        return False
    if value[0] in CONTROL_STARTS:
        return True
    stripped = value.lstrip()
    return stripped[:1] in FORMULA_STARTS and not _PLAIN_NUMBER.fullmatch(stripped.rstrip())


def neutralise(value):
    """``value`` ready for a spreadsheet cell: formula-like text gets a leading apostrophe."""
    return "'" + value if is_formula_text(value) else value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell and column name passed through :func:`neutralise`."""
    out = frame.copy()
    for column in out.columns:
        dtype = out[column].dtype
        # Text may hide in object, string and categorical columns; numbers, dates, geometry hold none.
        if not (pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_datetime64_any_dtype(dtype)
                or pd.api.types.is_timedelta64_dtype(dtype) or str(dtype) == "geometry"):
            out[column] = out[column].map(neutralise)
    return out.rename(columns=lambda name: neutralise(name) if isinstance(name, str) else name)


def csv_text(frame: pd.DataFrame) -> str:
    """``frame`` as CSV text (no index), neutralised."""
    return neutralise_frame(frame).to_csv(index=False)
