"""Published classification lists: level and mark columns, region sections, hamlet lists, code-only lists."""

from __future__ import annotations

import pytest

from geoaid.imports import classifications
from geoaid.store import schema
from tests.annex_workbooks import DECISION, TITLE, codes, run, sha256, workbook
from tests.web_uploads import confirm, upload


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


def test_several_schemes_need_marks_or_a_level_column(tmp_path, demo_workspace):
    path = workbook(tmp_path / "flat.xlsx", [["Mã xã", "Tên xã"], ["00742", "Xã Tả Lủng"]])
    rows, report = classifications.prepare(path, demo_workspace.read(schema.COMMUNES),
                                           classifications.scheme_metas("region_iii,dbkk"))
    assert rows.empty and "need a level column (Khu vực: I, II, III)" in report.errors[0].reason


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


def test_a_cell_that_is_not_a_mark_is_reported_in_its_column(tmp_path, demo_workspace):
    rows = [["STT", "Tên xã", "Huyện", "Khu vực", None, None], [None, None, None, "I", "II", "III"],
            [1, "Xã Tả Lủng", "Mèo Vạc", None, "có thể", None]]
    path = workbook(tmp_path / "kv.xlsx", rows, ["A1:A2", "B1:B2", "C1:C2", "D1:F1"])
    found, report = classifications.prepare(path, demo_workspace.read(schema.COMMUNES),
                                            classifications.scheme_metas("regions"))
    assert found.empty
    assert [(p.row, p.column, p.value) for p in report.errors] == [(3, "Khu vực II", "có thể")]
    assert report.errors[0].reason.startswith('not a mark: write "x"')


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
