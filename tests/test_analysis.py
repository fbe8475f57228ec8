"""Targeting analysis on a hand-computed case: real Cà Mau city communes, known classes and projects.

Setting (weights are the documented defaults):
  schemes present: region_iii (w 3), dbkk (w 2.5), p135_hamlets (w 1, count), ethnic_minority_share (w 2)
  Σw = 8.5
  Xã Tân Thành 32026: region III, ĐBKK, 3 P135 hamlets, 60 % ethnic minority
      raw = 3 + 2.5 + 1·(3/5) + 2·0.60 = 7.3          score = 100·7.3/8.5 = 85.88
  Phường Tân Thành 32025: 10 % ethnic minority
      raw = 2·0.10 = 0.2                              score = 2.35
  Phường 2 32002: nothing                             score = 0
Projects:
  P1 donor A, health, 1,000,000,001 VND, 32026 (60 %) + 32025 (40 %), 2024
      → 32026: 600,000,000.6 → 600,000,001 (largest remainder), 32025: 400,000,000
  P2 donor B, health, 1,600,000,000 VND, whole district TP Cà Mau (964, 16 communes), 2024
      → 100,000,000 each (scope area)
  P3 donor B, education, 2,000,000,000 VND, 32002, 2020 only
  P4 donor B, health, 500,000,000 VND, 32026, June 2024 – June 2025: overlaps P1 in 32026
"""

import geopandas as gpd
import pandas as pd
import pytest

from geoaid.allocation import allocate
from geoaid.coverage import coverage, gap_ranking
from geoaid.donors import UnknownDonor, donor_reach, list_donors
from geoaid.filters import Filters
from geoaid.frames import Frames
from geoaid.overlaps import find_overlaps
from geoaid.priority import priority_index
from geoaid.settings import DEFAULTS
from geoaid import schema


def scheme(key, kind):
    return {"scheme": key, "label": key, "legal_source": "test", "period_start": 2021, "period_end": 2025,
            "level": "commune", "kind": kind, "sample": 0, "source_file": "test"}


def cls(scheme_key, code, value):
    return {"scheme": scheme_key, "unit_code": code, "level": "commune", "value": str(value),
            "value_num": float(value), "sample": 0}


def project(pid, donor, sector, budget, start, end):
    return {"project_id": pid, "title": f"Project {pid}", "donor": donor, "implementer": None,
            "sector": sector, "dac_code": "120", "budget": float(budget), "currency": "VND",
            "budget_vnd": budget, "start_date": start, "end_date": end, "status": "ongoing",
            "sample": 0, "source_file": "test"}


def loc(pid, level, code, share=None):
    return {"project_id": pid, "level": level, "unit_code": code, "share_pct": share, "lon": None,
            "lat": None, "location_text": code}


@pytest.fixture(scope="module")
def frames(demo_workspace):
    communes = demo_workspace.read(schema.COMMUNES)
    city = communes[communes["district_code"] == "964"].reset_index(drop=True)
    assert len(city) == 16
    return Frames(
        communes=gpd.GeoDataFrame(city, crs=communes.crs),
        schemes=pd.DataFrame([scheme("region_iii", "flag"), scheme("dbkk", "flag"),
                              scheme("p135_hamlets", "count"), scheme("ethnic_minority_share", "share")]),
        classifications=pd.DataFrame([cls("region_iii", "32026", 1), cls("dbkk", "32026", 1),
                                      cls("p135_hamlets", "32026", 3), cls("ethnic_minority_share", "32026", 60),
                                      cls("ethnic_minority_share", "32025", 10)]),
        projects=pd.DataFrame([project("P1", "Donor A", "health", 1_000_000_001, "2024-01-01", "2024-12-31"),
                               project("P2", "Donor B", "health", 1_600_000_000, "2024-01-01", "2024-12-31"),
                               project("P3", "Donor B", "education", 2_000_000_000, "2020-01-01", "2020-12-31"),
                               project("P4", "Donor B", "health", 500_000_000, "2024-06-01", "2025-06-01")]),
        locations=pd.DataFrame([loc("P1", "commune", "32026", 60), loc("P1", "commune", "32025", 40),
                                loc("P2", "district", "964"), loc("P3", "commune", "32002"),
                                loc("P4", "commune", "32026")]),
        settings=dict(DEFAULTS), metadata={})


def test_priority_index_by_hand(frames):
    p = priority_index(frames).set_index("commune_code")
    assert p.at["32026", "priority_score"] == pytest.approx(85.88, abs=0.01)
    assert p.at["32025", "priority_score"] == pytest.approx(2.35, abs=0.01)
    assert p.at["32002", "priority_score"] == 0
    assert p.at["32026", "classes"] == "Ethnic minority 60%; P135 hamlets: 3; Region III; ĐBKK"
    assert p.at["32026", "ethnic_minority"] and not p.at["32025", "ethnic_minority"]
    custom = priority_index(frames, weights={"region_iii": 1, "dbkk": 0, "p135_hamlets": 0,
                                             "ethnic_minority_share": 0}).set_index("commune_code")
    assert custom.at["32026", "priority_score"] == 100.0


