"""Hostile XLSX workbooks: refused (or read, when harmless) at once, in bounded memory, with a clear message.

Each workbook is a few KB of raw XML in a zip (tests/hostile_xlsx.py). It is
read in a child process, as the importers read it (geoaid.imports.tabular.read_table),
under a 2 GiB address-space limit, so a reader that builds the declared
sheet fails here with MemoryError instead of taking the machine.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from geoaid.imports.common import header_matcher
from geoaid.imports.problems import ImportReport
from geoaid.imports.projects import ALIASES as PROJECT_ALIASES
from geoaid.imports.safezip import Limits, UnsafeFileError
from geoaid.imports.tabular import read_table
from geoaid.imports.xlsx_parts import WorkbookLimits
from geoaid.imports.xlsx_reader import read_first_sheet
from tests.hostile_xlsx import (
    HOSTILE,
    cell,
    empty_cells,
    shared_strings_xml,
    sheet_xml,
    table_rows,
    workbook_xml,
    write_xlsx,
)

ROOT = Path(__file__).resolve().parents[1]
RELAXED_ZIP = Limits(max_ratio=1e9)          # lets a compressible sheet reach the reader's own limits
READ_IN_A_CHILD = r"""
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))
from geoaid.imports.common import header_matcher
from geoaid.imports.problems import ImportReport
from geoaid.imports.tabular import read_table
match = header_matcher({"name": ["ten du an"], "budget": ["kinh phi"]})
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
report = ImportReport("evil.xlsx")
table = read_table(sys.argv[1], match, report)
seconds = time.perf_counter() - start
grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
print(json.dumps({"seconds": seconds, "grown_mb": grown_mb, "rows": None if table is None else table.rows,
                  "problems": [[p.row, p.reason] for p in report.problems]}, ensure_ascii=False))
