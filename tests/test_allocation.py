"""Budget allocation: exact integer VND, stated percentages honoured, area-wide rules, nothing lost.

Hand-computed numbers come from tests/analysis_case.py (real Cà Mau communes).
"""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geoaid.analysis.allocation import allocate, apportion, location_shares, unallocated
from geoaid.store import schema
from tests.analysis_case import NGOC_HIEN, location, project


def amounts(rows, pid):
    return rows[rows["project_id"] == pid].set_index("commune_code")["amount_vnd"].to_dict()


def test_case_allocation_by_hand(analysis_frames):
    rows = allocate(analysis_frames)
    # P1: 60 % and 40 % of 1,000,000,001: 600,000,000.6 and 400,000,000.4; the spare VND goes
    # to the larger remainder (0.6).
    assert amounts(rows, "P1") == {"32242": 400_000_000, "32248": 600_000_001}
    # P2: district 973 has 7 communes, 700,000,000 / 7 each, scope "area".
    p2 = rows[rows["project_id"] == "P2"]
    assert sorted(p2["commune_code"]) == NGOC_HIEN
    assert set(p2["scope"]) == {"area"} and set(p2["amount_vnd"]) == {100_000_000}
    assert amounts(rows, "P3") == {"32194": 2_000_000_000}
    assert amounts(rows, "P4") == {"32248": 500_000_000}
    # P6: 900,000,001 over the 100 communes of Cà Mau: 9,000,000.01 each; all remainders tie,
    # so the one spare VND goes to the lowest commune code, 31999.
    p6 = amounts(rows, "P6")
    assert len(p6) == 100 and p6["31999"] == 9_000_001
    assert sorted(set(v for k, v in p6.items() if k != "31999")) == [9_000_000]
    # P8: half in 32233; the other half (01001, Hà Nội) is not in this workspace.
    assert amounts(rows, "P8") == {"32233": 500_000_000}
    outside = unallocated(analysis_frames)
    assert outside[["project_id", "level", "unit_code", "amount_vnd", "reason"]].values.tolist() == [
        ["P8", "commune", "01001", 500_000_000, "commune not in the workspace"]]
    assert set(rows["allocation_rule"]) == {"even"}


def test_allocations_plus_unallocated_equal_each_budget(analysis_frames):
    rows = pd.concat([allocate(analysis_frames), unallocated(analysis_frames)])
    totals = rows.groupby("project_id")["amount_vnd"].sum().to_dict()
    assert totals == {"P1": 1_000_000_001, "P2": 700_000_000, "P3": 2_000_000_000, "P4": 500_000_000,
                      "P5": 300_000_000, "P6": 900_000_001, "P8": 1_000_000_000}


def test_area_rule_spreads_by_square_kilometres(analysis_frames):
    rows = allocate(analysis_frames, rule="area")
    p2 = pd.Series(amounts(rows, "P2"))
    area = analysis_frames.communes.set_index("code")["area_km2"].loc[NGOC_HIEN]
    assert p2.sum() == 700_000_000 and set(rows["allocation_rule"]) == {"area"}
    # Viên An Đông (32239, about 133 km²) is the largest of the district, Rạch Gốc (32244) the smallest.
    assert p2.idxmax() == area.idxmax() == "32239" and p2.idxmin() == area.idxmin() == "32244"
    expected = 700_000_000 * area / area.sum()
    assert (p2.reindex(expected.index) - expected).abs().max() < 1
    # The setting is used when no rule is passed.
    assert allocate(analysis_frames.with_settings(area_allocation_rule="area")).equals(rows)


def test_unknown_rule_is_refused(analysis_frames):
    with pytest.raises(ValueError, match="unknown allocation rule 'random'"):
        allocate(analysis_frames, rule="random")


def test_location_shares_rules():
    locations = pd.DataFrame([
        location("A", "commune", "1", 30.0), location("A", "commune", "2"), location("A", "commune", "3"),
        location("B", "commune", "1", 30.0), location("B", "commune", "2", 30.0),
        location("C", "commune", "1", 0.0), location("C", "commune", "2", 0.0),
        location("D", "commune", "1"), location("D", "district", "973"), location("D", "province", "96"),
        location("E", "commune", "1", 80.0), location("E", "commune", "2", 40.0), location("E", "commune", "3"),
    ])
    shares = location_shares(locations).groupby("project_id")["location_share"].apply(list).to_dict()
    assert shares["A"] == pytest.approx([0.30, 0.35, 0.35])   # the unstated share the rest evenly
    assert shares["B"] == pytest.approx([0.5, 0.5])           # 30 % + 30 % only: scaled to 100 %
    assert shares["C"] == pytest.approx([0.5, 0.5])           # all 0 %: equal shares
    assert shares["D"] == pytest.approx([1 / 3] * 3)          # nothing stated: equal per location
    assert shares["E"] == pytest.approx([80 / 120, 40 / 120, 0.0])  # over 100 %: scaled, the rest gets 0


