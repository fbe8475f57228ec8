"""Project lists as provinces write them: letterheads, merged headers, sections, totals, units, sheets."""

import hashlib

import openpyxl
import pytest

from geoaid.cli import main
from geoaid.imports.projects import derived_project_id
from geoaid.store import schema
from tests.provincial_workbooks import prepare, provincial_workbook

WORLD_VISION = derived_project_id("Tổ chức Tầm nhìn Thế giới (World Vision)", "Nâng cấp trạm y tế xã")
UNICEF = derived_project_id("Quỹ Nhi đồng Liên hợp quốc (UNICEF)", "Nước sạch và vệ sinh trường học")
SCHOLARSHIPS = derived_project_id("Hội Hữu nghị Việt - Đức", "Học bổng cho học sinh nghèo")
TEACHERS = derived_project_id("Plan International", "Tập huấn giáo viên mầm non")
MANGROVES = derived_project_id("GIZ", "Rừng ngập mặn ven biển")
SHRIMP = derived_project_id("Oxfam", "Sinh kế nuôi tôm")

EXPECTED = {   # id: (sector, budget, currency, budget_vnd, start, end, sheet, first row)
    WORLD_VISION: ("health", 420_500_000, "VND", 420_500_000, "2024-01-01", "2026-12-31", "Y tế - Giáo dục", 12),
    UNICEF: ("health", 1_200_000_000, "VND", 1_200_000_000, "2024-01-01", "2025-12-31", "Y tế - Giáo dục", 13),
    SCHOLARSHIPS: ("education", 100_000_000, "VND", 100_000_000, "2025-01-01", "2025-12-31", "Y tế - Giáo dục", 18),
    TEACHERS: ("education", 50_000_000, "VND", 50_000_000, "2024-01-01", "2024-03-31", "Y tế - Giáo dục", 19),
    MANGROVES: ("environment", 50_000, "USD", 1_250_000_000, "2024-01-01", "2026-12-31", "Nông nghiệp", 5),
    SHRIMP: ("agriculture", 30_000, "USD", 750_000_000, "2025-01-01", "2025-12-31", "Nông nghiệp", 6),
}
LOCATIONS = {
    WORLD_VISION: [("commune", "32047"), ("commune", "32056")],            # Khánh Hòa, Khánh Lâm (U Minh)
    UNICEF: [("commune", "32155"), ("commune", "32162"), ("commune", "32164")],  # three rows, Đầm Dơi
    SCHOLARSHIPS: [("district", "968")],                                    # "Toàn huyện" Trần Văn Thời
    TEACHERS: [("commune", "32098"), ("commune", "32119")],                 # Sông Đốc, Khánh Hải
    MANGROVES: [("district", "973")],                                       # Toàn huyện Ngọc Hiển
    SHRIMP: [("commune", "32026"), ("commune", "32005")],
}


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    path = tmp_path_factory.mktemp("layout") / "danh-muc-du-an-2024.xlsx"
    provincial_workbook(path)
    return path


def test_a_provincial_report_reads_as_its_projects(workbook, demo_workspace):
    (found, locations), report = prepare(workbook, demo_workspace)
    assert report.ok, [str(p) for p in report.problems]
    rows = found.set_index("project_id")
    assert sorted(rows.index) == sorted(EXPECTED)
    for pid, (sector, budget, currency, vnd, start, end, sheet, line) in EXPECTED.items():
        row = rows.loc[pid]
        assert (row["sector"], row["budget"], row["currency"], row["budget_vnd"], row["start_date"],
                row["end_date"], row["source_sheet"], row["source_row"]) == (
            sector, budget, currency, vnd, start, end, sheet, line), pid
    assert rows.loc[UNICEF, "title"] == "Nước sạch và vệ sinh trường học"
    assert rows.loc[WORLD_VISION, "source_file"] == "danh-muc-du-an-2024.xlsx [Y tế - Giáo dục]"
    for pid, expected in LOCATIONS.items():
        mine = locations[locations["project_id"] == pid]
        assert list(zip(mine["level"], mine["unit_code"])) == expected, pid
    assert report.counts == {"sheet Y tế - Giáo dục": 4, "sheet Nông nghiệp": 2, "rows": 6, "valid": 6}
    # The sheet's "Tổng cộng" (1 770,5) and the section's "Cộng" (1 620,5) match; "Tổng số" 999 does not.
    (warning,) = report.problems
    assert (warning.severity, warning.sheet, warning.row, warning.column, warning.value) == (
        "warning", "Nông nghiệp", 7, "Kinh phí (USD)", "999")
    assert "says 999 USD" in warning.reason and "add up to 80,000 USD" in warning.reason


def test_a_grand_total_above_the_projects_is_checked(workbook, tmp_path, demo_workspace):
    book = openpyxl.load_workbook(workbook)
    book["Y tế - Giáo dục"]["G10"] = 1700
    path = tmp_path / "wrong-total.xlsx"
    book.save(path)
    _, report = prepare(path, demo_workspace)
    assert [(p.sheet, p.row, p.reason) for p in report.problems if p.row == 10] == [
        ("Y tế - Giáo dục", 10, "the row 'Tổng cộng' says 1,700 triệu đồng but the 4 project(s) it covers "
                                "add up to 1,770.5 triệu đồng")]


