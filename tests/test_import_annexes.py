"""Official classification lists as they are published: annexes with headings, levels, marks, hamlets.

Every workbook is laid out the way the annexes of Decision 861/QĐ-TTg (region
I/II/III communes) and the ĐBKK/Program 135 lists are printed: title rows, the
decision line, heading rows per province and district, STT numbered again from
1 in each district, merged header cells. The communes are real units of the
demo workspace, so each test states the exact GSO codes that must come out.
"""

from __future__ import annotations

import unicodedata

from geoaid.imports import classifications
from geoaid.store import schema
from tests.annex_workbooks import DECISION, TITLE, codes, run, sha256, workbook


def test_hierarchical_annex_resolves_namesakes_by_their_district_heading(tmp_path, writable_workspace):
    rows = TITLE + [
        ["STT", "Tên xã, phường, thị trấn"],
        ["TỈNH HÀ GIANG", None],
        ["I", "HUYỆN ĐỒNG VĂN (2 xã)"],
        [1, "Xã Tả Lủng"],
        [2, "Xã Lũng Cú"],
        ["II", "Huyện Mèo Vạc"],
        [1, "Xã Tả Lủng"],
        [2, "Xa Pai Lung"],                       # typed without diacritics
        ["TỈNH KIÊN GIANG", None],
        ["I", "Huyện Vĩnh Thuận"],
        [1, "Xã Tân Thuận"],                      # also a commune of Cà Mau's Đầm Dơi
        ["TỈNH CÀ MAU", None],
        ["1. Huyện Đầm Dơi", None],
        [1, "Xã Tân Thuận"],
        ["2. Huyện Năm Căn", None],
        [1, "Xã Hàm Rồng"],
        [2, "Xã Hiệp Tùng"],
        ["Tổng cộng: 8 xã", None],
    ]
    merges = ["A1:B1", "A2:B2", "A3:B3", "A6:B6", "A13:B13", "A16:B16", "A17:B17", "A19:B19", "A22:B22"]
    path = workbook(tmp_path / "phu_luc_861.xlsx", rows, merges)
    assert run(path, writable_workspace, "--scheme", "region_iii", *DECISION) == 0
    assert codes(writable_workspace, "region_iii") == ["00715", "00742", "00775", "00796", "31072", "32167",
                                                       "32194", "32197"]
    scheme = writable_workspace.read(schema.SCHEMES).set_index("scheme").loc["region_iii"]
    assert scheme["sample"] == 0 and scheme["legal_source"] == "Decision 861/QĐ-TTg"
    assert (scheme["period_start"], scheme["period_end"]) == (2021, 2025)
    rows = writable_workspace.read(schema.CLASSIFICATIONS)
    assert set(rows.loc[rows["scheme"] == "region_iii", "sample"]) == {0}


def test_namesake_without_heading_or_district_column_is_a_row_error(tmp_path, writable_workspace, capsys):
    rows = TITLE + [["STT", "Tên xã", "Tỉnh"], [1, "Xã Tả Lủng", "Hà Giang"], [2, "Xã Lũng Cú", "Hà Giang"]]
    path = workbook(tmp_path / "kv3.xlsx", rows, ["A1:C1", "A2:C2", "A3:C3"])
    before = sha256(writable_workspace.path)
    assert run(path, writable_workspace, "--scheme", "region_iii", *DECISION) == 2
    out = capsys.readouterr().out
    assert "row 6, column 'Tên xã' (value 'Xã Tả Lủng'): ambiguous: 2 communes" in out
    assert "00742" in out and "00796" in out
    assert sha256(writable_workspace.path) == before
    assert run(path, writable_workspace, "--scheme", "region_iii", *DECISION, "--keep-valid") == 0
    assert codes(writable_workspace, "region_iii") == ["00715"]


def test_official_province_annexes_accumulate_and_replace_the_sample_list(tmp_path, writable_workspace, capsys):
    ha_giang = workbook(tmp_path / "ha_giang.xlsx", [["STT", "Tên xã"], ["TỈNH HÀ GIANG", None],
                                                     ["Huyện Mèo Vạc", None], [1, "Xã Tả Lủng"]])
    ca_mau = workbook(tmp_path / "ca_mau.xlsx", [["STT", "Tên xã"], ["TỈNH CÀ MAU", None],
                                                 ["Huyện Năm Căn", None], [1, "Xã Hàm Rồng"]])
    assert run(ha_giang, writable_workspace, "--scheme", "region_iii", *DECISION) == 0
    assert codes(writable_workspace, "region_iii") == ["00796"]          # every sample row replaced
    assert run(ca_mau, writable_workspace, "--scheme", "region_iii", *DECISION) == 0
    assert codes(writable_workspace, "region_iii") == ["00796", "32194"]
    assert "1 official rows of province(s) 02, not in this file, are kept" in capsys.readouterr().out


