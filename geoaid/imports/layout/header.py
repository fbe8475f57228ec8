"""Finding the table in a report sheet: its header rows, below letterheads, titles and unit lines.

Provincial reports put a letterhead ("UBND TỈNH CÀ MAU / SỞ NGOẠI VỤ"), a
title and a unit line ("Đơn vị tính: triệu đồng") above the table, and often
a header of two rows whose upper cells are merged over several lower ones
("Địa bàn thực hiện" over "Xã" | "Huyện" | "Tỉnh"), sometimes followed by a
row numbering the columns ("(1)", "(2)"…). The header is the row (with the
row above it) in which the most columns are recognised; each column is named
by its upper and lower cell together. A row of HXL hashtags (:mod:`.hxl`)
is the header whatever the text above it says: its columns are read by their
hashtags, and named by the text above them with the hashtag.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from geoaid.imports.common import header_matcher
from geoaid.imports.layout.grid import SheetGrid
from geoaid.imports.layout.hxl import HashtagSpec, is_hashtag_row

SEARCH_ROWS = 30
_COLUMN_NUMBER = re.compile(r"^\(?(\d{1,2}|[a-zA-Z])\)?$")


@dataclass
class Header:
    """Where the table starts and which column holds which field."""

    fields: dict[str, int]                 # field → 0-based column
    names: dict[str, str]                  # field → the column's name as written (upper and lower cell)
    first_data: int                        # index in the grid's rows of the first row under the header
    above: list[str] = field(default_factory=list)   # texts of the cells above the header, by row
    hashtags: dict[str, str] = field(default_factory=dict)   # field → its HXL hashtag, for an HXL table
    columns: list[tuple[int, str, str | None]] = field(default_factory=list)  # (column, name, field or None)


def field_matcher(aliases: dict[str, list[str]]) -> Callable[[str], str | None]:
    """Like :func:`geoaid.imports.common.header_matcher`, also reading bilingual headers "Budget / Kinh phí"."""
    match = header_matcher(aliases)

    def read(text: str) -> str | None:
        found = match(text)
        if found is None and " / " in text:
            found = next((f for part in text.split(" / ") if (f := match(part))), None)
        return found

    return read


def find_header(grid: SheetGrid, match: Callable[[str], str | None],
                hashtags: HashtagSpec | None = None) -> Header | None:
    """The header recognising the most fields (at least two) in the first rows, or None.

    With ``hashtags``, the first HXL hashtag row is the header (see :func:`_hashtag_header`).
    """
    best = None
    rows = grid.rows
    for index, (line, cells) in enumerate(rows[:SEARCH_ROWS]):
        above = rows[index - 1][1] if index > 0 else {}
        if hashtags is not None and is_hashtag_row(cells):
            return _hashtag_header(rows, index, hashtags)
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
    by_column = {col: f for f, col in fields.items()}
    columns = [(col, names[by_column[col]] if col in by_column else str(value), by_column.get(col))
               for col, value in sorted(rows[index][1].items())]
    return Header(fields, names, first_data, above, columns=columns)


def _hashtag_header(rows, index: int, hashtags: HashtagSpec) -> Header:
    """The header of an HXL table: fields by hashtag; the text row above it (if any) only names them."""
    cells = rows[index][1]
    text_row = rows[index - 1][1] if index > 0 and not is_hashtag_row(rows[index - 1][1]) else {}
    fields, tags = hashtags.fields(cells)
    by_column = {col: f for f, col in fields.items()}
    names = {f: _name(text_row.get(col), tags[f]) for f, col in fields.items()}
    columns = [(col, _name(text_row.get(col), value), by_column.get(col))
               for col, value in sorted(cells.items())]
    above_rows = rows[:index - 1] if text_row else rows[:index]
    above = [str(value) for _, row in above_rows for value in dict.fromkeys(row.values())]
    return Header(fields, names, index + 1, above, hashtags=tags, columns=columns)


def _name(text, hashtag) -> str:
    """An HXL column's name: "Donor (#org+funder)", or the hashtag alone under no header text."""
    return str(hashtag) if text is None or str(text) == str(hashtag) else f"{text} ({hashtag})"


def _numbers_columns(cells: dict[int, object]) -> bool:
    """A row under the header that only numbers the columns: 1 | 2 | 3… or (1) | (2)…"""
    values = [str(v).strip() for v in cells.values()]
    return len(values) >= 3 and all(_COLUMN_NUMBER.match(v) for v in values)
