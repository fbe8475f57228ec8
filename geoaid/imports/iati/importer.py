"""IATI activities → projects, project locations, money flows and the IATI fields kept.

Each activity is one project whose id is its ``iati-identifier`` (re-importing
updates it). Activities that do not name Viet Nam (``recipient-country``
VN) are left out and listed by identifier; one that gives VN a percentage has
its money scaled by it. The project's budget is its planned budget (the
revised budget of each period where there is one), else its commitments, so
every analysis counts it as before; the flows (planned, committed,
disbursed, expenditure) go to ``project_flows``; people targeted and reached,
from result indicators counting people (:mod:`.results`), to
``project_beneficiaries``. Every problem names the
activity (its position in the file as the row, its identifier in the
reason) and the element.

Example::

    importer = registry.get("iati")
    prepared = importer.read("activities.xml", {"sample": False}, workspace)
    report = importer.commit(prepared, workspace)
"""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pandas as pd

from geoaid.imports.base import Importer, Option, Prepared
from geoaid.imports.common import decide, replace_rows
from geoaid.imports.iati.activity import describe
from geoaid.imports.iati.money import activity_money
from geoaid.imports.iati.parse import VERSIONS, Activity, NotIati, read_activities
from geoaid.imports.iati.places import place
from geoaid.imports.iati.results import activity_people
from geoaid.imports.locate import Locator
from geoaid.imports.problems import ImportReport
from geoaid.imports.safezip import UnsafeFileError
from geoaid.store import schema

TABLES = {schema.PROJECTS: schema.PROJECT_COLUMNS, schema.PROJECT_LOCATIONS: schema.PROJECT_LOCATION_COLUMNS,
          schema.PROJECT_FLOWS: schema.PROJECT_FLOW_COLUMNS, schema.PROJECT_IATI: schema.PROJECT_IATI_COLUMNS,
          schema.PROJECT_IATI_LOCATIONS: schema.PROJECT_IATI_LOCATION_COLUMNS,
          schema.PROJECT_BENEFICIARIES: schema.PROJECT_BENEFICIARY_COLUMNS}


class _Progress:
    """A binary file that reports the bytes read to a progress bar (or to nothing)."""

    def __init__(self, handle, bar):
        self.handle, self.bar = handle, bar

    def read(self, size: int = -1) -> bytes:
        chunk = self.handle.read(size)
        if self.bar is not None:
            self.bar.update(len(chunk))
        return chunk


