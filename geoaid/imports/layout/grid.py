"""The sheets of a CSV or XLSX file as grids, with merged cells spread and remembered.

A merged cell holds its value in its top-left cell only. Reports merge cells
two ways: across a header ("Địa bàn thực hiện" over "Xã" | "Huyện"), and down
a project that takes several rows (STT, title, donor, budget merged over one
row per commune). Spreading the value over the range lets each row read as
if it held it, and :attr:`SheetGrid.copied` says which cells only hold a
copy, so a merged budget is counted once and a merged title continues the
project above instead of starting a new one.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from geoaid.imports.problems import ImportReport
from geoaid.imports.tabular import csv_grid
from geoaid.imports.xlsx_reader import Sheet, read_sheets
from geoaid.text.names import nfc


@dataclass
class SheetGrid:
    """One sheet: ``rows`` are (row number the user sees, {0-based column: value})."""

    name: str | None                                   # None for a CSV file
    rows: list[tuple[int, dict[int, object]]] = field(default_factory=list)
    # (row number, 0-based column) of a cell holding a merged value → the row the value is written on
    copied: dict[tuple[int, int], int] = field(default_factory=dict)

    def is_copy(self, line: int, col: int) -> bool:
        return (line, col) in self.copied

    def continues_above(self, line: int, col: int) -> bool:
        """True when the cell is part of a range merged down from an earlier row."""
        return self.copied.get((line, col), line) < line


def read_grids(path: str | Path, report: ImportReport) -> list[SheetGrid] | None:
    """Every sheet of ``path`` as a :class:`SheetGrid`; None (problem in ``report``) when unreadable."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            return [_sheet_grid(sheet) for sheet in read_sheets(path)]
        if suffix in (".csv", ".txt", ".tsv"):
            rows = csv_grid(path, report)
            return None if rows is None else [SheetGrid(None, rows)]
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:   # UnsafeFileError is a ValueError
        report.add(None, None, None, f"cannot read the file: {exc}")
        return None
    report.add(None, None, path.suffix, "unsupported file type; use CSV or XLSX")
    return None


def _sheet_grid(sheet: Sheet) -> SheetGrid:
    grid = SheetGrid(sheet.name)
    grid.copied.update({(r, c - 1): origin for (r, c), origin in sheet.spread_merged().items()})
    rows = sheet.rows
    for r in sorted(rows):
        cells = {}
        for c, value in rows[r].items():
            if isinstance(value, str):
                value = nfc(value) or None
            if value is not None:
                cells[c - 1] = value
        if cells:
            grid.rows.append((r, cells))
    return grid
