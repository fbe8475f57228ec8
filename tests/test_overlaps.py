"""Overlaps on the hand-computed Cà Mau case (tests/analysis_case.py).

Health in Đất Mũi (32248): P1 Donor A 2024, P4 Donor C 2024-06-01 – 2025-06-01 → overlap
2024-06-01 – 2024-12-31. Health in Viên An (32242): P1 Donor A and P5 "donor a" — the same
donor, so no overlap. P2 (Donor B, district-wide) only counts with include_area.
"""

import pytest

from geoaid.analysis.filters import Filters
from geoaid.analysis.overlaps import COLUMNS, find_overlaps
from tests.analysis_case import location, project, with_projects


def test_commune_targeted_overlap_by_hand(analysis_frames):
    found = find_overlaps(analysis_frames)
    assert list(found.columns) == COLUMNS
    assert len(found) == 1
    row = found.iloc[0].to_dict()
    assert {k: row[k] for k in ("commune_code", "commune_name", "district", "sector", "donors", "donor_count",
                                "project_ids", "titles", "period_start", "period_end", "funding_vnd",
                                "area_wide", "sample")} == {
        "commune_code": "32248", "commune_name": "Xã Đất Mũi", "district": "Huyện Ngọc Hiển", "sector": "health",
        "donors": "Donor A; Donor C", "donor_count": 2, "project_ids": "P1; P4",
        "titles": "Project P1 | Project P4", "period_start": "2024-06-01", "period_end": "2024-12-31",
        "funding_vnd": 1_100_000_001, "area_wide": False, "sample": False}


def test_area_wide_projects_on_request(analysis_frames):
    found = find_overlaps(analysis_frames, include_area=True).set_index("commune_code")
    assert sorted(found.index) == ["32242", "32248"]
    assert found.at["32248", "project_ids"] == "P1; P2; P4" and found.at["32248", "donor_count"] == 3
    # Pairs P1–P2 (2024), P1–P4 (from June 2024), P2–P4 (to June 2025).
    assert (found.at["32248", "period_start"], found.at["32248", "period_end"]) == ("2024-01-01", "2025-06-01")
    assert found.at["32248", "funding_vnd"] == 1_200_000_001 and found.at["32248", "area_wide"]
    # Viên An: P2 overlaps P1 and P5 (open-ended); P1 and P5 are one donor.
    assert found.at["32242", "donors"] == "Donor A; Donor B" and found.at["32242", "project_ids"] == "P1; P2; P5"
    assert (found.at["32242", "period_start"], found.at["32242", "period_end"]) == ("2024-01-01", "2025-12-31")


@pytest.mark.parametrize("filters", [Filters(year=2023), Filters(sectors=("education",)),
                                     Filters(donors=("Donor A",)), Filters(zones=("coastal",), year=2026)])
def test_filters_remove_the_overlap(analysis_frames, filters):
    assert find_overlaps(analysis_frames, filters).empty


@pytest.mark.parametrize("filters", [Filters(year=2024), Filters(provinces=("96",), sectors=("health",)),
                                     Filters(donors=("Donor A", "donor c")), Filters(zones=("coastal",))])
def test_filters_keep_the_overlap(analysis_frames, filters):
    assert find_overlaps(analysis_frames, filters)["project_ids"].tolist() == ["P1; P4"]


def test_back_to_back_projects_do_not_overlap(analysis_frames):
    frames = with_projects(analysis_frames,
                           [project("X1", "Donor A", "health", 1, "2022-01-01", "2022-12-31"),
                            project("X2", "Donor B", "health", 1, "2023-01-01", None),
                            project("X3", "Donor C", "health", 1, None, "2022-12-31")],
                           [location(p, "commune", "32248") for p in ("X1", "X2", "X3")])
    found = find_overlaps(frames)
    # X3 has no start (open) and ends with X1: X1–X3 overlap all through 2022; X2 starts after both.
    assert found["project_ids"].tolist() == ["X1; X3"]
    assert (found.at[0, "period_start"], found.at[0, "period_end"]) == ("2022-01-01", "2022-12-31")
