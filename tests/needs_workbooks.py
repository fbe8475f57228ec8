"""Needs lists built the way a provincial planning office (Sở KH&ĐT) writes them.

A plan annex: letterhead, title, "Đơn vị tính: triệu đồng", a merged two-row header,
section rows per sector, a district-wide row, a row for two communes, a total row;
and a second sheet from Hà Giang with a sector column. Real demo communes (Cà Mau 96,
Hà Giang 02); the tests expect exactly the figures written here.
"""

from __future__ import annotations

import openpyxl

from tests.provincial_workbooks import two_row_header


def ca_mau_sheet(sheet) -> None:
    sheet["A1"], sheet["E1"] = "UBND TỈNH CÀ MAU", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    sheet["A2"], sheet["E2"] = "SỞ KẾ HOẠCH VÀ ĐẦU TƯ", "Độc lập - Tự do - Hạnh phúc"
    sheet.merge_cells("A1:C1")
    sheet["A4"] = "DANH MỤC NHU CẦU VẬN ĐỘNG VIỆN TRỢ PHI CHÍNH PHỦ NƯỚC NGOÀI GIAI ĐOẠN 2025-2026"
    sheet.merge_cells("A4:H4")
    sheet["A5"] = "(Kèm theo Kế hoạch số 37/KH-UBND ngày 10/3/2025 của UBND tỉnh Cà Mau)"
    sheet["G6"] = "Đơn vị tính: triệu đồng"
    two_row_header(sheet, 7, ["STT", "Nội dung nhu cầu", "Địa bàn", "Kinh phí dự kiến", "Mức độ ưu tiên",
                              "Năm thực hiện", "Nguồn"], {"Địa bàn": ["Xã", "Huyện"]})
    rows = {
        9: ["Tổng cộng", None, None, None, "3.850"],
        10: ["I", "LĨNH VỰC Y TẾ"],
        11: [1, "Xây mới trạm y tế xã", "Xã Khánh Hòa", "Huyện U Minh", "1.500", "Cao", 2025,
             "Kế hoạch 37/KH-UBND"],
        12: [2, "Trang thiết bị cho trạm y tế <b>xã</b>", "Xã Khánh Lâm, xã Khánh An", "Huyện U Minh", 800,
             "Ưu tiên 2", "2025-2026"],
        13: ["II", "GIÁO DỤC"],
        14: [1, "Sửa chữa trường mầm non", "Toàn huyện", "Trần Văn Thời", "1.200", 1, "Năm 2026"],
        15: [2, "Nhà vệ sinh trường học", "Thị trấn Sông Đốc", "Huyện Trần Văn Thời", 350, "Thấp", 2025],
    }
    for number, values in rows.items():
        for col, value in enumerate(values, start=1):
            if value is not None:
                sheet.cell(number, col, value)
    sheet.merge_cells("A9:D9")
    sheet.merge_cells("B10:H10")
    sheet.merge_cells("B13:H13")


def ha_giang_sheet(sheet) -> None:
    sheet["A1"] = "UBND TỈNH HÀ GIANG"
    sheet["A3"] = "NHU CẦU HỖ TRỢ CỦA CÁC XÃ NĂM 2025"
    sheet.append(["TT", "Danh mục", "Lĩnh vực", "Xã", "Huyện", "Kinh phí (triệu đồng)", "Ưu tiên"])
    sheet.append([1, "Kênh mương nội đồng", "Nông nghiệp", "Lũng Cú", "Đồng Văn", 600, "Trung bình"])


def needs_workbook(path) -> None:
    book = openpyxl.Workbook()
    ca_mau_sheet(book.active)
    book.active.title = "Cà Mau"
    ha_giang_sheet(book.create_sheet("Hà Giang"))
    book.save(path)
