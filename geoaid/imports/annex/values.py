"""What a row says about each scheme: listed by a mark, by its region level, or by a value.

* mark columns: the unit is listed in a scheme when its column holds "x";
* a level column (Khu vực I / II / III): the unit is listed in region_i,
  region_ii or region_iii;
* otherwise every row lists its unit, with the value the scheme's kind
  needs (a category, a count, a share in %);
* hamlet lists (kind ``count``, a hamlet column and no value column): one
  row per hamlet, the commune's count is the number of its hamlets.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from geoaid.imports.annex.columns import Layout, is_mark, region_level
from geoaid.imports.annex.rows import DataRow
from geoaid.imports.problems import ImportReport
from geoaid.text.names import name_key, nfc
from geoaid.text.values import parse_number

REGIONS = ("region_i", "region_ii", "region_iii")


@dataclass
class Listing:
    scheme: str
    unit: str
    value: str
    value_num: float | None
    line: int


def check_columns(layout: Layout, metas: list[dict], report: ImportReport, sections: bool = False) -> bool:
    """File-wide: every scheme asked for has the column (or, for regions, the ``sections``)
    that says which units it lists."""
    keys = [meta["scheme"] for meta in metas]
    marks = layout.marks()
    if marks:
        missing = [key for key in keys if key not in marks]
        if missing:
            report.add(None, None, None, f"no mark column for {', '.join(missing)}; the file's mark columns "
                                         f"are for {', '.join(marks)}")
            return False
        return True
    if (layout.column("level") is not None or sections) and set(keys) <= set(REGIONS):
        return True
    if len(metas) > 1:
        report.add(None, None, None, f"{', '.join(keys)} in one file need a level column (Khu vực: I, II, "
                                     "III), section rows (XÃ KHU VỰC III …) or one mark column per scheme "
                                     "(x under Khu vực I | II | III)")
        return False
    kind = metas[0]["kind"]
    if kind == "count" and layout.column("hamlet") is not None and layout.column("value") is None:
        return True
    if kind in ("category", "count", "share") and layout.column("value") is None and not (
            kind == "category" and layout.column("level") is not None):
        report.add(None, "value", None, f"a {kind} scheme needs a value column")
        return False
    return True


def listings(row: DataRow, layout: Layout, metas: list[dict], report: ImportReport,
             sections: bool = False) -> list[Listing]:
    """The schemes ``row`` lists its unit in (empty when it lists it in none asked for);
    ``sections``: the list is divided by region section rows."""
    marks = layout.marks()
    if marks:
        found = []
        for meta in metas:
            cell = row.cells.get(marks[meta["scheme"]])
            if is_mark(cell):
                found.append(Listing(meta["scheme"], row.unit, "1", 1.0, row.line))
            elif cell not in (None, "") and str(cell).strip() not in ("-", "0"):
                report.add(row.line, layout.texts.get(marks[meta["scheme"]]), cell,
                           'not a mark: write "x" where the unit is listed, leave the cell empty otherwise')
        return found
    keys, level = {meta["scheme"] for meta in metas}, None
    if layout.column("level") is not None and keys <= set(REGIONS):
        raw = layout.cell(row.cells, "level")
        level = region_level(raw) if raw is not None else None
        if level is None:
            report.add(row.line, layout.header("level"), raw, "not a region level: write I, II or III")
            return []
    elif sections and keys <= set(REGIONS):
        level = row.context.region
        if level is None:
            report.add(row.line, None, None, "no region section row (XÃ KHU VỰC I, II or III) above this row")
            return []
    if level is not None:
        scheme = REGIONS[level - 1]
        return [Listing(scheme, row.unit, "1", 1.0, row.line)] if scheme in keys else []
    value = _value(row, layout, metas[0], report)
    return [] if value is None else [Listing(metas[0]["scheme"], row.unit, value[0], value[1], row.line)]


def _value(row: DataRow, layout: Layout, meta: dict, report: ImportReport):
    kind = meta["kind"]
    raw = layout.cell(row.cells, "value")
    if kind == "category":
        raw = raw if raw is not None else layout.cell(row.cells, "level")
        if raw is None:
            report.add(row.line, layout.header("value"), None, "missing category")
            return None
        return nfc(str(raw)), None
    if kind == "flag" and raw is None:
        return "1", 1.0
    try:
        number = parse_number(raw)
    except ValueError:
        report.add(row.line, layout.header("value"), raw, "not a number")
        return None
    why = ("a share must be between 0 and 100" if kind == "share" and not 0 <= number <= 100
           else "must not be negative" if number < 0
           else "a flag is 1 (listed) or 0" if kind == "flag" and number not in (0.0, 1.0) else None)
    if why:
        report.add(row.line, layout.header("value"), raw, why)
        return None
    return f"{number:g}", number


@dataclass
class HamletCounts:
    """One row per hamlet: each commune's count, and the row of its first hamlet."""

    scheme: str
    counts: dict[str, int] = field(default_factory=dict)
    first: dict[str, int] = field(default_factory=dict)
    seen: dict[tuple[str, str], int] = field(default_factory=dict)

    def add(self, row: DataRow, layout: Layout, report: ImportReport) -> None:
        hamlet = layout.cell(row.cells, "hamlet")
        if hamlet is None:
            report.add(row.line, layout.header("hamlet"), None, "no hamlet name: a hamlet list has one "
                                                                "row per hamlet (thôn, bản, ấp)")
            return
        key = (row.unit, name_key(str(hamlet)))
        if key in self.seen:
            report.add(row.line, layout.header("hamlet"), hamlet,
                       f"the same hamlet of this commune is already on row {self.seen[key]}")
            return
        self.seen[key] = row.line
        self.counts[row.unit] = self.counts.get(row.unit, 0) + 1
        self.first.setdefault(row.unit, row.line)

    def listings(self) -> list[Listing]:
        return [Listing(self.scheme, unit, str(count), float(count), self.first[unit])
                for unit, count in self.counts.items()]


def counts_hamlets(layout: Layout, metas: list[dict]) -> bool:
    return (len(metas) == 1 and metas[0]["kind"] == "count" and layout.column("hamlet") is not None
            and layout.column("value") is None and not layout.marks())
