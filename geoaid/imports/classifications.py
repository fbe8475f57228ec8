"""``geoaid import classifications FILE --scheme KEY``: official priority lists.

A scheme is a dated, sourced layer: key, label, legal source (e.g.
"Decision 861/QĐ-TTg"), period (2021–2025), level (commune, or district for
lists such as poor districts, which then apply to all their communes) and
kind: ``flag`` (listed or not), ``category`` (e.g. region I/II/III),
``count`` (e.g. Program 135 hamlets) or ``share`` (e.g. % ethnic-minority
population, 0–100).

Files are read as published (:mod:`geoaid.imports.annex`): flat lists,
annexes with province/district heading rows, a "Khu vực" level column or
"x" mark columns (``--scheme regions`` imports region I, II and III at
once; ``--scheme region_iii,dbkk`` two marked schemes), hamlet lists
(counted per commune) and single columns of codes. Ambiguous names are
reported, never guessed.

An official list replaces its scheme's rows in the provinces it covers and
every SAMPLE row of that scheme (a scheme is never part sample, part
official); official rows of other provinces stay, so provinces' annexes can
be imported one by one. A ``--sample`` list replaces the whole scheme.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from geoaid.imports.annex import read_listings
from geoaid.imports.base import Importer, Option, Prepared
from geoaid.imports.common import decide
from geoaid.imports.problems import ImportReport
from geoaid.store import schema
from geoaid.text.names import nfc

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
# Names for several schemes imported from one file (a level column or mark columns).
SCHEME_SETS = {"regions": ("region_i", "region_ii", "region_iii")}


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


def scheme_metas(keys: str, label=None, legal_source="", period="", level=None, kind=None,
                 sample=False, source_file="") -> list[dict]:
    """``--scheme`` as SCHEMES rows: one key, a comma list, or ``regions`` (region_i, _ii, _iii).

    >>> [m["scheme"] for m in scheme_metas("regions", legal_source="Decision 861/QĐ-TTg")]
    ['region_i', 'region_ii', 'region_iii']
    """
    names = [part.strip().lower() for part in (keys or "").split(",") if part.strip()]
    names = [key for name in names for key in SCHEME_SETS.get(name, (name,))]
    if len(names) > 1 and label:
        raise ValueError("--label names one scheme; several schemes keep their own labels")
    metas = [scheme_meta(key, label, legal_source, period, level, kind, sample, source_file)
             for key in dict.fromkeys(names or [""])]
    if len({meta["level"] for meta in metas}) > 1:
        raise ValueError("schemes imported together must list the same units (communes or districts)")
    return metas


def prepare(path, communes, meta: dict | list[dict],
            source_name: str | None = None) -> tuple[pd.DataFrame, ImportReport]:
    """Read and validate; return classification rows (with ``source_row``) and the report."""
    # source_name: the name shown in the report (an upload is stored under another name)
    metas = meta if isinstance(meta, list) else [meta]
    report = ImportReport(source_name or Path(path).name)
    found = read_listings(path, communes, metas, report)
    by_key = {m["scheme"]: m for m in metas}
    rows = [{"scheme": f.scheme, "unit_code": f.unit, "level": by_key[f.scheme]["level"], "value": f.value,
             "value_num": f.value_num, "sample": by_key[f.scheme]["sample"], "source_row": f.line}
            for f in found]
    for key in by_key:
        report.counts[key] = sum(1 for f in found if f.scheme == key)
    frame = pd.DataFrame(rows, columns=schema.CLASSIFICATION_COLUMNS + ["source_row"])
    frame.attrs["schemes"] = metas
    return frame, report


def merged_rows(current: pd.DataFrame, old_meta: dict | None, meta: dict, rows: pd.DataFrame,
                province_of: dict, report: ImportReport) -> pd.DataFrame:
    """The scheme's rows after importing ``rows``: see the module's rule on what is replaced."""
    if meta["sample"] or old_meta is None or int(old_meta.get("sample") or 0):
        return rows
    covered = {province_of.get(unit) for unit in rows["unit_code"]}
    mine = current[current["scheme"] == meta["scheme"]]
    kept = mine[~mine["unit_code"].map(province_of).isin(covered) & (mine["sample"].fillna(0).astype(int) == 0)]
    if len(kept):
        provinces = ", ".join(sorted({str(province_of.get(u)) for u in kept["unit_code"]}))
        report.add(None, None, None, f"{meta['scheme']}: {len(kept)} official rows of province(s) {provinces}, "
                                     "not in this file, are kept from the earlier import "
                                     f"({old_meta.get('legal_source') or 'no legal source'})", severity="warning")
    return pd.concat([kept, rows], ignore_index=True)


class ClassificationsImporter(Importer):
    label = "an area-classification list (CSV/XLSX) as a dated, sourced scheme"
    description = ("Import an official priority list as it is published: a flat list of codes or names, "
                   "an annex with province/district heading rows, a 'Khu vực' (I/II/III) column or "
                   "'XÃ KHU VỰC …' section rows (--scheme regions imports the three region schemes), "
                   "'x' mark columns, a hamlet list (counted per commune), or one column of codes.")
    suffixes = (".csv", ".xlsx")
    options = (
        Option("scheme", f"scheme key, e.g. {', '.join(KNOWN_SCHEMES)}; 'regions' = region_i, "
                         "region_ii and region_iii from a Khu vực column or mark columns; several "
                         "marked schemes comma separated; another key needs --level and --kind",
               required=True, metavar="KEY", web=True, label="scheme",
               web_choices=(*KNOWN_SCHEMES, *SCHEME_SETS), refusal="choose_scheme",
               choice_labels={**{key: spec[2] for key, spec in KNOWN_SCHEMES.items()},
                              "regions": "Region I, II and III communes (a Khu vực column or marks)"}),
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
        metas = scheme_metas(options["scheme"], options["label"], options["legal_source"],
                             options["period"], options["level"], options["kind"], options["sample"],
                             source_name or Path(path).name)
        data, report = prepare(path, workspace.read(schema.COMMUNES), metas, source_name=source_name)
        return Prepared.counted(self.key, data, report, options, data["source_row"])

    def commit(self, prepared, workspace, user="cli", keep_valid=False) -> ImportReport:
        """Write the schemes and their rows; what each replaces is said in the module docstring."""
        report = prepared.report
        rows = prepared.data[~prepared.data["source_row"].isin(report.bad_rows())].drop(columns="source_row")
        if not decide(report, keep_valid, valid=len(rows)):
            return report
        metas = prepared.data.attrs["schemes"]
        keys = [meta["scheme"] for meta in metas]
        with workspace.transaction() as tx:
            schemes = tx.read(schema.SCHEMES)
            earlier = {row["scheme"]: row for row in schemes.to_dict("records")}
            current = tx.read(schema.CLASSIFICATIONS)
            communes = tx.read(schema.COMMUNES)
            province_of = {**dict(zip(communes["district_code"], communes["province_code"])),
                           **dict(zip(communes["code"], communes["province_code"]))}
            parts = [current[~current["scheme"].isin(keys)]]
            for meta in metas:
                parts.append(merged_rows(current, earlier.get(meta["scheme"]), meta,
                                         rows[rows["scheme"] == meta["scheme"]], province_of, report))
            schemes = pd.concat([schemes[~schemes["scheme"].isin(keys)], pd.DataFrame(metas)],
                                ignore_index=True)
            tx.write(schema.SCHEMES, schemes[schema.SCHEME_COLUMNS])
            tx.write(schema.CLASSIFICATIONS, pd.concat(parts, ignore_index=True)[schema.CLASSIFICATION_COLUMNS])
            tx.audit(user, f"import classifications {', '.join(keys)}", report.file,
                     {"rows": len(rows), "skipped": len(report.bad_rows())})
        report.counts["imported"] = len(rows)
        report.written = True
        return report