def test_project_on_several_levels(analysis_frames):
    # 1,000,000,000 VND: 50 % to Đất Mũi itself, 50 % to its district (7 communes, even).
    frames = replace(analysis_frames,
                     projects=pd.DataFrame([project("M", "Donor M", "health", 1_000_000_000, "2024-01-01",
                                                    "2024-12-31")], columns=schema.PROJECT_COLUMNS),
                     locations=pd.DataFrame([location("M", "commune", "32248", 50.0),
                                             location("M", "district", "973", 50.0)]))
    rows = allocate(frames)
    dat_mui = rows[rows["commune_code"] == "32248"].set_index("scope")["amount_vnd"].to_dict()
    # 500,000,000 / 7 = 71,428,571.43 per commune; 7 × 71,428,571 = 499,999,997: three spare VND
    # go to the three lowest codes among the tied remainders (32233, 32236, 32239).
    assert dat_mui == {"commune": 500_000_000, "area": 71_428_571}
    area = rows[rows["scope"] == "area"].set_index("commune_code")["amount_vnd"]
    assert area[["32233", "32236", "32239"]].tolist() == [71_428_572] * 3
    assert rows["amount_vnd"].sum() == 1_000_000_000


def test_apportion_is_exact_with_ties_and_float_noise():
    # Thirds of 100: 33.33 each, one spare unit, the smallest tiebreak wins.
    assert apportion(["p"] * 3, [1 / 3] * 3, [100] * 3, tiebreak=["c", "a", "b"]).tolist() == [33, 34, 33]
    # Shares that add up to a little more than 1 never hand out more than the total.
    assert apportion(["p"] * 3, [0.5, 0.5, 0.5], [10] * 3).sum() == 10
    # Two groups are apportioned independently.
    out = apportion(["x", "y", "x", "y"], [0.5, 0.25, 0.5, 0.75], [3, 5, 3, 5], tiebreak=["1", "1", "2", "2"])
    assert out.tolist() == [2, 1, 1, 4]


def test_project_without_location_or_budget(analysis_frames):
    frames = replace(analysis_frames,
                     projects=pd.DataFrame([project("N", "D", "health", 5_000, None, None),
                                            project("Z", "D", "health", None, None, None)],
                                           columns=schema.PROJECT_COLUMNS),
                     locations=pd.DataFrame([location("Z", "commune", "32248")]))
    assert allocate(frames)[["project_id", "commune_code", "amount_vnd"]].values.tolist() == [
        ["Z", "32248", 0]]  # no budget: still present (it covers the commune), with 0 VND
    assert unallocated(frames)[["project_id", "amount_vnd", "reason"]].values.tolist() == [
        ["N", 5_000, "project has no location"]]


# --- property: allocation conserves every budget ------------------------------------------

CODES = {"commune": ["32248", "32242", "31999", "32194", "01001"], "district": ["973", "964", "971", "999"],
         "province": ["96", "01"]}
a_location = st.sampled_from(["commune", "district", "province"]).flatmap(
    lambda level: st.tuples(st.just(level), st.sampled_from(CODES[level])))
a_project = st.tuples(st.integers(0, 10**13), st.lists(a_location, min_size=1, max_size=5),
                      st.sampled_from(["none", "all", "some"]), st.integers(1, 10**6))


def build(base, specs):
    projects, locations = [], []
    for n, (budget, locs, stated, seed) in enumerate(specs):
        pid = f"H{n}"
        projects.append(project(pid, f"D{n % 3}", "health", budget, "2024-01-01", "2024-12-31"))
        cuts = np.sort(np.random.default_rng(seed).integers(0, 101, len(locs) - 1))
        percentages = np.diff(np.concatenate([[0], cuts, [100]])).astype(float)
        for i, ((level, code), pct) in enumerate(zip(locs, percentages)):
            share = pct if stated == "all" or (stated == "some" and i % 2 == 0) else None
            locations.append(location(pid, level, code, share))
    return replace(base, projects=pd.DataFrame(projects, columns=schema.PROJECT_COLUMNS),
                   locations=pd.DataFrame(locations, columns=schema.PROJECT_LOCATION_COLUMNS))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(a_project, min_size=1, max_size=6), rule=st.sampled_from(["even", "area"]))
def test_allocation_conserves_each_budget_exactly(analysis_frames, specs, rule):
    frames = build(analysis_frames, specs)
    inside, outside = allocate(frames, rule=rule), unallocated(frames, rule=rule)
    assert (inside["amount_vnd"] >= 0).all() and (outside["amount_vnd"] >= 0).all()
    totals = pd.concat([inside, outside]).groupby("project_id")["amount_vnd"].sum()
    budgets = frames.projects.set_index("project_id")["budget_vnd"].astype("int64")
    assert totals.reindex(budgets.index).fillna(0).astype("int64").tolist() == budgets.tolist()
    # Stated percentages are honoured to the VND when every location is a distinct workspace commune.
    for (budget, locs, stated, _), pid in zip(specs, budgets.index):
        codes = [code for level, code in locs]
        if stated == "all" and all(level == "commune" for level, _ in locs) and len(set(codes)) == len(codes) \
                and "01001" not in codes:
            got = inside[inside["project_id"] == pid].set_index("commune_code")["amount_vnd"]
            wanted = frames.locations[frames.locations["project_id"] == pid].set_index("unit_code")["share_pct"]
            exact = wanted / 100 * budget
            assert (got.reindex(exact.index).fillna(0) - exact).abs().max() < 1
