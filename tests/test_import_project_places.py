"""Project lists: places from headings, letterheads and place columns; what a table must have; reader limits."""

import openpyxl
import pytest

from tests.provincial_workbooks import prepare

HA_GIANG_CSV = """UBND TỈNH HÀ GIANG,,,,,
SỞ KẾ HOẠCH VÀ ĐẦU TƯ,,,,,
DANH MỤC DỰ ÁN ODA VÀ VIỆN TRỢ NĂM 2025,,,,,
,,,,Đơn vị tính: nghìn đồng,
STT,Tên dự án,Nhà tài trợ,Địa bàn,Kinh phí,Thời gian thực hiện
I,GIÁO DỤC,,,"4.000.000",
1,Huyện Mèo Vạc,,,,
1.1,Trường bán trú,JICA,Tả Lủng,"2.500.000",2024 - 2026
2,Huyện Đồng Văn,,,,
2.1,Lớp học vùng cao,JICA,Xã Tả Lủng,"1.500.000",2025
II,Y TẾ,,,"420.000",
1,Khám bệnh lưu động,Quỹ Sức khỏe Vùng cao,Toàn tỉnh,"300.000",Quý II/2025
2,Trạm y tế,Quỹ Y tế Cộng đồng,Các xã trong huyện Hoàng Su Phì,"120.000",Năm 2025
3,Nước sạch,Quỹ Nước,"Xã Sà Phìn, huyện Đồng Văn",600,2025
,,,"Xã Lũng Cú, huyện Đồng Văn",200,
Tổng cộng,,,,"4.420.800",
"""


def test_headings_give_the_district_the_letterhead_the_province(tmp_path, demo_workspace):
    path = tmp_path / "ha-giang.csv"
    path.write_text(HA_GIANG_CSV, encoding="utf-8")
    (found, locations), report = prepare(path, demo_workspace)
    # Each section's sum on its heading row is checked: I (4.000.000) holds, II (420.000) is 800 short.
    assert [(p.severity, p.row, p.reason) for p in report.problems] == [
        ("warning", 11, "the row 'Y TẾ' says 420,000 nghìn đồng but the 3 project(s) it covers add up to "
                        "420,800 nghìn đồng")]
    rows = found.set_index("title")
    assert rows[["sector", "budget_vnd", "start_date", "end_date", "source_row"]].to_dict("index") == {
        "Trường bán trú": {"sector": "education", "budget_vnd": 2_500_000_000, "start_date": "2024-01-01",
                           "end_date": "2026-12-31", "source_row": 8},
        "Lớp học vùng cao": {"sector": "education", "budget_vnd": 1_500_000_000, "start_date": "2025-01-01",
                             "end_date": "2025-12-31", "source_row": 10},
        "Khám bệnh lưu động": {"sector": "health", "budget_vnd": 300_000_000, "start_date": "2025-04-01",
                               "end_date": "2025-06-30", "source_row": 12},
        "Trạm y tế": {"sector": "health", "budget_vnd": 120_000_000, "start_date": "2025-01-01",
                      "end_date": "2025-12-31", "source_row": 13},
        "Nước sạch": {"sector": "health", "budget_vnd": 800_000, "start_date": "2025-01-01",
                      "end_date": "2025-12-31", "source_row": 14},
    }
    placed = {title: list(zip(group["level"], group["unit_code"], group["share_pct"].fillna(-1)))
              for title, group in locations.merge(found[["project_id", "title"]]).groupby("title")}
    assert placed == {
        "Trường bán trú": [("commune", "00796", -1)],        # Tả Lủng under "1. Huyện Mèo Vạc"
        "Lớp học vùng cao": [("commune", "00742", -1)],      # Tả Lủng under "2. Huyện Đồng Văn"
        "Khám bệnh lưu động": [("province", "02", -1)],      # "Toàn tỉnh" of the letterhead's province
        "Trạm y tế": [("district", "032", -1)],              # "Các xã trong huyện Hoàng Su Phì"
        "Nước sạch": [("commune", "00736", 75.0), ("commune", "00715", 25.0)],   # 600 + 200 on two rows
    }


def test_the_cell_limit_counts_over_all_sheets(tmp_path):
    from geoaid.imports.safezip import UnsafeFileError
    from geoaid.imports.xlsx_parts import WorkbookLimits
    from geoaid.imports.xlsx_reader import read_sheets

    book = openpyxl.Workbook()
    for index in range(3):
        sheet = book.active if index == 0 else book.create_sheet(f"Sheet {index}")
        for row in range(1, 9):
            sheet.append([f"r{row}c{col}" for col in range(5)])     # 40 cells a sheet
    path = tmp_path / "three.xlsx"
    book.save(path)
    assert [len(sheet.rows) for sheet in read_sheets(path, WorkbookLimits(max_cells=120))] == [8, 8, 8]
    with pytest.raises(UnsafeFileError, match="more than 100 cells"):
        read_sheets(path, WorkbookLimits(max_cells=100))


