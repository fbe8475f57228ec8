"""Donor names as people write them: one identity per donor whatever the case or Unicode form.

"Donor A", "DONOR A" and the NFD spelling are one donor; a name asked for
without diacritics finds the donor when only one fits; an unknown name is
answered with up to three close names.

>>> donor_key("Quỹ Nhi đồng") == donor_key("QUỸ NHI ĐỒNG")
True
"""

from __future__ import annotations

import pandas as pd
from rapidfuzz import fuzz, process

from geoaid.text.names import fold, nfc


class UnknownDonor(LookupError, ValueError):
    """No donor by that name; ``suggestions`` lists close names (the web answers 404).

    A ValueError too, so every caller that reports bad input reports this.
    """

    def __init__(self, name: str, suggestions: list[str]):
        self.name, self.suggestions = name, list(suggestions)
        hint = f"; did you mean {', '.join(repr(s) for s in self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"unknown donor {name!r}{hint}")


def donor_key(name) -> str:
    """Identity of a donor: NFC, case-folded ("Donor A", "DONOR A" and NFD forms are one donor)."""
    return nfc(name).casefold()


def donor_keys(column: pd.Series) -> pd.Series:
    """:func:`donor_key` of a column, computed once per distinct name (50,000 rows stay fast)."""
    distinct = column.dropna().unique()
    return column.map(dict(zip(distinct, (donor_key(d) for d in distinct))))


def resolve_donor(donor_names, name: str) -> str:
    """The donor's name as stored: matched by NFC + case, else without diacritics if unambiguous.

    Raises :class:`UnknownDonor` with up to three close names (rapidfuzz) otherwise.
    """
    names = sorted({nfc(d) for d in donor_names if isinstance(d, str) and d.strip()})
    wanted = donor_key(name)
    exact = [d for d in names if donor_key(d) == wanted]
    if exact:
        return exact[0]
    folded = [d for d in names if fold(d) == fold(name)]
    if len(folded) == 1:
        return folded[0]
    choices = {d: fold(d) for d in names}
    close = process.extract(fold(name), choices, scorer=fuzz.WRatio, limit=3, score_cutoff=60)
    raise UnknownDonor(name, [match[2] for match in close])


def donor_matches(donor_column: pd.Series, wanted) -> pd.Series:
    """Boolean mask of rows whose donor is one of ``wanted`` (case- and NFC/NFD-insensitive)."""
    keys = {donor_key(w) for w in wanted}
    return donor_keys(donor_column).isin(keys)
