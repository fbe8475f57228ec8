"""What the spreadsheet importers share: header aliases and the commit rule."""

from __future__ import annotations

from collections.abc import Callable

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
