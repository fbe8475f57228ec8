"""Candidate projects of a scenario: read from JSON, CSV/XLSX or a form, turned into project rows.

A candidate is what a planner decides on: a ``place`` (commune codes or names, a district —
``Huyện Đầm Dơi`` or its code as ``district:964`` — several separated by ``;``, as in the
project template's locations), a ``sector`` (key, English/Vietnamese label or DAC code), an
``amount`` with its ``currency`` (any the workspace converts; ``25.000 USD`` also reads), a
period (``start``/``end`` dates, or ``period`` ``2025`` / ``2025-2027``), and optionally
``donor``, ``title`` and ``project_id``.

The rows are made by the project importer itself (:func:`geoaid.imports.projects.prepare`, on the
candidates written in the template's layout), so a candidate becomes exactly the project that
importing it would write: same locations, VND at the same rate, same dates. Problems come back
as the importer's row-level report, with the candidate's own row (its line in a CSV, its
position in a JSON list).

>>> rows = [{"place": "32002", "sector": "health", "amount": "2.000.000.000", "period": "2025"}]
>>> projects, locations, report = project_rows(candidates_from_records(rows), communes, rates)  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import json
import re
import tempfile
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from geoaid.imports.common import header_matcher
from geoaid.imports.locate import Locator
from geoaid.imports.problems import ImportReport
from geoaid.imports.projects import prepare
from geoaid.imports.tabular import read_table
from geoaid.store import column_types, schema
from geoaid.text.names import fold, nfc
from geoaid.text.values import parse_number

FIELDS = ("place", "sector", "amount", "currency", "start", "end", "period", "donor", "title", "project_id")
ALIASES = {
    "place": ["dia ban", "dia diem", "locations", "location", "commune", "communes", "xa"],
    "sector": ["linh vuc", "nganh"],
    "amount": ["kinh phi", "so tien", "budget", "von"],
    "currency": ["don vi tien", "loai tien", "tien te"],
    "start": ["tu ngay", "ngay bat dau", "start date", "start_date"],
    "end": ["den ngay", "ngay ket thuc", "end date", "end_date"],
    "period": ["giai doan", "thoi gian", "nam", "year"],
    "donor": ["nha tai tro", "funder"],
    "title": ["ten du an", "ten"],
    "project_id": ["ma du an", "id"],
}
# A candidate without a donor is still a project someone will fund: it is listed under this name
# (and counts as a donor of its own in overlap alerts, which is what a planner wants to see).
NO_DONOR = "Chưa có nhà tài trợ (planned)"
MAX_CANDIDATES = 500
_PERIOD = re.compile(r"^\s*(\d{4})\s*(?:[-–/]\s*(\d{4}))?\s*$")
_DISTRICT_CODE = re.compile(r"^\s*district\s*:\s*(\d{3})\s*$", re.IGNORECASE)
_TEMPLATE = ["project_id", "title", "donor", "sector", "budget", "currency", "start_date", "end_date",
             "status", "locations"]


@dataclass(frozen=True)
class Candidate:
    """One candidate project as the planner wrote it (text), and the row it came from."""

    place: str = ""
    sector: str = ""
    amount: str = ""
    currency: str = ""
    start: str = ""
    end: str = ""
    period: str = ""
    donor: str = ""
    title: str = ""
    project_id: str = ""
    row: int = 0

    def record(self) -> dict:
        """The candidate's fields that are filled in (what a saved scenario keeps)."""
        return {key: value for key, value in asdict(self).items() if key in FIELDS and value}


