"""`geoaid gaps | overlaps | donor` on the hand-computed Cà Mau case workspace (tests/analysis_case.py)."""

import csv
import io
import json

import pytest

from geoaid.cli import main

KEYS = {"commune_code", "commune_name", "district", "province", "priority_score", "classes",
        "project_count", "donor_count", "funding_usd", "sectors_missing", "gap_rank"}


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_gaps_json_carries_the_documented_keys_and_values(analysis_case_path, capsys):
    code, out, _ = run(capsys, "gaps", "--workspace", str(analysis_case_path), "--province", "Cà Mau",
                       "--sector", "Y tế", "--year", "2024", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["filters"] == {"province": "96", "sector": "health", "year": "2024"}
    assert data["sample"] is True and data["allocation_rule"] == "even" and data["communes_total"] == 100
    assert len(data["communes"]) == 100 and all(KEYS <= set(c) for c in data["communes"])
    first = {k: data["communes"][0][k] for k in KEYS}
    assert first == {"commune_code": "32239", "commune_name": "Xã Viên An Đông", "district": "Huyện Ngọc Hiển",
                     "province": "Tỉnh Cà Mau", "priority_score": 45.45,
                     "classes": "ĐBKK coastal/island; Poor district", "project_count": 1, "donor_count": 1,
                     "funding_usd": 4000, "sectors_missing": "", "gap_rank": 1}
    assert [c["commune_code"] for c in data["communes"][:3]] == ["32239", "32248", "32242"]
    assert data["communes"][7]["sectors_missing"] == "health"   # Hàm Rồng, no health project


def test_gaps_table_shows_rule_formula_and_sample_line(analysis_case_path, capsys):
    code, out, _ = run(capsys, "gaps", "--workspace", str(analysis_case_path), "--zone", "coastal",
                       "--limit", "1")
    assert code == 0
    assert "Allocation rule for district/province-wide projects: even" in out
    assert "gap = priority × R / (R + F)" in out and "SAMPLE data" in out
    assert "Xã Viên An Đông" in out and "Xã Đất Mũi" not in out and "1 of 2 communes shown" in out
    code, out, _ = run(capsys, "gaps", "--workspace", str(analysis_case_path), "--allocation-rule", "area")
    assert "Allocation rule for district/province-wide projects: area" in out


def test_gaps_csv_file_opens_in_excel(analysis_case_path, tmp_path, capsys):
    target = tmp_path / "gaps.csv"
    code, _, err = run(capsys, "gaps", "--workspace", str(analysis_case_path), "--zone", "ethnic_minority",
                       "--format", "csv", "--out", str(target))
    assert code == 0 and "written" in err
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")                      # UTF-8 BOM for Excel
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["commune_code"] for r in rows] == ["32248", "32242", "32194"]
    assert KEYS <= set(rows[0]) and rows[0]["commune_name"] == "Xã Đất Mũi"


def test_overlaps_command(analysis_case_path, capsys):
    code, out, _ = run(capsys, "overlaps", "--workspace", str(analysis_case_path), "--format", "json")
    assert code == 0
    overlaps = json.loads(out)["overlaps"]
    assert [(o["commune_code"], o["sector"], o["project_ids"]) for o in overlaps] == [("32248", "health", "P1; P4")]
    code, out, _ = run(capsys, "overlaps", "--workspace", str(analysis_case_path), "--include-area")
    assert code == 0 and "P1; P2; P5" in out and "2 commune-sector overlap(s)" in out
    code, out, _ = run(capsys, "overlaps", "--workspace", str(analysis_case_path), "--year", "2023")
    assert "No overlaps." in out


def test_donor_command(analysis_case_path, capsys):
    code, out, _ = run(capsys, "donor", "--workspace", str(analysis_case_path))
    assert code == 0 and out.index("Donor B") < out.index("Donor A") and "Hội Chữ thập đỏ Cà Mau" in out
    code, out, _ = run(capsys, "donor", "hoi chu thap do ca mau", "--workspace", str(analysis_case_path),
                       "--format", "json")
    reach = json.loads(out)
    assert code == 0 and reach["donor"] == "Hội Chữ thập đỏ Cà Mau"
    assert reach["totals"]["funding_vnd"] == 900_000_001 and reach["totals"]["communes"] == 100
    code, out, _ = run(capsys, "donor", "Donor B", "--workspace", str(analysis_case_path))
    assert code == 0 and "2,700,000,000 VND" in out and "region_iii" in out and "Xã Hàm Rồng" in out


@pytest.mark.parametrize("argv, message", [
    (["donor", "Donr C"], "unknown donor 'Donr C'; did you mean 'Donor C'"),
    (["gaps", "--sector", "space"], "unknown sector 'space'"),
    (["gaps", "--province", "01"], "unknown province '01'"),
    (["gaps", "--donor", "Nobody"], "unknown donor 'Nobody'"),
    (["overlaps", "--year", "24"], "four-digit year"),
])
def test_bad_input_is_a_clear_error(analysis_case_path, capsys, argv, message):
    code, _, err = run(capsys, *argv, "--workspace", str(analysis_case_path))
    assert code == 2 and message in err


@pytest.mark.parametrize("command, words", [("gaps", "gap = priority × R / (R + F)"),
                                            ("overlaps", "--include-area"), ("donor", "province average")])
def test_help(capsys, command, words):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    assert words in " ".join(capsys.readouterr().out.split())
