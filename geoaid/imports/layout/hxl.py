"""HXL hashtag rows (https://hxlstandard.org): the row of ``#org+funder`` / ``#adm3+name`` tags under a header.

Humanitarian 3W files ("who does what where") put a row of hashtags under
(or instead of) the header; tools read the columns by their hashtags, not
by the header text. As the standard says, a hashtag and its attributes are
case-insensitive and the attributes come in any order, with any extra ones
(``#org +v_iati +funder`` is still ``#org+funder``).

>>> tag, attributes = parse_hashtag("#ORG +V_IATI +Funder")
>>> tag, sorted(attributes)
('org', ['funder', 'v_iati'])
>>> spec = HashtagSpec([("org", {"funder"}, ("donor",)), ("org", set(), ("donor", "implementer"))])
>>> spec.fields({0: "#org", 1: "#org+funder+en"})
({'implementer': 0, 'donor': 1}, {'donor': '#org+funder+en', 'implementer': '#org'})
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_HASHTAG = re.compile(r"^#([a-z][a-z0-9_]*)((?:\s*\+\s*[a-z][a-z0-9_]*)*)\s*$", re.IGNORECASE)


def parse_hashtag(text: object) -> tuple[str, frozenset[str]] | None:
    """(tag, attributes) of an HXL hashtag, lower-cased; None when the text is not one."""
    match = _HASHTAG.match(str(text).strip()) if text is not None else None
    if not match:
        return None
    attributes = frozenset(a.strip().lower() for a in match[2].split("+") if a.strip())
    return match[1].lower(), attributes


def is_hashtag_row(cells: dict[int, object]) -> bool:
    """A row whose filled cells are all hashtags (two at least): an HXL row."""
    values = [v for v in cells.values() if v is not None and str(v).strip()]
    return len(values) >= 2 and all(parse_hashtag(v) for v in values)


class HashtagSpec:
    """Which field each hashtag fills: ``(tag, attributes it must have, fields)``.

    A column fills the first of its ``fields`` not yet taken; columns whose
    hashtag states more of the required attributes are placed first, so
    ``#org+funder`` takes the donor before a plain ``#org`` (which then is the
    implementer). A hashtag matching no entry (``#targeted``, ``#reached``) is
    left out.
    """

    def __init__(self, entries: Iterable[tuple[str, set[str], tuple[str, ...]]]):
        self.entries = [(tag, frozenset(attrs), fields) for tag, attrs, fields in entries]

    def entry(self, hashtag: object):
        parsed = parse_hashtag(hashtag)
        if parsed is None:
            return None
        tag, attributes = parsed
        matching = [e for e in self.entries if e[0] == tag and e[1] <= attributes]
        return max(matching, key=lambda e: len(e[1]), default=None)

    def fields(self, cells: dict[int, object]) -> tuple[dict[str, int], dict[str, str]]:
        """(field → column, field → hashtag as written) for one hashtag row."""
        found = [(col, str(value).strip(), self.entry(value)) for col, value in sorted(cells.items())]
        found = sorted((f for f in found if f[2]), key=lambda f: -len(f[2][1]))
        columns, hashtags = {}, {}
        for col, hashtag, (_tag, _attrs, fields) in found:
            free = next((f for f in fields if f not in columns), None)
            if free:
                columns[free], hashtags[free] = col, hashtag
        return dict(sorted(columns.items(), key=lambda kv: kv[1])), {f: hashtags[f] for f in columns}