def test_heading_that_names_no_unit_is_reported_and_its_rows_not_guessed(tmp_path, demo_workspace):
    path = workbook(tmp_path / "kv3.xlsx", [["STT", "Tên xã"], ["TỈNH HÀ GIANG", None],
                                            ["Huyện Không Có", None], [1, "Xã Lũng Cú"]])
    rows, report = classifications.prepare(path, demo_workspace.read(schema.COMMUNES),
                                           classifications.scheme_metas("region_iii"))
    assert rows.empty
    assert [(p.row, p.value, p.reason) for p in report.errors] == [
        (3, "Huyện Không Có", "unknown district in the province above"),
        (4, "Xã Lũng Cú", "the heading on row 3 names no known unit, so the commune is not looked for "
                          "elsewhere")]


def test_poor_districts_under_province_headings(tmp_path, writable_workspace):
    rows = [["DANH SÁCH HUYỆN NGHÈO GIAI ĐOẠN 2022 - 2025"],
            ["(Kèm theo Quyết định số 353/QĐ-TTg ngày 15/3/2022)"],
            ["STT", "Tên huyện"], ["TỈNH HÀ GIANG", None], [1, "Huyện Đồng Văn"], [2, "Huyện Mèo Vạc"],
            [3, "Thành phố Hà Giang"], ["TỈNH KIÊN GIANG", None], [1, "Huyện Châu Thành"]]
    path = workbook(tmp_path / "huyen_ngheo.xlsx", rows, ["A1:B1", "A2:B2", "A4:B4", "A8:B8"])
    assert run(path, writable_workspace, "--scheme", "poor_district", "--legal-source",
               "Decision 353/QĐ-TTg", "--period", "2022-2025") == 0
    assert codes(writable_workspace, "poor_district") == ["024", "026", "027", "905"]


def test_hierarchical_annex_saved_as_csv_in_nfd(tmp_path, writable_workspace):
    text = ("STT;Tên xã;Khu vực\nTỈNH HÀ GIANG;;\nI;HUYỆN MÈO VẠC;\n1;Xã Tả Lủng;III\n2;Xã Sủng Máng;II\n"
            "TỈNH BẠC LIÊU;;\n1;Huyện Hồng Dân;\n1;Xã Ninh Quới A;III\n")
    path = tmp_path / "phu_luc.csv"
    path.write_text(unicodedata.normalize("NFD", text), encoding="utf-8-sig")
    assert run(path, writable_workspace, "--scheme", "regions", *DECISION) == 0
    assert codes(writable_workspace, "region_iii") == ["00796", "31849"]
    assert codes(writable_workspace, "region_ii") == ["00790"]


def test_city_headings_resolve_wards_that_share_a_number(tmp_path, writable_workspace):
    rows = [["STT", "Tên xã, phường, thị trấn"],
            ["TỈNH BẠC LIÊU", None], ["I. THÀNH PHỐ BẠC LIÊU", None], [1, "Phường 2"],
            ["TỈNH CÀ MAU", None], ["I. Thành phố Cà Mau", None], [1, "Phường 02"], [2, "Phường 1"]]
    path = workbook(tmp_path / "phuong.xlsx", rows, ["A2:B2", "A3:B3", "A5:B5", "A6:B6"])
    assert run(path, writable_workspace, "--scheme", "dbkk_coastal") == 0
    assert codes(writable_workspace, "dbkk_coastal") == ["31813", "32002", "32005"]


def test_a_capitalised_commune_named_like_its_district_is_data_when_it_has_a_level(tmp_path, writable_workspace):
    rows = [["STT", "Tên xã", "Khu vực"], ["TỈNH HÀ GIANG", None, None], ["I", "HUYỆN MÈO VẠC", None],
            [1, "MÈO VẠC", "I"], [2, "SỦNG MÁNG", "III"]]
    path = workbook(tmp_path / "hoa.xlsx", rows, ["A2:C2"])
    assert run(path, writable_workspace, "--scheme", "regions") == 0
    assert codes(writable_workspace, "region_i") == ["00769"]        # Thị trấn Mèo Vạc
    assert codes(writable_workspace, "region_iii") == ["00790"]
