"""The mapping step: which column of a file holds which field, when geoaid cannot tell by itself.

A mapping is ``{header text: field}`` (or ``"ignore"``), header text compared
as Vietnamese names are (case, diacritics, NFC/NFD, spacing do not matter).
On the command line it is given with ``--map "Kinh phí NGO=budget"``
(repeatable), kept in the workspace under a name with ``--save-mapping
NAME`` (a ``column_mapping.NAME`` setting, written with the import and its
audit row) and used again with ``--mapping NAME``.

>>> parse_map("Kinh phí NGO = budget")
('Kinh phí NGO', 'budget')
>>> match = mapped_matcher(lambda text: None, {"Địa phương": "locations"})
>>> match("DIA PHUONG")
'locations'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

from geoaid.text.names import fold

IGNORE = "ignore"
SETTING_PREFIX = "column_mapping."
NAME_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.-]{0,59}"


def parse_map(text: str) -> tuple[str, str]:
    """``"HEADER TEXT=field"`` as (header text, field); ValueError when there is no ``=``."""
    header, sep, fieldname = str(text).rpartition("=")
    if not sep or not header.strip() or not fieldname.strip():
        raise ValueError(f"{text!r}: write the column's header text, '=', and the field (\"Kinh phí NGO=budget\")")
    return header.strip(), fieldname.strip().lower()


def check_mapping(pairs: Iterable[tuple[str, str]], fields: Iterable[str]) -> dict[str, str]:
    """The pairs as a mapping; ValueError naming the known fields for an unknown one."""
    known = list(fields)
    mapping = {}
    for header, fieldname in pairs:
        if fieldname not in known and fieldname != IGNORE:
            raise ValueError(f"{header!r}={fieldname!r}: unknown field; use one of {', '.join(known)} or {IGNORE}")
        mapping[header] = fieldname
    return mapping


def mapped_matcher(match: Callable[[str], str | None], mapping: Mapping[str, str]
                   ) -> Callable[[str], str | None]:
    """``match``, with the columns the mapping names read as it says (``ignore``: as no field)."""
    folded = {fold(header): fieldname for header, fieldname in mapping.items()}

    def read(text: str) -> str | None:
        key = fold(text)
        if key in folded:
            return None if folded[key] == IGNORE else folded[key]
        return match(text)

    return read


def saved_mapping(settings: Mapping[str, object], name: str) -> dict[str, str]:
    """The mapping saved as ``name``; KeyError listing the saved ones when there is none."""
    key = SETTING_PREFIX + name
    if key not in settings:
        saved = sorted(k.removeprefix(SETTING_PREFIX) for k in settings if k.startswith(SETTING_PREFIX))
        raise KeyError(f"no saved column mapping {name!r}; saved: {', '.join(saved) or 'none'}")
    return dict(settings[key])


def check_name(name: str) -> str:
    """A mapping's name: letters, digits, ``_ . -``."""
    if not re.fullmatch(NAME_PATTERN, name):
        raise ValueError(f"{name!r}: a mapping name is letters, digits, '_', '.' or '-'")
    return name


def columns_found(sheet: str | None, columns: list[tuple[int, str, str | None]], missing: list[str],
                  example_field: str = "budget") -> str:
    """What the report says when a table lacks fields: each column with the field it was read as,
    the fields missing, and how to map them.

    >>> columns_found("DS", [(0, "Tên dự án", "title"), (1, "Kinh phí NGO", None)], ["budget"])[:94]
    "columns found on sheet 'DS': A 'Tên dự án' → title; B 'Kinh phí NGO' → not recognised. Missing"
    """
    where = f" on sheet {sheet!r}" if sheet else ""
    listed = "; ".join(f"{_letter(col)} {name!r} → {fieldname or 'not recognised'}" for col, name, fieldname in columns)
    unknown = next((name for _col, name, fieldname in columns if fieldname is None), "HEADER TEXT")
    target = missing[0] if missing else example_field
    return (f"columns found{where}: {listed}. Missing: {', '.join(missing) or 'none'}. Map a column with "
            f"--map \"{unknown}={target}\" (and --save-mapping NAME to keep it), or choose its field in the "
            "web preview.")


def chosen_fields(columns: list[tuple[str | None, int, str, str | None]], mapping: Mapping[str, str]
                  ) -> list[tuple[str | None, int, str, str | None]]:
    """The columns with what each is read as, "ignore" for those the mapping says to ignore.

    >>> chosen_fields([("DS", 0, "Kinh phí", None)], {"KINH PHI": "ignore"})
    [('DS', 0, 'Kinh phí', 'ignore')]
    """
    ignored = {fold(header) for header, fieldname in mapping.items() if fieldname == IGNORE}
    return [(sheet, col, name, IGNORE if fieldname is None and fold(name) in ignored else fieldname)
            for sheet, col, name, fieldname in columns]


def _letter(col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
