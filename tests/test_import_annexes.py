"""Official classification lists as they are published: annexes with headings, levels, marks, hamlets.

Every workbook is laid out the way the annexes of Decision 861/QĐ-TTg (region
I/II/III communes) and the ĐBKK/Program 135 lists are printed: title rows, the
decision line, heading rows per province and district, STT numbered again from
1 in each district, merged header cells. The communes are real units of the
demo workspace, so each test states the exact GSO codes that must come out.
"""

from __future__ import annotations

import hashlib
import unicodedata

import openpyxl
import pytest

from geoaid.cli import main
from geoaid.imports import classifications
from geoaid.store import schema
from tests.web_uploads import confirm, upload

TITLE = [["Phụ lục I"],
         ["DANH SÁCH CÁC XÃ KHU VỰC III THUỘC VÙNG ĐỒNG BÀO DÂN TỘC THIỂU SỐ VÀ MIỀN NÚI GIAI ĐOẠN 2021 - 2025"],
         ["(Kèm theo Quyết định số 861/QĐ-TTg ngày 04/6/2021 của Thủ tướng Chính phủ)"],
         []]
DECISION = ["--legal-source", "Decision 861/QĐ-TTg", "--period", "2021-2025"]


def workbook(path, rows, merges=(), sheet="Phụ lục"):
    """Write ``rows`` (lists of cells, None for empty) with merged ranges such as "A1:C1"."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    for cells in merges:
        ws.merge_cells(cells)
    book.save(path)
    return path


def run(path, workspace, *args):
    return main(["import", "classifications", str(path), "--workspace", str(workspace.path), *args])


def codes(workspace, scheme):
    rows = workspace.read(schema.CLASSIFICATIONS)
    return sorted(rows.loc[rows["scheme"] == scheme, "unit_code"])


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


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


def test_level_column_gives_the_three_region_schemes_in_one_import(tmp_path, writable_workspace):
    rows = [["DANH SÁCH XÃ KHU VỰC I, II, III"], [],
            ["STT", "Tên xã", "Huyện", "Tỉnh", "Khu vực"],
            [1, "Xã Tả Lủng", "Đồng Văn", "Hà Giang", "III"],
            [2, "Xã Tả Lủng", "Mèo Vạc", "Hà Giang", "II"],
            [3, "Xã Thuận Hòa", "Vị Xuyên", "Hà Giang", "I"],
            [4, "Xã Tây Yên", "An Biên", "Kiên Giang", "KV3"],
            [5, "Xã Ninh Quới A", "Hồng Dân", "Bạc Liêu", "Khu vực II"]]
    path = workbook(tmp_path / "khu_vuc.xlsx", rows, ["A1:E1"])
    assert run(path, writable_workspace, "--scheme", "regions", *DECISION) == 0
    assert codes(writable_workspace, "region_iii") == ["00742", "30988"]
    assert codes(writable_workspace, "region_ii") == ["00796", "31849"]
    assert codes(writable_workspace, "region_i") == ["00922"]
    schemes = writable_workspace.read(schema.SCHEMES).set_index("scheme")
    for key in ("region_i", "region_ii", "region_iii"):
        assert schemes.loc[key, "sample"] == 0 and schemes.loc[key, "legal_source"] == "Decision 861/QĐ-TTg"
    assert codes(writable_workspace, "dbkk")      # the other schemes are kept


def test_mark_columns_under_a_merged_header_with_district_headings(tmp_path, writable_workspace):
    rows = TITLE + [
        ["STT", "Tên đơn vị", "Khu vực", None, None, "Xã ĐBKK"],
        [None, None, "I", "II", "III", None],
        ["TỈNH HÀ GIANG"] + [None] * 5,
        ["I", "Huyện Đồng Văn", None, None, None, None],
        [1, "Xã Tả Lủng", None, None, "x", "x"],
        [2, "Thị trấn Đồng Văn", "x", None, None, None],
        ["II", "Huyện Mèo Vạc", None, None, None, None],
        [1, "Xã Tả Lủng", None, "X", None, None],
        [2, "Xã Sủng Máng", None, None, "x", "x"],
        ["TỈNH BẠC LIÊU"] + [None] * 5,
        ["I", "Huyện Hồng Dân", None, None, None, None],
        [1, "Xã Ninh Quới", None, "x", None, None],
    ]
    merges = ["A1:F1", "A2:F2", "A3:F3", "A5:A6", "B5:B6", "C5:E5", "F5:F6", "A7:F7", "A14:F14"]
    path = workbook(tmp_path / "danh_dau.xlsx", rows, merges)
    assert run(path, writable_workspace, "--scheme", "regions", *DECISION) == 0
    assert codes(writable_workspace, "region_i") == ["00721"]
    assert codes(writable_workspace, "region_ii") == ["00796", "31846"]
    assert codes(writable_workspace, "region_iii") == ["00742", "00790"]
    assert run(path, writable_workspace, "--scheme", "dbkk", "--legal-source", "Decision 612/QĐ-UBDT",
               "--period", "2021-2025") == 0
    assert codes(writable_workspace, "dbkk") == ["00742", "00790"]


def test_a_scheme_without_its_mark_column_is_refused_naming_the_columns(tmp_path, writable_workspace, capsys):
    rows = [["STT", "Tên xã", "Huyện", "Tỉnh", "Khu vực III"], [1, "Xã Lũng Cú", "Đồng Văn", "Hà Giang", "x"]]
    path = workbook(tmp_path / "kv3.xlsx", rows)
    assert run(path, writable_workspace, "--scheme", "dbkk") == 2
    assert "no mark column for dbkk; the file's mark columns are for region_iii" in capsys.readouterr().out
    path = workbook(tmp_path / "kv3.xlsx", rows + [[2, "Xã Sủng Là", "Đồng Văn", "Hà Giang", "xx"]])
    assert run(path, writable_workspace, "--scheme", "region_iii") == 2
    assert "row 3, column 'Khu vực III' (value 'xx'): not a mark" in capsys.readouterr().out


def test_hamlet_list_counts_each_communes_hamlets(tmp_path, writable_workspace, capsys):
    rows = [["DANH SÁCH THÔN ĐẶC BIỆT KHÓ KHĂN VÙNG ĐỒNG BÀO DÂN TỘC THIỂU SỐ VÀ MIỀN NÚI"],
            ["(Kèm theo Quyết định số 612/QĐ-UBDT ngày 16/9/2021)"], [],
            ["STT", "Tên thôn, bản", "Thuộc xã", "Huyện"],
            ["TỈNH HÀ GIANG", None, None, None],
            [1, "Thôn Sủng Lủng", "Xã Tả Lủng", "Đồng Văn"],
            [2, "Thôn Tả Lủng A", "Xã Tả Lủng", "Đồng Văn"],
            [3, "Thôn Sáng Ngài", "Xã Tả Lủng", "Mèo Vạc"],
            [4, "Thôn Lũng Cú", "Xã Lũng Cú", "Đồng Văn"],
            [5, "Thôn Thèn Ván", "Xã Lũng Cú", "Đồng Văn"],
            [6, "Thôn Lô Lô Chải", "Xã Lũng Cú", "Đồng Văn"],
            [7, "Thôn Lũng Cú", "Xã Lũng Cú", "Đồng Văn"]]          # listed twice
    path = workbook(tmp_path / "thon_dbkk.xlsx", rows, ["A1:D1", "A2:D2", "A5:D5"])
    before = sha256(writable_workspace.path)
    assert run(path, writable_workspace, "--scheme", "p135_hamlets", "--legal-source",
               "Decision 612/QĐ-UBDT", "--period", "2021-2025") == 2
    assert ("row 12, column 'Tên thôn, bản' (value 'Thôn Lũng Cú'): the same hamlet of this commune is "
            "already on row 9") in capsys.readouterr().out
    assert sha256(writable_workspace.path) == before
    assert run(path, writable_workspace, "--scheme", "p135_hamlets", "--legal-source",
               "Decision 612/QĐ-UBDT", "--period", "2021-2025", "--keep-valid") == 0
    rows = writable_workspace.read(schema.CLASSIFICATIONS)
    counts = rows[rows["scheme"] == "p135_hamlets"].set_index("unit_code")["value_num"].to_dict()
    assert counts == {"00742": 2.0, "00796": 1.0, "00715": 3.0}


def test_hamlet_list_under_commune_headings(tmp_path, writable_workspace):
    rows = [["STT", "Tên thôn"],
            ["TỈNH HÀ GIANG", None], ["HUYỆN MÈO VẠC", None],
            ["Xã Tả Lủng", None], [1, "Thôn Sáng Ngài"], [2, "Thôn Há Súng"],
            ["Xã Sủng Máng", None], [1, "Thôn Sủng Máng"],
            ["TỈNH CÀ MAU", None], ["Huyện Năm Căn", None],
            ["Xã Hàm Rồng", None], [1, "Ấp Xóm Mới"], [2, "Ấp Cái Nai"], [3, "Ấp Hàm Rồng"]]
    path = workbook(tmp_path / "thon.xlsx", rows, ["A2:B2", "A3:B3", "A4:B4", "A7:B7", "A9:B9", "A10:B10",
                                                   "A11:B11"])
    assert run(path, writable_workspace, "--scheme", "p135_hamlets") == 0
    rows = writable_workspace.read(schema.CLASSIFICATIONS)
    counts = rows[rows["scheme"] == "p135_hamlets"].set_index("unit_code")["value_num"].to_dict()
    assert counts == {"00796": 2.0, "00790": 1.0, "32194": 3.0}


@pytest.mark.parametrize("header", [None, "Mã xã"])
def test_single_column_of_codes(tmp_path, writable_workspace, header):
    rows = ([[header]] if header else []) + [["00742"], ["00796"], [32194]]
    path = workbook(tmp_path / "ma_xa.xlsx", rows)
    assert run(path, writable_workspace, "--scheme", "dbkk_coastal", *DECISION) == 0
    assert codes(writable_workspace, "dbkk_coastal") == ["00742", "00796", "32194"]


def test_single_column_of_codes_as_csv(tmp_path, writable_workspace):
    path = tmp_path / "ma_xa.csv"
    path.write_text("00742\n00796\n", encoding="utf-8")
    assert run(path, writable_workspace, "--scheme", "dbkk") == 0
    assert codes(writable_workspace, "dbkk") == ["00742", "00796"]


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


def test_several_schemes_need_marks_or_a_level_column(tmp_path, demo_workspace):
    path = workbook(tmp_path / "flat.xlsx", [["Mã xã", "Tên xã"], ["00742", "Xã Tả Lủng"]])
    rows, report = classifications.prepare(path, demo_workspace.read(schema.COMMUNES),
                                           classifications.scheme_metas("region_iii,dbkk"))
    assert rows.empty and "need a level column (Khu vực: I, II, III)" in report.errors[0].reason


def test_poor_districts_under_province_headings(tmp_path, writable_workspace):
    rows = [["DANH SÁCH HUYỆN NGHÈO GIAI ĐOẠN 2022 - 2025"],
            ["(Kèm theo Quyết định số 353/QĐ-TTg ngày 15/3/2022)"],
            ["STT", "Tên huyện"], ["TỈNH HÀ GIANG", None], [1, "Huyện Đồng Văn"], [2, "Huyện Mèo Vạc"],
            [3, "Thành phố Hà Giang"], ["TỈNH KIÊN GIANG", None], [1, "Huyện Châu Thành"]]
    path = workbook(tmp_path / "huyen_ngheo.xlsx", rows, ["A1:B1", "A2:B2", "A4:B4", "A8:B8"])
    assert run(path, writable_workspace, "--scheme", "poor_district", "--legal-source",
               "Decision 353/QĐ-TTg", "--period", "2022-2025") == 0
    assert codes(writable_workspace, "poor_district") == ["024", "026", "027", "905"]


def test_web_upload_of_an_annex_with_mark_columns(app, planner, writable_workspace, tmp_path):
    rows = TITLE + [["STT", "Tên xã", "Khu vực I", "Khu vực II", "Khu vực III"],
                    ["TỈNH HÀ GIANG", None, None, None, None], ["I", "Huyện Mèo Vạc", None, None, None],
                    [1, "Xã Tả Lủng", None, "x", None], [2, "Xã Sủng Máng", None, None, "x"]]
    path = workbook(tmp_path / "phu_luc.xlsx", rows, ["A1:E1", "A2:E2", "A3:E3", "A6:E6"])
    preview = upload(planner, "classifications", "phu_luc.xlsx", path.read_bytes(), scheme="regions",
                     legal_source="Decision 861/QĐ-TTg", period="2021-2025")
    assert preview.status_code == 200
    assert confirm(planner, preview).status_code == 200
    assert codes(writable_workspace, "region_ii") == ["00796"]
    assert codes(writable_workspace, "region_iii") == ["00790"]
    assert codes(writable_workspace, "region_i") == []
    schemes = writable_workspace.read(schema.SCHEMES).set_index("scheme")
    assert set(schemes.loc[["region_i", "region_ii", "region_iii"], "sample"]) == {0}


def test_region_section_rows_divide_one_list_into_the_three_schemes(tmp_path, writable_workspace, capsys):
    rows = [["DANH SÁCH XÃ KHU VỰC I, II, III VÙNG ĐỒNG BÀO DÂN TỘC THIỂU SỐ VÀ MIỀN NÚI"], [],
            ["STT", "Tên xã", "Huyện", "Tỉnh"],
            ["I. XÃ KHU VỰC III", None, None, None],
            [1, "Xã Tả Lủng", "Mèo Vạc", "Hà Giang"], [2, "Xã Hàm Rồng", "Năm Căn", "Cà Mau"],
            ["II. XÃ KHU VỰC II", None, None, None],
            [1, "Xã Tả Lủng", "Đồng Văn", "Hà Giang"],
            ["III. Các xã khu vực I", None, None, None],
            [1, "Thị trấn Đồng Văn", "Đồng Văn", "Hà Giang"]]
    path = workbook(tmp_path / "kv_123.xlsx", rows, ["A1:D1", "A4:D4", "A7:D7", "A9:D9"])
    assert run(path, writable_workspace, "--scheme", "region_iii", *DECISION) == 0
    assert codes(writable_workspace, "region_iii") == ["00796", "32194"]
    assert codes(writable_workspace, "region_i") != ["00721"]         # only region III was asked for
    assert ("2 row(s) list their unit in another region level, not imported; --scheme regions imports "
            "region I, II and III together") in capsys.readouterr().out
    assert run(path, writable_workspace, "--scheme", "regions", *DECISION) == 0
    assert codes(writable_workspace, "region_iii") == ["00796", "32194"]
    assert codes(writable_workspace, "region_ii") == ["00742"]
    assert codes(writable_workspace, "region_i") == ["00721"]


def test_codes_under_a_title_and_text_outside_the_table_is_ignored(tmp_path, writable_workspace):
    path = workbook(tmp_path / "ma.xlsx", [["DANH SÁCH MÃ XÃ ĐBKK"], [], ["00742"], ["00796"]])
    assert run(path, writable_workspace, "--scheme", "dbkk") == 0
    assert codes(writable_workspace, "dbkk") == ["00742", "00796"]
    signed = workbook(tmp_path / "ky.xlsx", [["STT", "Tên xã", "Huyện", "Tỉnh", None],
                                             [1, "Xã Sủng Là", "Đồng Văn", "Hà Giang", None],
                                             [None, None, None, None, "KT. BỘ TRƯỞNG, CHỦ NHIỆM"]])
    assert run(signed, writable_workspace, "--scheme", "dbkk") == 0
    assert codes(writable_workspace, "dbkk") == ["00733"]


def test_hierarchical_annex_saved_as_csv_in_nfd(tmp_path, writable_workspace):
    text = ("STT;Tên xã;Khu vực\nTỈNH HÀ GIANG;;\nI;HUYỆN MÈO VẠC;\n1;Xã Tả Lủng;III\n2;Xã Sủng Máng;II\n"
            "TỈNH BẠC LIÊU;;\n1;Huyện Hồng Dân;\n1;Xã Ninh Quới A;III\n")
    path = tmp_path / "phu_luc.csv"
    path.write_text(unicodedata.normalize("NFD", text), encoding="utf-8-sig")
    assert run(path, writable_workspace, "--scheme", "regions", *DECISION) == 0
    assert codes(writable_workspace, "region_iii") == ["00796", "31849"]
    assert codes(writable_workspace, "region_ii") == ["00790"]


def test_a_cell_that_is_not_a_mark_is_reported_in_its_column(tmp_path, demo_workspace):
    rows = [["STT", "Tên xã", "Huyện", "Khu vực", None, None], [None, None, None, "I", "II", "III"],
            [1, "Xã Tả Lủng", "Mèo Vạc", None, "có thể", None]]
    path = workbook(tmp_path / "kv.xlsx", rows, ["A1:A2", "B1:B2", "C1:C2", "D1:F1"])
    found, report = classifications.prepare(path, demo_workspace.read(schema.COMMUNES),
                                            classifications.scheme_metas("regions"))
    assert found.empty
    assert [(p.row, p.column, p.value) for p in report.errors] == [(3, "Khu vực II", "có thể")]
    assert report.errors[0].reason.startswith('not a mark: write "x"')


def test_city_headings_resolve_wards_that_share_a_number(tmp_path, writable_workspace):
    rows = [["STT", "Tên xã, phường, thị trấn"],
            ["TỈNH BẠC LIÊU", None], ["I. THÀNH PHỐ BẠC LIÊU", None], [1, "Phường 2"],
            ["TỈNH CÀ MAU", None], ["I. Thành phố Cà Mau", None], [1, "Phường 02"], [2, "Phường 1"]]
    path = workbook(tmp_path / "phuong.xlsx", rows, ["A2:B2", "A3:B3", "A5:B5", "A6:B6"])
    assert run(path, writable_workspace, "--scheme", "dbkk_coastal") == 0
    assert codes(writable_workspace, "dbkk_coastal") == ["31813", "32002", "32005"]


def test_hamlets_under_a_namesake_commune_heading_without_district(tmp_path, demo_workspace):
    path = workbook(tmp_path / "thon.xlsx", [["STT", "Tên thôn"], ["TỈNH HÀ GIANG", None], ["Xã Tả Lủng", None],
                                             [1, "Thôn Sáng Ngài"]], ["A2:B2", "A3:B3"])
    found, report = classifications.prepare(path, demo_workspace.read(schema.COMMUNES),
                                            classifications.scheme_metas("p135_hamlets"))
    assert found.empty
    (heading, hamlet) = report.errors
    assert (heading.row, heading.column, heading.value) == (3, "Tên thôn", "Xã Tả Lủng")
    assert heading.reason.startswith("ambiguous: 2 communes have this name") and "00742" in heading.reason
    assert (hamlet.row, hamlet.reason) == (4, "no commune for this hamlet: no commune column and no recognised "
                                              "'Xã …' heading above")


def test_a_capitalised_commune_named_like_its_district_is_data_when_it_has_a_level(tmp_path, writable_workspace):
    rows = [["STT", "Tên xã", "Khu vực"], ["TỈNH HÀ GIANG", None, None], ["I", "HUYỆN MÈO VẠC", None],
            [1, "MÈO VẠC", "I"], [2, "SỦNG MÁNG", "III"]]
    path = workbook(tmp_path / "hoa.xlsx", rows, ["A2:C2"])
    assert run(path, writable_workspace, "--scheme", "regions") == 0
    assert codes(writable_workspace, "region_i") == ["00769"]        # Thị trấn Mèo Vạc
    assert codes(writable_workspace, "region_iii") == ["00790"]
