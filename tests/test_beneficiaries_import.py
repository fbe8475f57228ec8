"""People targeted and reached, read from provincial lists, the template and 3W files, and stored."""

import doctest
import hashlib
import unicodedata

from geoaid.cli import main
from geoaid.imports import beneficiaries, people_hashtags, projects
from geoaid.imports.beneficiaries import people_field, person_count
from geoaid.imports.projects import derived_project_id
from geoaid.store import schema
from tests.beneficiary_files import groups_report, provincial_report, template_csv, three_w_with_children

WORLD_VISION = derived_project_id("World Vision", "Nâng cấp trạm y tế xã")
UNICEF = derived_project_id("UNICEF", "Nước sạch trường học")
WFP = derived_project_id("WFP", "Mangrove livelihoods for shrimp farmers")


def prepare(path, workspace):
    return projects.prepare_all(path, workspace.read(schema.COMMUNES), workspace.settings()["exchange_rates_vnd"])


def stored(frame):
    return sorted((row.project_id, row.group, row.kind, int(row.count),
                   None if row.commune_code != row.commune_code else row.commune_code)
                  for row in frame.itertuples())


def said(report):
    return [(p.severity, p.row, p.column, p.value, p.reason) for p in report.problems]


def test_the_modules_examples_hold():
    for module in (beneficiaries, people_hashtags):
        assert doctest.testmod(module).failed == 0


def test_headers_as_provincial_offices_write_them():
    assert [people_field(h) for h in (
        "Số người hưởng lợi", "Số đối tượng hưởng lợi", "Số người được hưởng lợi (dự kiến)", "SO NGUOI HUONG LOI",
        "Số trẻ em", "Số phụ nữ", "Người dân tộc thiểu số", "Số người hưởng lợi Thực tế",
        "Lũy kế số người hưởng lợi", "Số người hưởng lợi đã đạt được", "Số người hưởng lợi kế hoạch",
        "Beneficiaries", "People reached", "Children reached", "Số hộ nghèo hưởng lợi",
        "Đối tượng hưởng lợi", "Nữ", "Tên dự án")] == [
        "people_total_targeted", "people_total_targeted", "people_total_targeted", "people_total_targeted",
        "people_children_targeted", "people_women_targeted", "people_ethnic_minority_targeted",
        "people_total_reached", "people_total_reached", "people_total_reached", "people_total_targeted",
        "people_total_targeted", "people_total_reached", "people_children_reached", "households_targeted",
        None, None, None]
    # NFD text (macOS) reads the same
    assert people_field(unicodedata.normalize("NFD", "Số trẻ em đã được hỗ trợ")) == "people_children_reached"
    assert [person_count(v) for v in ("1.250", "1,250", "1 250 người", 1250, 1250.0)] == [1250] * 5


def test_a_provincial_report_with_merged_people_headers_gives_exact_rows(tmp_path, demo_workspace):
    path = tmp_path / "danh-muc-2024.xlsx"
    provincial_report(path)
    data, report = prepare(path, demo_workspace)
    assert report.ok
    assert stored(data[3]) == sorted([
        (WORLD_VISION, "total", "targeted", 1250, None), (WORLD_VISION, "total", "reached", 1100, None),
        (WORLD_VISION, "children", "targeted", 300, None),
        (UNICEF, "total", "targeted", 2000, None), (UNICEF, "total", "reached", 2100, None),
        (UNICEF, "children", "targeted", 800, None)])
    assert said(report) == [
        ("warning", None, "Số hộ nghèo hưởng lợi", None, "counts households, not people: not read as "
         "beneficiaries (geoaid does not guess a household size)"),
        ("warning", 7, "Số người hưởng lợi / Thực tế", "2100", "more people reached (2,100) than targeted (2,000)")]


def test_a_template_csv_with_so_nguoi_huong_loi(tmp_path, demo_workspace):
    path = tmp_path / "projects.csv"
    template_csv(path)
    data, report = prepare(path, demo_workspace)
    assert report.ok and said(report) == []
    assert stored(data[3]) == [("CM-01", "total", "targeted", 1500, None), ("CM-01", "women", "targeted", 700, None)]


def test_a_3w_file_keeps_counts_per_commune(tmp_path, demo_workspace):
    path = tmp_path / "3w.xlsx"
    three_w_with_children(path)
    data, report = prepare(path, demo_workspace)
    assert report.ok
    rows = stored(data[3])
    # Tam Giang Tây 32233, Viên An 32242, Đất Mũi 32248: one row each, as the partner wrote them
    assert [r for r in rows if r[0] == "CM-WASH-01"] == [
        ("CM-WASH-01", "children", "reached", 50, "32242"), ("CM-WASH-01", "children", "reached", 100, "32248"),
        ("CM-WASH-01", "children", "reached", 200, "32233"), ("CM-WASH-01", "total", "targeted", 120, "32242"),
        ("CM-WASH-01", "total", "targeted", 300, "32248"), ("CM-WASH-01", "total", "targeted", 500, "32233")]
    assert [r for r in rows if r[0] == WFP] == [
        (WFP, "total", "reached", 150, "32209"), (WFP, "total", "reached", 180, "32197"),
        (WFP, "total", "targeted", 150, "32209"), (WFP, "total", "targeted", 200, "32197")]
    assert [r for r in rows if r[0] == "CM-SHL-07"] == [("CM-SHL-07", "total", "targeted", 40, None)]


