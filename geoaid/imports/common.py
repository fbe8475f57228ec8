"""What the importers share: header aliases, the commit rule and how a commit replaces rows."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from geoaid.imports.problems import ImportReport
from geoaid.text.names import fold


def header_matcher(aliases: dict[str, list[str]]) -> Callable[[str], str | None]:
    """Map header text to a field by its aliases (compared folded: case, diacritics, spaces)."""
    lookup = {fold(alias): field for field, names in aliases.items() for alias in names + [field]}

    def match(text: str) -> str | None:
        folded = fold(text)
        if folded in lookup:
            return lookup[folded]
        # "Kinh phí (VND)" / "Kinh phí - Số tiền": drop a bracketed or trailing unit.
        for cut in ("(", " - "):
            head = fold(text.split(cut)[0]) if cut in text else None
            if head and head in lookup:
                return lookup[head]
        return None

    return match


def decide(report: ImportReport, keep_valid: bool, valid: int) -> bool:
    """True when the import may write. File-wide errors always stop it;
    row errors stop it unless ``keep_valid`` (then those rows are skipped);
    nothing valid to write (``valid`` rows) always stops it: an import that
    writes no row would still rewrite the tables and the audit log."""
    file_wide = [p for p in report.errors if p.row is None]
    if not file_wide and valid == 0:
        reason = ("the file has no data rows" if not report.counts.get("rows")
                  else "no valid row to import")
        report.add(None, None, None, f"{reason}: nothing was written")
        file_wide = [p for p in report.errors if p.row is None]
    if file_wide or (report.errors and not keep_valid):
        report.written = False
        return False
    return True


def replace_rows(tx, layer: str, columns: list[str], key: str, ids: set[str], new: pd.DataFrame,
                 keep_absent: bool = False) -> int:
    """Write ``layer`` as its rows whose ``key`` is not in ``ids``, then ``new``: an import's own rows
    replace those it held before, every other row stays. Returns how many rows were replaced.

    ``keep_absent``: a layer that neither holds nor receives rows is left as it is (an older
    workspace without that table does not get an empty one).

    >>> replace_rows(tx, schema.NEEDS, schema.NEED_COLUMNS, "need_id", {"N1"}, needs)  # doctest: +SKIP
    1
    """
    current = tx.read(layer).reindex(columns=columns)
    if keep_absent and not len(new) and not len(current):
        return 0
    kept = current[~current[key].astype(str).isin(ids)]
    tx.write(layer, pd.concat([frame for frame in (kept, new) if len(frame)] or [current.iloc[:0]],
                              ignore_index=True)[columns])
    return len(current) - len(kept)
