"""``geoaid import projects FILE``: aid project lists, from the template or as provinces write them.

Template: ``geoaid/templates/projects_template.csv`` (and .xlsx). Columns,
with the Vietnamese headers also accepted (case, diacritics and spacing do
not matter):

| field | meaning | also accepted |
|---|---|---|
| project_id | unique id; re-importing an id updates that project (optional: see below) | Mã dự án, ID |
| title | project title | Tên dự án, Tên chương trình, dự án |
| donor | funding donor | Nhà tài trợ, Nhà tài trợ/Tổ chức |
| implementer | implementing organisation | Đơn vị thực hiện, Cơ quan thực hiện |
| sector | one of the 7 plan sectors (key, EN/VI label or DAC code) | Lĩnh vực |
| budget | amount; "1.500.000.000" and "25,000" both read | Kinh phí, Tổng kinh phí, Ngân sách |
| currency | VND, USD or EUR (rates in the workspace settings) | Đơn vị tiền, Loại tiền |
| start_date, end_date | dd/mm/yyyy or yyyy-mm-dd | Ngày bắt đầu, Ngày kết thúc, Từ ngày, Đến ngày |
| period | "2024-2026", "01/2024 - 12/2025", "Năm 2025", "Quý I/2024" | Thời gian thực hiện |
| status | planned / ongoing / completed | Trạng thái |
| locations | codes, names, districts, provinces, lat/lon (geoaid.imports.locate); ";"-separated, "(40%)" | Địa bàn |
| commune, district, province | location columns instead of (or beside) ``locations`` | Xã, Huyện, Tỉnh |
| people_targeted, people_reached | persons (:mod:`geoaid.imports.beneficiaries`) | Số người hưởng lợi |

Lists laid out as reports read without a flag (:mod:`geoaid.imports.layout`):
letterhead and title rows, a two-row merged header, no id column (STT only
numbers rows: the id is :func:`derived_project_id` of donor and title),
one project over several rows (one per commune; the budget counted once),
section rows giving the sector, "Tổng cộng" rows left out and checked, the
money unit in the header or above the table ("Đơn vị tính: triệu đồng"),
and project tables on several sheets. If any location of a project states
a percentage, all must, and they must add up to 100.

3W files with an HXL hashtag row are read by their hashtags
(:mod:`geoaid.imports.project_hxl`). Columns geoaid cannot recognise are
mapped with ``--map "Kinh phí NGO=budget"`` (:mod:`geoaid.imports.column_mapping`).
Commitments, disbursements and planned capital by year ("Vốn cam kết",
"Đã giải ngân", "Giải ngân năm 2024", "Kế hoạch vốn năm 2025") go to
``project_flows`` (:mod:`geoaid.imports.project_money`); the budget stays
the project's planned amount.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from geoaid.imports.base import Importer, Option, Prepared
from geoaid.imports.beneficiaries import households_warning, record_people, with_people_fields
from geoaid.imports.column_mapping import (
    NAME_PATTERN,
    SETTING_PREFIX,
    check_mapping,
    check_name,
    columns_found,
    mapped_matcher,
    parse_map,
    saved_mapping,
)
from geoaid.imports.common import decide, replace_rows
from geoaid.imports.layout import SheetTable, field_matcher, read_tables, unit_in
from geoaid.imports.locate import Locator
from geoaid.imports.problems import ImportReport
from geoaid.imports.project_checks import check_headings, check_totals
from geoaid.imports.project_columns import ALIASES, CODES, FIELDS, PLACES, REQUIRED, is_project_table
from geoaid.imports.project_hxl import PROJECT_HASHTAGS, hashtag_unit, join_activities
from geoaid.imports.project_money import record_flows, with_money_fields
from geoaid.imports.project_places import Places, letterhead_province
from geoaid.imports.project_preview import sample_rows
from geoaid.imports.project_records import SheetContext, derived_project_id, read_record
from geoaid.store import schema

__all__ = ["ALIASES", "ProjectsImporter", "derived_project_id", "prepare", "prepare_all"]

def prepare(path, communes, rates: dict, sample: bool = False, source_name: str | None = None,
            mapping: dict[str, str] | None = None):
    """Read and validate; return (projects, locations) frames with ``source_row``/``source_sheet``, and the report.

    ``mapping`` ({header text: field or "ignore"}) says what columns geoaid does not recognise hold.
    """
    (projects, locations, *_), report = prepare_all(path, communes, rates, sample, source_name, mapping)
    return (projects, locations), report


def prepare_with_flows(path, communes, rates: dict, sample: bool = False, source_name: str | None = None,
                       mapping: dict[str, str] | None = None):
    """:func:`prepare`, with the projects' money flows (``project_flows`` rows) as a third frame."""
    (projects, locations, flows, _people), report = prepare_all(path, communes, rates, sample, source_name, mapping)
    return (projects, locations, flows), report


