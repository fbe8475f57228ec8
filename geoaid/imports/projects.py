"""``geoaid import projects FILE``: aid projects from the documented template.

Template: ``geoaid/templates/projects_template.csv`` (and .xlsx). Columns,
with the Vietnamese headers also accepted (case, diacritics and spacing do
not matter):

| field | meaning | also accepted |
|---|---|---|
| project_id | unique id; re-importing an id updates that project | Mã dự án, ID |
| title | project title | Tên dự án |
| donor | funding donor | Nhà tài trợ, Nhà tài trợ/Tổ chức |
| implementer | implementing organisation | Đơn vị thực hiện, Cơ quan thực hiện |
| sector | one of the 7 plan sectors (key, EN/VI label or DAC code) | Lĩnh vực |
| budget | amount; "1.500.000.000" and "25,000" both read | Kinh phí, Tổng kinh phí, Ngân sách |
| currency | VND, USD or EUR (rates in the workspace settings) | Đơn vị tiền, Loại tiền |
| start_date, end_date | dd/mm/yyyy or yyyy-mm-dd | Ngày bắt đầu, Ngày kết thúc, Từ ngày, Đến ngày |
| status | planned / ongoing / completed | Trạng thái |
| locations | codes, names, districts, provinces, lat/lon (geoaid.imports.locate); ";"-separated, "(40%)" | Địa bàn |

If any location of a project states a percentage, all must, and they must
add up to 100.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from geoaid.analysis.sectors import BY_KEY, resolve_sector
from geoaid.imports.base import Importer, Option, Prepared
from geoaid.imports.common import decide, header_matcher
from geoaid.imports.locate import Locator
from geoaid.imports.problems import ImportReport
from geoaid.imports.tabular import read_table
from geoaid.store import schema
from geoaid.text.names import fold, nfc
from geoaid.text.values import parse_date, parse_number

ALIASES = {
    "project_id": ["id", "ma du an", "ma", "project id", "project code", "so hieu"],
    "title": ["ten du an", "project", "project title", "ten", "du an"],
    "donor": ["nha tai tro", "nha tai tro to chuc", "donor", "to chuc tai tro", "funder"],
    "implementer": ["don vi thuc hien", "co quan thuc hien", "to chuc thuc hien", "implementing organisation",
                    "implementing organization", "implementer", "chu du an"],
    "sector": ["linh vuc", "nganh", "sector"],
    "budget": ["kinh phi", "tong kinh phi", "ngan sach", "von", "tong von", "budget", "amount",
               "kinh phi so tien", "so tien"],
    "currency": ["don vi tien", "loai tien", "tien te", "currency", "don vi", "kinh phi loai tien",
                 "kinh phi don vi tien"],
    "start_date": ["ngay bat dau", "tu ngay", "bat dau", "start", "start date", "thoi gian bat dau"],
    "end_date": ["ngay ket thuc", "den ngay", "ket thuc", "end", "end date", "thoi gian ket thuc"],
    "status": ["trang thai", "tinh trang", "status"],
    "locations": ["dia ban", "dia diem", "dia ban thuc hien", "location", "locations", "dia ban du an"],
}
REQUIRED = ("project_id", "title", "donor", "sector", "budget", "locations")
STATUSES = {
    "planned": ["planned", "ke hoach", "du kien", "chuan bi", "pipeline"],
    "ongoing": ["ongoing", "dang thuc hien", "dang trien khai", "active", "in progress"],
    "completed": ["completed", "da hoan thanh", "hoan thanh", "ket thuc", "closed", "finished"],
}
_CURRENCY_WORDS = {"vnd": "VND", "d": "VND", "dong": "VND", "usd": "USD", "us": "USD", "eur": "EUR",
                   "euro": "EUR"}
_CURRENCY_SYMBOLS = {"$": "USD", "€": "EUR", "₫": "VND", "đ": "VND"}


def _currency_in(text: str) -> str | None:
    """Currency written inside an amount: "25.000 USD", "1.500.000.000 đ", "$25,000"."""
    for symbol, code in _CURRENCY_SYMBOLS.items():
        if symbol in text:
            return code
    words = fold(text).split()
    return _CURRENCY_WORDS.get(words[-1]) if words and not words[-1].isdigit() else None


def prepare(path, communes, rates: dict, sample: bool = False, source_name: str | None = None):
    """Read and validate; return (projects, locations) frames with ``source_row``, and the report."""
    # source_name: the name shown in the report (an upload is stored under another name)
    report = ImportReport(source_name or Path(path).name)
    projects = pd.DataFrame(columns=schema.PROJECT_COLUMNS + ["source_row"])
    locations = pd.DataFrame(columns=schema.PROJECT_LOCATION_COLUMNS + ["source_row"])
    table = read_table(path, header_matcher(ALIASES), report, required=REQUIRED)
    if table is None:
        return (projects, locations), report
    locator = Locator(communes)
    header = table.headers.get
    seen: dict[str, int] = {}
    project_rows, location_rows = [], []
    for line, cells in table:
        errors_before = len(report.errors)

        def bad(field, value, reason, line=line):
            report.add(line, header(field, field), value, reason)

        pid = _text(cells.get("project_id"))
        if not pid:
            bad("project_id", None, "missing project id")
        elif pid in seen:
            bad("project_id", pid, f"duplicate id (also on row {seen[pid]})")
        else:
            seen[pid] = line
        title, donor = _text(cells.get("title")), _text(cells.get("donor"))
        if not title:
            bad("title", None, "missing title")
        if not donor:
            bad("donor", None, "missing donor")
        sector = resolve_sector(cells.get("sector"))
        if sector is None:
            bad("sector", cells.get("sector"), "unknown sector; use one of: "
                + "; ".join(s.en for s in BY_KEY.values()))
        amount, currency = _budget(cells, rates, bad)
        start, end = _date(cells, "start_date", bad), _date(cells, "end_date", bad)
        if start and end and end < start:
            bad("end_date", cells.get("end_date"), "end date is before the start date")
        status = _status(cells.get("status"), bad)
        found, problems = locator.resolve_cell(cells.get("locations"))
        for problem in problems:
            bad("locations", cells.get("locations"), problem)
        shares = [loc.share_pct for loc in found]
        if found and any(s is not None for s in shares):
            if any(s is None for s in shares):
                bad("locations", cells.get("locations"), "some locations state a percentage and some "
                                                        "do not: state all or none")
            elif abs(sum(shares) - 100) > 0.01:
                bad("locations", cells.get("locations"),
                    f"percentages add up to {sum(shares):g}, not 100")
        if len(report.errors) > errors_before:
            continue
        rate = rates[currency]
        project_rows.append({
            "project_id": pid, "title": title, "donor": donor,
            "implementer": _text(cells.get("implementer")), "sector": sector,
            "dac_code": BY_KEY[sector].dac[0], "budget": amount, "currency": currency,
            "budget_vnd": int(round(amount * rate)),
            "start_date": start.isoformat() if start else None,
            "end_date": end.isoformat() if end else None,
            "status": status, "sample": int(sample), "source_file": report.file, "source_row": line,
        })
        for loc in found:
            location_rows.append({"project_id": pid, "level": loc.level, "unit_code": loc.unit_code,
                                  "share_pct": loc.share_pct, "lon": loc.lon, "lat": loc.lat,
                                  "location_text": loc.text, "source_row": line})
    report.counts = {"rows": len(table), "valid": len(project_rows)}
    projects = pd.DataFrame(project_rows, columns=projects.columns)
    locations = pd.DataFrame(location_rows, columns=locations.columns)
    return (projects, locations), report


def _text(value) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = nfc(str(value))
    if text.endswith(".0") and text[:-2].isdigit():  # an Excel number used as an id
        text = text[:-2]
    return text or None


def _budget(cells, rates, bad):
    raw = cells.get("budget")
    currency_text = _text(cells.get("currency"))
    if raw is None:
        bad("budget", None, "missing budget")
        return 0.0, "VND"
    currency_text = currency_text or _currency_in(str(raw))
    currency = _CURRENCY_WORDS.get(fold(currency_text), currency_text.upper()) if currency_text else "VND"
    if currency not in rates:
        bad("currency", currency_text, f"unknown currency; known: {', '.join(rates)} "
                                       "(add a rate with `geoaid settings set exchange_rates_vnd …`)")
        currency = "VND"
    try:
        amount = parse_number(raw)
    except ValueError:
        bad("budget", raw, "not a number")
        return 0.0, currency
    if amount < 0:
        bad("budget", raw, "negative budget")
    return amount, currency


def _date(cells, field, bad):
    raw = cells.get(field)
    if raw in (None, ""):
        return None
    try:
        return parse_date(raw)
    except ValueError as exc:
        bad(field, raw, str(exc))
        return None


def _status(raw, bad):
    if raw in (None, ""):
        return None
    folded = fold(str(raw))
    for status, words in STATUSES.items():
        if folded in words:
            return status
    bad("status", raw, f"unknown status; use {', '.join(STATUSES)}")
    return None


class ProjectsImporter(Importer):
    label = "aid projects (CSV/XLSX) from the template"
    suffixes = (".csv", ".xlsx")
    options = (
        Option("sample", "mark the projects as SAMPLE (not real) data", type=bool, default=False,
               web=True, label="mark_sample"),
    )

    def read(self, path, options, workspace, source_name=None) -> Prepared:
        data, report = prepare(path, workspace.read(schema.COMMUNES),
                               workspace.settings()["exchange_rates_vnd"], sample=options["sample"],
                               source_name=source_name)
        return Prepared.counted(self.key, data, report, options, data[0]["source_row"])

    def commit(self, prepared, workspace, user="cli", keep_valid=False) -> ImportReport:
        """Write projects; ids already in the workspace are updated, not duplicated."""
        report = prepared.report
        projects, locations = (frame.drop(columns="source_row") for frame in prepared.data)
        if not decide(report, keep_valid, valid=len(projects)):
            return report
        ids = set(projects["project_id"])
        with workspace.transaction() as tx:
            current = tx.read(schema.PROJECTS)
            current_locations = tx.read(schema.PROJECT_LOCATIONS)
            updated = int(current["project_id"].astype(str).isin(ids).sum())
            tx.write(schema.PROJECTS, pd.concat(
                [current[~current["project_id"].astype(str).isin(ids)], projects], ignore_index=True)
                [schema.PROJECT_COLUMNS])
            tx.write(schema.PROJECT_LOCATIONS, pd.concat(
                [current_locations[~current_locations["project_id"].astype(str).isin(ids)], locations],
                ignore_index=True)[schema.PROJECT_LOCATION_COLUMNS])
            tx.audit(user, "import projects", report.file,
                     {"projects": len(projects), "updated": updated, "skipped": len(report.bad_rows())})
        report.counts.update(imported=len(projects), updated=updated)
        report.written = True
        return report
