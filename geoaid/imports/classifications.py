"""``geoaid import classifications FILE --scheme KEY``: official priority lists.

A scheme is a dated, sourced layer: key, label, legal source (e.g.
"Decision 861/QĐ-TTg"), period (2021–2025), level (commune, or district for
lists such as poor districts, which then apply to all their communes) and
kind: ``flag`` (listed or not), ``category`` (e.g. region I/II/III),
``count`` (e.g. Program 135 hamlets) or ``share`` (e.g. % ethnic-minority
population, 0–100).

File columns (CSV/XLSX; Vietnamese headers accepted, see ALIASES): a code
(``code``/``ma_xa``/``ma_huyen``) or names (``commune``/``ten_xa``,
``district``/``huyen``, ``province``/``tinh``), and ``value`` where the kind
needs one. Rows join by code, else by names as the boundary join does;
ambiguous names are reported, never guessed. Re-importing a scheme replaces
that scheme's rows.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from geoaid.imports.base import Importer, Option, Prepared
from geoaid.imports.common import decide, header_matcher
from geoaid.imports.locate import Locator
from geoaid.imports.problems import ImportReport
from geoaid.imports.tabular import read_table
from geoaid.store import schema
from geoaid.text.names import nfc
from geoaid.text.values import parse_number

KNOWN_SCHEMES = {
    "region_iii": ("commune", "flag", "Region III communes, ethnic-minority and mountainous areas"),
    "region_ii": ("commune", "flag", "Region II communes, ethnic-minority and mountainous areas"),
    "region_i": ("commune", "flag", "Region I communes, ethnic-minority and mountainous areas"),
    "dbkk": ("commune", "flag", "Extremely difficult communes (ĐBKK)"),
    "dbkk_coastal": ("commune", "flag", "Extremely difficult coastal and island communes"),
    "poor_district": ("district", "flag", "Poor districts"),
    "p135_hamlets": ("commune", "count", "Communes with Program 135 extremely difficult hamlets"),
    "ethnic_minority_share": ("commune", "share", "Share of ethnic-minority population (%)"),
}
KINDS = ("flag", "category", "count", "share")

ALIASES = {
    "code": ["ma", "ma xa", "ma don vi", "ma huyen", "commune code", "district code", "unit code", "ma dvhc"],
    "commune": ["xa", "ten xa", "xa phuong", "ten xa phuong", "xa phuong thi tran", "commune name", "ward"],
    "district": ["huyen", "ten huyen", "quan huyen", "district name"],
    "province": ["tinh", "ten tinh", "tinh thanh pho", "province name"],
    "value": ["gia tri", "so thon", "so thon dbkk", "ty le", "ty le dtts", "category", "khu vuc", "class"],
}


def scheme_meta(key, label=None, legal_source="", period="", level=None, kind=None,
                sample=False, source_file="") -> dict:
    """Validate scheme options into a SCHEMES row (ValueError with a clear message)."""
    key = (key or "").strip().lower()
    if not key.replace("_", "").isalnum():
        raise ValueError(f"scheme key {key!r}: use letters, digits and _ only")
    known = KNOWN_SCHEMES.get(key)
    level = level or (known[0] if known else None)
    kind = kind or (known[1] if known else None)
    if level is None or kind is None:
        raise ValueError(f"unknown scheme {key!r}: give --level and --kind")
    start = end = None
    if period:
        parts = [p for p in period.replace("–", "-").split("-") if p.strip()]
        try:
            start, end = int(parts[0]), int(parts[-1])
        except (ValueError, IndexError):
            raise ValueError(f"period {period!r}: write it as 2021-2025") from None
        if end < start:
            raise ValueError(f"period {period!r} ends before it starts")
    label = nfc(label or (known[2] if known else key))
    if sample and not label.startswith("SAMPLE"):
        label = f"SAMPLE – {label}"
    return {"scheme": key, "label": label, "legal_source": nfc(legal_source), "period_start": start,
            "period_end": end, "level": level, "kind": kind, "sample": int(bool(sample)),
            "source_file": source_file}


def prepare(path, communes, meta: dict, source_name: str | None = None) -> tuple[pd.DataFrame, ImportReport]:
    """Read and validate; return classification rows (with ``source_row``) and the report."""
    # source_name: the name shown in the report (an upload is stored under another name)
    report = ImportReport(source_name or Path(path).name)
    table = read_table(path, header_matcher(ALIASES), report)
    empty = pd.DataFrame(columns=schema.CLASSIFICATION_COLUMNS + ["source_row"])
    if table is None:
        return empty, report
    if "code" not in table.headers and "commune" not in table.headers and "district" not in table.headers:
        report.add(None, None, None, "no code or name column (ma_xa / ten_xa / huyen …)")
        return empty, report
    if meta["kind"] in ("category", "count", "share") and "value" not in table.headers:
        report.add(None, "value", None, f"a {meta['kind']} scheme needs a value column")
        return empty, report
    locator = Locator(communes)
    districts = set(communes["district_code"].dropna())
    rows, seen = [], {}
    for line, cells in table:
        unit, problem = _unit(cells, meta["level"], locator, districts)
        if problem:
            report.add(line, table.headers.get("code") or table.headers.get("commune")
                       or table.headers.get("district"), problem[0], problem[1])
            continue
        value, value_num = "1", 1.0
        if meta["kind"] != "flag" or cells.get("value") not in (None, ""):
            raw = cells.get("value")
            if meta["kind"] == "category":
                if raw is None:
                    report.add(line, table.headers.get("value"), None, "missing category")
                    continue
                value, value_num = nfc(str(raw)), None
            else:
                try:
                    value_num = parse_number(raw)
                except ValueError:
                    report.add(line, table.headers.get("value"), raw, "not a number")
                    continue
                if meta["kind"] == "share" and not 0 <= value_num <= 100:
                    report.add(line, table.headers.get("value"), raw, "a share must be between 0 and 100")
                    continue
                if value_num < 0:
                    report.add(line, table.headers.get("value"), raw, "must not be negative")
                    continue
                if meta["kind"] == "flag" and value_num not in (0.0, 1.0):
                    report.add(line, table.headers.get("value"), raw, "a flag is 1 (listed) or 0")
                    continue
                value = f"{value_num:g}"
        if unit in seen:
            report.add(line, None, unit, f"the same unit is already on row {seen[unit]}")
            continue
        seen[unit] = line
        rows.append({"scheme": meta["scheme"], "unit_code": unit, "level": meta["level"],
                     "value": value, "value_num": value_num, "sample": meta["sample"],
                     "source_row": line})
    report.counts = {"rows": len(table), "valid": len(rows)}
    frame = pd.DataFrame(rows, columns=schema.CLASSIFICATION_COLUMNS + ["source_row"])
    frame.attrs["scheme"] = meta
    return frame, report


def _unit(cells, level, locator: Locator, districts):
    code = cells.get("code")
    if code not in (None, ""):
        text = str(code).strip()
        text = text[:-2] if text.endswith(".0") else text
        width = 5 if level == "commune" else 3
        text = text.zfill(width) if text.isdigit() else text
        known = locator.codes if level == "commune" else districts
        if text not in known:
            return None, (code, f"unknown {level} code")
        return text, None
    if level == "district":
        district, province = cells.get("district"), cells.get("province")
        if district in (None, ""):
            return None, (None, "no district code and no district name")
        found, problem = locator.resolve_district(str(district), province and str(province))
        return (None, (district, problem)) if problem else (found[1], None)
    names = [cells.get(k) for k in ("commune", "district", "province") if cells.get(k) not in (None, "")]
    if not names:
        return None, (None, "no code and no name")
    found, problem = locator.resolve(", ".join(str(n) for n in names))
    if problem:
        return None, (names[0], problem)
    if found[0] != level:
        return None, (names[0], f"names a {found[0]}, but this scheme lists {level}s")
    return found[1], None


class ClassificationsImporter(Importer):
    label = "an area-classification list (CSV/XLSX) as a dated, sourced scheme"
    suffixes = (".csv", ".xlsx")
    options = (
        Option("scheme", f"scheme key, e.g. {', '.join(KNOWN_SCHEMES)}; another key needs --level "
                         "and --kind", required=True, metavar="KEY", web=True, label="scheme",
               web_choices=tuple(KNOWN_SCHEMES), refusal="choose_scheme",
               choice_labels={key: spec[2] for key, spec in KNOWN_SCHEMES.items()}),
        Option("label", "human label (default for known schemes)", web=True, label="label"),
        Option("legal_source", 'e.g. "Decision 861/QĐ-TTg"', default="", web=True, label="legal_source",
               example="Decision 861/QĐ-TTg"),
        Option("period", "years the list applies to, e.g. 2021-2025", default="", web=True,
               label="period", example="2021-2025"),
        Option("level", "the units listed", choices=("commune", "district")),
        Option("kind", "flag, category, count or share", choices=KINDS),
        Option("sample", "mark the list as SAMPLE (not official) data", type=bool, default=False,
               web=True, label="mark_sample"),
    )

    def read(self, path, options, workspace, source_name=None) -> Prepared:
        meta = scheme_meta(options["scheme"], options["label"], options["legal_source"],
                           options["period"], options["level"], options["kind"], options["sample"],
                           source_name or Path(path).name)
        data, report = prepare(path, workspace.read(schema.COMMUNES), meta, source_name=source_name)
        return Prepared.counted(self.key, data, report, options, data["source_row"])

    def commit(self, prepared, workspace, user="cli", keep_valid=False) -> ImportReport:
        """Write the scheme and its rows; the scheme's earlier rows are replaced."""
        report = prepared.report
        rows = prepared.data[~prepared.data["source_row"].isin(report.bad_rows())].drop(columns="source_row")
        if not decide(report, keep_valid, valid=len(rows)):
            return report
        meta = prepared.data.attrs["scheme"]
        with workspace.transaction() as tx:
            schemes = tx.read(schema.SCHEMES)
            schemes = pd.concat([schemes[schemes["scheme"] != meta["scheme"]], pd.DataFrame([meta])],
                                ignore_index=True)
            current = tx.read(schema.CLASSIFICATIONS)
            current = current[current["scheme"] != meta["scheme"]]
            tx.write(schema.SCHEMES, schemes[schema.SCHEME_COLUMNS])
            tx.write(schema.CLASSIFICATIONS, pd.concat([current, rows], ignore_index=True)
                     [schema.CLASSIFICATION_COLUMNS])
            tx.audit(user, f"import classifications {meta['scheme']}", report.file,
                     {"rows": len(rows), "skipped": len(report.bad_rows())})
        report.counts["imported"] = len(rows)
        report.written = True
        return report
