"""The donor brief: the open needs that fit one donor, as a one-page PDF and an XLSX, vi and en."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import openpyxl
import pandas as pd
import pytest
from pypdf import PdfReader

from geoaid.analysis.needs import Needs, need_status
from geoaid.cli import main
from geoaid.output.brief import brief_pdf, brief_xlsx, donor_brief
from tests.needs_workbooks import hand_built_frames, needs_workbook

TODAY = date(2025, 3, 1)


@pytest.fixture(scope="module")
def case(frames):
    """Two needs in Xã Khánh Hòa: health (met by Quỹ A's 1.5 billion) and education in 2026 (open)."""
    hand = hand_built_frames(frames)
    needs = Needs(pd.DataFrame([
        {"need_id": "n1", "description": "Trạm y tế", "sector": "health", "cost": 1.2e9, "currency": "VND",
         "cost_vnd": 1_200_000_000, "priority": 1, "start_date": "2025-01-01", "end_date": "2025-12-31",
         "source": "Kế hoạch 37/KH-UBND", "sample": 0},
        {"need_id": "n2", "description": "Sửa chữa trường <Tiểu học> Khánh Hòa", "sector": "education",
         "cost": 2e9, "currency": "VND", "cost_vnd": 2_000_000_000, "priority": 1, "start_date": "2026-01-01",
         "end_date": "2026-12-31", "source": "Kế hoạch 37/KH-UBND", "sample": 0}]),
        pd.DataFrame([{"need_id": n, "level": "commune", "unit_code": "32047", "location_text": "Khánh Hòa"}
                      for n in ("n1", "n2")]))
    return hand, need_status(hand, needs)


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)       # A4
    return " ".join(reader.pages[0].extract_text().split())


def test_the_brief_lists_the_open_needs_that_fit_with_scores_and_reasons(case):
    frames, status = case
    assert status.set_index("need_id")["status"].to_dict() == {"n1": "met", "n2": "open"}
    brief = donor_brief(frames, status, "quy a", "vi", today=TODAY)      # any case, no diacritics
    assert brief.donor == "Quỹ A" and not brief.sample
    # 35·0.25 + 25 (works in Khánh Hòa) + 20·(1 − log10(2)/log10(3)) + 10 (coastal) + 10 (A2 ends 31/12/2025)
    assert brief.rows[["place", "sector", "need", "cost", "priority", "score"]].values.tolist() == [
        ["Xã Khánh Hòa (Huyện U Minh)", "Giáo dục và đào tạo", "Sửa chữa trường <Tiểu học> Khánh Hòa",
         "2.000.000.000 đ", "1", "61.1"]]
    assert brief.rows.loc[0, "reasons"] == (
        "tài trợ lĩnh vực Giáo dục và đào tạo: 25% kinh phí của họ; đang hoạt động tại Xã Khánh Hòa (Huyện U Minh); "
        "quy mô dự án thường gặp 1.000.000.000 đ phù hợp với kinh phí; đã tài trợ các xã ven biển (1 xã); "
        "dự án “Project A2” của họ tại đây kết thúc ngày 31/12/2025")


def test_the_pdf_is_one_a4_page_with_diacritics_the_table_sources_and_date(case):
    frames, status = case
    words = _pdf_text(brief_pdf(donor_brief(frames, status, "Quỹ A", "vi", today=TODAY)))
    for expected in ("Nhu cầu của địa phương phù hợp với Quỹ A", "Địa bàn Lĩnh vực Nội dung nhu cầu",
                     "Sửa chữa trường <Tiểu học> Khánh Hòa", "2.000.000.000 đ", "61.1",
                     "Nhu cầu: Kế hoạch 37/KH-UBND", "Lập ngày 01/03/2025"):
        assert expected in words, expected
    assert "Trạm y tế" not in words and "SAMPLE" not in words
    english = _pdf_text(brief_pdf(donor_brief(frames, status, "Quỹ C", "en", today=TODAY)))
    assert "Local needs that fit Quỹ C" in english and "works in neighbouring communes: Xã Vân Khánh Tây" in english


def test_the_xlsx_has_the_same_table(case):
    frames, status = case
    brief = donor_brief(frames, status, "Quỹ A", "en", today=TODAY)
    sheet = openpyxl.load_workbook(io.BytesIO(brief_xlsx(brief)))["Brief"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Place", "Sector", "Need", "Estimated cost", "Priority", "Fit", "Why this donor"]
    assert rows[1][:6] == ["Xã Khánh Hòa (Huyện U Minh)", "Education and training",
                           "Sửa chữa trường <Tiểu học> Khánh Hòa", "2,000,000,000 VND", "1", "61.1"]
    assert rows[1][6].startswith("funds Education and training: 25% of their money; already works in")
    assert len(rows) == 2


def test_sample_data_is_marked_on_the_page(case):
    frames, status = case
    brief = donor_brief(replace(frames, projects=frames.projects.assign(sample=1)), status, "Quỹ A", "en",
                        today=TODAY)
    assert brief.sample
    assert "SAMPLE DATA – NOT OFFICIAL" in _pdf_text(brief_pdf(brief))


def test_geoaid_brief_writes_the_pdf_or_xlsx_and_refuses_what_it_cannot(writable_workspace, tmp_path, capsys):
    source = tmp_path / "nhu-cau.xlsx"
    needs_workbook(source)
    ws = str(writable_workspace.path)
    assert main(["import", "needs", str(source), "--workspace", ws]) == 0
    pdf, xlsx = tmp_path / "a.pdf", tmp_path / "a.xlsx"
    assert main(["brief", "sample donor a (FICTITIOUS)", "--lang", "en", "--out", str(pdf), "--workspace", ws]) == 0
    words = _pdf_text(pdf.read_bytes())
    assert "Local needs that fit Sample Donor A (fictitious)" in words and "SAMPLE DATA – NOT OFFICIAL" in words
    assert "Xã Khánh Hòa (Huyện U Minh)" in words and "Needs: Kế hoạch 37/KH-UBND" in words
    assert main(["brief", "Sample Donor A (fictitious)", "--out", str(xlsx), "--workspace", ws]) == 0
    header = [cell.value for cell in openpyxl.load_workbook(xlsx)["Brief"][1]]
    assert header[:3] == ["Địa bàn", "Lĩnh vực", "Nội dung nhu cầu"] and header[-1] == "Dữ liệu mẫu"
    capsys.readouterr()
    assert main(["brief", "Nobody", "--out", str(pdf), "--workspace", ws]) == 2
    assert main(["brief", "Sample Donor A (fictitious)", "--out", str(tmp_path / "a.docx"), "--workspace", ws]) == 2
    assert "unknown donor 'Nobody'" in capsys.readouterr().err
