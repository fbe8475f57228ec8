"""What a project list states about itself, checked: its total rows, and headings that may be projects.

Example::

    check_totals(table, sheet, written=[420.5, 1200.0])   # a wrong "Tổng cộng" becomes a warning
"""

from __future__ import annotations

from geoaid.imports.layout import SheetTable
from geoaid.imports.project_records import SheetContext, heading_meaning
from geoaid.text.values import parse_number


def check_totals(table: SheetTable, sheet: SheetContext, written: list[float | None], divisor: float = 1,
                 noun: str = "project(s)") -> None:
    """Each total row against the sum of the records it covers: a mismatch is a warning with both figures.

    ``written``: each record's amount (in the sheet's unit once divided by ``divisor``); ``noun`` names them.
    """
    for total in table.body.totals:
        raw = total.cells.get("budget")
        covered = [written[i] for i in total.records]
        if raw is None or not covered or any(amount is None for amount in covered):
            continue
        try:
            stated = parse_number(raw)
        except ValueError:
            sheet.bad(total.line, "budget", raw, "the total cannot be read; it was not checked", "warning")
            continue
        added = sum(covered) / divisor
        if abs(stated - added) > max(0.005, 1e-9 * abs(stated)):   # rounding of the written figures
            unit = f" {sheet.unit}" if sheet.unit else ""
            sheet.bad(total.line, "budget", raw, f"the row {total.label!r} says {_figure(stated)}{unit} but the "
                      f"{len(covered)} {noun} it covers add up to {_figure(added)}{unit}", "warning")


def check_headings(table: SheetTable, sheet: SheetContext) -> None:
    """A heading that names no sector, district or province may be a project left half filled in:
    say it was read as a heading (unless it is already an error)."""
    for line, heading in table.body.headings:
        if line not in sheet.bad_headings and heading_meaning(heading, sheet) is None:
            sheet.bad(line, "title", heading, "read as a section heading (the row holds nothing else); "
                      "if it is a project, fill in its donor, budget and place", "warning")


def _figure(number: float) -> str:
    return f"{number:,.3f}".rstrip("0").rstrip(".")
