"""``geoaid import needs FILE``: what communes and districts ask for, as a provincial plan lists it.

Columns (Vietnamese headers as plans write them; case, diacritics and spacing do not matter):

| field | meaning | also accepted |
|---|---|---|
| need_id | optional; without it the id is derived from places + sector + description | Mã |
| description | what is asked for | Nội dung, Danh mục, Tên công trình, Nhu cầu hỗ trợ |
| sector | one of the 7 plan sectors, or given by section rows ("I. LĨNH VỰC Y TẾ") | Lĩnh vực |
| budget | estimated cost, in the unit stated ("Đơn vị tính: triệu đồng") | Kinh phí dự kiến, Nhu cầu vốn |
| currency | VND, USD or EUR | Đơn vị tiền |
| priority | 1 (highest) …, "Cao / Trung bình / Thấp", "Ưu tiên 1" | Mức độ ưu tiên, Thứ tự ưu tiên |
| period | "2025", "2025-2026", "Năm 2025", "Quý I/2025" | Năm thực hiện, Giai đoạn, Thời gian thực hiện |
| source | the plan asking for it; else the ``--source`` option; else the plan a title line names | Nguồn, Căn cứ |
| locations, commune, district | a commune, several ("Xã A, xã B"), "Toàn huyện" | Địa bàn, Xã, Huyện, Tỉnh |

Lists are read as report layouts (:mod:`geoaid.imports.layout`): letterhead, one- or
two-row merged headers, section rows giving the sector or the district, "Tổng cộng"
rows left out and checked against the needs they cover. Every problem is reported
with its sheet, row, column and value; re-importing a need (same id) updates it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from geoaid.imports.base import Importer, Option, Prepared
from geoaid.imports.common import decide, replace_rows
from geoaid.imports.layout import field_matcher, read_tables, unit_in
from geoaid.imports.locate import Locator
from geoaid.imports.need_records import read_need
from geoaid.imports.problems import ImportReport
from geoaid.imports.project_checks import check_totals
from geoaid.imports.project_places import Places, letterhead_province
from geoaid.imports.project_records import SheetContext
from geoaid.imports.projects import ALIASES as PROJECT_ALIASES
from geoaid.store import schema

__all__ = ["ALIASES", "NeedsImporter", "prepare"]

ALIASES = {
    "need_id": ["id", "ma", "ma nhu cau", "need id"],
    "row_number": PROJECT_ALIASES["row_number"],
    "description": ["noi dung", "noi dung nhu cau", "danh muc", "ten cong trinh", "ten cong trinh du an",
                    "nhu cau", "nhu cau ho tro", "noi dung ho tro", "hang muc", "ten du an", "description",
                    "need", "danh muc nhu cau", "noi dung de xuat", "danh muc cong trinh"],
    "sector": PROJECT_ALIASES["sector"],
    "budget": ["kinh phi du kien", "du kien kinh phi", "kinh phi", "nhu cau von", "tong nhu cau von",
               "tong muc dau tu", "tong muc dau tu du kien", "kinh phi uoc tinh", "estimated cost", "cost",
               "von du kien", "nhu cau kinh phi", "tong kinh phi", "kinh phi du kien tong so"],
    "currency": PROJECT_ALIASES["currency"],
    "priority": ["muc do uu tien", "uu tien", "thu tu uu tien", "muc uu tien", "priority", "xep hang uu tien"],
    "period": ["nam", "nam thuc hien", "giai doan", "thoi gian thuc hien", "thoi gian", "period", "year",
               "du kien thoi gian thuc hien", "thoi gian du kien"],
    "source": ["nguon", "can cu", "van ban", "source", "theo ke hoach", "can cu de xuat"],
    **{f: PROJECT_ALIASES[f] for f in ("locations", "commune", "district", "province", "sample")},
}
PLACES = ("locations", "commune", "district", "province")
# The plan a list is attached to, as its title lines name it: "(Kèm theo Kế hoạch số 37/KH-UBND …)".
_PLAN = re.compile(r"\b(Kế hoạch|Quyết định|Nghị quyết|Công văn|Báo cáo)\s+(?:số\s+)?(\d+[\w/.-]*)", re.IGNORECASE)


def plan_named_above(texts: list[str]) -> str | None:
    """ "Kế hoạch 37/KH-UBND" from a line above the table, if one names a plan.

    >>> plan_named_above(["(Kèm theo Kế hoạch số 37/KH-UBND ngày 10/3/2025)"])
    'Kế hoạch 37/KH-UBND'
    """
    return next((f"{m[1]} {m[2]}" for text in texts if (m := _PLAN.search(text))), None)


def _is_needs_table(fields: set[str]) -> bool:
    return {"description", "budget"} <= fields and bool(fields & set(PLACES))


def prepare(path, communes, rates: dict, sample: bool = False, source: str | None = None,
            source_name: str | None = None):
    """Read and validate; return (needs, locations) frames with ``source_row``/``source_sheet``, and the report."""
    report = ImportReport(source_name or Path(path).name)
    needs = pd.DataFrame(columns=schema.NEED_COLUMNS + ["source_row", "source_sheet"])
    locations = pd.DataFrame(columns=schema.NEED_LOCATION_COLUMNS + ["source_row", "source_sheet"])
    tables, found = read_tables(path, field_matcher(ALIASES), report, accept=_is_needs_table,
                                keys=("need_id", "row_number", "description"), labels=("row_number", "description"))
    if not tables:
        if not report.errors:
            missing = [f for f in ("description", "budget") if f not in found]
            missing += [] if found & set(PLACES) else ["locations"]
            report.add(None, None, None, f"missing required column(s): {', '.join(missing)}" if found else
                       "no needs table found: no header with a description, an estimated cost and a place "
                       "(Nội dung, Kinh phí dự kiến, Địa bàn or Xã/Huyện)")
        return (needs, locations), report
    places = Places(Locator(communes))
    seen: dict[str, tuple[str | None, int]] = {}
    need_rows, location_rows, records = [], [], 0
    for table in tables:
        header = table.header
        sheet = SheetContext(report, table.sheet, dict(header.names),
                             unit_in(header.names.get("budget", "")) or table.unit_above(), rates, places,
                             letterhead_province(header.above, places.locator), "sector" in header.fields)
        label = report.file if len(tables) == 1 else f"{report.file} [{table.sheet}]"
        costs = []
        for record in table.body.records:
            records += 1
            fields, found_locations = read_need(record, sheet, source or plan_named_above(header.above))
            costs.append(fields["cost"] if fields else None)
            if fields is None:
                continue
            line, need_id = record.lines[0], fields["need_id"]
            if need_id in seen:
                sheet.bad(line, "description", fields["description"],
                          f"the same need (place, sector and description) is listed twice "
                          f"(also on row {seen[need_id][1]})")
                continue
            seen[need_id] = (table.sheet, line)
            fields["sample"] = int(sample or fields["sample"])
            need_rows.append({**fields, "source_file": label, "source_row": line, "source_sheet": table.sheet})
            location_rows += [{"need_id": need_id, "level": loc.level, "unit_code": loc.unit_code,
                               "location_text": loc.text, "source_row": line, "source_sheet": table.sheet}
                              for loc in found_locations]
        check_totals(table, sheet, costs, divisor=sheet.unit.factor if sheet.unit else 1, noun="need(s)")
    report.counts.update(rows=records, valid=len(need_rows))
    return (pd.DataFrame(need_rows, columns=needs.columns),
            pd.DataFrame(location_rows, columns=locations.columns)), report


class NeedsImporter(Importer):
    label = "local needs lists (CSV/XLSX) as communes, districts and provincial plans write them"
    description = ("Import what communes and districts ask for: place (commune, several communes, "
                   "district-wide), sector, description, estimated cost, priority, year or period and "
                   "the plan asking for it, from a list laid out as a report (letterhead, merged header, "
                   "section rows per sector, totals, 'Đơn vị tính: triệu đồng'). Re-importing updates.")
    suffixes = (".csv", ".xlsx")
    options = (
        Option("source", "the plan the list comes from, for needs without a source column "
                         "(e.g. \"Kế hoạch 37/KH-UBND\")", web=True, label="needs_source",
               example="Kế hoạch 37/KH-UBND"),
        Option("sample", "mark the needs as SAMPLE (not real) data", type=bool, default=False,
               web=True, label="mark_sample"),
    )

    def read(self, path, options, workspace, source_name=None) -> Prepared:
        data, report = prepare(path, workspace.read(schema.COMMUNES), workspace.settings()["exchange_rates_vnd"],
                               sample=options["sample"], source=options.get("source"), source_name=source_name)
        return Prepared(self.key, data, report, options, valid=len(data[0]), total=report.counts.get("rows", 0))

    def commit(self, prepared, workspace, user="cli", keep_valid=False) -> ImportReport:
        """Write needs and their places in one transaction; ids already stored are updated."""
        report = prepared.report
        needs, locations = (frame.drop(columns=["source_row", "source_sheet"]) for frame in prepared.data)
        if not decide(report, keep_valid, valid=len(needs)):
            return report
        ids = set(needs["need_id"])
        with workspace.transaction() as tx:
            updated = replace_rows(tx, schema.NEEDS, schema.NEED_COLUMNS, "need_id", ids, needs)
            replace_rows(tx, schema.NEED_LOCATIONS, schema.NEED_LOCATION_COLUMNS, "need_id", ids, locations)
            tx.audit(user, "import needs", report.file,
                     {"needs": len(needs), "updated": updated, "skipped": len(report.bad_rows())})
        report.counts.update(imported=len(needs), updated=updated)
        report.written = True
        return report
