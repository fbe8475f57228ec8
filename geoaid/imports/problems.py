"""Row-level problem reports shared by every importer.

An importer never raises on the first bad cell: it collects every problem it
finds (file, row, column, value, why) so that the user can fix the file in
one pass, then decides — all-or-nothing by default — whether to write.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, field

from geoaid.output.formula_injection import neutralise


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None      # 1-based line/row as the user sees it in the file, None if file-wide
    column: str | None
    value: str | None
    reason: str
    severity: str = "error"  # "error" blocks the row; "warning" is reported only
    sheet: str | None = None  # the workbook sheet, when the file has several

    def __str__(self) -> str:
        where = self.file
        if self.sheet:
            where += f", sheet {self.sheet!r}"
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column!r}"
        value = "" if self.value is None else f" (value {self.value!r})"
        return f"{self.severity.upper()}: {where}{value}: {self.reason}"


@dataclass
class ImportReport:
    """What an import did or would do."""

    file: str
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    written: bool = False
    # (sheet, 0-based column, name as written, field read or None) of the table(s) read: the mapping step
    columns: list[tuple[str | None, int, str, str | None]] = field(default_factory=list)

    def add(self, row, column, value, reason, severity="error", sheet=None) -> None:
        self.problems.append(Problem(self.file, row, column,
                                     None if value is None else str(value), reason, severity, sheet))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def bad_rows(self) -> set[int]:
        return {p.row for p in self.errors if p.row is not None}

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=["file", "sheet", "row", "column", "value", "reason", "severity"])
        writer.writeheader()
        for problem in self.problems:
            writer.writerow({key: neutralise(value) for key, value in asdict(problem).items()})
        return out.getvalue()

    def summary(self) -> str:
        counts = ", ".join(f"{k}: {v}" for k, v in self.counts.items())
        state = "written" if self.written else "NOT written"
        return (f"{self.file}: {len(self.errors)} error(s), "
                f"{len(self.problems) - len(self.errors)} warning(s); {counts}; {state}")

