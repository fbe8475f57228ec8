"""Walking a list's rows: headings set the province/district context, data rows get their unit.

A unit is found by its code, else by its name with the district and
province from their columns or, where there are none, from the headings
above. A name that fits several units (Xã Tả Lủng in Đồng Văn and in Mèo
Vạc) with neither is reported with the candidates, never guessed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from geoaid.imports.annex.columns import Layout
from geoaid.imports.annex.headings import Context, enter, heading_of, is_total_or_note, region_section
from geoaid.imports.locate import Locator
from geoaid.imports.problems import ImportReport
from geoaid.imports.tabular import Grid
from geoaid.text.names import name_key, split_unit_type

_DISTRICT_WORDS = {"huyen", "quan", "thi xa", "thanh pho"}


@dataclass(frozen=True)
class DataRow:
    line: int
    unit: str            # commune code, or district code for district-level lists
    cells: dict
    context: Context


def data_rows(grid: Grid, layout: Layout, locator: Locator, level: str,
              report: ImportReport) -> Iterator[DataRow]:
    """The rows that list a unit, resolved; headings, totals and notes are read and skipped.

    Every row that cannot be resolved is reported (with the column the user
    should look at) and not yielded.
    """
    context = Context()
    hamlets = layout.column("hamlet") is not None
    name_field = "district" if level == "district" and layout.column("commune") is None else "commune"
    for line, cells in grid[layout.start:]:
        label = _label(cells, layout, name_field)
        if label is None and layout.cell(cells, "code") is None and layout.cell(cells, "hamlet") is None:
            continue
        if label and is_total_or_note(label):
            continue
        if label and layout.cell(cells, "code") is None and region_section(label):
            context = replace(context, region=region_section(label))
            continue
        if label and layout.cell(cells, "code") is None:
            hamlet = layout.cell(cells, "hamlet")
            heading = heading_of(label, _numbering(cells, layout), context, locator,
                                 commune_headings=hamlets and hamlet in (None, label),
                                 district_headings=level == "commune",
                                 has_values=_has_values(cells, layout, label))
            if heading is not None:
                if heading.level == "commune":
                    heading = _commune_heading(heading, label, context, locator)
                if heading.problem:
                    report.add(line, layout.header(name_field) or layout.header("hamlet"), label,
                               heading.problem)
                context = enter(context, heading, line, locator)
                continue
        if not any(col in layout.columns for col in cells):
            continue      # text outside the table's columns (a signature, a note): no unit named
        unit, problem = _unit(cells, layout, context, level, locator, name_field)
        if problem:
            value, reason, *field = problem      # a third part: the province or district column was wrong
            column = layout.header(field[0]) if field else layout.header("code") \
                if layout.cell(cells, "code") is not None else layout.header(name_field) or layout.header("hamlet")
            report.add(line, column, value, reason)
            continue
        yield DataRow(line, unit, cells, context)


def _label(cells: dict, layout: Layout, name_field: str) -> str | None:
    """The row's name: its name column, else (a heading written in another column) its first text."""
    value = layout.cell(cells, name_field)
    if value is not None:
        return str(value).strip()
    for col in sorted(cells):
        value = cells[col]
        if isinstance(value, str) and any(ch.isalpha() for ch in value) and \
                not layout.columns.get(col, "").startswith("mark:") and layout.columns.get(col) != "level":
            return value.strip()
    return None


def _has_values(cells: dict, layout: Layout, label: str) -> bool:
    """A level, mark or value cell of the row's own (not a merged heading's text spread over it)."""
    return any(cells.get(col) not in (None, "", label) for col, name in layout.columns.items()
               if name in ("level", "value") or name.startswith("mark:"))


def _numbering(cells: dict, layout: Layout):
    """The STT cell: the first column that holds no field."""
    free = [col for col in sorted(cells) if col not in layout.columns]
    return cells[free[0]] if free else None


def _commune_heading(heading, label: str, context: Context, locator: Locator):
    found, problem = locator.resolve_commune(label, context.district, context.province)
    return type(heading)("commune", found[1] if found else None, problem)


def _unit(cells: dict, layout: Layout, context: Context, level: str, locator: Locator, name_field: str):
    code = layout.cell(cells, "code")
    name = layout.cell(cells, name_field)
    if code is None and name is not None and str(name).replace(" ", "").isdigit():
        code = name
    if code is not None:
        return _by_code(code, level, locator)
    province, problem = _province(cells, layout, context, locator)
    if problem:
        return None, problem
    if level == "district":
        if name is None:
            return None, (None, "no district code and no district name")
        found, reason = locator.resolve_district(str(name), locator.province_names.get(province))
        return (None, (name, reason)) if reason else (found[1], None)
    district, problem = _district(cells, layout, context, locator, province)
    if problem:
        return None, problem
    if name is None:
        if layout.column("hamlet") is None:
            return None, (None, "no commune code and no commune name")
        return (context.commune, None) if context.commune else \
            (None, (None, "no commune for this hamlet: no commune column and no recognised 'Xã …' heading above"))
    if split_unit_type(str(name))[0] in _DISTRICT_WORDS:
        return None, (name, "names a district, but this scheme lists communes")
    if context.unresolved and layout.cell(cells, "district") is None and layout.cell(cells, "province") is None:
        return None, (name, f"the heading on row {context.unresolved} names no known unit, so the "
                            "commune is not looked for elsewhere")
    found, reason = locator.resolve_commune(str(name), district, province)
    return (None, (name, reason)) if reason else (found[1], None)


def _by_code(code, level: str, locator: Locator):
    text = str(code).strip()
    text = text[:-2] if text.endswith(".0") else text
    text = text.zfill(5 if level == "commune" else 3) if text.isdigit() else text
    known = locator.codes if level == "commune" else set(locator.district_names)
    return (text, None) if text in known else (None, (code, f"unknown {level} code"))


def _province(cells, layout, context: Context, locator: Locator):
    name = layout.cell(cells, "province")
    if name is None:
        return context.province, None
    code = locator.provinces.get(name_key(str(name)))
    return (code, None) if code else (None, (name, "unknown province", "province"))


def _district(cells, layout, context: Context, locator: Locator, province: str | None):
    name = layout.cell(cells, "district")
    if name is None:
        return (context.district if province in (None, context.province) else None), None
    found, reason = locator.resolve_district(str(name), locator.province_names.get(province))
    return (None, (name, reason, "district")) if reason else (found[1], None)
