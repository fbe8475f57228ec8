"""What-if scenarios: the analysis with candidates added equals the analysis with them really imported,
and nothing is written until a planner saves or commits (each with its audit row)."""

import hashlib

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from geoaid.analysis.coverage import coverage
from geoaid.analysis.filters import Filters
from geoaid.analysis.frames import load_frames
from geoaid.analysis.overlaps import find_overlaps
from geoaid.imports import registry
from geoaid.planning.candidates import candidates_from_records, read_candidates
from geoaid.planning.saved import commit_scenario, compare_scenarios, list_scenarios, save_scenario
from geoaid.planning.scenario import run_scenario
from geoaid.store import schema

HEADER = "Mã dự án,Tên dự án,Nhà tài trợ,Lĩnh vực,Kinh phí,Đơn vị tiền,Ngày bắt đầu,Ngày kết thúc,Trạng thái,Địa bàn\n"


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def overlap_target(frames):
    """A commune-targeted sample project in Cà Mau: its commune, sector and dates (a candidate there overlaps)."""
    locations = frames.locations[(frames.locations["level"] == "commune")
                                 & frames.locations["unit_code"].str.startswith("32")]
    project = frames.projects.set_index("project_id").loc[locations["project_id"].iloc[0]]
    return locations["unit_code"].iloc[0], project["sector"], project["start_date"], project["end_date"]


def candidate_records(frames):
    code, sector, start, end = overlap_target(frames)
    return [
        {"project_id": "KB-1", "title": "Trạm y tế xã", "place": "Xã Tân Thành, Thành phố Cà Mau",
         "sector": "Y tế", "amount": "900.000.000", "currency": "VND", "period": "2025"},
        {"project_id": "KB-2", "title": "Trường học", "place": "Huyện Đầm Dơi", "sector": "education",
         "amount": "25.000 USD", "start": "01/01/2025", "end": "31/12/2026", "donor": "Quỹ Thử"},
        {"project_id": "KB-3", "title": "Cùng chỗ", "place": code, "sector": sector, "amount": "1500000000",
         "start": start, "end": end, "donor": "Nhà tài trợ khác"},
    ]


def imported_csv(tmp_path, records):
    """The same candidates written as a provincial office fills the project template."""
    lines = []
    for r in records:
        start = r.get("start") or "01/01/2025"
        end = r.get("end") or "31/12/2025"
        donor = r.get("donor", "Chưa có nhà tài trợ (planned)")
        lines.append(",".join(f'"{v}"' for v in (r["project_id"], r["title"], donor, r["sector"], r["amount"],
                                                 r.get("currency", ""), start, end, "planned", r["place"])))
    path = tmp_path / "du_an_ke_hoach.csv"
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def strip_geometry(rows):
    return pd.DataFrame(rows.drop(columns="geometry"))


@pytest.mark.parametrize("filters", [Filters(), Filters(provinces=("96",), year=2025),
                                     Filters(sectors=("health", "education"))])
def test_after_equals_the_analysis_with_the_candidates_imported(writable_workspace, tmp_path, filters):
    frames = load_frames(writable_workspace)
    records = candidate_records(frames)
    before_file = sha256(writable_workspace.path)
    result = run_scenario(frames, candidates_from_records(records), filters)
    assert result.report.ok, [str(p) for p in result.report.problems]
    assert sha256(writable_workspace.path) == before_file          # nothing written

    importer = registry.get("projects")
    prepared = importer.read(imported_csv(tmp_path, records), {"sample": False}, writable_workspace)
    assert importer.commit(prepared, writable_workspace).written
    imported = load_frames(writable_workspace)
    assert_frame_equal(strip_geometry(result.after), strip_geometry(coverage(imported, filters)))
    assert result.after.geometry.equals(coverage(imported, filters).geometry)
    assert_frame_equal(result.overlaps_after, find_overlaps(imported, filters))
    assert_frame_equal(strip_geometry(result.before), strip_geometry(coverage(frames, filters)))


