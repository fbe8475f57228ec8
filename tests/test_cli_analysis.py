"""`geoaid gaps | overlaps | donor` on the demo workspace."""

import csv
import io
import json

from geoaid.cli import main

KEYS = {"commune_code", "commune_name", "district", "province", "priority_score", "classes",
        "project_count", "donor_count", "funding_usd", "sectors_missing", "gap_rank"}


def test_gaps_json_has_the_documented_keys(demo_workspace_path, capsys):
    assert main(["gaps", "--workspace", str(demo_workspace_path), "--province", "02", "--sector", "Y tế",
                 "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["sample"] is True and data["filters"] == {"province": "02", "sector": "health"}
    assert len(data["communes"]) == 193 and KEYS <= set(data["communes"][0])
    ranks = [c["gap_rank"] for c in data["communes"]]
    assert ranks == sorted(ranks) and ranks[0] == 1
    assert data["communes"][0]["province"] == "Tỉnh Hà Giang"


def test_gaps_table_and_csv(demo_workspace_path, tmp_path, capsys):
    assert main(["gaps", "--workspace", str(demo_workspace_path), "--zone", "coastal", "--limit", "3"]) == 0
    out = capsys.readouterr().out
    assert "SAMPLE DATA" in out and "Allocation rule" in out and "gap = priority" in out
    target = tmp_path / "gaps.csv"
    assert main(["gaps", "--workspace", str(demo_workspace_path), "--format", "csv", "--out", str(target)]) == 0
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert len(rows) == 500 and KEYS <= set(rows[0])


def test_overlaps_and_donor(demo_workspace_path, capsys):
    assert main(["overlaps", "--workspace", str(demo_workspace_path), "--format", "json"]) == 0
    overlaps = json.loads(capsys.readouterr().out)["overlaps"]
    assert any("SAMPLE-061" in o["project_ids"] for o in overlaps)
    assert main(["donor", "sample donor a (fictitious)", "--workspace", str(demo_workspace_path),
                 "--format", "json"]) == 0
    reach = json.loads(capsys.readouterr().out)
    assert reach["donor"] == "Sample Donor A (fictitious)" and reach["totals"]["projects"] > 0
    assert main(["donor", "Nobody", "--workspace", str(demo_workspace_path)]) == 2
    assert "unknown donor" in capsys.readouterr().err


def test_bad_filter_is_a_clear_error(demo_workspace_path, capsys):
    assert main(["gaps", "--workspace", str(demo_workspace_path), "--sector", "space"]) == 2
    assert "unknown sector 'space'" in capsys.readouterr().err
