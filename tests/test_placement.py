"""Suggested placement: the greedy marginal-gain rule against brute force, its constraints, and its
proposal analysed as a scenario giving exactly the gaps it predicted."""

import dataclasses
from datetime import date

import pytest

from geoaid.analysis.coverage import coverage
from geoaid.analysis.filters import Filters
from geoaid.analysis.frames import load_frames
from geoaid.analysis.gap_formula import exact_priority, gap_parameters, gap_value
from geoaid.analysis.priority import priority_index
from geoaid.planning.candidates import candidates_from_records, project_rows
from geoaid.planning.placement import PlacementRequest, propose
from geoaid.planning.scenario import run_scenario, with_candidates

YEAR = (date(2025, 1, 1), date(2025, 12, 31))
NAM_CAN = "971"        # Huyện Năm Căn, Cà Mau: 8 communes


@pytest.fixture(scope="module")
def base(demo_workspace):
    return load_frames(demo_workspace)


def funded(frames, records):
    """``frames`` with projects added (existing funding that changes where money helps most)."""
    projects, locations, report = project_rows(candidates_from_records(records), frames.communes,
                                               frames.setting("exchange_rates_vnd"), id_prefix="existing")
    assert report.ok, [str(p) for p in report.problems]
    return with_candidates(frames, projects, locations)


def distributions(steps, bins):
    """Every way of giving at most ``steps`` whole steps to ``bins`` communes."""
    if bins == 0:
        yield ()
        return
    for first in range(steps + 1):
        for rest in distributions(steps - first, bins - 1):
            yield (first, *rest)


def brute_force(frames, request, step, weights=None):
    """(best objective, the chosen sets reaching it) over every distribution, by the gap formula."""
    rows = coverage(frames, request.filters())
    rows = rows[rows["district_code"].isin(request.districts)].reset_index(drop=True)
    reference, area_weight = gap_parameters(frames)
    priority = priority_index(frames)
    score = rows["commune_code"].map(exact_priority(priority.set_index("commune_code")["priority_raw"], priority))
    funding = rows["commune_funding_vnd"] + area_weight * rows["area_funding_vnd"]
    weight = [1.0] * len(rows) if weights is None else [weights[c] for c in rows["commune_code"]]
    steps = request.budget_vnd // step
    results = []
    for units in distributions(steps, len(rows)):
        total = sum(weight[i] * gap_value(score[i], funding[i] + units[i] * step, reference)
                    for i in range(len(rows)))
        results.append((total, frozenset(rows["commune_code"][i] for i in range(len(rows)) if units[i])))
    best = min(total for total, _ in results)
    return best, {chosen for total, chosen in results if abs(total - best) < 1e-9}


CASES = [
    # budget, minimum per commune, existing projects in the district
    (3_000_000_000, 1_000_000_000, []),
    (4_500_000_000, 1_500_000_000, [{"place": "32200", "sector": "health", "amount": "2.000.000.000",
                                     "period": "2025"}]),
    (4_000_000_000, 1_000_000_000, [{"place": "32200", "sector": "health", "amount": "500.000.000", "period": "2025"},
                                    {"place": "Huyện Năm Căn", "sector": "health", "amount": "8.000.000.000",
                                     "period": "2024-2026"}]),
    (5_000_000_000, 2_500_000_000, [{"place": "32206", "sector": "health", "amount": "300.000.000", "period": "2025"}]),
    # Đất Mới already well funded: the money goes elsewhere first
    (4_000_000_000, 1_000_000_000, [{"place": "32200", "sector": "health", "amount": "40.000.000.000",
                                     "period": "2025"}]),
]


@pytest.mark.parametrize("budget, minimum, existing", CASES)
def test_greedy_equals_brute_force(base, budget, minimum, existing):
    frames = funded(base, existing) if existing else base
    request = PlacementRequest(budget, "health", *YEAR, districts=(NAM_CAN,), min_amount_vnd=minimum)
    proposal = propose(frames, request)
    best, optimal_sets = brute_force(frames, request, minimum)
    assert proposal.objective_after == pytest.approx(best, abs=1e-9)
    assert proposal.unplaced_vnd == budget % minimum
    assert proposal.chosen["amount_vnd"].sum() == budget - budget % minimum
    assert (proposal.chosen["amount_vnd"] % minimum == 0).all()
    assert len(optimal_sets) == 1            # these cases have one best set: the greedy must find it
    assert set(proposal.chosen["commune_code"]) == next(iter(optimal_sets))


def test_per_capita_weights_against_brute_force(base):
    frames = funded(base, CASES[2][2])
    frames.communes = frames.communes.copy()
    codes = frames.communes["code"].tolist()
    people = {code: 3_000 + 1_000 * (int(code) % 7) for code in codes}
    frames.communes["population"] = frames.communes["code"].map(people)
    request = PlacementRequest(4_000_000_000, "health", *YEAR, districts=(NAM_CAN,),
                               min_amount_vnd=1_000_000_000, per_capita=True)
    proposal = propose(frames, request)
    best, optimal_sets = brute_force(frames, request, 1_000_000_000, weights=people)
    assert proposal.objective_after == pytest.approx(best, rel=1e-12)
    if len(optimal_sets) == 1:
        assert set(proposal.chosen["commune_code"]) == next(iter(optimal_sets))


def test_the_proposal_as_a_scenario_gives_the_gaps_it_predicted(base):
    request = PlacementRequest(6_000_000_000, "health", *YEAR, provinces=("96",), min_amount_vnd=1_000_000_000)
    proposal = propose(base, request)
    result = run_scenario(base, proposal.candidates("Đề xuất"), Filters(provinces=("96",), sectors=("health",),
                                                                          year=2025))
    after = result.after.set_index("commune_code")
    for row in proposal.chosen.itertuples():
        assert after.at[row.commune_code, "gap_score"] == row.gap_after
    assert result.summary()["added_vnd"] == 6_000_000_000
    reasons = proposal.reasons("vi")
    assert len(reasons) == len(proposal.chosen) and proposal.chosen["commune_name"].iloc[0] in reasons[0]


def test_avoiding_communes_where_another_donor_works(base):
    frames = funded(base, [{"place": "32200", "sector": "health", "amount": "100.000.000", "period": "2025",
                            "donor": "Quỹ Khác"},
                           {"place": "32206", "sector": "health", "amount": "100.000.000", "period": "2025",
                            "donor": "Quỹ Của Tôi"},
                           {"place": "32209", "sector": "education", "amount": "100.000.000", "period": "2025",
                            "donor": "Quỹ Khác"}])
    request = PlacementRequest(20_000_000_000, "health", *YEAR, districts=(NAM_CAN,), min_amount_vnd=1_000_000_000,
                               avoid_other_donors=True, donor="quỹ của tôi")
    proposal = propose(frames, request)
    assert proposal.excluded["commune_code"].tolist() == ["32200"]
    assert proposal.excluded["donors"].tolist() == ["Quỹ Khác"]
    assert "32200" not in set(proposal.chosen["commune_code"])
    assert proposal.eligible == 7 and {"32206", "32209"} <= set(proposal.chosen["commune_code"])


def test_refuses_what_cannot_be_placed(base):
    with pytest.raises(ValueError, match="below the minimum amount"):
        propose(base, PlacementRequest(500_000_000, "health", min_amount_vnd=1_000_000_000))
    without_population = dataclasses.replace(base, communes=base.communes.drop(columns=["population"]))
    with pytest.raises(ValueError, match="population"):
        propose(without_population, PlacementRequest(2_000_000_000, "health", per_capita=True))