def _cell(value) -> str:
    """A cell as text: Excel numbers without ".0", Excel dates as ISO dates."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return nfc(str(value)).strip()


def candidates_from_records(records, first_row: int = 1) -> list[Candidate]:
    """Candidates from a list of mappings (JSON, a saved scenario, a form); rows numbered from ``first_row``."""
    out = []
    for offset, item in enumerate(records):
        if not isinstance(item, dict):
            raise ValueError(f"candidate {first_row + offset}: expected an object with place, sector, amount…")
        unknown = set(item) - set(FIELDS)
        if unknown:
            raise ValueError(f"candidate {first_row + offset}: unknown field(s) {', '.join(sorted(unknown))}; "
                             f"fields are {', '.join(FIELDS)}")
        out.append(Candidate(**{key: _cell(item.get(key)) for key in FIELDS}, row=first_row + offset))
    if len(out) > MAX_CANDIDATES:
        raise ValueError(f"at most {MAX_CANDIDATES} candidates in one scenario")
    return out


def read_candidates(path) -> tuple[list[Candidate], ImportReport]:
    """Candidates from a JSON file (a list, or {"candidates": [...]}) or a CSV/XLSX table.

    File-wide problems (unreadable file, missing columns) are in the report and no candidate
    is returned.
    """
    path = Path(path)
    report = ImportReport(path.name)
    if path.suffix.lower() == ".json":
        try:
            loaded = json.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeError, json.JSONDecodeError) as exc:
            report.add(None, None, None, f"cannot read the JSON file: {exc}")
            return [], report
        records = loaded.get("candidates") if isinstance(loaded, dict) else loaded
        if not isinstance(records, list):
            report.add(None, None, None, "expected a list of candidates, or {\"candidates\": [...]}")
            return [], report
        try:
            return candidates_from_records(records), report
        except ValueError as exc:
            report.add(None, None, None, str(exc))
            return [], report
    table = read_table(path, header_matcher(ALIASES), report, required=("place", "sector", "amount"))
    if table is None:
        return [], report
    return [Candidate(**{key: _cell(cells.get(key)) for key in FIELDS}, row=line) for line, cells in table], report


def parse_period(text: str) -> tuple[date, date]:
    """"2025" → 1 January–31 December 2025; "2025-2027" → 1 January 2025–31 December 2027.

    >>> parse_period("2025-2026")
    (datetime.date(2025, 1, 1), datetime.date(2026, 12, 31))
    """
    match = _PERIOD.match(str(text))
    if not match:
        raise ValueError("period is a year (2025) or two years (2025-2027)")
    first, last = int(match[1]), int(match[2] or match[1])
    if last < first:
        raise ValueError("the period ends before it starts")
    return date(first, 1, 1), date(last, 12, 31)


def _period(candidate: Candidate) -> tuple[str, str, str | None]:
    """(start, end, problem): dates as written, else from ``period``."""
    if candidate.start or candidate.end or not candidate.period:
        return candidate.start, candidate.end, None
    try:
        start, end = parse_period(candidate.period)
    except ValueError as exc:
        return "", "", str(exc)
    return start.isoformat(), end.isoformat(), None


def district_codes(communes: pd.DataFrame, given) -> tuple[str, ...]:
    """District codes from codes or names ("Huyện Năm Căn", "nam can"); ValueError naming an unknown one."""
    locator = Locator(communes)
    codes = []
    for value in given:
        value = str(value).strip()
        if value.isdigit() and value.zfill(3) in set(communes["district_code"].dropna()):
            codes.append(value.zfill(3))
            continue
        found, _problem = locator.resolve(value if fold(value).startswith(("huyen", "quan", "thi xa", "thanh pho"))
                                          else f"Huyện {value}")
        if found is None or found[0] != "district":
            found, _problem = locator.resolve(value)
            if found is None or found[0] != "district":
                raise ValueError(f"unknown district {value!r}")
        codes.append(found[1])
    return tuple(dict.fromkeys(codes))


def _place(text: str, communes: pd.DataFrame) -> str:
    """Locations as the importer reads them; ``district:CODE`` (the web's district picker) by name."""
    parts = []
    for part in re.split(r"[;\n]+", text):
        match = _DISTRICT_CODE.match(part)
        names = communes.loc[communes["district_code"] == match[1], ["district_name", "province_name"]] \
            if match else None
        if names is not None and len(names):
            parts.append(f"{names.iloc[0, 0]}, {names.iloc[0, 1]}")
        else:
            parts.append(part.strip())
    return "; ".join(p for p in parts if p)


def project_rows(candidates: list[Candidate], communes: pd.DataFrame, rates: dict, id_prefix: str = "candidate",
                 source_name: str = "scenario") -> tuple[pd.DataFrame, pd.DataFrame, ImportReport]:
    """(projects, locations, report) of the candidates, as ``geoaid import projects`` would make them.

    Candidates without ``project_id`` get ``{id_prefix}-{n}`` (n = their position, from 1).
    Rows with problems are left out; the report lists them at the candidates' own rows.
    """
    lines, problems = {}, []
    with tempfile.TemporaryDirectory(prefix="geoaid-scenario-") as folder:
        path = Path(folder) / "candidates.csv"
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(_TEMPLATE)
            for number, candidate in enumerate(candidates, start=1):
                lines[number + 1] = candidate.row
                start, end, problem = _period(candidate)
                if problem:
                    problems.append((candidate.row, "period", candidate.period, problem))
                pid = candidate.project_id or f"{id_prefix}-{number}"
                writer.writerow([pid, candidate.title or pid, candidate.donor or NO_DONOR, candidate.sector,
                                 candidate.amount, candidate.currency, start, end, "planned",
                                 _place(candidate.place, communes)])
        (projects, locations), written = prepare(path, communes, rates, source_name=source_name)
    report = ImportReport(source_name, counts=dict(written.counts))
    report.problems = [replace(p, row=lines.get(p.row, p.row)) for p in written.problems]
    for row, column, value, reason in problems:
        report.add(row, column, value, reason)
    bad = {line for line, row in lines.items() if row in report.bad_rows()}
    projects = projects[~projects["source_row"].isin(bad)]
    locations = locations[~locations["source_row"].isin(bad)]
    projects = column_types.for_write(schema.PROJECTS, projects.drop(columns="source_row").reset_index(drop=True))
    locations = column_types.for_write(schema.PROJECT_LOCATIONS,
                                       locations.drop(columns="source_row").reset_index(drop=True))
    return projects, locations, report


def amount_vnd(amount, currency: str, rates: dict) -> int:
    """An amount ("5.000.000.000", "200,000") in ``currency`` as whole VND at the workspace's rate.

    >>> amount_vnd("200.000", "USD", {"VND": 1, "USD": 25000})
    5000000000
    """
    code = str(currency or "VND").strip().upper()
    if code not in rates:
        raise ValueError(f"unknown currency {currency!r}; known: {', '.join(rates)}")
    return int(round(parse_number(amount) * rates[code]))
