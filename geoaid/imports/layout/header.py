"""Finding the table in a report sheet: its header rows, below letterheads, titles and unit lines.

Provincial reports put a letterhead ("UBND TỈNH CÀ MAU / SỞ NGOẠI VỤ"), a
title and a unit line ("Đơn vị tính: triệu đồng") above the table, and often
a header of two rows whose upper cells are merged over several lower ones
("Địa bàn thực hiện" over "Xã" | "Huyện" | "Tỉnh"), sometimes followed by a
row numbering the columns ("(1)", "(2)"…). The header is the row (with the
row above it) in which the most columns are recognised; each column is named
by its upper and lower cell together.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from geoaid.imports.common import header_matcher
from geoaid.imports.layout.grid import SheetGrid

SEARCH_ROWS = 30
_COLUMN_NUMBER = re.compile(r"^\(?(\d{1,2}|[a-zA-Z])\)?$")


@dataclass
class Header:
    """Where the table starts and which column holds which field."""

    fields: dict[str, int]                 # field → 0-based column
    names: dict[str, str]                  # field → the column's name as written (upper and lower cell)
    first_data: int                        # index in the grid's rows of the first row under the header
    above: list[str] = field(default_factory=list)   # texts of the cells above the header, by row


def field_matcher(aliases: dict[str, list[str]]) -> Callable[[str], str | None]:
    """Like :func:`geoaid.imports.common.header_matcher`, also reading bilingual headers "Budget / Kinh phí"."""
    match = header_matcher(aliases)

    def read(text: str) -> str | None:
        found = match(text)
        if found is None and " / " in text:
            found = next((f for part in text.split(" / ") if (f := match(part))), None)
        return found

    return read


def find_header(grid: SheetGrid, match: Callable[[str], str | None]) -> Header | None:
    """The header recognising the most fields (at least two) in the first rows, or None."""
    best = None
    rows = grid.rows
    for index, (line, cells) in enumerate(rows[:SEARCH_ROWS]):
        above = rows[index - 1][1] if index > 0 else {}
        fields, names = {}, {}
        for col in sorted(cells):
            cell, up = cells[col], above.get(col)
            combined = f"{up} {cell}" if up is not None and up != cell else str(cell)
            for text in ([combined, str(cell)] if combined != str(cell) else [combined]):
                found = match(text)
                if found and found not in fields:
                    fields[found] = col
                    names[found] = (f"{up} / {cell}" if text == combined and combined != str(cell)
                                    else str(cell))
                    break
        # The lower row of a merged two-row header recognises as much as the upper one: it is the header.
        lower_half = (best is not None and index == best[0] + 1 and len(fields) == len(best[1])
                      and any(grid.continues_above(line, col) for col in cells))
        if len(fields) >= 2 and (best is None or len(fields) > len(best[1]) or lower_half):
            best = (index, fields, names)
    if best is None:
        return None
    index, fields, names = best
    first_data = index + 1
    if first_data < len(rows) and _numbers_columns(rows[first_data][1]):
        first_data += 1
    above = [str(value) for _, cells in rows[:index] for value in dict.fromkeys(cells.values())]
    return Header(fields, names, first_data, above)


def _numbers_columns(cells: dict[int, object]) -> bool:
    """A row under the header that only numbers the columns: 1 | 2 | 3… or (1) | (2)…"""
    values = [str(v).strip() for v in cells.values()]
    return len(values) >= 3 and all(_COLUMN_NUMBER.match(v) for v in values)
