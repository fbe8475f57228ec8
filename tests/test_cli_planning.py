"""`geoaid scenario show|save|list|compare|commit` and `geoaid place` on a copy of the demo workspace."""

import hashlib
import json

from geoaid.cli import main
from geoaid.store import schema

CANDIDATES_CSV = ("Kế hoạch hỗ trợ năm 2025\n"
                  "Địa bàn,Lĩnh vực,Kinh phí,Đơn vị tiền,Giai đoạn,Nhà tài trợ\n"
                  '"Xã Tân Thành, Thành phố Cà Mau",Y tế,900.000.000,VND,2025,\n'
                  "Huyện Đầm Dơi,Giáo dục,25.000,USD,2025-2026,Quỹ Thử\n")


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_scenario_show_save_compare_commit(writable_workspace, tmp_path, capsys):
    ws = ["--workspace", str(writable_workspace.path)]
    path = tmp_path / "ung_vien.csv"
    path.write_text(CANDIDATES_CSV, encoding="utf-8")
    before = sha256(writable_workspace.path)
    code, out, _ = run(capsys, "scenario", "show", str(path), *ws, "--format", "json")
    assert code == 0 and sha256(writable_workspace.path) == before
    data = json.loads(out)
    assert data["summary"]["candidates"] == 2 and data["summary"]["added_vnd"] == 900_000_000 + 625_000_000
    tan_thanh = next(row for row in data["changes"] if row["commune_code"] == "32026")
    assert tan_thanh["added_vnd"] == 900_000_000
    code, out, _ = run(capsys, "scenario", "show", str(path), *ws, "--sector", "health")
    assert code == 0 and "Xã Tân Thành" in out and "nothing written" in out

    assert run(capsys, "scenario", "save", "Năm 2025", str(path), *ws)[0] == 0
    code, out, _ = run(capsys, "scenario", "list", *ws, "--format", "json")
    assert [(s["name"], s["status"], s["candidate_count"]) for s in json.loads(out)] == [("Năm 2025", "saved", 2)]
    code, out, _ = run(capsys, "scenario", "compare", "nam 2025", *ws, "--format", "json")
    assert json.loads(out)[0]["added_vnd"] == 1_525_000_000
    code, out, _ = run(capsys, "scenario", "commit", "Năm 2025", *ws)
    assert code == 0 and "Năm 2025-1, Năm 2025-2" in out
    projects = writable_workspace.read(schema.PROJECTS).set_index("project_id")
    assert projects.at["Năm 2025-2", "budget_vnd"] == 625_000_000 and projects.at["Năm 2025-2", "donor"] == "Quỹ Thử"
    assert writable_workspace.read(schema.AUDIT_LOG)["action"].tolist()[-2:] == ["scenario save", "scenario commit"]
    code, _, err = run(capsys, "scenario", "commit", "Năm 2025", *ws)
    assert code == 2 and "already committed" in err


def test_bad_candidates_are_reported_by_row(writable_workspace, tmp_path, capsys):
    path = tmp_path / "sai.csv"
    path.write_text("Địa bàn,Lĩnh vực,Kinh phí\n32026,Y tế,100\nXã Không Có,Y tế,100\n", encoding="utf-8")
    code, _, err = run(capsys, "scenario", "show", str(path), "--workspace", str(writable_workspace.path))
    assert code == 2 and "row 3" in err and "Xã Không Có" in err
    before = sha256(writable_workspace.path)
    code, _, err = run(capsys, "scenario", "save", "Sai", str(path), "--workspace", str(writable_workspace.path))
    assert code == 2 and "row 3" in err and sha256(writable_workspace.path) == before


def test_place_proposes_with_reasons_and_writes_candidates(writable_workspace, tmp_path, capsys):
    out_file = tmp_path / "de_xuat.json"
    code, out, _ = run(capsys, "place", "--budget", "3.000.000.000", "--sector", "Y tế", "--period", "2025",
                       "--district", "Năm Căn", "--workspace", str(writable_workspace.path),
                       "--candidates-out", str(out_file), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["step_vnd"] == 1_000_000_000 and data["unplaced_vnd"] == 0
    assert sum(row["amount_vnd"] for row in data["chosen"]) == 3_000_000_000
    assert {row["district"] for row in data["chosen"]} == {"Huyện Năm Căn"}
    assert data["chosen"][0]["commune_code"] == "32200"      # Xã Đất Mới: the district's highest priority
    assert len(data["reasons"]) == len(data["chosen"]) and "Xã Đất Mới" in data["reasons"][0]
    candidates = json.loads(out_file.read_text(encoding="utf-8"))["candidates"]
    assert candidates[0]["place"] == "32200" and candidates[0]["sector"] == "health"
    code, out, _ = run(capsys, "scenario", "show", str(out_file), "--workspace", str(writable_workspace.path),
                       "--format", "json")
    assert code == 0 and json.loads(out)["summary"]["added_vnd"] == 3_000_000_000
