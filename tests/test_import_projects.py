"""`geoaid import projects`: messy real-world sheets give exact, row-level reports."""

import hashlib
import unicodedata

import openpyxl

from geoaid.cli import main
from geoaid.imports import projects
from geoaid.store import schema

HEADER = "Mã dự án,Tên dự án,Nhà tài trợ,Lĩnh vực,Kinh phí,Đơn vị tiền,Ngày bắt đầu,Ngày kết thúc,Trạng thái,Địa bàn\n"


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_csv(tmp_path, body, name="projects.csv"):
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def prepare(path, workspace):
    return projects.prepare(path, workspace.read(schema.COMMUNES),
                            workspace.settings()["exchange_rates_vnd"])


def problems(report):
    return {(p.row, p.column, p.reason.split(";")[0].split(" (")[0]) for p in report.errors}


def test_vietnamese_headers_numbers_dates_and_locations(tmp_path, demo_workspace):
    path = write_csv(tmp_path,
                     'VN-1,Nước sạch,Quỹ A,Y tế,1.500.000.000,VND,01/03/2024,31/12/2025,Đang thực hiện,'
                     '"Xã Tân Thành, TP Cà Mau"\n'
                     'VN-2,Rừng ngập mặn,Quỹ B,Môi trường,"250,000",USD,2023-06-01,2026-05-31,ongoing,'
                     '"Huyện Ngọc Hiển (60%); Huyện Năm Căn (40%)"\n'
                     'VN-3,Trạm y tế,Quỹ A,health,"25.000 USD",,15/1/2024,,,"9.18, 105.15"\n')
    (found, locations), report = prepare(path, demo_workspace)
    assert report.ok, [str(p) for p in report.problems]
    rows = found.set_index("project_id")
    assert rows.at["VN-1", "budget_vnd"] == 1_500_000_000 and rows.at["VN-1", "status"] == "ongoing"
    assert rows.at["VN-2", "budget_vnd"] == 250_000 * 25_000 and rows.at["VN-2", "sector"] == "environment"
    assert rows.at["VN-3", "currency"] == "USD" and rows.at["VN-3", "start_date"] == "2024-01-15"
    assert rows.at["VN-1", "start_date"] == "2024-03-01" and rows.at["VN-1", "end_date"] == "2025-12-31"
    by_project = locations.groupby("project_id")
    assert by_project.get_group("VN-1")["unit_code"].tolist() == ["32026"]
    vn2 = by_project.get_group("VN-2")
    assert vn2["level"].tolist() == ["district", "district"] and vn2["share_pct"].tolist() == [60.0, 40.0]
    assert by_project.get_group("VN-3")["unit_code"].tolist() == ["32008"]  # point in Phường 5


def test_every_problem_has_row_column_value_and_reason(tmp_path, demo_workspace):
    path = write_csv(tmp_path,
                     "X1,Good,Quỹ A,Y tế,100,VND,01/01/2024,01/01/2025,,32002\n"
                     "X1,Duplicate id,Quỹ A,Y tế,100,VND,,,,32002\n"
                     "X3,End before start,Quỹ A,Y tế,100,VND,01/01/2025,01/01/2024,,32002\n"
                     "X4,Negative,Quỹ A,Y tế,-5,VND,,,,32002\n"
                     'X5,Bad shares,Quỹ A,Y tế,100,VND,,,,"32002 (50%); 32005 (30%)"\n'
                     "X6,Money,Quỹ A,Y tế,100,GBP,,,,32002\n"
                     "X7,Nowhere,Quỹ A,Y tế,100,VND,,,,Xã Không Có\n"
                     "X8,Sector,Quỹ A,Space travel,100,VND,,,,32002\n"
                     "X9,Date,Quỹ A,Y tế,100,VND,32/01/2024,,,32002\n"
                     "X10,Ambiguous,Quỹ A,Y tế,100,VND,,,,Xã Tân Thành\n")
    (_, _), report = prepare(path, demo_workspace)
    found = problems(report)
    expected = {
        (3, "Mã dự án", "duplicate id"),
        (4, "Ngày kết thúc", "end date is before the start date"),
        (5, "Kinh phí", "negative budget"),
        (6, "Địa bàn", "percentages add up to 80, not 100"),
        (7, "Đơn vị tiền", "unknown currency"),
        (8, "Địa bàn", "'Xã Không Có': unknown commune"),
        (9, "Lĩnh vực", "unknown sector"),
        (10, "Ngày bắt đầu", "day is out of range for month"),
    }
    assert expected <= found, found - expected
    ambiguous = [p for p in report.errors if p.row == 11]
    assert len(ambiguous) == 1 and "ambiguous" in ambiguous[0].reason and "32026" in ambiguous[0].reason
    assert report.bad_rows() == set(range(3, 12))
    assert all(p.file == "projects.csv" for p in report.problems)
    negative = next(p for p in report.errors if p.row == 5)
    assert negative.value == "-5"


