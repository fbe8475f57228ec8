"""Donor reach on the hand-computed Cà Mau case (tests/analysis_case.py).

Donor B: P2 health 700,000,000 over district 973 (7 × 100,000,000, area-wide) and P3 education
2,000,000,000 in Hàm Rồng 32194 → 2,700,000,000 VND.
All donors in Cà Mau (allocated): P1 1,000,000,001 + P2 700,000,000 + P3 2,000,000,000
+ P4 500,000,000 + P5 300,000,000 + P6 900,000,001 + P8 500,000,000 (half of it) = 5,900,000,002.
"""

import pytest

from geoaid.analysis.donor_names import UnknownDonor
from geoaid.analysis.donors import SHARE_COLUMNS, donor_reach, list_donors
from geoaid.analysis.filters import Filters
from tests.analysis_case import RED_CROSS


@pytest.fixture(scope="module")
def donor_b(analysis_frames):
    return donor_reach(analysis_frames, "donor b")


def test_totals_and_breakdowns_by_hand(donor_b):
    assert donor_b.donor == "Donor B" and donor_b.allocation_rule == "even"
    # Donor B's projects are not sample data, but the ethnic-minority list it is compared on is.
    assert donor_b.sample
    assert donor_b.totals == {"projects": 2, "funding_vnd": 2_700_000_000, "funding_usd": 108_000,
                              "commune_funding_vnd": 2_000_000_000, "area_funding_vnd": 700_000_000,
                              "communes": 8, "provinces": 1,
                              # census 2019: Hàm Rồng 5,543 + Ngọc Hiển's seven communes 66,874
                              "people_in_communes": 72_417,
                              # no project of the case states its beneficiaries
                              "people_reached_in_funded": 0, "people_targeted": 0, "people_reached": 0}
    assert donor_b.by_province.to_dict("records") == [
        {"province_code": "96", "province": "Tỉnh Cà Mau", "funding_vnd": 2_700_000_000, "funding_usd": 108_000,
         "communes": 8, "share_pct": 100.0}]
    assert donor_b.by_sector[["sector", "project_count", "funding_vnd", "share_pct"]].values.tolist() == [
        ["education", 1, 2_000_000_000, 74.1], ["health", 1, 700_000_000, 25.9]]
    top = donor_b.by_commune.iloc[0]
    assert (top["commune_code"], top["commune_name"], top["scope"], top["funding_vnd"]) == (
        "32194", "Xã Hàm Rồng", "commune", 2_000_000_000)
    assert top["priority_score"] == 14.55
    assert sorted(donor_b.projects["project_id"]) == ["P2", "P3"]
    assert donor_b.projects.set_index("project_id")["allocated_vnd"].to_dict() == {"P2": 700_000_000,
                                                                                  "P3": 2_000_000_000}


def test_priority_share_against_the_province_average(donor_b):
    shares = donor_b.priority_share
    assert list(shares.columns) == SHARE_COLUMNS
    shares = shares.set_index("scheme")
    # Region III = {32248}: Donor B 100,000,000 / 2,700,000,000 = 3.7 %; all donors
    # 600,000,001 + 100,000,000 + 500,000,000 + 9,000,000 = 1,209,000,001 / 5,900,000,002 = 20.5 %.
    assert shares.loc["region_iii", ["donor_vnd", "donor_share", "province_vnd", "province_average",
                                     "difference"]].tolist() == [100_000_000, 3.7, 1_209_000_001, 20.5, -16.8]
    # Ethnic-minority share ≥ 50 % = {32248, 32194}: 2,100,000,000 → 77.8 %;
    # all: 1,209,000,001 + 2,000,000,000 + 9,000,000 = 3,218,000,001 → 54.5 %.
    assert shares.loc["ethnic_minority_share", ["donor_share", "province_vnd", "province_average"]].tolist() == [
        77.8, 3_218_000_001, 54.5]
    assert shares.at["ethnic_minority_share", "sample"] and not shares.at["region_iii", "sample"]
    # Poor district = the 7 communes of 973: 700,000,000 → 25.9 %; all 3,063,000,001 → 51.9 %.
    assert shares.loc["poor_district", ["donor_share", "province_average"]].tolist() == [25.9, 51.9]
    # Any list: district 973 and 32194, i.e. all of Donor B's money.
    assert shares.loc["any", ["donor_share", "province_vnd", "province_average"]].tolist() == [
        100.0, 5_072_000_001, 86.0]


def test_filters_narrow_the_reach(analysis_frames):
    reach = donor_reach(analysis_frames, "Donor B", Filters(year=2024))
    assert reach.totals["funding_vnd"] == 700_000_000 and list(reach.projects["project_id"]) == ["P2"]
    reach = donor_reach(analysis_frames, "Donor B", Filters(zones=("coastal",)))
    assert reach.totals["funding_vnd"] == 200_000_000 and reach.totals["communes"] == 2
    assert reach.projects.set_index("project_id")["allocated_vnd"].to_dict() == {"P2": 200_000_000}
    reach = donor_reach(analysis_frames, "Donor B", Filters(schemes=("region_iii",)))
    assert reach.priority_share["scheme"].tolist() == ["region_iii", "any"] and not reach.sample
    nothing = donor_reach(analysis_frames, "Donor B", Filters(sectors=("culture",)))
    assert nothing.totals["funding_vnd"] == 0 and nothing.by_province.empty
    assert (nothing.priority_share["donor_share"] == 0).all()


def test_names_match_across_case_unicode_form_and_diacritics(analysis_frames):
    # Stored in NFD; asked for without diacritics, in capitals, or in NFC.
    for asked in ("hoi chu thap do ca mau", "HỘI CHỮ THẬP ĐỎ CÀ MAU", RED_CROSS):
        reach = donor_reach(analysis_frames, asked)
        assert reach.donor == RED_CROSS and reach.totals["funding_vnd"] == 900_000_001
    assert donor_reach(analysis_frames, "DONOR A").totals["projects"] == 2     # "Donor A" and "donor a"


def test_unknown_donor_suggests_close_names(analysis_frames):
    with pytest.raises(UnknownDonor) as info:
        donor_reach(analysis_frames, "Donr C")
    assert info.value.suggestions[0] == "Donor C" and isinstance(info.value, LookupError)
    assert "did you mean 'Donor C'" in str(info.value)
    with pytest.raises(UnknownDonor) as info:
        donor_reach(analysis_frames, "Ministry of Nothing")
    assert info.value.suggestions == []


def test_list_donors_merges_spellings(analysis_frames):
    donors = list_donors(analysis_frames)
    assert donors[["donor", "project_count", "funding_vnd", "sample"]].values.tolist() == [
        ["Donor B", 2, 2_700_000_000, False], ["Donor A", 2, 1_300_000_001, False],
        ["Donor D", 1, 1_000_000_000, True], [RED_CROSS, 1, 900_000_001, False],
        ["Donor C", 1, 500_000_000, False]]
    assert donors["funding_usd"].tolist() == [108_000, 52_000, 40_000, 36_000, 20_000]