def test_the_derived_id_ignores_case_diacritics_and_spacing():
    assert derived_project_id("GIZ", "Rừng ngập mặn ven biển") == derived_project_id(
        "giz ", "RUNG NGAP MAN  VEN BIEN")
    assert derived_project_id("GIZ", "Rừng ngập mặn") != derived_project_id("Oxfam", "Rừng ngập mặn")
    assert derived_project_id("GIZ", "Rừng").startswith("auto-")


def test_cli_imports_it_and_again_updates_rather_than_duplicates(workbook, writable_workspace, capsys):
    ws = writable_workspace
    before = len(ws.read(schema.PROJECTS))
    assert main(["import", "projects", str(workbook), "--workspace", str(ws.path)]) == 0
    out = capsys.readouterr().out
    assert "sheet Y tế - Giáo dục: 4" in out and "sheet Nông nghiệp: 2" in out and "999" in out
    assert len(ws.read(schema.PROJECTS)) == before + 6
    assert main(["import", "projects", str(workbook), "--workspace", str(ws.path)]) == 0
    table = ws.read(schema.PROJECTS)
    assert len(table) == before + 6 and table["project_id"].isin(EXPECTED).sum() == 6
    locations = ws.read(schema.PROJECT_LOCATIONS)
    assert sorted(locations.loc[locations["project_id"] == UNICEF, "unit_code"]) == ["32155", "32162", "32164"]


def test_a_stated_id_column_wins(tmp_path, demo_workspace):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Mã dự án", "Tên dự án", "Nhà tài trợ", "Lĩnh vực", "Kinh phí (tỷ đồng)", "Địa bàn"])
    sheet.append(["CM-07", "Trường học", "Quỹ A", "Giáo dục", "1,25", "Xã Khánh Lâm, Huyện U Minh"])
    path = tmp_path / "ids.xlsx"
    book.save(path)
    (found, locations), report = prepare(path, demo_workspace)
    assert report.ok, [str(p) for p in report.problems]
    assert (found["project_id"].item(), found["budget_vnd"].item()) == ("CM-07", 1_250_000_000)
    assert locations["unit_code"].tolist() == ["32056"]


def test_the_documented_examples_hold():
    import doctest

    from geoaid.imports import project_places, project_records
    from geoaid.imports.layout import periods, units

    for module in (periods, units, project_places, project_records):
        assert doctest.testmod(module).failed == 0, module.__name__