def prepare_all(path, communes, rates: dict, sample: bool = False, source_name: str | None = None,
                mapping: dict[str, str] | None = None):
    """:func:`prepare_with_flows`, with the people targeted and reached (``project_beneficiaries``) fourth."""
    # source_name: the name shown in the report (an upload is stored under another name)
    report = ImportReport(source_name or Path(path).name)
    projects = pd.DataFrame(columns=schema.PROJECT_COLUMNS + ["source_row", "source_sheet"])
    locations = pd.DataFrame(columns=schema.PROJECT_LOCATION_COLUMNS + ["source_row", "source_sheet"])
    flows = pd.DataFrame(columns=schema.PROJECT_FLOW_COLUMNS)
    people = pd.DataFrame(columns=schema.PROJECT_BENEFICIARY_COLUMNS)
    match = with_people_fields(with_money_fields(field_matcher(ALIASES)))
    tables, rejected = read_tables(path, mapped_matcher(match, mapping or {}),
                                   report, accept=is_project_table, keys=("project_id", "row_number", "title"),
                                   labels=("row_number", "title"), hashtags=PROJECT_HASHTAGS)
    report.columns = [(table.sheet, *column) for table in tables if not table.header.hashtags
                      for column in table.header.columns]
    if not tables and rejected and not rejected[0][1].hashtags:
        report.columns = [(rejected[0][0], *column) for column in rejected[0][1].columns]
    for table in tables:
        if "donor" not in table.header.fields:
            report.add(None, None, None, "missing required column(s): donor", sheet=table.sheet)
            _say_columns(report, table.sheet, table.header.columns, ["donor"])
    if not tables or report.errors:
        if not report.errors:
            found = set(rejected[0][1].fields) if rejected else set()
            missing = [f for f in REQUIRED if f not in found] + ([] if found & {*PLACES, *CODES} else ["locations"])
            report.add(None, None, None, f"missing required column(s): {', '.join(missing) or 'locations'}"
                       if found else "no project table found: no header with a title, a budget and a "
                                     "location column (Tên dự án, Kinh phí, Địa bàn or Xã/Huyện/Tỉnh)")
            if rejected:
                _say_columns(report, rejected[0][0], rejected[0][1].columns, missing)
        return (projects, locations, flows, people), report
    locator = Locator(communes)
    places = Places(locator)
    seen: dict[str, tuple[str | None, int]] = {}
    project_rows, location_rows, flow_rows, people_rows, records = [], [], [], [], 0
    for table in tables:
        if table.header.hashtags:
            join_activities(table)
        sheet = _sheet(table, report, rates, places)
        label = report.file if len(tables) == 1 else f"{report.file} [{table.sheet}]"
        households_warning(sheet.columns, sheet)
        written = []
        for record in table.body.records:
            records += 1
            fields, found_locations, amount, row_places = read_record(record, sheet)
            written.append(amount)
            line = record.lines[0]
            if fields is None:
                continue
            pid = fields["project_id"]
            if pid in seen:
                where = f"sheet {seen[pid][0]!r}, " if seen[pid][0] and seen[pid][0] != table.sheet else ""
                stated = record.first("project_id") is not None
                sheet.bad(line, "project_id" if stated else "title", pid,
                          f"duplicate id (also on {where}row {seen[pid][1]})" if stated else
                          f"the same project (donor and title) is listed twice (also on {where}row {seen[pid][1]})")
                continue
            seen[pid] = (table.sheet, line)
            errors_before = len(report.errors)
            money = record_flows(record, sheet, pid, fields["currency"])
            reached = record_people(record, sheet, pid, row_places)
            if len(report.errors) > errors_before:
                continue
            flow_rows += money
            people_rows += reached
            fields["sample"] = int(sample or fields["sample"])
            project_rows.append({**fields, "source_file": label, "source_row": line, "source_sheet": table.sheet})
            location_rows += [{"project_id": pid, "level": loc.level, "unit_code": loc.unit_code,
                               "share_pct": loc.share_pct, "lon": loc.lon, "lat": loc.lat,
                               "location_text": loc.text, "source_row": line, "source_sheet": table.sheet}
                              for loc in found_locations]
        check_totals(table, sheet, written)
        check_headings(table, sheet)
        if table.sheet is not None:
            report.counts[f"sheet {table.sheet}"] = sum(1 for r in project_rows if r["source_sheet"] == table.sheet)
    report.counts.update(rows=records, valid=len(project_rows))
    if people_rows:
        report.counts["people_counts"] = len(people_rows)
    projects = pd.DataFrame(project_rows, columns=projects.columns)
    locations = pd.DataFrame(location_rows, columns=locations.columns)
    flows = pd.DataFrame(flow_rows, columns=flows.columns)
    people = pd.DataFrame(people_rows, columns=people.columns)
    return (projects, locations, flows, people), report


def _sheet(table: SheetTable, report: ImportReport, rates: dict, places: Places) -> SheetContext:
    header = table.header
    budget_name = header.names.get("budget", "")
    unit = hashtag_unit(header) or unit_in(budget_name) or table.unit_above()
    return SheetContext(report, table.sheet, dict(header.names), unit, rates,
                 places, letterhead_province(header.above, places.locator), "sector" in header.fields)


