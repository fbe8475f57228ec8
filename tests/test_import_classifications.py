"""`geoaid import classifications`: dated, sourced schemes joined by code or by name."""

import hashlib

import pytest

from geoaid.cli import main
from geoaid.imports import classifications
from geoaid.store import schema


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_region_iii_list_by_code_and_names_with_decision_and_period(tmp_path, writable_workspace):
    path = tmp_path / "kv3.csv"
    path.write_text("STT,Mã xã,Tên xã,Huyện,Tỉnh\n1,00736,,,\n2,,Xa Sung Chang,Yen Minh,Ha Giang\n"
                    "3,,Xã Tân Thành,Thành phố Cà Mau,Cà Mau\n", encoding="utf-8")
    code = main(["import", "classifications", str(path), "--scheme", "region_iii",
                 "--legal-source", "Decision 861/QĐ-TTg", "--period", "2021-2025",
                 "--workspace", str(writable_workspace.path)])
    assert code == 0
    schemes = writable_workspace.read(schema.SCHEMES).set_index("scheme")
    row = schemes.loc["region_iii"]
    assert row["legal_source"] == "Decision 861/QĐ-TTg" and (row["period_start"], row["period_end"]) == (2021, 2025)
    assert row["sample"] == 0 and not row["label"].startswith("SAMPLE")
    rows = writable_workspace.read(schema.CLASSIFICATIONS)
    assert sorted(rows.loc[rows["scheme"] == "region_iii", "unit_code"]) == ["00736", "00829", "32026"]
    # The sample region III rows were replaced, other schemes kept.
    assert (rows["scheme"] == "dbkk").sum() > 0


def test_district_level_poor_districts(tmp_path, writable_workspace):
    path = tmp_path / "poor.csv"
    path.write_text("huyen,tinh\nĐồng Văn,Hà Giang\nMèo Vạc,Hà Giang\n", encoding="utf-8")
    assert main(["import", "classifications", str(path), "--scheme", "poor_district",
                 "--workspace", str(writable_workspace.path)]) == 0
    rows = writable_workspace.read(schema.CLASSIFICATIONS)
    poor = rows[rows["scheme"] == "poor_district"]
    assert set(poor["level"]) == {"district"} and len(poor) == 2


def test_counts_and_shares_are_validated(tmp_path, writable_workspace, capsys):
    path = tmp_path / "share.csv"
    path.write_text("ma_xa,ty_le\n00736,95.5\n00829,120\n00688,abc\n99999,10\n", encoding="utf-8")
    before = sha256(writable_workspace.path)
    assert main(["import", "classifications", str(path), "--scheme", "ethnic_minority_share",
                 "--workspace", str(writable_workspace.path)]) == 2
    out = capsys.readouterr().out
    assert "row 3, column 'ty_le' (value '120'): a share must be between 0 and 100" in out
    assert "row 4, column 'ty_le' (value 'abc'): not a number" in out
    assert "row 5, column 'ma_xa' (value '99999'): unknown commune code" in out
    assert sha256(writable_workspace.path) == before


def test_ambiguous_name_is_reported_not_guessed(tmp_path, demo_workspace):
    path = tmp_path / "amb.csv"
    path.write_text("ten_xa,tinh\nTân Thành,Cà Mau\n", encoding="utf-8")
    meta = classifications.scheme_meta("dbkk")
    rows, report = classifications.prepare(path, demo_workspace.read(schema.COMMUNES), meta)
    assert rows.empty and len(report.errors) == 1
    assert "ambiguous" in report.errors[0].reason and "32025" in report.errors[0].reason


@pytest.mark.parametrize("kwargs, message", [
    ({"key": "my list"}, "letters, digits"), ({"key": "custom"}, "give --level and --kind"),
    ({"key": "dbkk", "period": "2025-2021"}, "ends before"), ({"key": "dbkk", "period": "soon"}, "2021-2025"),
])
def test_scheme_options_are_checked(kwargs, message):
    with pytest.raises(ValueError, match=message):
        classifications.scheme_meta(**kwargs)


def test_sample_flag_labels_the_scheme(tmp_path, writable_workspace):
    path = tmp_path / "s.csv"
    path.write_text("ma_xa,so_thon\n00736,3\n", encoding="utf-8")
    assert main(["import", "classifications", str(path), "--scheme", "p135_hamlets", "--sample",
                 "--workspace", str(writable_workspace.path)]) == 0
    scheme = writable_workspace.read(schema.SCHEMES).set_index("scheme").loc["p135_hamlets"]
    assert scheme["sample"] == 1 and scheme["label"].startswith("SAMPLE –")