def test_before_and_after_per_commune(demo_workspace):
    frames = load_frames(demo_workspace)
    records = candidate_records(frames)
    result = run_scenario(frames, candidates_from_records(records))
    changes = result.changes.set_index("commune_code")
    tan_thanh = changes.loc["32026"]
    assert tan_thanh["added_vnd"] == 900_000_000
    assert tan_thanh["funding_after_vnd"] == tan_thanh["funding_before_vnd"] + 900_000_000
    assert tan_thanh["gap_after"] < tan_thanh["gap_before"] or tan_thanh["gap_before"] == 0
    # Đầm Dơi's 16 communes share 25,000 USD × 25,000 VND evenly (largest remainder: exact total).
    dam_doi = frames.communes[frames.communes["district_name"] == "Huyện Đầm Dơi"]["code"]
    assert changes.loc[changes.index.isin(dam_doi), "added_vnd"].sum() == 625_000_000
    code, sector, _start, _end = overlap_target(frames)
    new = result.new_overlaps
    assert (new["commune_code"] == code).any() and (new["sector"] == sector).all()
    assert "KB-3" in new["project_ids"].iloc[0] and "Nhà tài trợ khác" in new["donors"].iloc[0]
    summary = result.summary()
    assert summary["added_vnd"] == 900_000_000 + 625_000_000 + 1_500_000_000
    assert summary["total_gap_after"] < summary["total_gap_before"]
    assert summary["new_overlaps"] == len(new) >= 1


def test_per_inhabitant_funding_when_the_workspace_has_population(demo_workspace):
    frames = load_frames(demo_workspace)
    frames.communes["population"] = 10_000
    result = run_scenario(frames, candidates_from_records(
        [{"project_id": "P-1", "place": "32026", "sector": "health", "amount": "900.000.000", "period": "2025"}]))
    row = result.changes.set_index("commune_code").loc["32026"]
    assert row["per_person_after_vnd"] - row["per_person_before_vnd"] == 90_000


def test_bad_candidates_get_row_level_problems(demo_workspace, tmp_path):
    path = tmp_path / "ứng viên.csv"
    path.write_text("Địa bàn,Lĩnh vực,Kinh phí,Giai đoạn\n"
                    "32026,Y tế,900.000.000,2025\n"
                    "Xã Không Có,Y tế,100,2025\n"
                    "32026,Bay vào vũ trụ,100,2025\n"
                    "32026,health,abc,2025\n"
                    "32026,health,100,2027-2025\n", encoding="utf-8")
    candidates, report = read_candidates(path)
    assert report.ok and [c.row for c in candidates] == [2, 3, 4, 5, 6]
    result = run_scenario(load_frames(demo_workspace), candidates)
    assert {(p.row, p.column) for p in result.report.errors} == {
        (3, "locations"), (4, "sector"), (5, "budget"), (6, "period")}
    assert result.candidate_ids == ["candidate-1"]


def test_save_list_compare_commit_with_audit_rows(writable_workspace):
    frames = load_frames(writable_workspace)
    records = candidate_records(frames)[:2]
    before_projects = len(frames.projects)
    save_scenario(writable_workspace, "planner1", "Y tế 2025", candidates_from_records(records))
    save_scenario(writable_workspace, "planner1", "Chỉ Đầm Dơi", candidates_from_records(records[1:]))
    listed = list_scenarios(writable_workspace)
    assert listed["name"].tolist() == ["Chỉ Đầm Dơi", "Y tế 2025"]
    assert set(listed["status"]) == {"saved"}
    assert len(writable_workspace.read(schema.PROJECTS)) == before_projects   # saving adds no project
    table = compare_scenarios(load_frames(writable_workspace), writable_workspace, ["y te 2025", "Chỉ Đầm Dơi"])
    assert table["scenario"].tolist() == ["Y tế 2025", "Chỉ Đầm Dơi"]
    assert table["added_vnd"].tolist() == [900_000_000 + 625_000_000, 625_000_000]
    ids = commit_scenario(writable_workspace, "planner1", "y te 2025")    # names match without diacritics
    assert ids == ["KB-1", "KB-2"]
    projects = writable_workspace.read(schema.PROJECTS)
    assert len(projects) == before_projects + 2 and {"KB-1", "KB-2"} <= set(projects["project_id"])
    assert list_scenarios(writable_workspace).set_index("name").at["Y tế 2025", "status"] == "committed"
    log = writable_workspace.read(schema.AUDIT_LOG)
    assert log["action"].tolist()[-3:] == ["scenario save", "scenario save", "scenario commit"]
    assert '"KB-1"' in log["details"].iloc[-1] and log["user"].iloc[-1] == "planner1"
    with pytest.raises(ValueError, match="already committed"):
        commit_scenario(writable_workspace, "planner1", "Y tế 2025")
    before = sha256(writable_workspace.path)
    with pytest.raises(ValueError, match="already in the workspace"):   # KB-2 was committed above
        commit_scenario(writable_workspace, "planner1", "Chỉ Đầm Dơi")
    assert sha256(writable_workspace.path) == before