"""


def read_in_child(path: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", READ_IN_A_CHILD, str(path)], capture_output=True, text=True,
                          timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_workbook_is_refused_or_read_in_a_second_and_bounded_memory(tmp_path, name):
    expected, build = HOSTILE[name]
    path = build(tmp_path / "evil.xlsx")
    assert path.stat().st_size < 1_000_000
    result = read_in_child(path)
    assert result["seconds"] < 1.0, result
    assert result["grown_mb"] < 64, result
    if expected is None:            # harmless: read exactly as the two-row table it holds
        assert result["problems"] == []
        assert result["rows"] == [{"name": "Nước sạch", "budget": 1500},
                                  {"name": "Trường học", "budget": 2000}]
    else:                           # one file-wide error, one line, saying why
        assert result["rows"] is None
        [(row, reason)] = result["problems"]
        assert row is None and "\n" not in reason and expected in reason, reason


def test_half_a_million_declared_empty_cells_are_read_in_linear_time(tmp_path):
    # With cell references the sheet compresses only ~10:1 (about 1 MB), so the zip check lets it
    # through: the reader itself streams past the empty cells without keeping them.
    path = write_xlsx(tmp_path / "blank.xlsx", sheet_xml(table_rows() + empty_cells(500_000)))
    result = read_in_child(path)
    assert result["problems"] == [] and len(result["rows"]) == 2
    assert result["seconds"] < 3.0 and result["grown_mb"] < 64, result


def refusal(path, limits=WorkbookLimits(), zip_limits=RELAXED_ZIP) -> str:
    start = time.perf_counter()
    with pytest.raises(UnsafeFileError) as refused:
        read_first_sheet(path, limits, zip_limits)
    assert time.perf_counter() - start < 1.0
    return str(refused.value)


def test_each_reader_limit_holds_when_the_zip_check_lets_the_file_through(tmp_path):
    small = WorkbookLimits(max_cells=10_000, max_rows=1_000, max_merged_cells=100, max_shared_strings=1_000,
                           max_sheets=5)
    sheet = write_xlsx(tmp_path / "cells.xlsx", sheet_xml(table_rows() + empty_cells(50_000)))
    assert "more than 10,000 cells are declared" in refusal(sheet, small)
    rows = write_xlsx(tmp_path / "rows.xlsx", sheet_xml(table_rows() + "<row/>" * 2_000))
    assert "more than 1,000 rows are declared" in refusal(rows, small)
    merged = write_xlsx(tmp_path / "merged.xlsx", sheet_xml(after='<mergeCells><mergeCell ref="A10:J30"/>'
                                                                  "</mergeCells>"))
    assert "merged ranges cover more than 100 cells" in refusal(merged, small)
    strings = write_xlsx(tmp_path / "strings.xlsx", shared_strings=shared_strings_xml(5_000))
    assert "more than 1,000 entries" in refusal(strings, small)
    long_text = write_xlsx(tmp_path / "text.xlsx", shared_strings=shared_strings_xml(2, first="y" * 1_000))
    assert "more than 500 characters" in refusal(long_text, WorkbookLimits(max_text_chars=500))
    sheets = write_xlsx(tmp_path / "sheets.xlsx", workbook=workbook_xml(6))
    assert "more than 5 sheets" in refusal(sheets, small)


@pytest.mark.parametrize("ref", ["SR1", "A200001", "XFD1048576"])
def test_a_value_beyond_the_columns_or_rows_an_import_uses_is_refused(tmp_path, ref):
    row = "".join(ch for ch in ref if ch.isdigit())
    path = write_xlsx(tmp_path / "far.xlsx", sheet_xml(table_rows() + f'<row r="{row}">{cell(ref, 1)}</row>'))
    assert f"cell {ref} holds a value beyond 200,000 rows and 500 columns" in refusal(path)


@pytest.mark.parametrize("sheet, message", [
    (sheet_xml(table_rows() + '<row r="4"><c r="A4" t="s"><v>7</v></c></row>'), "shared string '7', which does not"),
    (sheet_xml(table_rows() + '<row r="4"><c r="A4"><v>1</c></row>'), "not well-formed XML (mismatched tag"),
    (sheet_xml(table_rows() + '<row r="4"><c r="$%4"><v>1</v></c></row>'), "is not a cell"),
    (sheet_xml(after='<mergeCells><mergeCell ref="A:A"/></mergeCells>'), "merged range 'A:A' is not a range"),
    (sheet_xml(after='<mergeCells><mergeCell ref="B5000:A1"/></mergeCells>'), "merged range 'B5000:A1' is not"),
    (sheet_xml(after='<mergeCells><mergeCell ref="A0:B0"/></mergeCells>'), "merged range 'A0:B0' is not a range"),
    (sheet_xml(table_rows() + '<row r="4">' + cell("A4", "&undefined;") + "</row>"), "undefined entity"),
])
def test_broken_sheets_are_clear_errors(tmp_path, sheet, message):
    path = write_xlsx(tmp_path / "broken.xlsx", sheet, shared_strings=shared_strings_xml(2))
    assert message in refusal(path, zip_limits=Limits())


def test_a_workbook_without_its_parts_is_a_clear_error(tmp_path):
    import zipfile

    path = tmp_path / "hollow.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    assert "lacks its part" in refusal(path)


# --- real lists: read in linear time, merged cells kept --------------------------------------------

def project_list(path: Path, rows: int) -> Path:
    from datetime import datetime, timedelta

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Dự án")
    sheet.append(["Mã dự án", "Tên dự án", "Nhà tài trợ", "Đơn vị thực hiện", "Lĩnh vực", "Kinh phí",
                  "Đơn vị tiền", "Ngày bắt đầu", "Ngày kết thúc", "Trạng thái", "Địa bàn"])
    for i in range(rows):
        sheet.append([f"P-{i}", f"Nước sạch xã {i}", f"Nhà tài trợ {i % 37}", "UBND xã", "Y tế",
                      1_500_000 + i, "VND", datetime(2024, 1, 1) + timedelta(days=i % 300), "31/12/2025",
                      "ongoing", f"Xã Tân Thành {i % 100}, Thành phố Cà Mau"])
    book.save(path)
    return path


def test_real_lists_are_read_in_linear_time(tmp_path):
    from datetime import datetime

    seconds = {}
    for rows in (5_000, 10_000, 20_000):
        path = project_list(tmp_path / f"list{rows}.xlsx", rows)
        timings = []
        for _ in range(2):                       # best of two: the machine is shared
            start = time.perf_counter()
            table = read_table(path, header_matcher(PROJECT_ALIASES), ImportReport(path.name))
            timings.append(time.perf_counter() - start)
        seconds[rows] = min(timings)
        assert len(table) == rows and table.row_numbers[-1] == rows + 1
        assert table.rows[-1]["budget"] == 1_500_000 + rows - 1
        assert table.rows[0]["start_date"] == datetime(2024, 1, 1)
    assert seconds[10_000] < 3.0, seconds
    # Linear: 4 times the rows in about 4 times the time (a per-row rescan of the sheet makes it 16).
    assert seconds[20_000] / seconds[5_000] < 7, seconds


def test_merged_ranges_are_kept_for_the_reader_and_spread_over_their_cells(tmp_path):
    # A provincial report: one project over three commune rows (title and budget merged down).
    rows = [["Tên dự án", "Kinh phí", "Địa bàn"], ["Nước sạch", 3000, "Xã A"], [None, None, "Xã B"],
            [None, None, "Xã C"]]
    path = write_xlsx(tmp_path / "report.xlsx", sheet_xml(
        table_rows(rows), after='<mergeCells><mergeCell ref="A2:A4"/><mergeCell ref="B2:B4"/></mergeCells>'))
    match = header_matcher({"name": ["ten du an"], "budget": ["kinh phi"], "place": ["dia ban"]})
    table = read_table(path, match, ImportReport(path.name))
    assert table.merged == [(2, 1, 4, 1), (2, 2, 4, 2)]
    assert table.rows == [{"name": "Nước sạch", "budget": 3000, "place": f"Xã {x}"} for x in "ABC"]
