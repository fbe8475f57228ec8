"""Reading untrusted XLSX workbooks: streamed, bounded, from the cells that exist.

A workbook says nothing true about its size. A few KB can declare a cell at
XFD1048576, a ``<dimension>`` of the whole sheet, a merged range over all of
it, half a million empty cells, a shared-strings table of millions of
entries, thousands of sheets, or a DOCTYPE with nested entities. A reader
that builds the declared sheet (openpyxl's normal mode) grows to gigabytes,
and one that asks for the sheet's size on every row takes minutes. This one:

* checks the archive first (:func:`geoaid.imports.safezip.check_zip`: member names,
  sizes, compression ratios, nested archives);
* parses only the parts it needs (relationships, workbook, styles, shared
  strings, the worksheets) with :mod:`geoaid.imports.safexml`: streamed, and
  refused at any DOCTYPE;
* keeps only the cells that hold a value; the declared ``<dimension>`` is
  never used, so lying about it costs nothing;
* counts while it reads and stops at the first count over its limit
  (:class:`geoaid.imports.xlsx_parts.WorkbookLimits`) with a message saying what and where.

Merged ranges are returned as ranges, not spread: the caller decides what a
merged cell means (a two-row header, or one project over several commune rows).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from openpyxl.utils.cell import column_index_from_string, get_column_letter, range_boundaries
from openpyxl.utils.datetime import from_excel

from geoaid.imports.safexml import stream_xml
from geoaid.imports.safezip import DEFAULT_LIMITS, Limits, UnsafeFileError, check_zip
from geoaid.imports.xlsx_parts import DEFAULT_WORKBOOK_LIMITS, WorkbookLimits, WorkbookParts


@dataclass
class Sheet:
    name: str
    rows: dict[int, dict[int, object]] = field(default_factory=dict)   # row → {column → value}, 1-based
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # (min_row, min_col, max_row, max_col)

    def spread_merged(self) -> dict[tuple[int, int], int]:
        """Copy each merged range's value (held by its top-left cell) into every cell of the range.

        Merged headers and merged project cells then read as if every cell held the value. Returns
        the copied cells, (row, column) → the row the value came from, so a reader can still tell a
        copy from a value of its own (a budget merged down three rows is one budget).
        """
        copied = {}
        for min_row, min_col, max_row, max_col in self.merged:
            value = self.rows.get(min_row, {}).get(min_col)
            if value is None:
                continue
            for r in range(min_row, max_row + 1):
                cells = self.rows.setdefault(r, {})
                for c in range(min_col, max_col + 1):
                    if (r, c) != (min_row, min_col):
                        cells[c] = value
                        copied[(r, c)] = min_row
        return copied


def read_first_sheet(path: str | Path, limits: WorkbookLimits = DEFAULT_WORKBOOK_LIMITS,
                     zip_limits: Limits = DEFAULT_LIMITS) -> Sheet:
    """The first worksheet's values and merged ranges; :class:`UnsafeFileError` when refused."""
    return read_sheets(path, limits, zip_limits, first_only=True)[0]


def read_sheets(path: str | Path, limits: WorkbookLimits = DEFAULT_WORKBOOK_LIMITS,
                zip_limits: Limits = DEFAULT_LIMITS, first_only: bool = False) -> list[Sheet]:
    """Every worksheet in workbook order (or only the first), within one budget of cells.

    The cell and row limits count over all sheets together, so a thousand
    sheets of limit-sized tables cost no more than one.
    """
    check_zip(path, zip_limits)
    with zipfile.ZipFile(path) as archive:
        book = WorkbookParts(archive, limits)
        book_part = book.office_document()
        relationships = book.relationships(book_part)
        epoch, sheets = book.workbook(book_part)
        worksheets = [(name, relationships[rid]) for name, rid in sheets
                      if rid in relationships and relationships[rid][0] == "worksheet"]
        if not worksheets:
            raise UnsafeFileError("the workbook has no worksheet")
        by_type = {kind: target for kind, target in relationships.values()}
        strings = book.shared_strings(by_type["sharedStrings"]) if "sharedStrings" in by_type else []
        date_styles = book.date_styles(by_type["styles"]) if "styles" in by_type else frozenset()
        read, counts = [], (0, 0, 0)
        for name, (_kind, part) in worksheets[:1] if first_only else worksheets:
            reader = _SheetReader(name, strings, date_styles, epoch, limits, counts)
            read.append(reader.read(book.open(part)))
            counts = (reader.declared_rows, reader.declared_cells, reader.merged_cells)
        return read