def test_bad_counts_are_row_errors_and_leave_the_workspace_as_it_was(tmp_path, writable_workspace):
    path = tmp_path / "danh-muc-2024.xlsx"
    provincial_report(path, children_cell="12,5", reached_cell="nhiều người")
    before = hashlib.sha256(writable_workspace.path.read_bytes()).hexdigest()
    assert main(["import", "projects", str(path), "--workspace", str(writable_workspace.path)]) == 2
    assert hashlib.sha256(writable_workspace.path.read_bytes()).hexdigest() == before
    data, report = prepare(path, writable_workspace)
    assert [(p.file, p.sheet, p.row, p.column, p.value, p.reason) for p in report.errors] == [
        ("danh-muc-2024.xlsx", "DM 2024", 6, "Số người hưởng lợi / Thực tế", "nhiều người",
         "not a count of people (write a whole number, e.g. 1.250)"),
        ("danh-muc-2024.xlsx", "DM 2024", 6, "Số trẻ em", "12,5", "a fraction of a person: counts are whole persons")]
    path = tmp_path / "projects.csv"
    template_csv(path, people="-40")
    assert [(p.row, p.column, p.value, p.reason) for p in prepare(path, writable_workspace)[1].errors] == [
        (2, "Số người hưởng lợi", "-40", "negative count of people")]


def test_stored_with_the_import_and_replaced_on_re_import(tmp_path, writable_workspace):
    where = ["--workspace", str(writable_workspace.path)]
    assert writable_workspace.read(schema.PROJECT_BENEFICIARIES).empty     # an older workspace: empty
    path = tmp_path / "danh-muc-2024.xlsx"
    provincial_report(path)
    assert main(["import", "projects", str(path), *where]) == 0
    table = writable_workspace.read(schema.PROJECT_BENEFICIARIES)
    assert str(table["count"].dtype) == "int64" and len(table) == 6
    provincial_report(path, children_cell=350)
    assert main(["import", "projects", str(path), *where]) == 0
    table = writable_workspace.read(schema.PROJECT_BENEFICIARIES)
    assert (WORLD_VISION, "children", "targeted", 350, None) in stored(table) and len(table) == 6


def test_a_column_geoaid_does_not_recognise_can_be_mapped_to_people(tmp_path, writable_workspace):
    path = tmp_path / "ds-ngo.csv"
    path.write_text("Mã dự án,Tên dự án,Nhà tài trợ,Lĩnh vực,Kinh phí,Địa bàn,NHL đạt\n"
                    "CM-09,Hỗ trợ trạm y tế,Oxfam,Y tế,100.000.000,Huyện U Minh,1.234\n", encoding="utf-8")
    assert main(["import", "projects", str(path), "--workspace", str(writable_workspace.path),
                 "--map", "NHL đạt=people_total_reached"]) == 0
    assert stored(writable_workspace.read(schema.PROJECT_BENEFICIARIES)) == [("CM-09", "total", "reached", 1234, None)]


def test_groups_under_one_merged_header_and_counts_written_per_commune(tmp_path, demo_workspace):
    path = tmp_path / "nguoi-huong-loi.xlsx"
    groups_report(path)
    data, report = prepare(path, demo_workspace)
    assert report.ok
    ta_an_khuong, tan_trung, tan_duc = "32155", "32162", "32164"      # found by name in Huyện Đầm Dơi
    assert sorted(data[1]["unit_code"]) == [ta_an_khuong, tan_trung, tan_duc]
    assert stored(data[3]) == sorted([
        (UNICEF, "total", "targeted", 1000, ta_an_khuong), (UNICEF, "total", "targeted", 800, tan_trung),
        (UNICEF, "total", "targeted", 1200, tan_duc),
        (UNICEF, "children", "targeted", 400, ta_an_khuong), (UNICEF, "children", "targeted", 300, tan_trung),
        (UNICEF, "children", "targeted", 1300, tan_duc),
        (UNICEF, "women", "targeted", 520, ta_an_khuong), (UNICEF, "women", "targeted", 410, tan_trung),
        (UNICEF, "women", "targeted", 600, tan_duc),
        (UNICEF, "ethnic_minority", "targeted", 30, None)])        # stated on one row: the whole project
    # 400 + 300 + 1,300 = 2,000 children of 3,000 people: no warning; the women's 1,530 neither
    assert said(report) == []