def _say_columns(report: ImportReport, sheet, columns, missing) -> None:
    """A table lacking fields: a warning listing its columns, what each was read as, and how to map them."""
    report.add(None, None, None, columns_found(sheet, columns, missing), severity="warning", sheet=sheet)


class ProjectsImporter(Importer):
    label = "aid projects (CSV/XLSX): the template, or a provincial list as laid out in reports"
    description = ("Import aid projects from the template or from a provincial list as saved from a "
                   "report: letterhead and title rows, merged two-row header, no id column (the id is "
                   "derived from donor and title), Xã/Huyện/Tỉnh or Địa bàn columns, one project over "
                   "several rows, section rows giving the sector, total rows checked, the unit "
                   "('Đơn vị tính: triệu đồng') in the header or above the table, and every sheet "
                   "holding a project table. Re-importing a project updates it.")
    suffixes = (".csv", ".xlsx")
    mappable_fields = FIELDS
    options = (
        Option("sample", "mark the projects as SAMPLE (not real) data", type=bool, default=False,
               web=True, label="mark_sample"),
        Option("map", "read a column as a field: \"HEADER TEXT=FIELD\" (repeatable); fields: "
               + ", ".join(FIELDS) + ", or ignore", type=parse_map, repeat=True, default=(),
               metavar="'HEADER=FIELD'"),
        Option("mapping", "use a column mapping saved with --save-mapping", metavar="NAME",
               type=check_name, web=True, label="use_mapping", example="ngo-list", web_pattern=NAME_PATTERN),
        Option("save_mapping", "keep this import's --map columns in the workspace under NAME (saved "
               "with the import)", metavar="NAME", type=check_name, web=True, label="save_mapping",
               example="ngo-list", web_pattern=NAME_PATTERN),
    )

    def read(self, path, options, workspace, source_name=None) -> Prepared:
        settings = workspace.settings()
        try:
            mapping = saved_mapping(settings, options["mapping"]) if options.get("mapping") else {}
            mapping.update(check_mapping(options.get("map") or (), FIELDS))
        except (KeyError, ValueError) as exc:
            report = ImportReport(source_name or Path(path).name)
            report.add(None, None, None, str(exc.args[0]))
            empty = tuple(pd.DataFrame(columns=columns + ["source_row", "source_sheet"])
                          for columns in (schema.PROJECT_COLUMNS, schema.PROJECT_LOCATION_COLUMNS))
            empty = (*empty, pd.DataFrame(columns=schema.PROJECT_FLOW_COLUMNS),
                     pd.DataFrame(columns=schema.PROJECT_BENEFICIARY_COLUMNS))
            return Prepared(self.key, empty, report, options, valid=0, total=0)
        data, report = prepare_all(path, workspace.read(schema.COMMUNES), settings["exchange_rates_vnd"],
                                          sample=options["sample"], source_name=source_name, mapping=mapping)
        return Prepared(self.key, data, report, {**options, "columns": mapping}, valid=len(data[0]),
                        total=report.counts.get("rows", 0))

    def sample(self, prepared, workspace, limit=5) -> list[dict]:
        return sample_rows(*prepared.data[:2], workspace.read(schema.COMMUNES), limit)

    def commit(self, prepared, workspace, user="cli", keep_valid=False) -> ImportReport:
        """Write projects; ids already in the workspace are updated, not duplicated."""
        report = prepared.report
        projects, locations = (frame.drop(columns=["source_row", "source_sheet"]) for frame in prepared.data[:2])
        flows, people = prepared.data[2:4]
        if not decide(report, keep_valid, valid=len(projects)):
            return report
        ids = set(projects["project_id"])
        with workspace.transaction() as tx:
            updated = replace_rows(tx, schema.PROJECTS, schema.PROJECT_COLUMNS, "project_id", ids, projects)
            replace_rows(tx, schema.PROJECT_LOCATIONS, schema.PROJECT_LOCATION_COLUMNS, "project_id", ids, locations)
            # Money and people tables only once some project states them (older workspaces lack them).
            replace_rows(tx, schema.PROJECT_FLOWS, schema.PROJECT_FLOW_COLUMNS, "project_id", ids,
                         flows[flows["project_id"].isin(ids)], keep_absent=True)
            replace_rows(tx, schema.PROJECT_BENEFICIARIES, schema.PROJECT_BENEFICIARY_COLUMNS, "project_id", ids,
                         people[people["project_id"].isin(ids)], keep_absent=True)
            tx.audit(user, "import projects", report.file,
                     {"projects": len(projects), "updated": updated, "flows": len(flows), "beneficiaries": len(people),
                      "skipped": len(report.bad_rows())})
            if prepared.options.get("save_mapping"):
                name, mapping = prepared.options["save_mapping"], prepared.options["columns"]
                tx.set_settings(**{SETTING_PREFIX + name: mapping})
                tx.audit(user, "save column mapping", report.file, {"name": name, "columns": mapping})
        report.counts.update(imported=len(projects), updated=updated)
        report.written = True
        return report
