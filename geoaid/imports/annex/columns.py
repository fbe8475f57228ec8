"""The columns of a classification list: which field each column holds, and its cell values.

Besides the flat-list fields (code, commune, district, province, value), a
published annex may have:

* a **level column** "Khu vực" holding I / II / III (also "KV3", "3",
  "Khu vực III") for the three region schemes;
* **mark columns**: "x" under "Khu vực I" | "II" | "III" (a merged "Khu vực"
  above them) or under "Xã ĐBKK", each column naming its scheme;
* a **hamlet column** (thôn, bản, ấp): one row per hamlet, the commune's
  count computed;
* nothing but codes: one column of commune codes, with the header "Mã xã"
  or no header at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from geoaid.imports.common import header_matcher
from geoaid.imports.tabular import Grid, find_header
from geoaid.text.names import fold

MARK = "mark:"          # field prefix of a mark column: "mark:region_iii"

ALIASES = {
    "code": ["ma", "ma xa", "ma don vi", "ma huyen", "commune code", "district code", "unit code", "ma dvhc",
             "ma so", "ma xa phuong", "ma don vi hanh chinh"],
    "commune": ["xa", "ten xa", "xa phuong", "ten xa phuong", "xa phuong thi tran", "commune name", "ward",
                "ten xa phuong thi tran", "ten don vi", "don vi", "ten don vi hanh chinh",
                "don vi hanh chinh", "ten dvhc", "xa thi tran", "ten xa thi tran", "thuoc xa"],
    "district": ["huyen", "ten huyen", "quan huyen", "district name", "huyen thi xa thanh pho",
                 "thuoc huyen"],
    "province": ["tinh", "ten tinh", "tinh thanh pho", "province name", "thuoc tinh"],
    "hamlet": ["thon", "ten thon", "thon ban", "ten thon ban", "ap", "ten ap", "thon ban ap",
               "ten thon ban ap", "thon ban ap to dan pho", "thon to dan pho", "hamlet", "village"],
    "level": ["khu vuc", "kv", "thuoc khu vuc", "phan dinh khu vuc", "region"],
    "value": ["gia tri", "so thon", "so thon dbkk", "ty le", "ty le dtts", "category", "class",
              "so thon dac biet kho khan"],
    f"{MARK}region_i": ["khu vuc i", "kv i", "kv1", "xa khu vuc i", "khu vuc 1"],
    f"{MARK}region_ii": ["khu vuc ii", "kv ii", "kv2", "xa khu vuc ii", "khu vuc 2"],
    f"{MARK}region_iii": ["khu vuc iii", "kv iii", "kv3", "xa khu vuc iii", "khu vuc 3"],
    f"{MARK}dbkk": ["dbkk", "xa dbkk", "xa dac biet kho khan", "dac biet kho khan"],
    f"{MARK}dbkk_coastal": ["xa bai ngang ven bien", "bai ngang ven bien", "xa dbkk bai ngang ven bien",
                            "bai ngang ven bien va hai dao"],
}
_match = header_matcher(ALIASES)

_ROMAN = {"i": 1, "ii": 2, "iii": 3}
_LEVEL_WORDS = re.compile(r"^(?:xa )?(?:thuoc )?(?:khu vuc|kv)\s*")
_MARKS = {"x", "1", "co", "v", "yes", "true"}
_CODE = re.compile(r"^\d{3,5}(?:\.0)?$")


@dataclass
class Layout:
    """Where the table starts and what each column holds."""

    start: int                                   # index in the grid of the first data row
    columns: dict[int, str] = field(default_factory=dict)   # 0-based column -> field
    texts: dict[int, str] = field(default_factory=dict)     # 0-based column -> header as written

    def column(self, name: str) -> int | None:
        return next((col for col, field_name in self.columns.items() if field_name == name), None)

    def header(self, name: str) -> str | None:
        col = self.column(name)
        return None if col is None else self.texts.get(col, name)

    def marks(self) -> dict[str, int]:
        """Scheme key -> column of the mark columns present."""
        return {f[len(MARK):]: col for col, f in self.columns.items() if f.startswith(MARK)}

    def cell(self, cells: dict, name: str):
        col = self.column(name)
        value = None if col is None else cells.get(col)
        return None if isinstance(value, str) and not value.strip() else value


def find_layout(grid: Grid) -> Layout | None:
    """The header row and its fields, or a header-less single column of codes; None if neither.

    >>> find_layout([(1, {0: "00742"}), (2, {0: "00796"})]).columns
    {0: 'code'}
    """
    found = find_header(grid, _match)
    if found and {"code", "commune", "district", "hamlet"} & set(found[1].values()):
        index, mapping, texts = found
        # A level column above mark columns ("Khu vực" merged over I | II | III) is the marks' heading;
        # reports name a mark column "Khu vực II", not "II".
        if any(f.startswith(MARK) for f in mapping.values()):
            mapping = {c: f for c, f in mapping.items() if f != "level"}
            texts = {c: f"Khu vực {t}" if fold(t) in _ROMAN and mapping.get(c, "").startswith(MARK) else t
                     for c, t in texts.items()}
        return Layout(index + 1, mapping, texts)
    return _codes_only(grid)


def _codes_only(grid: Grid) -> Layout | None:
    """A single column of codes with no header, below any title rows (a merged title spreads
    over its columns, so a title is any row that is not one code)."""
    def one_code(cells):
        return len(cells) == 1 and _CODE.match(str(next(iter(cells.values()))).strip())

    first = next((index for index, (_, cells) in enumerate(grid) if one_code(cells)), None)
    if first is None:
        return None
    column = next(iter(grid[first][1]))
    rows = [cells for _, cells in grid[first:] if cells]
    if all(one_code(cells) and column in cells for cells in rows):
        return Layout(first, {column: "code"}, {column: "(codes)"})
    return None


def region_level(value) -> int | None:
    """I / II / III (also "KV3", "3", "Khu vực III") as 1, 2, 3; None when not a level.

    >>> [region_level(v) for v in ("III", "Khu vực II", "KV1", 3, "x")]
    [3, 2, 1, 3, None]
    """
    text = _LEVEL_WORDS.sub("", fold(str(value))).replace(" ", "")
    if text.endswith(".0"):
        text = text[:-2]
    if text in _ROMAN:
        return _ROMAN[text]
    return int(text) if text in ("1", "2", "3") else None


def is_mark(value) -> bool:
    """A cell marking the unit as listed: "x", "X", "✓", "1", "có"."""
    if value is None:
        return False
    text = str(value).strip()
    return text in ("✓", "✔") or fold(text).replace(".0", "") in _MARKS
