"""Project lists stating people targeted and reached, built the way provincial offices and partners write them."""

from __future__ import annotations

import openpyxl

from tests.three_w_workbooks import HEADERS, ROWS, three_w_workbook


def _save_sheet(path, title: str, rows: dict[int, list], merged: tuple[str, ...]) -> None:
    """One sheet with ``rows`` (row number → cell values from column A; None leaves a cell empty), the
    ``merged`` ranges merged as the office merged them."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row, values in rows.items():
        for col, value in enumerate(values, start=1):
            if value is not None:
                sheet.cell(row, col, value)
    for cells in merged:
        sheet.merge_cells(cells)
    book.save(path)


def provincial_report(path, children_cell=300, reached_cell="1 100 người") -> None:
    """Cà Mau's yearly list: letterhead, title, a two-row merged header with the people columns.

    "Số người hưởng lợi" is merged over "Dự kiến | Thực tế"; "Số trẻ em" and
    "Số hộ nghèo hưởng lợi" are merged down over both header rows; UNICEF's
    project takes three rows, its people merged down like its budget.
    """
    rows = {
        1: ["UBND TỈNH CÀ MAU"],
        2: ["DANH MỤC DỰ ÁN VIỆN TRỢ NĂM 2024"],
        3: ["STT", "Tên dự án", "Nhà tài trợ", "Địa bàn thực hiện", None, "Kinh phí (triệu đồng)",
            "Số người hưởng lợi", None, "Số trẻ em", "Số hộ nghèo hưởng lợi"],
        4: [None, None, None, "Xã", "Huyện", None, "Dự kiến", "Thực tế"],
        5: ["I", "LĨNH VỰC Y TẾ"],
        6: [1, "Nâng cấp trạm y tế xã", "World Vision", "Xã Khánh Hòa, xã Khánh Lâm", "Huyện U Minh", "420,5",
            "1.250", reached_cell, children_cell, 120],
        7: [2, "Nước sạch trường học", "UNICEF", "Tạ An Khương", "Huyện Đầm Dơi", "1.200", 2000, 2100, 800],
        8: [None, None, None, "Tân Trung"],
        9: [None, None, None, "Xã Tân Đức"],
    }
    merged = ("D3:E3", "G3:H3", "A3:A4", "B3:B4", "C3:C4", "F3:F4", "I3:I4", "J3:J4",
              "A7:A9", "B7:B9", "C7:C9", "E7:E9", "F7:F9", "G7:G9", "H7:H9", "I7:I9")
    _save_sheet(path, "DM 2024", rows, merged)


def template_csv(path, people="1.500") -> None:
    """The template with a "Số người hưởng lợi" column, as a planner fills it in."""
    path.write_text(
        "Mã dự án,Tên dự án,Nhà tài trợ,Lĩnh vực,Kinh phí,Đơn vị tiền,Ngày bắt đầu,Ngày kết thúc,Địa bàn,"
        "Số người hưởng lợi,Số phụ nữ\n"
        f'CM-01,Hỗ trợ sinh kế,Oxfam,Nông nghiệp,2.000.000.000,VND,01/01/2024,31/12/2025,Huyện U Minh,'
        f'"{people}",700\n', encoding="utf-8")


def three_w_with_children(path) -> None:
    """The Cà Mau 3W file with a "Children reached" column (#reached+children), one row per commune."""
    headers = [*HEADERS, ("Children reached", "#reached+children")]
    children = [200, 100, 50, None, None, None, None]
    three_w_workbook(path, headers, [[*row, extra] for row, extra in zip(ROWS, children)])


def groups_report(path) -> None:
    """"Số người hưởng lợi" merged over "Tổng | Trẻ em | Phụ nữ | Người DTTS"; one project written one row per
    commune, each row with its own people (Đầm Dơi: Tạ An Khương, Tân Trung, Tân Đức)."""
    rows = {
        1: ["SỞ NGOẠI VỤ TỈNH CÀ MAU"],
        2: ["Đơn vị tính: triệu đồng"],
        3: ["STT", "Tên dự án", "Nhà tài trợ", "Lĩnh vực", "Xã", "Huyện", "Kinh phí", "Số người hưởng lợi"],
        4: [None, None, None, None, None, None, None, "Tổng", "Trẻ em", "Phụ nữ", "Người DTTS"],
        5: [1, "Nước sạch trường học", "UNICEF", "Y tế", "Tạ An Khương", "Huyện Đầm Dơi", 600, "1.000", 400, 520,
            30],
        6: [None, None, None, None, "Tân Trung", None, 400, "800", 300, 410, None],
        7: [None, None, None, None, "Xã Tân Đức", None, 200, "1 200 người", 1_300, 600, None],
    }
    merged = ("H3:K3", "A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:E4", "F3:F4", "G3:G4",
              "A5:A7", "B5:B7", "C5:C7", "D5:D7", "F5:F7")
    _save_sheet(path, "Nguoi huong loi", rows, merged)
