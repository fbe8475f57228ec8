"""People a project targets or reached, as project lists and 3W files write them.

Columns beside the budget (case, diacritics, NFC/NFD, brackets do not matter):

| header | field |
|---|---|
| Số người hưởng lợi, Số đối tượng hưởng lợi, Số người được hưởng lợi (dự kiến), Beneficiaries | total targeted |
| Số trẻ em, Trẻ em, Children | children targeted |
| Số phụ nữ, Phụ nữ, Women | women targeted |
| Người dân tộc thiểu số, Số người DTTS, Ethnic minority | ethnic-minority people targeted |
| People reached, Children reached, Số người hưởng lợi thực tế | … reached |
| Số hộ nghèo hưởng lợi, Số hộ, Households | households: recognised, **not read as people** |

The kind is read from a qualifier anywhere in the header (also under a
merged upper cell: "Số người hưởng lợi" over "Dự kiến | Thực tế", or over
"Tổng | Trẻ em | Phụ nữ"): "dự kiến", "kế hoạch", "mục tiêu", "target" =
targeted; "đã", "thực tế", "lũy kế", "đạt được", "reached", "actual" =
reached; no qualifier = targeted (a list states who a project is for before
it says whom it reached). A household count is never turned into people:
geoaid does not guess a household size.

Counts are whole persons: "1.250", "1,250", "1 250 người", an Excel 1250
read 1,250; a fraction ("12,5"), a negative or text is a row error. A
project over several rows adds its rows; when two rows or more each state a
count and each of them is one commune (a 3W file, one row per place), the
counts are kept per commune. Reached above targeted, or children / women /
ethnic-minority people above the total of the same kind, is a warning.

>>> people_field("Số người được hưởng lợi (dự kiến)"), people_field("Số người hưởng lợi Thực tế")
('people_total_targeted', 'people_total_reached')
>>> people_field("Children reached"), people_field("Số hộ nghèo hưởng lợi")
('people_children_reached', 'households_targeted')
>>> person_count("1 250 người"), person_count(1250.0)
(1250, 1250)
"""

from __future__ import annotations

import re
from collections.abc import Callable

from unidecode import unidecode

from geoaid.imports.layout import Record
from geoaid.text.names import fold, nfc

GROUPS = ("total", "children", "women", "ethnic_minority")
KINDS = ("targeted", "reached")
PEOPLE_FIELDS = tuple(f"people_{group}_{kind}" for group in GROUPS for kind in KINDS)   # for --map
# Sub-groups a 3W file splits (HXL #targeted+f+children, +m+children): added into ``children``.
_PARTS = {"girls": "children", "boys": "children"}

_HOUSEHOLDS = ("so ho", "ho ngheo", "ho gia dinh", "ho can ngheo", "household", "households", "hh")
_SUBJECTS = {
    "children": ("tre em", "children", "child"),
    "women": ("phu nu", "women", "female", "females"),
    "ethnic_minority": ("dan toc thieu so", "dtts", "ethnic minority", "ethnic minorities"),
    # "Đối tượng hưởng lợi" alone names who benefits, in words: only "Số …" headers hold counts.
    "total": ("so nguoi huong loi", "so doi tuong huong loi", "so nguoi duoc huong loi", "so nguoi thu huong",
              "so nguoi", "beneficiaries", "people", "persons", "individuals"),
}
_REACHED = ("da", "thuc te", "luy ke", "dat duoc", "reached", "actual", "achieved")
_TARGETED = ("du kien", "ke hoach", "muc tieu", "targeted", "target", "planned")
_COUNT = re.compile(r"^(\d{1,3}(?:([., ])\d{3})(?:\2\d{3})*|\d+)(?: ?(?:nguoi|persons?|people|ng))?\.?$")
_FRACTION = re.compile(r"^-?\d+[.,]\d+(?: ?(?:nguoi|persons?|people))?$")


def _has(words: str, phrase: str) -> bool:
    return f" {phrase} " in f" {words} "


def people_field(text: str) -> str | None:
    """The field a header names: ``people_<group>_<kind>``, ``households_<kind>``, or None."""
    words = " ".join(re.sub(r"[^a-z0-9]+", " ", fold(str(text))).split())
    kind = ("reached" if any(_has(words, w) for w in _REACHED) else "targeted")
    if any(_has(words, w) for w in _HOUSEHOLDS):
        return f"households_{kind}"
    people = any(_has(words, w) for w in _SUBJECTS["total"])
    for group in ("children", "women", "ethnic_minority"):
        # "Nữ" is women under a people header ("Số người hưởng lợi" over "Tổng | Nữ"), not alone
        if any(_has(words, w) for w in _SUBJECTS[group]) or (group == "women" and people and _has(words, "nu")):
            return f"people_{group}_{kind}"
    return f"people_total_{kind}" if people else None


