"""The mapping step on the command line: columns geoaid cannot recognise, mapped, saved and reused."""

import json
import re
import unicodedata

import openpyxl

from geoaid.cli import main
from geoaid.imports.projects import derived_project_id
from geoaid.store import schema

HEADER = ["STT", "Tên dự án", "Nhà tài trợ", "Kinh phí NGO", "Địa phương", "Thời gian thực hiện", "Ghi chú"]
LIST_2024 = [[1, "Nước sạch cho trạm y tế", "Quỹ Nhi đồng LHQ (UNICEF)", "850.000.000",
              "Xã Viên An, Huyện Ngọc Hiển", "2024-2025", "Lĩnh vực y tế"],
             [2, "Bếp ăn bán trú", "Tổ chức Tầm nhìn Thế giới", "420.500.000", "Xã Hàm Rồng; Xã Hiệp Tùng, Năm Căn",
              "Năm 2024", ""]]
LIST_2025 = [[1, "Học bổng cho học sinh nghèo", "Hội Hữu nghị Việt - Đức", "120.000.000", "Toàn huyện Năm Căn",
              "Quý I/2025", ""]]


def ngo_list(path, rows, sector_column=True):
    """A list as an NGO liaison office writes it: its own words for the budget and the place."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    sheet.append(["SỞ NGOẠI VỤ TỈNH CÀ MAU"])
    sheet.append(["DANH SÁCH DỰ ÁN CÁC TỔ CHỨC PHI CHÍNH PHỦ NƯỚC NGOÀI"])
    sheet.append(HEADER + ["Lĩnh vực"])
    for row in rows:
        sheet.append(row + ["Y tế" if "y tế" in row[6] or "trạm" in row[1] else "Giáo dục"])
    book.save(path)


def run(path, ws, *flags):
    return main(["import", "projects", str(path), "--workspace", str(ws.path), *flags])


def test_unrecognised_columns_are_listed_with_how_to_map_them(tmp_path, writable_workspace, capsys):
    ws = writable_workspace
    path = tmp_path / "ngo-2024.xlsx"
    ngo_list(path, LIST_2024)
    before = ws.path.read_bytes()
    assert run(path, ws) == 2
    out = capsys.readouterr().out
    assert "missing required column(s): budget, locations" in out
    assert ("columns found on sheet 'Danh sách': A 'STT' → row_number; B 'Tên dự án' → title; C 'Nhà tài trợ' "
            "→ donor; D 'Kinh phí NGO' → not recognised; E 'Địa phương' → not recognised; F 'Thời gian thực "
            "hiện' → period; G 'Ghi chú' → not recognised; H 'Lĩnh vực' → sector. Missing: budget, locations. "
            "Map a column with --map \"Kinh phí NGO=budget\"") in out
    assert ws.path.read_bytes() == before


def test_map_save_and_reuse_a_mapping(tmp_path, writable_workspace, capsys):
    ws = writable_workspace
    first, second = tmp_path / "ngo-2024.xlsx", tmp_path / "ngo-2025.xlsx"
    ngo_list(first, LIST_2024)
    ngo_list(second, LIST_2025)
    nfd = unicodedata.normalize("NFD", "KINH PHÍ NGO")          # case and NFD do not matter
    assert run(first, ws, "--map", f"{nfd}=budget", "--map", "Dia phuong = locations", "--map", "Ghi chú=ignore",
               "--save-mapping", "ngo-list") == 0
    projects, places = ws.read(schema.PROJECTS).set_index("project_id"), ws.read(schema.PROJECT_LOCATIONS)
    water = derived_project_id("Quỹ Nhi đồng LHQ (UNICEF)", "Nước sạch cho trạm y tế")
    kitchen = derived_project_id("Tổ chức Tầm nhìn Thế giới", "Bếp ăn bán trú")
    assert projects.loc[water, ["sector", "budget_vnd", "start_date", "end_date"]].tolist() == [
        "health", 850_000_000, "2024-01-01", "2025-12-31"]
    assert projects.loc[kitchen, ["sector", "budget_vnd", "start_date", "end_date"]].tolist() == [
        "education", 420_500_000, "2024-01-01", "2024-12-31"]
    assert sorted(places.loc[places["project_id"] == water, "unit_code"]) == ["32242"]
    assert sorted(places.loc[places["project_id"] == kitchen, "unit_code"]) == ["32194", "32197"]
    assert ws.settings()["column_mapping.ngo-list"] == {nfd: "budget", "Dia phuong": "locations",
                                                         "Ghi chú": "ignore"}
    audit = ws.read(schema.AUDIT_LOG)
    saved = audit[audit["action"] == "save column mapping"]
    assert json.loads(saved["details"].item())["name"] == "ngo-list"

    capsys.readouterr()
    assert run(second, ws, "--mapping", "ngo-list") == 0
    scholarships = derived_project_id("Hội Hữu nghị Việt - Đức", "Học bổng cho học sinh nghèo")
    projects, places = ws.read(schema.PROJECTS).set_index("project_id"), ws.read(schema.PROJECT_LOCATIONS)
    assert projects.loc[scholarships, ["sector", "budget_vnd", "start_date", "end_date"]].tolist() == [
        "education", 120_000_000, "2025-01-01", "2025-03-31"]
    assert places.loc[places["project_id"] == scholarships, ["level", "unit_code"]].values.tolist() == [
        ["district", "971"]]


def test_unknown_mapping_or_field_is_refused_and_writes_nothing(tmp_path, writable_workspace, capsys):
    ws = writable_workspace
    path = tmp_path / "ngo.xlsx"
    ngo_list(path, LIST_2024)
    before = ws.path.read_bytes()
    assert run(path, ws, "--mapping", "nope") == 2
    assert "no saved column mapping 'nope'; saved: none" in capsys.readouterr().out
    assert run(path, ws, "--map", "Kinh phí NGO=money") == 2
    assert "'Kinh phí NGO'='money': unknown field; use one of project_id, title" in capsys.readouterr().out
    assert run(path, ws, "--map", "Kinh phí NGO=budget", "--save-mapping", "half") == 2   # no place column
    assert "Missing: locations" in capsys.readouterr().out
    assert ws.path.read_bytes() == before and "column_mapping.half" not in ws.settings()


def counterpart_list(path):
    """A list stating the total with the province's counterpart funds and, apart, the NGO's part."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    sheet.append(["DANH SÁCH DỰ ÁN NĂM 2024 <script>alert(1)</script>"])
    sheet.append(["STT", "Tên dự án", "Nhà tài trợ", "Lĩnh vực", "Kinh phí", "Kinh phí NGO", "Địa bàn",
                  "Thời gian thực hiện"])
    sheet.append([1, "Nước sạch cho trạm y tế <b>mới</b>", "UNICEF", "Y tế", "1.000.000.000", "850.000.000",
                  "Xã Viên An, Huyện Ngọc Hiển", "2024-2025"])
    sheet.append([2, "Bếp ăn bán trú", "World Vision", "Giáo dục", "500.000.000", "420.500.000",
                  "Xã Hàm Rồng, Năm Căn", "Năm 2024"])
    book.save(path)


