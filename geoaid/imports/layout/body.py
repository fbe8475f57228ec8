"""The rows under a report's header: records over one or more rows, section headings, totals.

* A **record** starts on a row whose key cell (an id or title column) holds
  its own value. The rows below it whose key cell is empty, or only part of
  a range merged down from the record's first row, belong to it: one project
  written over one row per commune.
* A **section row** holds one text in the numbering or title column and
  nothing else ("I. LĨNH VỰC Y TẾ", "1. Huyện Đầm Dơi"), or a text numbered
  I, II… or A, B… (then its amount is the section's sum, checked like a
  total); the sections in force (outer to inner) are given to every record
  under them.
* A **total row** says "Tổng cộng", "Tổng số", "Tổng" or "Cộng" in the
  numbering or title column; it is no record. "Cộng" (a subtotal) covers the
  records of its section, the others every record of the sheet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from geoaid.imports.layout.grid import SheetGrid
from geoaid.imports.layout.header import Header
from geoaid.text.names import fold

_TOTAL = re.compile(r"^(tong cong|tong so|tong|cong|total|sub ?total|grand total)( [ivx0-9 ]+)?$")
# Section numbering: I., II., A., 1., 1.2. (a number alone in the numbering column numbers a record).
_NUMBERING = re.compile(r"^\s*(?:(?P<roman>[IVX]+)|(?P<letter>[A-Z])|(?P<arabic>\d+(?:\.\d+)*))[.)/:\-]\s*")
_SECTION_NUMBER = re.compile(r"^(?:[IVX]+|[A-Z])\.?$")
_ROW_NUMBER = re.compile(r"^\d+(?:\.\d+)*\.?$")
_LEVELS = {"letter": 0, "roman": 1, "arabic": 2}


@dataclass
class Record:
    """One record of the table, over ``lines`` of the sheet (the first line starts it)."""

    lines: list[int]
    cells: list[dict[str, object]]          # per line: field → value (merged values spread)
    own: list[dict[str, object]]            # per line: field → value written on that line itself
    sections: tuple[tuple[int, str], ...]   # (line, heading) of the sections in force, outer first

    def first(self, fieldname: str):
        """The field's first value over the record's lines (None when every line leaves it empty)."""
        return next((cells[fieldname] for cells in self.cells if cells.get(fieldname) is not None), None)


@dataclass
class Total:
    line: int
    label: str
    cells: dict[str, object]
    records: range                          # indexes in :attr:`Body.records` that the total covers
    grand: bool = False                     # "Tổng cộng": every record of the sheet


@dataclass
class Body:
    records: list[Record] = field(default_factory=list)
    totals: list[Total] = field(default_factory=list)
    headings: list[tuple[int, str]] = field(default_factory=list)   # (line, heading) of every section row


def section_heading(text: str) -> tuple[int, str]:
    """(level, heading without its numbering): "II. GIÁO DỤC" → (1, "GIÁO DỤC")."""
    match = _NUMBERING.match(text)
    if match and match.end() < len(text.strip()):
        kind = next(k for k in _LEVELS if match[k])
        return _LEVELS[kind], text[match.end():].strip()
    return 1, text.strip()


def read_body(grid: SheetGrid, header: Header, keys: tuple[str, ...], labels: tuple[str, ...]) -> Body:
    """Group the rows under ``header`` into records, sections and totals.

    ``keys``: fields whose own value starts a record (an id or a title);
    ``labels``: the numbering and title fields, where section and total words are written.
    """
    body = Body()
    columns = header.fields
    label_cols = [columns[f] for f in labels if f in columns]
    sections: dict[int, tuple[int, str]] = {}
    open_totals: list[tuple[int, int, Total]] = []      # (level, first record, total) of section rows
    section_start = 0
    current: Record | None = None
    for line, row in grid.rows[header.first_data:]:
        cells = {f: row.get(c) for f, c in columns.items()}
        own = {f: v for f, v in cells.items() if v is not None and not grid.is_copy(line, columns[f])}
        labels_here = list(dict.fromkeys(str(row[c]).strip() for c in label_cols if row.get(c) is not None))
        if not own and not any(grid.continues_above(line, c) for c in columns.values()):
            continue
        total = next((text for text in labels_here if _TOTAL.match(fold(text))), None)
        if total is not None:
            grand = not fold(total).startswith(("cong", "sub"))
            body.totals.append(Total(line, total, cells, range(section_start, len(body.records)), grand))
            current = None
            continue
        heading = _section(row, labels_here, label_cols, line, grid)
        if heading is not None:
            level, text = heading
            _close(open_totals, level, len(body.records))
            sections = {lv: s for lv, s in sections.items() if lv < level}
            sections[level] = (line, text)
            body.headings.append((line, text))
            section_start, current = len(body.records), None
            if len(own) > len(labels_here):             # the section's own sum, on its heading row
                total = Total(line, text, cells, range(0))
                open_totals.append((level, section_start, total))
                body.totals.append(total)
            continue
        if current is None or any(f in own for f in keys):
            current = Record([], [], [], tuple(sections[lv] for lv in sorted(sections)))
            body.records.append(current)
        current.lines.append(line)
        current.cells.append(cells)
        current.own.append(own)
    _close(open_totals, -1, len(body.records))
    for total in body.totals:      # a grand total covers every record, also when written above them
        if total.grand:
            total.records = range(len(body.records))
    return body


def _close(open_totals, level, end) -> None:
    """Section sums of ``level`` and deeper end here: they cover the records read since their heading."""
    for entry in [e for e in open_totals if e[0] >= level]:
        entry[2].records = range(entry[1], end)
        open_totals.remove(entry)


def _section(row, labels_here, label_cols, line, grid) -> tuple[int, str] | None:
    """A heading: one text in the numbering/title columns and nothing else (numbered 1, 1.2 or not),
    or a text numbered I, II, A… whatever else the row holds (a section's own sum)."""
    if not labels_here or any(grid.continues_above(line, c) for c in row):
        return None
    values = {str(v).strip() for v in row.values()}
    numbering = str(row.get(label_cols[0], "")).strip() if len(label_cols) > 1 else ""
    lone = len(values) == 2 and len(labels_here) == 2          # "1" | "Huyện Đầm Dơi" and nothing else
    if len(labels_here) == 2 and (_SECTION_NUMBER.match(numbering) or (lone and _ROW_NUMBER.match(numbering))):
        text = f"{numbering.rstrip('.')}. {labels_here[1]}"
    elif len(values) == 1:
        text = values.pop()
    else:
        return None
    if not re.search(r"[^\W\d_]", text):       # a number alone is no heading
        return None
    return section_heading(text)
