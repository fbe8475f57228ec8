"""Reading tables laid out as provincial reports, for any importer of lists.

A report sheet is read in three steps, each its own module:

* :mod:`.grid` — every sheet of a CSV/XLSX file, merged cells spread and remembered;
* :mod:`.header` — the header rows below letterhead, title and unit lines, one or two
  rows, merged upper cells naming the lower ones;
* :mod:`.body` — records over one or several rows, section headings, total rows;
* :mod:`.hxl` — an HXL hashtag row under (or instead of) the header;

and :mod:`.units` / :mod:`.periods` read the money units and periods reports state.

Example::

    tables, found = read_tables("bao-cao.xlsx", field_matcher(ALIASES), report,
                                  accept=lambda fields: "title" in fields,
                                  keys=("project_id", "row_number", "title"), labels=("row_number", "title"))
    for table in tables:            # one per sheet holding such a table
        for record in table.body.records:
            record.first("title"), record.lines, record.sections
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from geoaid.imports.layout.body import Body, Record, Total, read_body, section_heading
from geoaid.imports.layout.grid import SheetGrid, read_grids
from geoaid.imports.layout.header import Header, field_matcher, find_header
from geoaid.imports.layout.hxl import HashtagSpec, parse_hashtag
from geoaid.imports.layout.periods import read_period
from geoaid.imports.layout.units import Unit, read_unit, unit_in
from geoaid.imports.problems import ImportReport

__all__ = ["Body", "HashtagSpec", "Header", "Record", "SheetTable", "Total", "Unit", "field_matcher",
           "parse_hashtag", "read_period",
           "read_tables", "read_unit", "section_heading", "unit_in"]


@dataclass
class SheetTable:
    """One table found in one sheet."""

    sheet: str | None            # None for a CSV file
    grid: SheetGrid
    header: Header
    body: Body

    def unit_above(self) -> Unit | None:
        """A unit stated on a line above the table ("Đơn vị tính: triệu đồng")."""
        return next((unit for text in self.header.above if (unit := unit_in(text))), None)


def read_tables(path: str | Path, match: Callable[[str], str | None], report: ImportReport,
                accept: Callable[[set[str]], bool], keys: tuple[str, ...], labels: tuple[str, ...],
                hashtags: HashtagSpec | None = None) -> tuple[list[SheetTable], list[tuple[str | None, Header]]]:
    """The tables of every sheet whose header ``accept``s the fields found.

    Returns the tables and the headers found but not accepted, with their
    sheet, best first (so the caller can say which columns were found and
    which are missing). Sheets without a header (notes, a guide) are passed
    over. ``hashtags`` reads HXL hashtag rows (:mod:`.hxl`).
    """
    grids = read_grids(path, report)
    tables, rejected = [], []
    for grid in grids or []:
        header = find_header(grid, match, hashtags)
        if header is None:
            continue
        if not accept(set(header.fields)):
            rejected.append((grid.name, header))
            continue
        tables.append(SheetTable(grid.name, grid, header, read_body(grid, header, keys, labels)))
    rejected.sort(key=lambda found: -len(found[1].fields))
    return tables, rejected
