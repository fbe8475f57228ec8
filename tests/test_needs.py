"""Local needs lists: import as planning offices write them, met/partly met/open, donors that fit."""

from __future__ import annotations

import doctest
import hashlib
import json
import unicodedata
from datetime import date

import openpyxl
import pandas as pd
import pytest

from geoaid.analysis import donor_fit
from geoaid.analysis.donor_fit import donor_fits, reason_words
from geoaid.analysis.frames import load_frames
from geoaid.analysis.needs import Needs, load_needs, need_status, open_needs
from geoaid.cli import main
from geoaid.imports import need_records, needs
from geoaid.imports.need_records import derived_need_id
from geoaid.store import schema
from tests.needs_workbooks import hand_built_frames, needs_workbook
from tests.provincial_workbooks import provincial_workbook

CLINIC = derived_need_id([("commune", "32047")], "health", "Xây mới trạm y tế xã")
EQUIPMENT = derived_need_id([("commune", "32056"), ("commune", "32059")], "health",
                            "Trang thiết bị cho trạm y tế <b>xã</b>")
KINDERGARTENS = derived_need_id([("district", "968")], "education", "Sửa chữa trường mầm non")
TOILETS = derived_need_id([("commune", "32098")], "education", "Nhà vệ sinh trường học")
CANALS = derived_need_id([("commune", "00715")], "agriculture", "Kênh mương nội đồng")
PLAN = "Kế hoạch 37/KH-UBND"
EXPECTED = {  # id: (sector, cost_vnd, priority, priority as written, start, end, source, sheet, row)
    CLINIC: ("health", 1_500_000_000, 1, "Cao", "2025-01-01", "2025-12-31", PLAN, "Cà Mau", 11),
    EQUIPMENT: ("health", 800_000_000, 2, "Ưu tiên 2", "2025-01-01", "2026-12-31", PLAN, "Cà Mau", 12),
    KINDERGARTENS: ("education", 1_200_000_000, 1, "1", "2026-01-01", "2026-12-31", PLAN, "Cà Mau", 14),
    TOILETS: ("education", 350_000_000, 3, "Thấp", "2025-01-01", "2025-12-31", PLAN, "Cà Mau", 15),
    CANALS: ("agriculture", 600_000_000, 2, "Trung bình", None, None, None, "Hà Giang", 5),
}
PLACES = {CLINIC: [("commune", "32047")], EQUIPMENT: [("commune", "32056"), ("commune", "32059")],
          KINDERGARTENS: [("district", "968")], TOILETS: [("commune", "32098")], CANALS: [("commune", "00715")]}


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    path = tmp_path_factory.mktemp("needs") / "nhu-cau-2025-2026.xlsx"
    needs_workbook(path)
    return path


def test_a_plan_annex_reads_as_its_needs_places_and_vnd_costs(workbook, demo_workspace):
    (found, places), report = needs.prepare(workbook, demo_workspace.read(schema.COMMUNES),
                                            demo_workspace.settings()["exchange_rates_vnd"])
    assert report.ok, [str(p) for p in report.problems]
    rows = found.set_index("need_id")
    assert sorted(rows.index) == sorted(EXPECTED)
    for need_id, expected in EXPECTED.items():
        row = rows.loc[need_id]
        got = tuple(None if pd.isna(row[c]) else row[c] for c in
                    ("sector", "cost_vnd", "priority", "priority_text", "start_date", "end_date", "source",
                     "source_sheet", "source_row"))
        assert got == expected, need_id
    assert rows.loc[EQUIPMENT, "description"] == "Trang thiết bị cho trạm y tế <b>xã</b>"
    assert rows.loc[KINDERGARTENS, "place_text"] == "Toàn huyện; Trần Văn Thời"
    got_places = {nid: sorted(zip(group["level"], group["unit_code"])) for nid, group in places.groupby("need_id")}
    assert got_places == PLACES


def test_the_source_option_fills_needs_the_list_names_no_plan_for(workbook, demo_workspace):
    (found, _), _report = needs.prepare(workbook, demo_workspace.read(schema.COMMUNES),
                                        demo_workspace.settings()["exchange_rates_vnd"], source="Quyết định 12/QĐ-UBND")
    sources = found.set_index("need_id")["source"]
    assert sources[CLINIC] == PLAN                       # its own Nguồn cell
    assert sources[EQUIPMENT] == sources[CANALS] == "Quyết định 12/QĐ-UBND"


def test_import_writes_once_with_an_audit_row_and_reimport_updates(workbook, writable_workspace):
    ws = writable_workspace
    assert main(["import", "needs", str(workbook), "--source", PLAN, "--workspace", str(ws.path)]) == 0
    assert main(["import", "needs", str(workbook), "--workspace", str(ws.path)]) == 0
    stored = ws.read(schema.NEEDS)
    assert sorted(stored["need_id"]) == sorted(EXPECTED)
    assert pd.isna(stored.set_index("need_id").loc[CANALS, "source"])      # the second import has no --source
    assert len(ws.read(schema.NEED_LOCATIONS)) == 6
    audit = ws.read(schema.AUDIT_LOG)
    last = audit[audit["action"] == "import needs"].iloc[-1]
    assert json.loads(last["details"]) == {"needs": 5, "updated": 5, "skipped": 0}