def test_the_web_preview_maps_a_column_and_confirms_with_it(tmp_path, planner, writable_workspace):
    from tests.accounts import TOKEN
    from tests.web_uploads import confirm, upload

    path = tmp_path / "ds.xlsx"
    counterpart_list(path)
    before = writable_workspace.path.read_bytes()
    preview = upload(planner, "projects", "ds.xlsx", path.read_bytes(), save_mapping="counterpart")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "<b>mới</b>" not in page and "&lt;b&gt;mới&lt;/b&gt;" in page
    assert '<option value="budget" selected>' in page.split("Kinh phí NGO")[0].rsplit("Kinh phí", 1)[1]
    assert "32242 Xã Viên An (Huyện Ngọc Hiển)" in page and "1,000,000,000" in page
    assert "2024-01-01 – 2025-12-31" in page
    upload_token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    names = ["STT", "Tên dự án", "Nhà tài trợ", "Lĩnh vực", "Kinh phí", "Kinh phí NGO", "Địa bàn",
             "Thời gian thực hiện"]
    fields = ["row_number", "title", "donor", "sector", "ignore", "budget", "locations", "period"]
    remapped = planner.post("/manage/import/columns", data={
        "csrf_token": TOKEN.search(page).group(1), "token": upload_token,
        "column_name": names, "column_field": ["" if f == "row_number" else f for f in fields]})
    page = remapped.get_data(as_text=True)
    assert remapped.status_code == 200, page
    assert "850,000,000" in page and "1,000,000,000" not in page and "420,500,000" in page
    assert writable_workspace.path.read_bytes() == before            # a preview writes nothing
    assert confirm(planner, remapped).status_code == 200
    projects = writable_workspace.read(schema.PROJECTS).set_index("project_id")
    water = derived_project_id("UNICEF", "Nước sạch cho trạm y tế <b>mới</b>")
    assert projects.loc[water, ["sector", "budget_vnd", "start_date", "end_date"]].tolist() == [
        "health", 850_000_000, "2024-01-01", "2025-12-31"]
    assert projects.loc[derived_project_id("World Vision", "Bếp ăn bán trú"), "budget_vnd"] == 420_500_000
    saved = writable_workspace.settings()["column_mapping.counterpart"]
    assert (saved["Kinh phí"], saved["Kinh phí NGO"], saved["Địa bàn"]) == ("ignore", "budget", "locations")


def test_the_web_preview_of_unrecognised_columns_offers_the_mapping(tmp_path, planner):
    from tests.accounts import TOKEN
    from tests.web_uploads import upload

    path = tmp_path / "ngo.xlsx"
    ngo_list(path, LIST_2024)
    preview = upload(planner, "projects", "ngo.xlsx", path.read_bytes())
    page = preview.get_data(as_text=True)
    assert preview.status_code == 422 and 'id="mapping-form"' in page and 'id="confirm-import"' not in page
    upload_token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    names = re.findall(r'name="column_name" value="([^"]+)"', page)
    assert names == ["STT", "Tên dự án", "Nhà tài trợ", "Kinh phí NGO", "Địa phương", "Thời gian thực hiện",
                     "Ghi chú", "Lĩnh vực"]
    chosen = {"Kinh phí NGO": "budget", "Địa phương": "locations", "Tên dự án": "title", "Nhà tài trợ": "donor",
              "Thời gian thực hiện": "period", "Lĩnh vực": "sector"}
    remapped = planner.post("/manage/import/columns", data={
        "csrf_token": TOKEN.search(page).group(1), "token": upload_token,
        "column_name": names, "column_field": [chosen.get(n, "") for n in names]})
    page = remapped.get_data(as_text=True)
    assert remapped.status_code == 200 and "850,000,000" in page and "32194 Xã Hàm Rồng (Huyện Năm Căn)" in page
    refused = planner.post("/manage/import/columns", data={
        "csrf_token": TOKEN.search(page).group(1), "token": upload_token,
        "column_name": ["Kinh phí NGO"], "column_field": ["<script>"]})
    assert refused.status_code == 400 and "<script>" not in refused.get_data(as_text=True)