def test_a_table_without_a_donor_column_is_refused_saying_so(tmp_path, demo_workspace):
    path = tmp_path / "no-donor.csv"
    path.write_text("STT,Tên dự án,Kinh phí,Địa bàn\n1,Trạm y tế,100,32002\n", encoding="utf-8")
    (found, _), report = prepare(path, demo_workspace)
    assert [(p.row, p.reason) for p in report.errors] == [(None, "missing required column(s): donor")]
    assert found.empty


def test_a_half_filled_row_read_as_a_heading_is_pointed_out(tmp_path, demo_workspace):
    path = tmp_path / "list.csv"
    path.write_text("Tên dự án,Nhà tài trợ,Lĩnh vực,Kinh phí,Địa bàn\n"
                    "Trạm y tế,Quỹ A,Y tế,100,32002\n"
                    "Dự án chưa điền,,,,\n"
                    "Trường học,Quỹ A,,100,32005\n", encoding="utf-8")
    (found, _), report = prepare(path, demo_workspace)
    assert [(p.severity, p.row, p.column, p.value, p.reason.split(";")[0]) for p in report.problems] == [
        ("error", 4, "Lĩnh vực", None, "missing sector: fill in the Lĩnh vực column or put the project "
                                       "under a section row (I. LĨNH VỰC Y TẾ …)"),
        ("warning", 3, "Tên dự án", "Dự án chưa điền", "read as a section heading (the row holds nothing else)"),
    ]
    assert found["title"].tolist() == ["Trạm y tế"]


def test_place_columns_province_first_and_a_budget_split_under_its_unit(tmp_path, demo_workspace):
    """A Sở KH&ĐT layout: Tỉnh/Thành phố | Quận/Huyện | Xã/Phường, "Kinh phí (tỷ đồng)" over
    Tổng số | Vốn ODA | Vốn đối ứng (only Tổng số is the budget), start/end as months."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Biểu 02"
    sheet["A1"] = "BIỂU TỔNG HỢP DỰ ÁN ODA"
    sheet.append([])
    sheet.append(["STT", "Tên dự án", "Nhà tài trợ", "Lĩnh vực", "Tỉnh/Thành phố", "Quận/Huyện", "Xã/Phường",
                  "Kinh phí (tỷ đồng)", None, None, "Ngày bắt đầu", "Ngày kết thúc"])
    sheet.append([None] * 7 + ["Tổng số", "Vốn ODA", "Vốn đối ứng"])
    sheet.merge_cells("H3:J3")
    for letter in "ABCDEFGKL":
        sheet.merge_cells(f"{letter}3:{letter}4")
    sheet.append([1, "Kênh thủy lợi", "ADB", "Nông nghiệp", "Bạc Liêu", "Hồng Dân", "Ninh Quới A; Lộc Ninh",
                  "12,75", 10, "2,75", "03/2024", "06/2027"])
    sheet.append([2, "Đê biển", "WB", "Môi trường", "Kiên Giang", "An Biên", "Toàn huyện", 40, 36, 4,
                  "01/2025", "12/2028"])
    path = tmp_path / "bieu-02.xlsx"
    book.save(path)
    (found, locations), report = prepare(path, demo_workspace)
    assert report.problems == [], [str(p) for p in report.problems]
    assert found[["title", "budget_vnd", "start_date", "end_date"]].values.tolist() == [
        ["Kênh thủy lợi", 12_750_000_000, "2024-03-01", "2027-06-30"],
        ["Đê biển", 40_000_000_000, "2025-01-01", "2028-12-31"]]
    assert list(zip(locations["level"], locations["unit_code"])) == [
        ("commune", "31849"), ("commune", "31855"), ("district", "908")]


def test_a_numbered_row_without_a_title_is_not_glued_to_the_project_above(tmp_path, demo_workspace):
    path = tmp_path / "list.csv"
    path.write_text("STT,Tên dự án,Nhà tài trợ,Lĩnh vực,Kinh phí,Địa bàn\n"
                    "1,Trạm y tế,Quỹ A,Y tế,100,32002\n"
                    ",,,,,32005\n"
                    "2,,Quỹ B,Y tế,50,32008\n", encoding="utf-8")
    (found, locations), report = prepare(path, demo_workspace)
    assert [(p.row, p.column, p.reason) for p in report.errors] == [(4, "Tên dự án", "missing title")]
    assert found["budget_vnd"].tolist() == [100] and locations["unit_code"].tolist() == ["32002", "32005"]