class _Rows:
    """The rows an import builds, table by table, each with the activity's number as ``source_row``."""

    def __init__(self, locator: Locator, rates: dict, report: ImportReport, sample: bool):
        self.locator, self.rates, self.report, self.sample = locator, rates, report, sample
        # Rows are kept as tuples in column order: a 100,000-activity file keeps ~800,000 flow rows.
        self.tables: dict[str, list[tuple]] = {name: [] for name in TABLES}
        self.seen: dict[str, int] = {}
        self.left_out: list[str] = []
        self.indicators = {"people_indicators": 0, "indicators_ignored": 0}
        self.count = 0
        self.last: str | None = None          # the identifier of the last activity read, for file-wide faults

    def add(self, activity: Activity) -> None:
        self.count += 1
        element, lang, number = activity.element, activity.default_lang, activity.number
        described = describe(element, lang)
        name = self.last = described.identifier or f"number {number}"
        problems = list(described.problems)
        if described.identifier in self.seen:
            problems.append(("iati-identifier", described.identifier,
                             f"duplicate identifier (also activity {self.seen[described.identifier]})"))
        elif described.identifier:
            self.seen[described.identifier] = number
        scale = self._viet_nam_share(element, name, number, problems)
        if scale is None:
            return
        money = activity_money(element, self.rates, scale, described.sectors)
        placed = place(element, lang, described.scope, self.locator)
        problems += money.problems + placed.problems
        for where, value, reason in problems:
            self.report.add(number, where, value, f"activity {name}: {reason}")
        if problems:
            return
        people = activity_people(element, lang)
        self.indicators["people_indicators"] += people.read
        self.indicators["indicators_ignored"] += people.ignored
        for where, value, reason in people.problems:
            self.report.add(number, where, value, f"activity {name}: {reason}", severity="warning")
        pid = described.identifier
        budget, currency, budget_vnd = self._budget(money, name, number)
        main_sector = max(described.sectors, key=lambda key: (described.sectors[key], key))
        source = {"project_id": pid, "source_row": number}
        self._keep(schema.PROJECTS, {
            **source, "title": described.title, "donor": described.donor, "implementer": described.implementer,
            "sector": main_sector, "dac_code": described.dac_codes[main_sector], "budget": budget,
            "currency": currency, "budget_vnd": budget_vnd, "start_date": described.start,
            "end_date": described.end, "status": described.status, "sample": int(self.sample),
            "source_file": self.report.file})
        for row in placed.locations:
            self._keep(schema.PROJECT_LOCATIONS, {**source, **row})
        for row in placed.details:
            self._keep(schema.PROJECT_IATI_LOCATIONS, {**source, **row})
        for row in money.flows:
            self._keep(schema.PROJECT_FLOWS, {**source, **row, "source_file": self.report.file})
        for row in people.rows:
            self._keep(schema.PROJECT_BENEFICIARIES, {**source, **row, "source_file": self.report.file})
        self._keep(schema.PROJECT_IATI, {
            **source, "iati_identifier": pid, "iati_version": activity.version,
            "reporting_org": described.reporting_org, "reporting_org_ref": described.reporting_org_ref,
            "title_vi": described.title_vi, "title_default": described.title_default, "default_lang": lang,
            "description_vi": described.description_vi, "description_default": described.description_default,
            "activity_status": described.status_code, "vn_percentage": round(scale * 100, 4),
            "source_file": self.report.file})

    def _viet_nam_share(self, element, name, number, problems) -> float | None:
        """Viet Nam's share of the activity (0–1), or None when the activity is left out."""
        countries = [(c.get("code") or "").strip().upper() for c in element.findall("recipient-country")]
        if "VN" not in countries:
            self.left_out.append(name)
            given = ", ".join(countries) or None
            why = (f"its recipient countries ({given}) do not include VN" if given else
                   "it names no recipient-country (a region, or countries given per transaction only, "
                   "which geoaid does not read)")
            self.report.add(number, "recipient-country", given, f"activity {name}: left out, {why}",
                            severity="warning")
            return None
        vn = element.findall("recipient-country")[countries.index("VN")]
        raw = vn.get("percentage")
        if raw is None or not raw.strip():
            return 1.0
        try:
            share = float(raw)
        except ValueError:
            problems.append(("recipient-country[@code='VN']", raw, "percentage is not a number"))
            return 1.0
        if not 0 < share <= 100:
            problems.append(("recipient-country[@code='VN']", raw, "percentage over 100 (or not above 0)"))
            return 1.0
        return share / 100

    def _budget(self, money, name, number) -> tuple[float, str, int]:
        """The project's budget: planned, else committed, in one currency when all values share it."""
        planned = [row for row in money.flows if row["kind"] == "planned"]
        rows = planned or [row for row in money.flows if row["kind"] == "committed"]
        if not rows:
            self.report.add(number, "budget", None, f"activity {name}: no budget and no commitment; "
                            "its budget counts as 0", severity="warning")
            return 0.0, "VND", 0
        vnd = sum(row["amount_vnd"] for row in rows)
        currencies = {row["currency"] for row in rows}
        if len(currencies) == 1:
            return round(sum(row["amount"] for row in rows), 2), currencies.pop(), vnd
        return float(vnd), "VND", vnd

    def _keep(self, table: str, row: dict) -> None:
        self.tables[table].append(tuple(row.get(column) for column in (*TABLES[table], "source_row")))

    def frames(self) -> dict[str, pd.DataFrame]:
        return {name: pd.DataFrame.from_records(rows, columns=[*TABLES[name], "source_row"])
                for name, rows in self.tables.items()}