def bad_report(path):
    """A report with one good project and one of each mistake a provincial list makes."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Hà Giang"
    sheet["A1"], sheet["A2"] = "UBND TỈNH HÀ GIANG", "Đơn vị tính: triệu đồng"
    sheet.append(["STT", "Tên dự án", "Nhà tài trợ", "Xã", "Huyện", "Kinh phí", "Thời gian thực hiện"])
    rows = [
        ["I", "Y TẾ"],                                                                          # row 4
        [1, "Trạm y tế Sà Phìn", "Quỹ A", "Sà Phìn", "Đồng Văn", 300, "2024-2025"],              # 5: good
        [2, "Trạm y tế Lũng Cú", "Quỹ A", "Xã Không Tồn Tại", "Đồng Văn", 100, "2024"],          # 6
        [3, "Nhà văn hóa", "Quỹ B", None, None, 100, "2024"],                                   # 7
        [4, "Nước sạch", "Quỹ B", "Lũng Cú", "Đồng Văn", "500 USD", "2024"],                    # 8
        [5, "Đường liên xã", "Quỹ B", "Lũng Cú", "Đồng Văn", "chưa xác định", "2024"],          # 9
        [6, "Điện mặt trời", "Quỹ C", "Lũng Cú", "Đồng Văn", 50, "2026 - 2024"],                # 10
        [7, "Trường bán trú", "Quỹ C", "Tả Lủng", None, 80, "2025"],                            # 11
        ["II", "LĨNH VỰC HÀNG KHÔNG"],                                                          # 12
        [1, "Sân bay", "Quỹ D", "Sà Phìn", "Đồng Văn", 10, "2025"],                             # 13
    ]
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_bad_rows_are_named_and_nothing_is_written_unless_kept(tmp_path, writable_workspace, capsys):
    ws = writable_workspace
    path = bad_report(tmp_path / "ha-giang.xlsx")
    (found, _), report = prepare(path, ws)
    problems = {(p.sheet, p.row, p.column, p.reason.split(";")[0]) for p in report.errors}
    assert problems == {
        ("Hà Giang", 6, "Xã", "'Xã Không Tồn Tại': unknown commune"),
        ("Hà Giang", 7, "Xã", "no commune found: the row names no commune, district or province"),
        ("Hà Giang", 8, "Kinh phí", "cannot be read as an amount in the stated unit (triệu đồng)"),
        ("Hà Giang", 9, "Kinh phí", "cannot be read as an amount in the stated unit (triệu đồng)"),
        ("Hà Giang", 10, "Thời gian thực hiện", "the period ends before it starts"),
        ("Hà Giang", 11, "Xã", "'Tả Lủng': ambiguous: 2 communes have this name (Xã Tả Lủng, Huyện Đồng Văn "
                               "(00742)"),
        ("Hà Giang", 12, None, "section heading names no known sector"),
        ("Hà Giang", 13, None, "under the section on row 12, whose sector is unknown"),
    }
    heading = next(p for p in report.errors if p.row == 12)
    assert heading.value == "LĨNH VỰC HÀNG KHÔNG" and "Y tế (Health)" in heading.reason
    assert found["title"].tolist() == ["Trạm y tế Sà Phìn"]
    before = hashlib.sha256(ws.path.read_bytes()).hexdigest()
    assert main(["import", "projects", str(path), "--workspace", str(ws.path)]) == 2
    assert "sheet 'Hà Giang', row 8, column 'Kinh phí' (value '500 USD')" in capsys.readouterr().out
    assert hashlib.sha256(ws.path.read_bytes()).hexdigest() == before
    assert main(["import", "projects", str(path), "--keep-valid", "--workspace", str(ws.path)]) == 0
    table = ws.read(schema.PROJECTS)
    kept = table[table["donor"].isin(["Quỹ A", "Quỹ B", "Quỹ C", "Quỹ D"])]
    assert kept[["title", "budget_vnd", "start_date", "end_date"]].values.tolist() == [
        ["Trạm y tế Sà Phìn", 300_000_000, "2024-01-01", "2025-12-31"]]
    locations = ws.read(schema.PROJECT_LOCATIONS)
    assert locations.loc[locations["project_id"] == kept["project_id"].item(), "unit_code"].tolist() == ["00736"]


def test_an_exported_list_edited_in_excel_updates_exactly_those_projects(tmp_path, writable_workspace):
    ws = writable_workspace
    out = tmp_path / "du-an-ca-mau.xlsx"
    assert main(["export", "projects", "--province", "96", "--format", "xlsx", "--out", str(out),
                 "--workspace", str(ws.path)]) == 0
    before, places_before = ws.read(schema.PROJECTS), ws.read(schema.PROJECT_LOCATIONS)
    book = openpyxl.load_workbook(out)
    sheet = book["Projects"]
    header = [cell.value for cell in sheet[1]]
    column = {name: header.index(name) + 1 for name in header}
    exported = [sheet.cell(row, column["Project ID / Mã dự án"]).value for row in range(2, sheet.max_row + 1)]
    edited, moved = exported[0], exported[1]
    sheet.cell(2, column["Budget / Kinh phí"], 777_000_000)
    sheet.cell(2, column["Currency / Loại tiền"], "VND")
    sheet.cell(3, column["Locations / Địa bàn"], "32047 (60%); Xã Khánh Lâm, Huyện U Minh (40%)")
    book.save(out)
    assert main(["import", "projects", str(out), "--workspace", str(ws.path)]) == 0
    after, places_after = ws.read(schema.PROJECTS), ws.read(schema.PROJECT_LOCATIONS)
    assert len(after) == len(before) and set(after["project_id"]) == set(before["project_id"])
    fields = [c for c in schema.PROJECT_COLUMNS if c not in ("project_id", "source_file")]
    old, new = before.set_index("project_id")[fields], after.set_index("project_id")[fields]
    changed = {pid for pid in old.index if not old.loc[pid].equals(new.loc[pid])}
    assert changed == {edited}, changed
    assert new.loc[edited, "budget_vnd"] == 777_000_000
    untouched = after["project_id"].isin(set(before["project_id"]) - set(exported))
    assert (after.loc[untouched, "source_file"].tolist()
            == before.set_index("project_id").loc[after.loc[untouched, "project_id"], "source_file"].tolist())

    def places(frame, pid):
        rows = frame[frame["project_id"] == pid]
        return sorted(zip(rows["level"], rows["unit_code"], rows["share_pct"].fillna(-1)))

    assert places(places_after, moved) == [("commune", "32047", 60.0), ("commune", "32056", 40.0)]
    for pid in set(before["project_id"]) - {moved}:
        assert places(places_after, pid) == places(places_before, pid), pid


def test_the_web_upload_reads_the_same_report(workbook, planner, writable_workspace):
    from tests.web_uploads import confirm, upload

    before = hashlib.sha256(writable_workspace.path.read_bytes()).hexdigest()
    preview = upload(planner, "projects", "danh mục dự án.xlsx", workbook.read_bytes())
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "danh mục dự án.xlsx / Nông nghiệp" in page and "says 999 USD" in page   # the sheet is named
    assert hashlib.sha256(writable_workspace.path.read_bytes()).hexdigest() == before
    assert confirm(planner, preview).status_code == 200
    rows = writable_workspace.read(schema.PROJECTS).set_index("project_id")
    assert rows.loc[UNICEF, "budget_vnd"] == 1_200_000_000
    assert rows.loc[SHRIMP, "source_file"] == "danh mục dự án.xlsx [Nông nghiệp]"