def test_bad_rows_are_reported_by_sheet_row_column_and_nothing_is_written(tmp_path, writable_workspace, capsys):
    path = tmp_path / "nhu-cau-loi.xlsx"
    needs_workbook(path)
    book = openpyxl.load_workbook(path)
    sheet = book["Cà Mau"]
    sheet["F11"] = "Gấp"
    sheet["C15"] = "Xã Không Có"
    book.save(path)
    before = hashlib.sha256(writable_workspace.path.read_bytes()).hexdigest()
    assert main(["import", "needs", str(path), "--workspace", str(writable_workspace.path)]) == 2
    out = capsys.readouterr().out
    assert "sheet 'Cà Mau', row 11, column 'Mức độ ưu tiên' (value 'Gấp')" in out
    assert "sheet 'Cà Mau', row 15, column 'Địa bàn / Xã'" in out
    assert hashlib.sha256(writable_workspace.path.read_bytes()).hexdigest() == before


DONOR_PROJECTS = """Tên dự án,Nhà tài trợ,Lĩnh vực,Kinh phí,Đơn vị tiền,Địa bàn,Thời gian thực hiện
Xây trường mầm non Khánh Hải,Save the Children,Giáo dục,1.300.000.000,VND,"Xã Khánh Hải, Huyện Trần Văn Thời",2026
Kênh mương Lũng Cú,CARE,Nông nghiệp,700.000.000,VND,"Xã Lũng Cú, Huyện Đồng Văn, Tỉnh Hà Giang",2024
"""


def test_needs_are_met_partly_met_or_open_from_the_projects_imported(tmp_path, workbook, writable_workspace):
    ws = writable_workspace
    with ws.transaction() as tx:             # only the projects of this test: the demo's samples removed
        tx.write(schema.PROJECTS, tx.read(schema.PROJECTS).iloc[0:0])
        tx.write(schema.PROJECT_LOCATIONS, tx.read(schema.PROJECT_LOCATIONS).iloc[0:0])
    projects_file, donor_file = tmp_path / "du-an.xlsx", tmp_path / "du-an-ngo.csv"
    provincial_workbook(projects_file)
    donor_file.write_text(DONOR_PROJECTS, encoding="utf-8")
    for path, kind in ((projects_file, "projects"), (donor_file, "projects"), (workbook, "needs")):
        assert main(["import", kind, str(path), "--workspace", str(ws.path)]) == 0
    table = need_status(load_frames(ws), load_needs(ws)).set_index("need_id")
    got = {nid: (row["status"], row["funded_vnd"], row["covered_pct"], row["matched"])
           for nid, row in table.iterrows()}
    world_vision = "Nâng cấp trạm y tế xã (Tổ chức Tầm nhìn Thế giới (World Vision))"
    assert got == {
        # World Vision's 420,500,000 over Khánh Hòa and Khánh Lâm: half in each
        CLINIC: ("partly", 210_250_000, 14.0, [world_vision]),
        EQUIPMENT: ("partly", 210_250_000, 26.3, [world_vision]),
        # a district-wide need, met by a project in one of its communes (1.3 of 1.2 billion)
        KINDERGARTENS: ("met", 1_300_000_000, 108.3, ["Xây trường mầm non Khánh Hải (Save the Children)"]),
        # the district-wide scholarships (100,000,000 over 13 communes, Sông Đốc among the 9 lowest
        # codes that get the leftover VND); the 2024 teacher training does not overlap 2025
        TOILETS: ("partly", 7_692_308, 2.2, ["Học bổng cho học sinh nghèo (Hội Hữu nghị Việt - Đức)"]),
        # CARE's canal is in 2024: a need without a period overlaps it
        CANALS: ("met", 700_000_000, 116.7, ["Kênh mương Lũng Cú (CARE)"]),
    }
    assert table.loc[KINDERGARTENS, "place_name"] == "Huyện Trần Văn Thời (toàn huyện)"
    assert sorted(open_needs(table.reset_index())["need_id"]) == sorted([CLINIC, EQUIPMENT, TOILETS])

    csv_file, xlsx_file = tmp_path / "nhu-cau.csv", tmp_path / "nhu-cau.xlsx"
    assert main(["export", "needs", "--province", "96", "--out", str(csv_file), "--workspace", str(ws.path)]) == 0
    exported = pd.read_csv(csv_file, encoding="utf-8-sig", dtype=str).set_index("need_id")
    assert list(exported.index) == [KINDERGARTENS, CLINIC, EQUIPMENT, TOILETS]     # priority 1, 1, 2, 3
    assert exported.loc[CLINIC, ["status", "funded_vnd", "covered_pct", "matched_projects"]].tolist() == [
        "partly met / đáp ứng một phần", "210250000", "14.0", world_vision]
    assert exported.loc[EQUIPMENT, "description"] == "Trang thiết bị cho trạm y tế <b>xã</b>"
    assert main(["export", "needs", "--sector", "agriculture", "--out", str(xlsx_file),
                 "--workspace", str(ws.path)]) == 0
    sheet = openpyxl.load_workbook(xlsx_file)["Needs"]
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, [cell.value for cell in sheet[2]]))
    assert sheet.max_row == 2 and row["Status / Tình trạng"] == "met / đã đáp ứng"
    assert row["Projects that meet it / Dự án đáp ứng"] == "Kênh mương Lũng Cú (CARE)"
    assert row["Place / Địa bàn"] == "Xã Lũng Cú (Huyện Đồng Văn)" and row["Province / Tỉnh"] == "Tỉnh Hà Giang"