def prepare(path, communes, rates: dict, sample: bool = False, source_name: str | None = None,
            progress=None) -> tuple[dict[str, pd.DataFrame], ImportReport, int]:
    """Read and check an IATI file; returns the frames (with ``source_row``), the report, the activity count.

    ``progress``, when given, is called with the file's size in bytes and
    returns a bar with ``update(n)`` and ``close()`` (the CLI's tqdm).
    """
    report = ImportReport(source_name or Path(path).name)
    rows = _Rows(Locator(communes), rates, report, sample)
    bar = progress(os.path.getsize(path)) if progress else None
    # The read makes millions of short-lived objects (element trees, rows) and no reference cycle;
    # the cyclic collector would walk the growing lists of kept rows again and again (half the
    # time of a 100,000-activity file). Paused for the read only, and resumed only if it ran.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with open(path, "rb") as handle:
            info = read_activities(_Progress(handle, bar), report.file, rows.add)
        if info.version and info.version not in VERSIONS:
            severity = "error" if info.version.startswith("1.") else "warning"
            report.add(None, "iati-activities/@version", info.version,
                       f"IATI {info.version}: geoaid reads versions {', '.join(VERSIONS)}", severity=severity)
    except (UnsafeFileError, NotIati, OSError) as exc:
        after = f" (the fault comes after activity {rows.count}, {rows.last})" if rows.count else ""
        report.add(None, None, None, f"cannot read the file: {exc}{after}")
    finally:
        if collecting:
            gc.enable()
        if bar is not None:
            bar.close()
    report.counts = {"rows": rows.count, "left_out": len(rows.left_out),
                     "valid": len(rows.tables[schema.PROJECTS]), **rows.indicators}
    return rows.frames(), report, rows.count


class IatiImporter(Importer):
    label = "IATI activity file (XML, standard 2.01–2.03)"
    description = ("IATI iati-activities XML: activities for Viet Nam become projects (id = iati-identifier), "
                   "with their locations, planned budgets, commitments, disbursements and expenditure")
    suffixes = (".xml",)
    rows = "activities"
    options = (
        Option("sample", "mark the projects as SAMPLE (not real) data", type=bool, default=False,
               web=True, label="mark_sample"),
    )

    def read(self, path, options, workspace, source_name=None) -> Prepared:
        frames, report, _ = prepare(path, workspace.read(schema.COMMUNES),
                                    workspace.settings()["exchange_rates_vnd"], sample=options["sample"],
                                    source_name=source_name, progress=self.progress)
        return Prepared.counted(self.key, frames, report, options, frames[schema.PROJECTS]["source_row"])

    def commit(self, prepared, workspace, user="cli", keep_valid=False) -> ImportReport:
        """Write the activities' rows; projects already in the workspace with those ids are replaced."""
        report = prepared.report
        frames = {name: frame.drop(columns="source_row") for name, frame in prepared.data.items()}
        if not decide(report, keep_valid, valid=len(frames[schema.PROJECTS])):
            return report
        ids = set(frames[schema.PROJECTS]["project_id"])
        with workspace.transaction() as tx:
            replaced = {name: replace_rows(tx, name, columns, "project_id", ids, frames[name])
                        for name, columns in TABLES.items()}
            updated = replaced[schema.PROJECTS]
            tx.audit(user, "import iati", report.file,
                     {"projects": len(frames[schema.PROJECTS]), "updated": updated,
                      "flows": len(frames[schema.PROJECT_FLOWS]), "skipped": len(report.bad_rows()),
                      "left_out": report.counts.get("left_out", 0)})
        report.counts.update(imported=len(frames[schema.PROJECTS]), updated=updated)
        report.written = True
        return report
