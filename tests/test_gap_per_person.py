"""The gap index on funding per inhabitant: hand-computed on Năm Căn's communes, the setting, its printed form,
placement using the same formula; and people in uncovered priority communes per unit and sector."""

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from geoaid.analysis.coverage import coverage
from geoaid.analysis.filters import Filters
from geoaid.analysis.frames import load_frames
from geoaid.analysis.gap_formula import describe_gap_formula, exact_priority
from geoaid.analysis.per_capita import per_sector_summary
from geoaid.analysis.priority import priority_index
from geoaid.analysis.sectors import SECTORS
from geoaid.cli import main
from geoaid.output.exports import notes
from geoaid.output.print_data import prepare
from geoaid.output.print_sheet import footer_lines
from geoaid.planning.candidates import candidates_from_records, project_rows
from geoaid.planning.placement import PlacementRequest, propose
from geoaid.planning.scenario import with_candidates
from geoaid.store.settings import validate
from tests.accounts import token

YEAR = (date(2025, 1, 1), date(2025, 12, 31))
NAM_CAN = "971"
PER_PERSON = {"gap_funding_basis": "per_person", "gap_reference_vnd_per_person": 100_000, "gap_area_weight": 0.5}
# Populations set by the test (so the hand computation is exact); 32206 has none.
PEOPLE = {"32200": 5_000, "32203": 10_000, "32206": None, "32209": 4_000}
EXISTING = [{"place": "32200", "sector": "health", "amount": "500.000.000", "period": "2025"},
            {"place": "32203", "sector": "health", "amount": "300.000.000", "period": "2025"},
            {"place": "32206", "sector": "health", "amount": "1.000.000.000", "period": "2025"}]


@pytest.fixture(scope="module")
def case(demo_workspace):
    """Demo frames with three health projects in Năm Căn, the test's populations and the per-person basis."""
    frames = load_frames(demo_workspace)
    projects, locations, report = project_rows(candidates_from_records(EXISTING), frames.communes,
                                               frames.setting("exchange_rates_vnd"), id_prefix="existing")
    assert report.ok, [str(p) for p in report.problems]
    frames = with_candidates(frames, projects, locations)
    communes = frames.communes.copy()
    for code, people in PEOPLE.items():
        communes.loc[communes["code"] == code, "population"] = people
    return replace(frames, communes=communes, settings={**frames.settings, **PER_PERSON})


def exact_scores(frames):
    priority = priority_index(frames)
    return exact_priority(priority.set_index("commune_code")["priority_raw"], priority)


def test_per_person_gap_by_hand(case):
    request = PlacementRequest(1_000_000_000, "health", *YEAR, districts=(NAM_CAN,))
    rows = coverage(case, request.filters()).set_index("commune_code")
    score = exact_scores(case)
    assert all(score[code] > 0 for code in PEOPLE)
    # 500,000,000 VND / 5,000 people = 100,000 VND per person = Rp: the gap is halved.
    assert rows.at["32200", "gap_score"] == round(score["32200"] / 2, 2)
    # 300,000,000 / 10,000 = 30,000 per person: priority × 100,000 / 130,000.
    assert rows.at["32203", "gap_score"] == round(score["32203"] * 100_000 / 130_000, 2)
    # No funding: the full priority, whatever the population.
    assert rows.at["32209", "gap_score"] == round(score["32209"], 2)
    # Unknown population: the total basis, 1,000,000,000 VND against R = 1,000,000,000: halved, and flagged.
    assert rows.at["32206", "gap_score"] == round(score["32206"] / 2, 2)
    assert rows.loc[["32200", "32203", "32209", "32206"], "gap_basis"].tolist() == [
        "per_person", "per_person", "per_person", "total_no_population"]
    # On the total basis (the default) 32200 counts 500,000,000 VND against R: priority × 1 / 1.5.
    total = coverage(replace(case, settings={**case.settings, "gap_funding_basis": "total"}), request.filters())
    total = total.set_index("commune_code")
    assert total.at["32200", "gap_score"] == round(score["32200"] / 1.5, 2)
    assert set(total["gap_basis"]) == {"total"}


def test_the_formula_printed_with_outputs(case):
    assert describe_gap_formula(case) == (
        "gap = priority × Rp / (Rp + F / population); F = commune-targeted VND + 0.5 × area-wide VND; "
        "Rp = 100,000 VND per person; communes without population: priority × R / (R + F), R = 1,000,000,000 VND")
    assert describe_gap_formula() == ("gap = priority × R / (R + F); F = commune-targeted VND + 0.5 × area-wide VND; "
                                      "R = 1,000,000,000 VND")


@pytest.mark.parametrize("key, value, message", [
    ("gap_funding_basis", "people", "'total' or 'per_person'"),
    ("gap_reference_vnd_per_person", 0, "positive amount of VND per person"),
    ("gap_reference_vnd_per_person", True, "positive amount of VND per person"),
])
def test_bad_settings_are_refused(key, value, message):
    with pytest.raises(ValueError, match=message):
        validate(key, value)
    assert validate("gap_funding_basis", "per_person") == "per_person"