def test_donors_are_ranked_by_fit_with_their_reasons(frames):
    hand = hand_built_frames(frames)
    need = Needs(pd.DataFrame([{"need_id": "n1", "description": "Trạm y tế", "sector": "health", "cost": 1.2e9,
                                "currency": "VND", "cost_vnd": 1_200_000_000, "priority": 1,
                                "start_date": "2025-01-01", "end_date": "2025-12-31", "sample": 0}]),
                 pd.DataFrame([{"need_id": "n1", "level": "commune", "unit_code": "32047", "location_text": "x"}]))
    status = need_status(hand, need)
    assert status[["status", "funded_vnd"]].values.tolist() == [["met", 1_500_000_000]]
    fits = donor_fits(hand, status, today=date(2025, 3, 1))
    # Quỹ A: 35·0.75 + 25 (works in Khánh Hòa) + 20·(1 − log10(1.2)/log10(3)) + 10 (coastal) + 10 (A2 ends 2025)
    # Quỹ D: 35 + 20 (same district) + 20·(1 − log10(2/1.2)/log10(3)) + 10 (D1 ends 30/09/2025)
    # Quỹ B: 35 (health only; elsewhere; 10 billion is too big); Quỹ C: 12 (bordering) + 20 (size)
    assert fits[["donor", "score"]].values.tolist() == [["Quỹ A", 87.9], ["Quỹ D", 75.7], ["Quỹ B", 35.0],
                                                       ["Quỹ C", 32.0]]
    words = {row.donor: [reason_words(r, "vi") for r in row.reasons] for row in fits.itertuples()}
    assert words["Quỹ A"] == ["tài trợ lĩnh vực Y tế: 75% kinh phí của họ",
                              "đang hoạt động tại Xã Khánh Hòa (Huyện U Minh)",
                              "quy mô dự án thường gặp 1.000.000.000 đ phù hợp với kinh phí",
                              "đã tài trợ các xã ven biển (1 xã)",
                              "dự án “Project A2” của họ tại đây kết thúc ngày 31/12/2025"]
    assert [reason_words(r, "en") for r in fits.iloc[3]["reasons"]] == [
        "works in neighbouring communes: Xã Vân Khánh Tây", "typical project size 1,200,000,000 VND fits the cost"]
    assert fits.iloc[1]["reasons"][1] == ("fit.district", {"communes": 1})


def test_a_commune_csv_in_nfd_with_billions_gives_the_same_need_and_a_bad_total_is_a_warning(tmp_path, workbook,
                                                                                              demo_workspace):
    text = ("STT,Danh mục,Lĩnh vực,Xã,Huyện,Kinh phí dự kiến (tỷ đồng),Thứ tự ưu tiên,Giai đoạn\n"
            "1,Kênh mương nội đồng,Nông nghiệp,Lũng Cú,Đồng Văn,\"0,6\",Ưu tiên 1,2025-2026\n"
            "1,Tổng cộng,,,,\"0,7\",,\n")
    path = tmp_path / "lung-cu.csv"
    path.write_text(unicodedata.normalize("NFD", text), encoding="utf-8")     # decomposed, as some tools save
    (found, places), report = needs.prepare(path, demo_workspace.read(schema.COMMUNES),
                                            demo_workspace.settings()["exchange_rates_vnd"])
    assert found[["need_id", "cost_vnd", "priority", "start_date", "end_date"]].values.tolist() == [
        [CANALS, 600_000_000, 1, "2025-01-01", "2026-12-31"]]
    assert places["unit_code"].tolist() == ["00715"]
    assert [(p.row, p.column, p.severity, p.reason) for p in report.problems] == [
        (3, "Kinh phí dự kiến (tỷ đồng)", "warning",
         "the row 'Tổng cộng' says 0.7 tỷ đồng but the 1 need(s) it covers add up to 0.6 tỷ đồng")]


def test_the_documented_examples_hold():
    for module in (needs, need_records, donor_fit):
        assert doctest.testmod(module).failed == 0, module.__name__
