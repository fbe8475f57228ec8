"""Hostile XLSX workbooks, built as raw XML in a zip (a few KB each), and a harmless one to compare.

Each builder writes a real .xlsx that Excel's file structure allows; the
hostility is in what the XML declares, not in a broken file.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '</Types>')
SHARED_STRINGS_TYPE = ('<Override PartName="/xl/sharedStrings.xml" '
                       'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
ROOT_RELS = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">'
             f'<Relationship Id="rId1" Type="{TYPE}officeDocument" Target="xl/workbook.xml"/></Relationships>')
# The harmless table every hostile variant starts from: a header and two projects.
HEADER_AND_ROWS = [["Tên dự án", "Kinh phí"], ["Nước sạch", 1500], ["Trường học", 2000]]
BILLION_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                            for i in range(1, 10))
                  + ']>')
EXTERNAL_ENTITY = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def cell(ref: str, value) -> str:
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'
    return f'<c r="{ref}"><v>{value}</v></c>'


def table_rows(rows=HEADER_AND_ROWS) -> str:
    """Rows from row 1, cells from column A; a None value is a cell left out."""
    return "".join(f'<row r="{r}">' + "".join(cell(f"{_letters(c)}{r}", v) for c, v in enumerate(values, start=1)
                                              if v is not None) + "</row>"
                   for r, values in enumerate(rows, start=1))


def sheet_xml(rows: str = None, before: str = "", after: str = "", prolog: str = "") -> str:
    rows = table_rows() if rows is None else rows
    return (f'{prolog}<worksheet xmlns="{NS}" xmlns:r="{REL_NS}">{before}<sheetData>{rows}</sheetData>'
            f'{after}</worksheet>')


def workbook_xml(sheets: int = 1, prolog: str = "") -> str:
    entries = "".join(f'<sheet name="S{i}" sheetId="{i}" r:id="rId{i}"/>' for i in range(1, sheets + 1))
    return f'{prolog}<workbook xmlns="{NS}" xmlns:r="{REL_NS}"><sheets>{entries}</sheets></workbook>'


def write_xlsx(path: Path, sheet: str | None = None, shared_strings: str | None = None,
               workbook: str | None = None, extra: dict[str, bytes] | None = None,
               compression: int = zipfile.ZIP_DEFLATED) -> Path:
    """A workbook whose first sheet is ``sheet`` (raw XML); other parts minimal unless given."""
    rels = f'<Relationship Id="rId1" Type="{TYPE}worksheet" Target="worksheets/sheet1.xml"/>'
    if shared_strings is not None:
        rels += f'<Relationship Id="rIdS" Type="{TYPE}sharedStrings" Target="sharedStrings.xml"/>'
    types = CONTENT_TYPES.replace("</Types>", SHARED_STRINGS_TYPE + "</Types>") if shared_strings else CONTENT_TYPES
    members = {"[Content_Types].xml": types, "_rels/.rels": ROOT_RELS,
               "xl/workbook.xml": workbook or workbook_xml(),
               "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{PKG_REL}">{rels}</Relationships>',
               "xl/worksheets/sheet1.xml": sheet if sheet is not None else sheet_xml()}
    if shared_strings is not None:
        members["xl/sharedStrings.xml"] = shared_strings
    members.update(extra or {})
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def shared_strings_xml(count: int, prolog: str = "", first: str = "x") -> str:
    body = f"<si><t>{first}</t></si>" + "<si><t>x</t></si>" * (count - 1)
    return f'{prolog}<sst xmlns="{NS}" count="{count}" uniqueCount="{count}">{body}</sst>'


def empty_cells(count: int, columns: int = 50, first_row: int = 4) -> str:
    """``count`` declared cells that hold nothing (styled blanks), ``columns`` per row, below the table."""
    letters = [_letters(c) for c in range(1, columns + 1)]
    rows = []
    for index in range(count // columns):
        r = first_row + index
        rows.append(f'<row r="{r}">' + "".join(f'<c r="{letter}{r}" s="0"/>' for letter in letters) + "</row>")
    return "".join(rows)


def _letters(column: int) -> str:
    text = ""
    while column:
        column, rest = divmod(column - 1, 26)
        text = chr(65 + rest) + text
    return text


def compact_empty_cells(count: int, columns: int = 50) -> str:
    """Like :func:`empty_cells` without cell references (allowed: a cell follows the previous one)."""
    row = "<row>" + '<c s="0"/>' * columns + "</row>"
    return row * (count // columns)


DOCTYPE = "DOCTYPE declaration; refused"
BEYOND = "the most an import sheet may use; refused"
# name → (phrase the refusal must contain, or None when the file is harmless and must be read correctly,
#         builder(path) → path)
HOSTILE = {
    "far value cell XFD1048576": ("cell XFD1048576 holds a value beyond", lambda p: write_xlsx(p, sheet_xml(
        table_rows() + '<row r="1048576">' + cell("XFD1048576", "x") + "</row>"))),
    "far empty cell XFD1048576": (None, lambda p: write_xlsx(p, sheet_xml(
        table_rows() + '<row r="1048576"><c r="XFD1048576" s="0"/></row>'))),
    "dimension A1:XFD1048576": (None, lambda p: write_xlsx(p, sheet_xml(before='<dimension ref="A1:XFD1048576"/>'))),
    "merged range over the sheet": ("merged range A1:XFD1048576 reaches beyond", lambda p: write_xlsx(p, sheet_xml(
        after='<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>'))),
    "100,000 merged ranges": ("more than 20,000 merged ranges", lambda p: write_xlsx(p, sheet_xml(
        after="<mergeCells>" + "".join(f'<mergeCell ref="C{r}:D{r}"/>' for r in range(1, 100_001))
              + "</mergeCells>"))),
    "500,000 declared empty cells": ("(a zip bomb?)", lambda p: write_xlsx(
        p, sheet_xml(table_rows() + compact_empty_cells(500_000)))),
    "2,000,000 shared strings": ("(a zip bomb?)", lambda p: write_xlsx(
        p, shared_strings=shared_strings_xml(2_000_000))),
    "100,000 sheets": ("more than 1,000 sheets", lambda p: write_xlsx(p, workbook=workbook_xml(100_000))),
    "billion laughs in shared strings": (DOCTYPE, lambda p: write_xlsx(
        p, shared_strings=shared_strings_xml(1, BILLION_LAUGHS, "&lol9;"))),
    "billion laughs in the sheet": (DOCTYPE, lambda p: write_xlsx(p, sheet_xml(
        table_rows() + '<row r="4">' + cell("A4", "&lol9;") + "</row>", prolog=BILLION_LAUGHS))),
    "external entity in the sheet": (DOCTYPE, lambda p: write_xlsx(p, sheet_xml(
        table_rows() + '<row r="4">' + cell("A4", "&xxe;") + "</row>", prolog=EXTERNAL_ENTITY))),
    "external entity in shared strings": (DOCTYPE, lambda p: write_xlsx(
        p, shared_strings=shared_strings_xml(1, EXTERNAL_ENTITY, "&xxe;"))),
    "DOCTYPE in the workbook part": (DOCTYPE, lambda p: write_xlsx(p, workbook=workbook_xml(prolog=EXTERNAL_ENTITY))),
    "bomb member (50 MB of zeros)": ("(a zip bomb?)", lambda p: write_xlsx(
        p, extra={"xl/media/image1.png": b"\0" * (50 * 1024 * 1024)})),
    "nested archive member": ("is itself an archive", lambda p: write_xlsx(
        p, extra={"xl/embeddings/inner.zip": b"PK\x03\x04" + b"x" * 100})),
}