class _SheetReader:
    """One pass over a worksheet's XML, keeping the cells that hold a value."""

    def __init__(self, name, strings, date_styles, epoch, limits: WorkbookLimits, counted=(0, 0, 0)):
        self.sheet = Sheet(name)
        self.strings, self.date_styles, self.epoch, self.limits = strings, date_styles, epoch, limits
        self.row = self.col = 0
        # rows, cells and merged cells declared by the sheets read before this one
        self.declared_rows, self.declared_cells, self.merged_cells = counted
        self.cell_type = self.style = self.ref = None
        self.parts: list[str] | None = None         # text of the current cell's value, while inside it
        self.capture = self.phonetic = False
        self.columns: dict[str, int] = {}           # column letters → number, cached

    def read(self, stream) -> Sheet:
        limits = self.limits
        with stream:
            stream_xml(stream, f"sheet {self.sheet.name!r}", self.start, self.end, self.text,
                       max_elements=4 * limits.max_cells + 2 * limits.max_rows
                       + limits.max_merged_ranges + limits.max_part_elements)
        return self.sheet

    def refuse(self, why: str):
        raise UnsafeFileError(f"sheet {self.sheet.name!r}: {why}; refused")

    def start(self, element, attrs):
        if element == "c":                          # by far the most frequent: first, and short
            self.declared_cells += 1
            if self.declared_cells > self.limits.max_cells:
                self.refuse(f"more than {self.limits.max_cells:,} cells are declared")
            ref = attrs.get("r")
            self.col = self._column(ref) if ref else self.col + 1
            self.ref, self.cell_type, self.style, self.parts = ref, attrs.get("t", "n"), attrs.get("s"), None
        elif element == "v" or (element == "t" and not self.phonetic):
            self.capture = True
            if self.parts is None:
                self.parts = []
        elif element == "row":
            self.declared_rows += 1
            if self.declared_rows > self.limits.max_rows:
                self.refuse(f"more than {self.limits.max_rows:,} rows are declared")
            self.row = int(attrs["r"]) if attrs.get("r", "").isdigit() else self.row + 1
            self.col = 0
        elif element == "rPh":
            self.phonetic = True
        elif element == "mergeCell":
            self._merged(attrs.get("ref", ""))

    def end(self, element):
        if element == "c":
            if self.parts is not None:
                self._keep(self._value("".join(self.parts)))
                self.parts = None
        elif element == "v" or element == "t":
            self.capture = False
        elif element == "rPh":
            self.phonetic = False

    def _keep(self, value) -> None:
        if value is None or value == "":
            return
        row = self._row_of(self.ref)
        if row > self.limits.max_rows or self.col > self.limits.max_columns:
            self.refuse(f"cell {get_column_letter(min(self.col, 16384))}{row} holds a value beyond "
                        f"{self.limits.max_rows:,} rows and {self.limits.max_columns} columns, "
                        "the most an import sheet may use")
        self.sheet.rows.setdefault(row, {})[self.col] = value

    def text(self, data):
        if self.capture:
            self.parts.append(data)

    def _column(self, ref: str) -> int:
        letters = ref.rstrip("0123456789")
        column = self.columns.get(letters)
        if column is None:
            try:
                column = column_index_from_string(letters)
            except ValueError:
                self.refuse(f"cell reference {ref[:20]!r} is not a cell")
            self.columns[letters] = column
        return column

    def _row_of(self, ref: str | None) -> int:
        digits = ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") if ref else ""
        return int(digits) if digits.isdigit() else self.row

    def _value(self, raw: str):
        kind = self.cell_type
        if kind in ("s", "inlineStr", "str", "e"):
            if kind != "s":
                return raw
            try:
                return self.strings[int(raw)]
            except (ValueError, IndexError):
                self.refuse(f"cell {self.ref} refers to shared string {raw[:20]!r}, which does not exist")
        if kind == "b":
            return raw.strip() in ("1", "true")
        if kind == "d":
            try:
                return datetime.fromisoformat(raw.strip())
            except ValueError:
                return raw
        try:
            number = float(raw) if any(c in raw for c in ".eE") else int(raw)
        except ValueError:
            return raw.strip() or None
        if self.style is not None and self.style.isdigit() and int(self.style) in self.date_styles:
            try:
                return from_excel(number, self.epoch)
            except (ValueError, OverflowError):
                return number
        return number

    def _merged(self, ref: str) -> None:
        limits, merged = self.limits, self.sheet.merged
        if len(merged) >= limits.max_merged_ranges:
            self.refuse(f"more than {limits.max_merged_ranges:,} merged ranges")
        try:
            min_col, min_row, max_col, max_row = range_boundaries(ref)
        except (ValueError, TypeError):
            self.refuse(f"merged range {ref[:40]!r} is not a range")
        if None in (min_col, min_row, max_col, max_row) or not (1 <= min_col <= max_col and 1 <= min_row <= max_row):
            self.refuse(f"merged range {ref[:40]!r} is not a range")   # a reversed range would count negative
        if max_row > limits.max_rows or max_col > limits.max_columns:
            self.refuse(f"merged range {ref} reaches beyond {limits.max_rows:,} rows and "
                        f"{limits.max_columns} columns, the most an import sheet may use")
        self.merged_cells += (max_row - min_row + 1) * (max_col - min_col + 1)
        if self.merged_cells > limits.max_merged_cells:
            self.refuse(f"merged ranges cover more than {limits.max_merged_cells:,} cells")
        merged.append((min_row, min_col, max_row, max_col))