def test_allocation_by_hand(frames):
    a = allocate(frames)
    p1 = a[a["project_id"] == "P1"].set_index("commune_code")["amount_vnd"]
    assert p1.to_dict() == {"32025": 400_000_000, "32026": 600_000_001}
    p2 = a[a["project_id"] == "P2"]
    assert len(p2) == 16 and set(p2["scope"]) == {"area"} and set(p2["amount_vnd"]) == {100_000_000}
    assert a.groupby("project_id")["amount_vnd"].sum().to_dict() == {
        "P1": 1_000_000_001, "P2": 1_600_000_000, "P3": 2_000_000_000, "P4": 500_000_000}


def test_area_rule_spreads_by_km2(frames):
    a = allocate(frames, rule="area")
    p2 = a[a["project_id"] == "P2"].set_index("commune_code")["amount_vnd"]
    areas = frames.communes.set_index("code")["area_km2"]
    biggest = areas.idxmax()
    assert p2[biggest] == p2.max() and p2.sum() == 1_600_000_000
    assert p2[biggest] == pytest.approx(1_600_000_000 * areas[biggest] / areas.sum(), abs=1)


def test_coverage_and_gap_by_hand(frames):
    rows = coverage(frames, Filters(sectors=("health",), year=2024)).set_index("commune_code")
    r = rows.loc["32026"]
    assert (r["project_count"], r["donor_count"]) == (3, 2)
    assert r["commune_funding_vnd"] == 600_000_001 + 500_000_000
    assert r["area_funding_vnd"] == 100_000_000 and r["funding_vnd"] == 1_200_000_001
    assert r["funding_usd"] == round(1_200_000_001 / 25_000)
    assert r["sectors_present"] == "health" and r["sectors_missing"] == ""
    # gap = 85.88 × 1e9 / (1e9 + 1,100,000,001 + ½·100,000,000)
    assert r["gap_score"] == pytest.approx(85.882 * 1e9 / (1e9 + 1_150_000_001), abs=0.01)
    # Phường 2 only had an education project in 2020: no health coverage in 2024.
    assert rows.at["32002", "project_count"] == 1           # P2, area-wide
    assert rows.at["32002", "commune_funding_vnd"] == 0
    ranking = gap_ranking(frames, Filters(sectors=("health",), year=2024))
    assert ranking["gap_rank"].tolist() == list(range(1, 17))
    assert ranking.iloc[0]["commune_code"] == "32026"       # still the most urgent: priority dominates
    assert ranking.iloc[1]["commune_code"] == "32025"


def test_zone_and_period_filters(frames):
    rows = coverage(frames, Filters(zones=("ethnic_minority",)))
    assert rows["commune_code"].tolist() == ["32026"]
    in_2020 = coverage(frames, Filters(year=2020)).set_index("commune_code")
    assert in_2020.at["32002", "commune_funding_vnd"] == 2_000_000_000
    assert in_2020.at["32026", "project_count"] == 0


def test_overlaps_by_hand(frames):
    found = find_overlaps(frames)
    assert len(found) == 1
    row = found.iloc[0]
    assert (row["commune_code"], row["sector"]) == ("32026", "health")
    assert row["donors"] == "Donor A; Donor B" and row["project_ids"] == "P1; P4"
    assert (row["period_start"], row["period_end"]) == ("2024-06-01", "2024-12-31")
    assert find_overlaps(frames, Filters(year=2023)).empty


def test_donor_reach_by_hand(frames):
    reach = donor_reach(frames, "donor b")                  # case-insensitive
    assert reach.donor == "Donor B"
    assert reach.totals["funding_vnd"] == 1_600_000_000 + 2_000_000_000 + 500_000_000
    shares = reach.priority_share.set_index("scheme")
    # Donor B's money in region III communes: P4 500,000,000 + P2's 100,000,000 in 32026.
    assert shares.at["region_iii", "donor_share"] == pytest.approx(100 * 600_000_000 / 4_100_000_000, abs=0.1)
    everyone = 600_000_001 + 500_000_000 + 100_000_000
    total = 1_000_000_001 + 1_600_000_000 + 2_000_000_000 + 500_000_000
    assert shares.at["region_iii", "province_average"] == pytest.approx(100 * everyone / total, abs=0.1)
    assert list_donors(frames)["donor"].tolist() == ["Donor B", "Donor A"]
    with pytest.raises(UnknownDonor) as info:
        donor_reach(frames, "Donr A")
    assert "Donor A" in info.value.suggestions


@pytest.mark.parametrize("mapping, message", [
    ({"year": "20x4"}, "four-digit year"), ({"sector": "space"}, "unknown sector"),
    ({"zone": "mountain"}, "unknown zone"), ({"from": "2024-13-01"}, "must be a date"),
    ({"from": "2025-01-01", "to": "2024-01-01"}, "before"), ({"year": "2024", "from": "2024-01-01"}, "either"),
    ({"province": "77"}, "unknown province"),
])
def test_filter_errors_are_clear(mapping, message):
    with pytest.raises(ValueError, match=message):
        Filters.from_mapping(mapping, province_names={"96": "Tỉnh Cà Mau"})


def test_filters_round_trip_and_describe():
    f = Filters.from_mapping({"province": "Cà Mau", "sector": "Y tế", "year": "2024", "zone": "coastal"},
                             province_names={"96": "Tỉnh Cà Mau"})
    assert f == Filters.from_mapping(f.to_query(), province_names={"96": "Tỉnh Cà Mau"})
    assert f.describe("vi", {"96": "Tỉnh Cà Mau"}) == "Tỉnh Cà Mau; Y tế; Năm 2024; vùng ven biển và hải đảo"