def test_placement_uses_the_per_person_gap(case):
    """Three steps of 1,000,000,000 VND. Đất Mới (32200: 5,000 people, 500,000,000 VND) has Rp·N = F =
    500,000,000: its gap goes P/2 → P/4 → P/6 → P/8, gains P/4, P/12, P/24; 32209 (4,000 people, unfunded)
    goes P → P·4/14. With 32200's P ≈ 29.3 and 32209's ≈ 2.44, the third step goes to 32209 (gain ≈ 1.74
    against ≈ 1.22); on the total basis all three go to 32200."""
    request = PlacementRequest(3_000_000_000, "health", *YEAR, districts=(NAM_CAN,), min_amount_vnd=1_000_000_000)
    proposal = propose(case, request)
    score = exact_scores(case)
    chosen = proposal.chosen.set_index("commune_code")
    assert chosen["steps"].to_dict() == {"32200": 2, "32209": 1}
    assert chosen.at["32200", "gap_before"] == round(score["32200"] / 2, 2)
    assert chosen.at["32200", "gap_after"] == round(score["32200"] / 6, 2)
    assert chosen.at["32209", "gap_after"] == round(score["32209"] * 4 / 14, 2)
    total = propose(replace(case, settings={**case.settings, "gap_funding_basis": "total"}), request)
    assert total.chosen.set_index("commune_code")["steps"].to_dict() == {"32200": 3}


def test_settings_page_and_export_notes_print_the_per_person_basis(planner, writable_workspace):
    csrf = token(planner, "/manage/settings")
    page = planner.get("/manage/settings").get_data(as_text=True)
    assert 'id="setting-gap_funding_basis"' in page and 'id="gap_reference_vnd_per_person" value="100000"' in page
    for key, value in (("gap_funding_basis", "per_person"), ("gap_reference_vnd_per_person", "150.000")):
        assert planner.post("/manage/settings", data={"csrf_token": csrf, "key": key,
                                                      "value": value}).status_code == 302
    settings = writable_workspace.settings()
    assert (settings["gap_funding_basis"], settings["gap_reference_vnd_per_person"]) == ("per_person", 150_000)
    refused = planner.post("/manage/settings", data={"csrf_token": csrf, "key": "gap_funding_basis", "value": "x"})
    assert refused.status_code == 400
    frames = load_frames(writable_workspace)
    note = dict(notes(frames, "gaps", Filters(provinces=("95",))))["Gap formula / Công thức thiếu hụt"]
    assert note.startswith("gap = priority × Rp / (Rp + F / population)") and "Rp = 150,000 VND per person" in note
    rows = coverage(frames, Filters(provinces=("95",)))
    assert set(rows["gap_basis"]) == {"per_person"}         # every Bạc Liêu commune has its census figure


def test_people_in_uncovered_priority_communes_per_district_and_sector(case):
    """Năm Căn in 2025: health reaches 32200, 32203 and 32206 only; five priority communes stay uncovered."""
    def coverage_of(sector):
        return coverage(case, Filters(provinces=("96",), sectors=(sector,), start=YEAR[0], end=YEAR[1]))
    rows = per_sector_summary(coverage_of, "district", 25_000, ["health", "education"])
    health = rows[(rows["district_code"] == NAM_CAN) & (rows["sector"] == "health")].iloc[0]
    assert health["uncovered_priority_communes"] == 5
    # 32209 (4,000, set by the test) + census 2019: 32201 6,997, 32191 16,477, 32194 5,543, 32197 4,638.
    assert health["people_in_uncovered_priority_communes"] == 4_000 + 6_997 + 16_477 + 5_543 + 4_638
    assert list(rows.loc[rows["district_code"] == NAM_CAN, "sector"]) == ["health", "education"]


def test_provinces_by_sector_export(demo_workspace_path, tmp_path, capsys):
    out = tmp_path / "by-sector.csv"
    assert main(["export", "provinces_by_sector", "--workspace", str(demo_workspace_path), "--province", "95",
                 "--format", "csv", "--out", str(out)]) == 0
    table = pd.read_csv(out, encoding="utf-8-sig", dtype={"province_code": str})
    assert list(table.columns[:4]) == ["province_code", "province", "sector", "sector_label"]
    assert list(table["sector"]) == [sector.key for sector in SECTORS]
    single = tmp_path / "health.csv"
    assert main(["export", "provinces", "--workspace", str(demo_workspace_path), "--province", "95",
                 "--sector", "health", "--format", "csv", "--out", str(single)]) == 0
    health = pd.read_csv(single, encoding="utf-8-sig").iloc[0]
    row = table.set_index("sector").loc["health"]
    assert row["people_in_uncovered_priority_communes"] == health["people_in_uncovered_priority_communes"] > 0
    assert row["population"] == 907_236


def test_the_print_map_prints_the_per_person_formula(case):
    lines = footer_lines(prepare(case, "gap", Filters(provinces=("96",)), lang="vi"))
    assert any("Phương pháp tính: gap = priority × Rp / (Rp + F / population)" in line
               and "Rp = 100,000 VND per person" in line for line in lines)
    other = footer_lines(prepare(case, "coverage", Filters(provinces=("96",))))
    assert not any("Method:" in line for line in other)           # only the gap map states the gap formula
