"""The small parts of an XLSX workbook, read safely: where the sheets are, dates, styles, shared strings.

Every part is streamed through :mod:`geoaid.imports.safexml` (no DTD, bounded
element count) and every count is checked against :class:`WorkbookLimits`
as it grows, so a hostile part is refused after reading at most the limit.
The first worksheet itself is read by :mod:`geoaid.imports.xlsx_reader`.
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass
from datetime import datetime

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

from geoaid.imports.safexml import attribute, stream_xml
from geoaid.imports.safezip import UnsafeFileError


@dataclass(frozen=True)
class WorkbookLimits:
    """What an import workbook may hold. A national commune list has about 10,600 rows."""

    max_sheets: int = 1_000
    max_rows: int = 200_000                 # highest row holding a value; also <row> elements declared
    max_columns: int = 500                  # highest column holding a value
    max_cells: int = 1_000_000              # <c> elements declared in the sheet, empty or not
    max_merged_ranges: int = 20_000
    max_merged_cells: int = 1_000_000       # cells covered by merged ranges, added up
    max_shared_strings: int = 1_000_000
    max_text_chars: int = 50_000_000        # characters in the shared-strings table
    max_part_elements: int = 200_000        # XML elements of a workbook, relationships or styles part


DEFAULT_WORKBOOK_LIMITS = WorkbookLimits()


class WorkbookParts:
    """The small parts of a workbook: where things are, dates, styles, shared strings."""

    def __init__(self, archive: zipfile.ZipFile, limits: WorkbookLimits):
        self.archive, self.limits = archive, limits

    def open(self, part: str):
        try:
            return self.archive.open(part)
        except KeyError:
            raise UnsafeFileError(f"the workbook lacks its part {part!r}; is it a real .xlsx file?") from None

    def _parse(self, part: str, start, end=None, text=None, max_elements=None) -> None:
        with self.open(part) as stream:
            stream_xml(stream, f"workbook part {part}", start, end, text,
                       max_elements or self.limits.max_part_elements)

    def office_document(self) -> str:
        found = []
        self._parse("_rels/.rels", lambda name, attrs: found.append(attrs.get("Target", ""))
                    if name == "Relationship" and attrs.get("Type", "").endswith("/officeDocument") else None)
        return found[0].lstrip("/") if found else "xl/workbook.xml"

    def relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """Id → (type's last word, part path) for the relationships of ``part``."""
        folder, name = posixpath.split(part)
        found = {}

        def start(element, attrs):
            if element == "Relationship" and attrs.get("TargetMode") != "External":
                target = attrs.get("Target", "")
                path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
                found[attrs.get("Id")] = (attrs.get("Type", "").rpartition("/")[2], posixpath.normpath(path))

        self._parse(posixpath.join(folder, "_rels", name + ".rels"), start)
        return found

    def workbook(self, part: str) -> tuple[datetime, list[tuple[str, str]]]:
        """The date epoch and the (name, relationship id) of every sheet, in order."""
        sheets, epoch = [], [CALENDAR_WINDOWS_1900]

        def start(element, attrs):
            if element == "sheet":
                if len(sheets) >= self.limits.max_sheets:
                    raise UnsafeFileError(f"the workbook has more than {self.limits.max_sheets:,} "
                                          "sheets; refused")
                sheets.append((attrs.get("name", "?"), attribute(attrs, "id")))
            elif element == "workbookPr" and attrs.get("date1904") in ("1", "true"):
                epoch[0] = CALENDAR_MAC_1904

        self._parse(part, start)
        return epoch[0], sheets

    def date_styles(self, part: str) -> frozenset[int]:
        """Indices of the cell styles whose number format shows a date."""
        custom, cell_formats, inside = {}, [], []

        def start(element, attrs):
            if element == "numFmt":
                custom[attrs.get("numFmtId")] = attrs.get("formatCode", "")
            elif element == "cellXfs":
                inside.append(True)
            elif element == "xf" and inside:
                cell_formats.append(attrs.get("numFmtId", "0"))

        def end(element):
            if element == "cellXfs":
                inside.clear()

        self._parse(part, start, end)

        def is_date(format_id: str) -> bool:
            code = custom.get(format_id) or (BUILTIN_FORMATS.get(int(format_id)) if format_id.isdigit() else None)
            return bool(code) and is_date_format(code)

        return frozenset(index for index, format_id in enumerate(cell_formats) if is_date(format_id))

    def shared_strings(self, part: str) -> list[str]:
        limits = self.limits
        strings: list[str] = []
        parts: list[str] = []
        state = {"capture": False, "phonetic": False, "chars": 0}

        def start(element, _attrs):
            if element == "t" and not state["phonetic"]:
                state["capture"] = True
            elif element == "rPh":                   # phonetic guide: not part of the text
                state["phonetic"] = True
            elif element == "si" and len(strings) >= limits.max_shared_strings:
                raise UnsafeFileError(f"the shared-strings table has more than "
                                      f"{limits.max_shared_strings:,} entries; refused")

        def end(element):
            if element == "t":
                state["capture"] = False
            elif element == "rPh":
                state["phonetic"] = False
            elif element == "si":
                strings.append("".join(parts))
                parts.clear()

        def text(data):
            if state["capture"]:
                state["chars"] += len(data)
                if state["chars"] > limits.max_text_chars:
                    raise UnsafeFileError(f"the shared-strings table holds more than "
                                          f"{limits.max_text_chars:,} characters; refused")
                parts.append(data)

        self._parse(part, start, end, text, max_elements=8 * limits.max_shared_strings + 100)
        return strings