def with_people_fields(match: Callable[[str], str | None]) -> Callable[[str], str | None]:
    """``match``, also recognising the people columns of :func:`people_field`."""
    def read(text: str) -> str | None:
        return match(text) or people_field(text)
    return read


def is_people_field(name: str) -> bool:
    return name.startswith(("people_", "households_"))


def person_count(raw) -> int:
    """Whole persons from a cell; ValueError (with the reason) for a fraction, a negative or text."""
    if isinstance(raw, bool):
        raise ValueError("not a count of people")
    if isinstance(raw, (int, float)):
        if raw < 0:
            raise ValueError("negative count of people")
        if raw != int(raw):
            raise ValueError("a fraction of a person: counts are whole persons")
        return int(raw)
    text = " ".join(unidecode(nfc(str(raw))).lower().split())
    if text.startswith("-") and any(c.isdigit() for c in text):
        raise ValueError("negative count of people")
    found = _COUNT.match(text)
    if found:
        return int(re.sub(r"[., ]", "", found[1]))
    if _FRACTION.match(text):
        raise ValueError("a fraction of a person: counts are whole persons")
    raise ValueError("not a count of people (write a whole number, e.g. 1.250)")


def record_people(record: Record, sheet, project_id: str, row_places: list[list]) -> list[dict]:
    """``project_beneficiaries`` rows of one project record; problems to ``sheet`` (a SheetContext).

    ``row_places`` holds the locations found on each of the record's rows.
    """
    stated: dict[str, list[tuple[int, int, list]]] = {}
    for index, (line, own) in enumerate(zip(record.lines, record.own)):
        for name, raw in own.items():
            if not is_people_field(name) or str(raw).strip() in ("", "-"):
                continue
            if name.startswith("households_"):
                continue       # reported once per sheet by :func:`households_warning`
            try:
                count = person_count(raw)
            except ValueError as exc:
                sheet.bad(line, name, raw, str(exc))
                continue
            places = row_places[index] if index < len(row_places) else []
            stated.setdefault(name, []).append((line, count, places))
    rows = []
    for name, counts in stated.items():
        kind = name.rsplit("_", 1)[1]
        group = name.removeprefix("people_").removesuffix("_" + kind)
        if group in _PARTS and f"people_children_{kind}" in stated:
            continue                              # a children column wins over girls + boys
        group = _PARTS.get(group, group)
        per_commune = len(counts) > 1 and all(len(p) == 1 and p[0].level == "commune" for _, _, p in counts)
        for _, count, places in counts if per_commune else [(None, sum(c for _, c, _ in counts), [])]:
            rows.append({"project_id": project_id, "group": group, "kind": kind, "count": count,
                         "commune_code": places[0].unit_code if per_commune else None,
                         "source_file": sheet.report.file})
    _check(rows, record.lines[0], sheet)
    return _merged(rows)


def _merged(rows: list[dict]) -> list[dict]:
    """One row per (group, kind, commune): girls and boys of one place added into children."""
    out: dict[tuple, dict] = {}
    for row in rows:
        key = (row["group"], row["kind"], row["commune_code"])
        if key in out:
            out[key]["count"] += row["count"]
        else:
            out[key] = dict(row)
    return list(out.values())


def totals(rows: list[dict]) -> dict[tuple[str, str], int]:
    """(group, kind) → persons over a project's rows."""
    out: dict[tuple[str, str], int] = {}
    for row in rows:
        out[(row["group"], row["kind"])] = out.get((row["group"], row["kind"]), 0) + int(row["count"])
    return out


def _check(rows: list[dict], line: int, sheet) -> None:
    """Warnings: reached above targeted; a group above the total of the same kind."""
    summed = totals(_merged(rows))
    for group in GROUPS:
        targeted, reached = summed.get((group, "targeted")), summed.get((group, "reached"))
        if targeted is not None and reached is not None and reached > targeted:
            sheet.bad(line, f"people_{group}_reached", reached,
                      f"more people reached ({reached:,}) than targeted ({targeted:,})", severity="warning")
    for kind in KINDS:
        total = summed.get(("total", kind))
        for group in GROUPS[1:]:
            part = summed.get((group, kind))
            if total is not None and part is not None and part > total:
                sheet.bad(line, f"people_{group}_{kind}", part,
                          f"{group.replace('_', '-')} people {kind} ({part:,}) exceed the total {kind} "
                          f"({total:,})", severity="warning")


def households_warning(columns: dict[str, str], sheet) -> None:
    """A household column is recognised but not read as people: say so once per sheet."""
    for name, header in columns.items():
        if name.startswith("households_"):
            sheet.report.add(None, header, None, "counts households, not people: not read as beneficiaries "
                             "(geoaid does not guess a household size)", severity="warning", sheet=sheet.name)
