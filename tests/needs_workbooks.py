"""Needs lists built the way a provincial planning office (Sở KH&ĐT) writes them.

A plan annex: letterhead, title, "Đơn vị tính: triệu đồng", a merged two-row header,
section rows per sector, a district-wide row, a row for two communes, a total row;
and a second sheet from Hà Giang with a sector column. Real demo communes (Cà Mau 96,
Hà Giang 02); the tests expect exactly the figures written here. ``hand_built_frames``:
four donors around one commune, for the donor-fit ranking computed by hand.
"""

from __future__ import annotations

from dataclasses import replace

import openpyxl
import pandas as pd

from tests.analysis_case import location, project
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


def hand_built_frames(frames):
    """Four donors around Xã Khánh Hòa (32047, Huyện U Minh 966), which the coastal list marks."""
    projects = [project("A1", "Quỹ A", "health", 1_500_000_000, "2024-01-01", "2026-12-31"),
                project("A2", "Quỹ A", "education", 500_000_000, "2024-01-01", "2025-12-31"),
                project("B1", "Quỹ B", "health", 10_000_000_000, "2024-01-01", "2027-12-31"),
                project("C1", "Quỹ C", "education", 1_200_000_000, "2023-01-01", "2025-06-30"),
                project("D1", "Quỹ D", "health", 2_000_000_000, "2024-01-01", "2025-09-30")]
    locations = [location("A1", "commune", "32047"), location("A2", "commune", "32047"),
                 location("B1", "commune", "32155"),          # Tạ An Khương, Đầm Dơi: elsewhere
                 location("C1", "commune", "31048"),          # Vân Khánh Tây (Kiên Giang), bordering Khánh Hòa
                 location("D1", "commune", "32044")]          # Thị trấn U Minh: same district
    schemes = pd.DataFrame([{"scheme": "dbkk_coastal", "label": "TEST", "legal_source": "test", "period_start": 2021,
                             "period_end": 2025, "level": "commune", "kind": "flag", "sample": 0, "source_file": "t"}])
    classifications = pd.DataFrame([{"scheme": "dbkk_coastal", "unit_code": "32047", "level": "commune",
                                     "value": "1", "value_num": 1.0, "sample": 0}])
    return replace(frames, projects=pd.DataFrame(projects), locations=pd.DataFrame(locations),
                   schemes=schemes, classifications=classifications)
