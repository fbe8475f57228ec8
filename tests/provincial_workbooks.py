"""Project lists built the way a provincial Sở Ngoại vụ / Sở KH&ĐT report lays them out.

Real demo communes (Cà Mau 96, Hà Giang 02); every figure below is what the
tests expect to come out of the import.
"""

from __future__ import annotations

import openpyxl

from geoaid.imports import projects
from geoaid.store import schema


def letterhead(sheet, title: str, unit_line: str | None) -> None:
    sheet["A1"], sheet["F1"] = "UBND TỈNH CÀ MAU", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    sheet["A2"], sheet["F2"] = "SỞ NGOẠI VỤ", "Độc lập - Tự do - Hạnh phúc"
    sheet.merge_cells("A1:C1")
    sheet.merge_cells("F1:I1")
    sheet["A4"] = title
    sheet.merge_cells("A4:I4")
    sheet["A5"] = "(Kèm theo Báo cáo số 15/BC-SNgV ngày 15/01/2025 của Sở Ngoại vụ)"
    if unit_line:
        sheet["H6"] = unit_line


def two_row_header(sheet, row: int, columns: list[str], spans: dict[str, list[str]]) -> None:
    """``columns`` on ``row``; each name in ``spans`` is merged over its sub-columns on the row below,
    every other name merged down over both rows."""
    col = 1
    for name in columns:
        subs = spans.get(name)
        sheet.cell(row, col, name)
        if subs:
            sheet.merge_cells(start_row=row, start_column=col, end_row=row, end_column=col + len(subs) - 1)
            for offset, sub in enumerate(subs):
                sheet.cell(row + 1, col + offset, sub)
            col += len(subs)
        else:
            sheet.merge_cells(start_row=row, start_column=col, end_row=row + 1, end_column=col)
            col += 1


def merge_down(sheet, first: int, last: int, columns: str) -> None:
    for letter in columns:
        sheet.merge_cells(f"{letter}{first}:{letter}{last}")


def health_and_education_sheet(sheet) -> None:
    """Sheet 1: Xã | Huyện | Tỉnh under "Địa bàn thực hiện", triệu đồng, sections, merged multi-row project."""
    letterhead(sheet, "DANH MỤC CHƯƠNG TRÌNH, DỰ ÁN VIỆN TRỢ PHI CHÍNH PHỦ NƯỚC NGOÀI NĂM 2024",
               "Đơn vị tính: triệu đồng")
    two_row_header(sheet, 7, ["STT", "Tên chương trình, dự án", "Nhà tài trợ", "Địa bàn thực hiện",
                              "Kinh phí", "Thời gian thực hiện", "Ghi chú"],
                   {"Địa bàn thực hiện": ["Xã", "Huyện", "Tỉnh"]})
    rows = {
        9: ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)"],
        10: ["Tổng cộng", None, None, None, None, None, 1770.5],
        11: ["I", "LĨNH VỰC Y TẾ"],
        12: [1, "Nâng cấp trạm y tế xã", "Tổ chức Tầm nhìn Thế giới (World Vision)",
             "Xã Khánh Hòa, xã Khánh Lâm", "Huyện U Minh", "Cà Mau", "420,5", "2024-2026"],
        13: [2, "Nước sạch và vệ sinh trường học", "Quỹ Nhi đồng Liên hợp quốc (UNICEF)", "Tạ An Khương",
             "Huyện Đầm Dơi", "Cà Mau", 1200, "01/2024 - 12/2025", "Ba xã"],
        14: [None, None, None, "Tân Trung"],
        15: [None, None, None, "Xã Tân Đức"],
        16: ["Cộng", None, None, None, None, None, 1620.5],
        17: ["II", "GIÁO DỤC"],
        18: [1, "Học bổng cho học sinh nghèo", "Hội Hữu nghị Việt - Đức", "Toàn huyện", "Trần Văn Thời",
             "Cà Mau", 100, "Năm 2025"],
        19: [2, "Tập huấn giáo viên mầm non", "Plan International", "Thị trấn Sông Đốc",
             "Huyện Trần Văn Thời", None, 50, "Quý I/2024"],
        20: [None, None, None, "Xã Khánh Hải", "Huyện Trần Văn Thời"],
    }
    for number, values in rows.items():
        for col, value in enumerate(values, start=1):
            if value is not None:
                sheet.cell(number, col, value)
    sheet.merge_cells("A10:C10")
    merge_down(sheet, 13, 15, "ABCGHI")
    sheet.merge_cells("E13:E15")
    sheet.merge_cells("F13:F15")
    sheet.merge_cells("B11:I11")   # a section: its number in STT, its words merged over the row
    sheet.merge_cells("B17:I17")


def agriculture_sheet(sheet) -> None:
    """Sheet 2: one "Địa bàn" column, a sector column, USD in the header, start/end under a merged
    "Thời gian thực hiện", and a "Tổng số" row that does not match."""
    sheet["A1"] = "DANH MỤC DỰ ÁN NÔNG NGHIỆP, MÔI TRƯỜNG"
    two_row_header(sheet, 3, ["STT", "Tên dự án", "Nhà tài trợ", "Lĩnh vực", "Địa bàn", "Kinh phí (USD)",
                              "Thời gian thực hiện"], {"Thời gian thực hiện": ["Bắt đầu", "Kết thúc"]})
    sheet.append([1, "Rừng ngập mặn ven biển", "GIZ", "Môi trường", "Toàn huyện Ngọc Hiển", 50000,
                  "01/2024", "12/2026"])
    sheet.append([2, "Sinh kế nuôi tôm", "Oxfam", "Nông nghiệp",
                  "Xã Tân Thành, TP Cà Mau; Phường 1, Thành phố Cà Mau", "30.000", "01/01/2025", "31/12/2025"])
    sheet.append(["Tổng số", None, None, None, None, 999])


def provincial_workbook(path) -> None:
    book = openpyxl.Workbook()
    health_and_education_sheet(book.active)
    book.active.title = "Y tế - Giáo dục"
    agriculture_sheet(book.create_sheet("Nông nghiệp"))
    notes = book.create_sheet("Ghi chú")
    notes["A1"] = "Số liệu do các sở, ngành cung cấp."
    book.save(path)


def prepare(path, workspace):
    """The project importer's read step on ``path``, against ``workspace``'s communes and rates."""
    return projects.prepare(path, workspace.read(schema.COMMUNES), workspace.settings()["exchange_rates_vnd"])