def test_all_or_nothing_then_keep_valid_then_update(tmp_path, writable_workspace, capsys):
    path = write_csv(tmp_path, "OK-1,Fine,Quỹ A,Y tế,100,VND,,,,32002\n"
                               "BAD-1,Broken,Quỹ A,Y tế,abc,VND,,,,32002\n")
    ws = writable_workspace
    before_hash, before_count = sha256(ws.path), len(ws.read(schema.PROJECTS))
    assert main(["import", "projects", str(path), "--workspace", str(ws.path)]) == 2
    assert "row 3, column 'Kinh phí' (value 'abc'): not a number" in capsys.readouterr().out
    assert sha256(ws.path) == before_hash
    assert main(["import", "projects", str(path), "--keep-valid", "--workspace", str(ws.path)]) == 0
    assert len(ws.read(schema.PROJECTS)) == before_count + 1
    # Re-importing updates instead of duplicating.
    path = write_csv(tmp_path, "OK-1,Fine again,Quỹ A,Y tế,200,VND,,,,32005\n")
    assert main(["import", "projects", str(path), "--workspace", str(ws.path)]) == 0
    table = ws.read(schema.PROJECTS)
    assert (table["project_id"] == "OK-1").sum() == 1
    assert table.loc[table["project_id"] == "OK-1", "title"].item() == "Fine again"
    locs = ws.read(schema.PROJECT_LOCATIONS)
    assert locs.loc[locs["project_id"] == "OK-1", "unit_code"].tolist() == ["32005"]
    assert ws.read(schema.AUDIT_LOG)["action"].tolist()[-2:] == ["import projects", "import projects"]


def test_hostile_titles_are_stored_as_plain_text(tmp_path, writable_workspace):
    hostile = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    path = write_csv(tmp_path, f'H-1,"{hostile.replace(chr(34), chr(34) * 2)}",Quỹ A,Y tế,1,VND,,,,32002\n')
    (found, _), report = prepare(path, writable_workspace)
    assert report.ok and found["title"].item() == hostile


def test_nfd_and_missing_diacritics_match_the_same_commune(tmp_path, demo_workspace):
    body = (unicodedata.normalize("NFD", 'N-1,Dự án,Quỹ A,Giáo dục,1,VND,,,,"Xã Sà Phìn, Đồng Văn"\n')
            + 'N-2,Du an,Quy A,giao duc,1,VND,,,,"Xa Sa Phin, Dong Van, Ha Giang"\n')
    (_, locations), report = prepare(write_csv(tmp_path, body), demo_workspace)
    assert report.ok, report.problems
    assert locations["unit_code"].tolist() == ["00736", "00736"]


def test_xlsx_with_merged_header_and_excel_dates(tmp_path, demo_workspace):
    from datetime import datetime

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["DANH MỤC DỰ ÁN (SAMPLE)"])
    sheet.merge_cells("A1:H1")
    sheet.append(["Mã dự án", "Tên dự án", "Nhà tài trợ", "Lĩnh vực", "Kinh phí", None, "Ngày bắt đầu", "Địa bàn"])
    sheet.append([None, None, None, None, "Số tiền", "Loại tiền", None, None])
    sheet.merge_cells("E2:F2")
    for col in "ABCDGH":
        sheet.merge_cells(f"{col}2:{col}3")
    sheet.append(["E-1", "Trường học", "Quỹ C", "Giáo dục", 25000, "USD", datetime(2024, 9, 5), "Tỉnh Hà Giang"])
    path = tmp_path / "projects.xlsx"
    book.save(path)
    (found, locations), report = prepare(path, demo_workspace)
    assert report.ok, [str(p) for p in report.problems]
    assert found["budget_vnd"].item() == 25000 * 25000 and found["start_date"].item() == "2024-09-05"
    assert locations["level"].item() == "province" and locations["unit_code"].item() == "02"


def test_the_shipped_template_imports(writable_workspace):
    from pathlib import Path

    template = Path(projects.__file__).resolve().parent.parent / "templates" / "projects_template.csv"
    assert main(["import", "projects", str(template), "--workspace", str(writable_workspace.path)]) == 0


def test_the_shipped_xlsx_template_matches_the_csv_and_imports(writable_workspace):
    from pathlib import Path

    folder = Path(projects.__file__).resolve().parent.parent / "templates"
    sheet = openpyxl.load_workbook(folder / "projects_template.xlsx").worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header == (folder / "projects_template.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert main(["import", "projects", str(folder / "projects_template.xlsx"),
                 "--workspace", str(writable_workspace.path)]) == 0
