"""Project lists with commitments and disbursements by year ("Vốn cam kết", "Giải ngân năm 2024")."""

from __future__ import annotations

import json
from unicodedata import normalize

import openpyxl

from geoaid.cli import main
from geoaid.imports import projects
from geoaid.imports.project_money import money_field
from geoaid.imports.projects import derived_project_id
from geoaid.store import schema
from tests.provincial_workbooks import letterhead, two_row_header

WORLD_VISION = "Tổ chức Tầm nhìn Thế giới (World Vision)"
HEALTH = derived_project_id(WORLD_VISION, "Nâng cấp trạm y tế xã")
SCHOOL = derived_project_id("Plan International", "Trường mầm non Khánh Lâm")


def disbursement_report(path, cumulative_2=250, year_cell=450.5) -> None:
    """A Sở KH&ĐT disbursement report: triệu đồng, "Giải ngân" merged over "Năm 2023" | "Năm 2024"."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Giải ngân"
    letterhead(sheet, "TÌNH HÌNH GIẢI NGÂN CÁC DỰ ÁN VIỆN TRỢ PCPNN ĐẾN 31/12/2024", "Đơn vị tính: triệu đồng")
    two_row_header(sheet, 7, ["STT", "Tên dự án", "Nhà tài trợ", "Lĩnh vực", "Địa bàn thực hiện", "Tổng kinh phí",
                              "Vốn cam kết", "Giải ngân", "Lũy kế giải ngân", "Thời gian thực hiện"],
                   {"Địa bàn thực hiện": ["Xã", "Huyện"], "Giải ngân": ["Năm 2023", "Năm 2024"]})
    rows = {
        9: [1, "Nâng cấp trạm y tế xã", WORLD_VISION, "Y tế", "Khánh Hòa", "U Minh", 1500, 1200, 300, year_cell,
            900, "2023-2025"],
        10: [2, "Trường mầm non Khánh Lâm", "Plan International", "Giáo dục", "Khánh Lâm", "U Minh", 800, 800, None,
             200, cumulative_2, "2024-2025"],
    }
    for row, values in rows.items():
        for col, value in enumerate(values, start=1):
            sheet.cell(row, col, value)
    book.save(path)


def prepare(path, workspace):
    return projects.prepare_with_flows(path, workspace.read(schema.COMMUNES),
                                       workspace.settings()["exchange_rates_vnd"])


def flows_of(flows, pid):
    rows = flows[flows["project_id"] == pid]
    return sorted(zip(rows["kind"], rows["period_start"].fillna("-"), rows["amount_vnd"]))


def test_yearly_and_cumulative_disbursements_and_commitments_become_flows(tmp_path, demo_workspace):
    path = tmp_path / "giai-ngan-2024.xlsx"
    disbursement_report(path)
    (found, _locations, flows), report = prepare(path, demo_workspace)
    assert report.ok, [str(p) for p in report.problems]
    budgets = found.set_index("project_id")["budget_vnd"].to_dict()
    assert budgets == {HEALTH: 1_500_000_000, SCHOOL: 800_000_000}      # the budget stays the planned amount
    assert flows_of(flows, HEALTH) == [
        ("committed", "-", 1_200_000_000),
        ("disbursed", "-", 149_500_000),              # the cumulative 900 less the yearly 300 + 450.5
        ("disbursed", "2023-01-01", 300_000_000), ("disbursed", "2024-01-01", 450_500_000)]
    assert flows_of(flows, SCHOOL) == [
        ("committed", "-", 800_000_000), ("disbursed", "-", 50_000_000), ("disbursed", "2024-01-01", 200_000_000)]
    assert set(flows["currency"]) == {"VND"} and set(flows["source_file"]) == {"giai-ngan-2024.xlsx"}
    assert set(flows.loc[flows["period_start"] == "2024-01-01", "period_end"]) == {"2024-12-31"}


def test_a_cumulative_smaller_than_its_years_and_a_bad_amount_are_reported(tmp_path, demo_workspace):
    path = tmp_path / "sai.xlsx"
    disbursement_report(path, cumulative_2=150, year_cell="bốn trăm")
    (found, _locations, flows), report = prepare(path, demo_workspace)
    assert sorted((p.row, p.column, str(p.value)) for p in report.errors) == [
        (9, "Giải ngân / Năm 2024", "bốn trăm"), (10, "Lũy kế giải ngân", "150000000.0")]
    assert "smaller than the yearly ones" in [p for p in report.errors if p.row == 10][0].reason
    assert found.empty and flows.empty


def test_imported_flows_count_in_gaps_donors_and_series(tmp_path, writable_workspace, capsys):
    path = tmp_path / "giai-ngan-2024.xlsx"
    disbursement_report(path)
    where = ["--workspace", str(writable_workspace.path)]
    assert main(["import", "projects", str(path), *where]) == 0
    stored = writable_workspace.read(schema.PROJECT_FLOWS)
    assert str(stored["amount_vnd"].dtype) == "int64" and len(stored) == 7
    capsys.readouterr()

    def cli(*argv):
        assert main([*argv, *where, "--format", "json"]) == 0
        return json.loads(capsys.readouterr().out)
    assert cli("donor", WORLD_VISION, "--money", "disbursed", "--year", "2024")["totals"]["funding_vnd"] == 450_500_000
    assert cli("donor", WORLD_VISION, "--money", "disbursed")["totals"]["funding_vnd"] == 900_000_000
    gaps = {row["commune_code"]: row["funding_vnd"]
            for row in cli("gaps", "--province", "96", "--money", "committed", "--limit", "0")["communes"]}
    assert (gaps["32047"], gaps["32056"]) == (1_200_000_000, 800_000_000)    # Khánh Hòa, Khánh Lâm
    assert sum(gaps.values()) == 2_000_000_000                               # the demo lists give no flows
    series = cli("flows", "--by", "commune", "--province", "96", "--donor", WORLD_VISION)["series"]
    assert [(r["commune_code"], r["year"], r["planned_vnd"], r["disbursed_vnd"]) for r in series] == [
        ("32047", 2023, 1_500_000_000, 300_000_000), ("32047", 2024, 0, 450_500_000)]
    # Re-importing the list with a corrected figure replaces the project's flows.
    disbursement_report(path, year_cell=500)
    assert main(["import", "projects", str(path), *where]) == 0
    capsys.readouterr()
    assert cli("donor", WORLD_VISION, "--money", "disbursed", "--year", "2024")["totals"]["funding_vnd"] == 500_000_000
    assert len(writable_workspace.read(schema.PROJECT_FLOWS)) == 7


def test_money_headers_as_reports_write_them():
    assert money_field("Giải ngân năm 2024 (triệu đồng)") == "disbursed_2024"
    assert money_field(normalize("NFD", "Giải ngân năm 2024")) == "disbursed_2024"
    assert money_field("GIAI NGAN NAM 2024") == "disbursed_2024"
    assert money_field("Đã giải ngân 2023") == "disbursed_2023"
    assert money_field("Lũy kế giải ngân đến 31/12/2024") == "disbursed"
    assert money_field("Lũy kế giải ngân đến nay") == "disbursed"
    assert money_field("Vốn cam kết (USD)") == "committed"
    assert money_field("Kế hoạch vốn năm 2025") == "planned_2025"
    assert money_field("Disbursed") == "disbursed"
    assert money_field("Kinh phí") is None and money_field("Giải ngân năm 20244") is None
