"""Classification lists as they are published: flat lists, annexes with headings, marks, hamlets.

One reader for every layout of an official list (see the README's import
section for an example table of each):

* a flat list: codes, or names with or without district/province columns;
* an annex with province and district **heading rows** instead of a
  district column, communes numbered again inside each district
  (:mod:`.headings`);
* a **level column** "Khu vực" (I / II / III), **section rows** ("I. XÃ
  KHU VỰC III") or **mark columns** ("x" under Khu vực I | II | III, or
  ĐBKK), giving several schemes in one import (:mod:`.columns`,
  :mod:`.values`);
* a **hamlet list**, one row per thôn/ấp: the commune's count is computed;
* a single column of codes, with the header "Mã xã" or none.

Example::

    report = ImportReport("phu_luc_861.xlsx")
    found = read_listings("phu_luc_861.xlsx", communes, [scheme_meta("region_iii")], report)
    [(f.scheme, f.unit, f.line) for f in found]     # [("region_iii", "00742", 8), …]
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from geoaid.imports.annex.columns import find_layout
from geoaid.imports.annex.headings import region_section
from geoaid.imports.annex.rows import data_rows
from geoaid.imports.annex.values import (
    REGIONS,
    HamletCounts,
    Listing,
    check_columns,
    counts_hamlets,
    listings,
)
from geoaid.imports.locate import Locator
from geoaid.imports.problems import ImportReport
from geoaid.imports.tabular import read_grid


def read_listings(path: str | Path, communes: pd.DataFrame, metas: list[dict],
                  report: ImportReport) -> list[Listing]:
    """Every (scheme, unit) the list at ``path`` gives, checked; problems go to ``report``.

    All ``metas`` share one level (commune or district). A unit listed twice
    for one scheme is reported on its second row.
    """
    read = read_grid(path, report)
    if read is None:
        return []
    grid, _merged = read
    layout = find_layout(grid)
    if layout is None:
        report.add(None, None, None, "no header row recognised (Mã xã, Tên xã, Huyện, Tỉnh, Khu vực, Thôn …) "
                                     "and not a single column of codes; see the README's example tables")
        return []
    sections = any(isinstance(value, str) and region_section(value)
                   for _, cells in grid[layout.start:] for value in cells.values())
    if not check_columns(layout, metas, report, sections):
        return []
    level = metas[0]["level"]
    hamlets = HamletCounts(metas[0]["scheme"]) if counts_hamlets(layout, metas) else None
    found, seen, lines, other_levels = [], {}, set(), 0
    for row in data_rows(grid, layout, Locator(communes), level, report):
        lines.add(row.line)
        if hamlets is not None:
            hamlets.add(row, layout, report)
            continue
        problems = len(report.problems)
        listed = listings(row, layout, metas, report, sections)
        other_levels += not listed and len(report.problems) == problems
        for listing in listed:
            key = (listing.scheme, listing.unit)
            if key in seen:
                report.add(row.line, None, listing.unit, f"the same unit is already on row {seen[key]}")
                continue
            seen[key] = row.line
            found.append(listing)
    if hamlets is not None:
        found = hamlets.listings()
    if other_levels and not layout.marks() and (sections or layout.column("level") is not None) \
            and len(metas) < len(REGIONS):
        report.add(None, None, None, f"{other_levels} row(s) list their unit in another region level, not "
                                     "imported; --scheme regions imports region I, II and III together",
                   severity="warning")
    report.counts = {"rows": len(lines | report.bad_rows()), "valid": len(found)}
    return found
