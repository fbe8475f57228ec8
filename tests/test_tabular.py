"""Spreadsheets as people send them: encodings, title rows, merged headers, VN numbers and dates."""

from datetime import date, datetime

import openpyxl
import pytest

from geoaid.imports.common import header_matcher
from geoaid.imports.problems import ImportReport
from geoaid.imports.tabular import read_table
from geoaid.text.values import parse_date, parse_number

MATCH = header_matcher({"name": ["ten du an"], "budget": ["kinh phi"], "currency": ["loai tien"],
                        "start": ["ngay bat dau"]})


@pytest.mark.parametrize("text, expected", [
    ("1.500.000.000", 1_500_000_000), ("1,500,000,000", 1_500_000_000), ("25.000", 25_000),
    ("25,000", 25_000), ("1,5", 1.5), ("1.5", 1.5), ("1.234.567,89", 1234567.89),
    ("1,234,567.89", 1234567.89), ("  2 000 000 ", 2_000_000), ("-3", -3), (42, 42),
    ("25.000 USD", 25_000),
])
def test_parse_number(text, expected):
    assert parse_number(text) == pytest.approx(expected)


@pytest.mark.parametrize("bad", ["", "abc", "-", True])
def test_parse_number_rejects(bad):
    with pytest.raises(ValueError):
        parse_number(bad)


@pytest.mark.parametrize("value, expected", [
    ("01/03/2024", date(2024, 3, 1)), ("1/3/24", date(2024, 3, 1)), ("2024-03-01", date(2024, 3, 1)),
    ("01-03-2024", date(2024, 3, 1)), ("01.03.2024", date(2024, 3, 1)),
    (datetime(2024, 3, 1, 0, 0), date(2024, 3, 1)), (45352, date(2024, 3, 1)),
])
def test_parse_date(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("bad", ["31/02/2024", "March 2024", "13/13/2024", 12])
def test_parse_date_rejects(bad):
    with pytest.raises(ValueError):
        parse_date(bad)


def test_csv_with_title_rows_bom_and_semicolons(tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes("\ufeffDANH SÁCH DỰ ÁN;;\n;;\nTên dự án;Kinh phí;Ngày bắt đầu\n"
                     "Nước sạch;1.500.000.000;01/03/2024\n;;\nTrường học;2.000.000;2024-05-01\n"
                     .encode())
    report = ImportReport("p.csv")
    table = read_table(path, MATCH, report)
    assert report.ok
    assert table.row_numbers == [4, 6]                      # line numbers as in the file
    assert [r["name"] for r in table.rows] == ["Nước sạch", "Trường học"]


def to_cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: base letters precomposed, tone marks combining."""
    import unicodedata

    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(base + "".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")


def test_windows_1258_csv_is_read_with_a_warning(tmp_path):
    path = tmp_path / "cp.csv"
    path.write_bytes(to_cp1258("Tên dự án,Kinh phí\nTrạm y tế Sà Phìn,100\n"))
    report = ImportReport("cp.csv")
    table = read_table(path, MATCH, report)
    assert table.rows[0]["name"] == "Trạm y tế Sà Phìn"     # NFC after the code-page decode
    assert [p.severity for p in report.problems] == ["warning"]
    assert "Windows-1258" in report.problems[0].reason


def test_nfd_text_is_normalised(tmp_path):
    import unicodedata

    path = tmp_path / "nfd.csv"
    path.write_text(unicodedata.normalize("NFD", "Tên dự án,Kinh phí\nXã Sà Phìn,1\n"), encoding="utf-8")
    table = read_table(path, MATCH, ImportReport("nfd.csv"))
    assert table.rows[0]["name"] == unicodedata.normalize("NFC", "Xã Sà Phìn")


def test_xlsx_with_merged_two_row_header(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "Kế hoạch vận động viện trợ 2024"
    sheet.merge_cells("A1:C1")
    sheet["A2"], sheet["B2"] = "Tên dự án", "Kinh phí"
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("B2:C2")
    sheet["B3"], sheet["C3"] = "Số tiền", "Loại tiền"
    sheet["A4"], sheet["B4"], sheet["C4"] = "Nước sạch", 25000, "USD"
    sheet["A6"], sheet["B6"], sheet["C6"] = "Cầu", "1.500.000.000", "VND"
    path = tmp_path / "merged.xlsx"
    book.save(path)
    report = ImportReport("merged.xlsx")
    table = read_table(path, header_matcher({"name": ["ten du an"], "budget": ["kinh phi so tien"],
                                             "currency": ["kinh phi loai tien"]}), report)
    assert report.ok, report.problems
    assert table.row_numbers == [4, 6]                      # sheet rows
    assert table.rows[0] == {"name": "Nước sạch", "budget": 25000, "currency": "USD"}


def test_unreadable_and_headerless_files_are_file_wide_errors(tmp_path):
    junk = tmp_path / "x.xlsx"
    junk.write_bytes(b"not a workbook")
    report = ImportReport("x.xlsx")
    assert read_table(junk, MATCH, report) is None and report.errors[0].row is None
    plain = tmp_path / "plain.csv"
    plain.write_text("a,b\n1,2\n", encoding="utf-8")
    report = ImportReport("plain.csv")
    assert read_table(plain, MATCH, report) is None
    assert "no header row recognised" in report.errors[0].reason
