"""Reading the spreadsheets people actually send: CSV or XLSX, Vietnamese style.

* Encodings: UTF-8 (with or without BOM), UTF-16 with BOM; a file that is
  not UTF-8 is read as Windows-1258 (the Vietnamese Windows code page, still
  common in Excel "CSV" exports) with a warning, and the text normalised to
  NFC (cp1258 stores tone marks as combining characters).
* Delimiters: comma, semicolon or tab, sniffed.
* Headers: the header row is found among the first rows (titles above a
  table are common), and a two-row header with merged cells above
  ("Kinh phí" over "Số tiền" | "Loại tiền") is read as combined names.
* Row numbers are the ones the user sees: the line in the CSV, the sheet row
  in Excel.
* Numbers and dates in cells are read by :mod:`geoaid.text.values`
  ("1.500.000.000", "25.000", dd/mm/yyyy; mm/dd/yyyy is never guessed).
* Workbooks are untrusted: :mod:`geoaid.imports.xlsx_reader` streams the first sheet
  from the cells that exist, within limits, and refuses hostile ones
  (declared sizes, merged ranges over the sheet, DOCTYPEs) with a message.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from geoaid.imports.problems import ImportReport
from geoaid.imports.xlsx_reader import read_first_sheet
from geoaid.text.names import nfc

HEADER_SEARCH_ROWS = 12


@dataclass
class Table:
    """Cells by field name (None where empty) with the user's row numbers."""

    rows: list[dict[str, object]] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)   # field -> header text in the file
    # XLSX merged ranges as (min_row, min_col, max_row, max_col), sheet rows and 1-based columns:
    # a merged cell's value is spread over its range in ``rows``; this says where it came from.
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)

    def __iter__(self):
        return iter(zip(self.row_numbers, self.rows))

    def __len__(self) -> int:
        return len(self.rows)


def read_table(path: str | Path, match_header: Callable[[str], str | None], report: ImportReport,
               required: tuple[str, ...] = ()) -> Table | None:
    """Read ``path`` (CSV/XLSX) into a :class:`Table` keyed by recognised fields.

    ``match_header(text)`` maps a header cell to a field name or None.
    File-wide problems (unreadable, no header, missing required columns) are
    added to ``report`` and None is returned.
    """
    read = read_grid(path, report)
    if read is None:
        return None
    grid, merged = read
    table = _table_from_grid(grid, match_header, report, required)
    if table is not None:
        table.merged = merged
    return table


def read_grid(path: str | Path, report: ImportReport) -> tuple[Grid, list] | None:
    """Every row of ``path`` (CSV/XLSX) as ``(row number, {0-based column: value})``, and merged ranges.

    For layouts that need more than a header and data rows (heading rows
    between the data, a table without header). File-wide problems are added
    to ``report`` and None is returned.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    merged = []
    try:
        if suffix in (".xlsx", ".xlsm"):
            grid, merged = _xlsx_grid(path)
        elif suffix in (".csv", ".txt", ".tsv"):
            grid = csv_grid(path, report)
        else:
            report.add(None, None, path.suffix, "unsupported file type; use CSV or XLSX")
            return None
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:   # UnsafeFileError is a ValueError
        report.add(None, None, None, f"cannot read the file: {exc}")
        return None
    return None if grid is None else (grid, merged)


def _decode(data: bytes, report: ImportReport) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        report.add(None, None, None,
                   f"the file is not UTF-8 (byte {exc.start}); read as Windows-1258 (Vietnamese). "
                   "Check the names below; save as 'CSV UTF-8' to avoid this.", severity="warning")
        return data.decode("cp1258", errors="strict")


Grid = list[tuple[int, dict[int, object]]]   # (row number the user sees, {0-based column: value})


def csv_grid(path: Path, report: ImportReport) -> Grid | None:
    """The rows of a CSV file as (line, {0-based column: text}); None (problem in ``report``) if unreadable."""
    try:
        text = _decode(path.read_bytes(), report)
    except UnicodeDecodeError as exc:
        report.add(None, None, None, f"cannot decode the file as UTF-8 or Windows-1258: {exc}")
        return None
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    grid = []
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        for row in reader:
            grid.append((reader.line_num, {col: nfc(cell) for col, cell in enumerate(row) if cell.strip()}))
    except csv.Error as exc:
        # e.g. a cell over the csv module's 128 KiB field limit: no real list has one,
        # so the file is refused with the line where reading stopped.
        report.add(reader.line_num, None, None, f"cannot read the file as CSV here: {exc}")
        return None
    return grid


def _xlsx_grid(path: Path) -> tuple[Grid, list[tuple[int, int, int, int]]]:
    """The first sheet as a grid of the cells that hold a value, and its merged ranges.

    A merged cell holds its value in the top-left cell only: the value is
    spread over the range (merged headers and merged project cells read as
    if every cell held it). Rows without values are left out of the grid,
    except among the first rows, where the header search looks at the row
    directly above each candidate.
    """
    sheet = read_first_sheet(path)
    sheet.spread_merged()
    rows = sheet.rows
    last = max(rows, default=0)
    numbers = sorted(set(rows) | set(range(1, min(last, HEADER_SEARCH_ROWS) + 1)))
    grid = []
    for r in numbers:
        cells = {}
        for c, value in rows.get(r, {}).items():
            if isinstance(value, str):
                value = nfc(value) or None
            if value is not None:
                cells[c - 1] = value
        grid.append((r, cells))
    return grid, sheet.merged


def find_header(grid: Grid, match_header: Callable[[str], str | None]
                ) -> tuple[int, dict[int, str], dict[int, str]] | None:
    """The header among the first rows: (index in ``grid``, {column: field}, {column: header text}).

    The row recognising the most fields wins; a cell is also read together
    with the cell above it (a merged "Khu vực" over "I" | "II" | "III").
    """
    best = None
    for index, (_, cells) in enumerate(grid[:HEADER_SEARCH_ROWS]):
        above = grid[index - 1][1] if index > 0 else {}
        mapping, texts = {}, {}
        for col in sorted(cells.keys() | above.keys()):
            cell, up = cells.get(col), above.get(col)
            candidates = [cell]
            if up and cell:
                candidates = [f"{up} {cell}", cell]
            elif up and not cell:
                candidates = [up]
            for text in candidates:
                fieldname = match_header(str(text)) if text is not None else None
                if fieldname and fieldname not in mapping.values():
                    mapping[col], texts[col] = fieldname, str(cell if cell is not None else text)
                    break
        if best is None or len(mapping) > len(best[1]):
            best = (index, mapping, texts)
    return best


def _table_from_grid(grid, match_header, report, required) -> Table | None:
    best = find_header(grid, match_header)
    if best is None or len(best[1]) < 2:
        report.add(None, None, None, "no header row recognised in the first "
                                     f"{HEADER_SEARCH_ROWS} rows; see the template for column names")
        return None
    header_index, mapping, texts = best
    missing = [f for f in required if f not in mapping.values()]
    if missing:
        report.add(grid[header_index][0], None, None,
                   f"missing required column(s): {', '.join(missing)}")
        return None
    table = Table(headers={f: texts[c] for c, f in mapping.items()})
    for line, cells in grid[header_index + 1:]:
        if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells.values()):
            continue
        table.rows.append({f: cells.get(c) for c, f in mapping.items()})
        table.row_numbers.append(line)
    return table
