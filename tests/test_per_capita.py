"""Funding per inhabitant and the population allocation rule, checked by hand on Bạc Liêu's Phước Long district."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from geoaid.analysis.allocation import allocate
from geoaid.analysis.coverage import coverage
from geoaid.analysis.filters import Filters
from geoaid.analysis.per_capita import per_capita_summary
from geoaid.analysis.views import resolve_view
from geoaid.cli import main
from geoaid.store import schema
from geoaid.store.settings import change_setting

# Huyện Phước Long (957), census 2019: its eight communes and 124,268 people.
PHUOC_LONG = {"31867": 21_273, "31870": 17_796, "31873": 15_950, "31876": 15_859, "31879": 14_664,
              "31882": 14_891, "31885": 11_116, "31888": 12_719}


def _project(pid, budget_vnd, level, unit):
    project = {"project_id": pid, "title": f"Water {pid}", "donor": "Quỹ Nước Sạch", "implementer": "Hội Nông dân",
               "sector": "health", "dac_code": "12261", "budget": budget_vnd, "currency": "VND",
               "budget_vnd": budget_vnd, "start_date": "2024-01-01", "end_date": "2025-12-31",
               "status": "ongoing", "sample": 0, "source_file": "plan.xlsx"}
    location = {"project_id": pid, "level": level, "unit_code": unit, "share_pct": None, "lon": None, "lat": None,
                "location_text": unit}
    return project, location


@pytest.fixture
def district_project(frames):
    """One district-wide project of 10,000 VND per inhabitant of Phước Long, and a 1,000,000 VND one."""
    rows = [_project("PL-1", 1_242_680_000, "district", "957"), _project("PL-2", 1_000_000, "district", "957")]
    return replace(frames, projects=pd.DataFrame([p for p, _ in rows])[schema.PROJECT_COLUMNS],
                   locations=pd.DataFrame([loc for _, loc in rows])[schema.PROJECT_LOCATION_COLUMNS],
                   settings={**frames.settings, "area_allocation_rule": "population"})


def test_population_rule_spreads_a_district_project_by_inhabitants(district_project):
    allocations = allocate(district_project)
    first = allocations[allocations["project_id"] == "PL-1"].set_index("commune_code")["amount_vnd"].to_dict()
    assert first == {code: people * 10_000 for code, people in PHUOC_LONG.items()}
    second = allocations[allocations["project_id"] == "PL-2"].set_index("commune_code")["amount_vnd"]
    assert second.sum() == 1_000_000                                     # conserved to the đồng
    # 21,273 / 124,268 of 1,000,000 = 171,186.5…: rounded down or up, never further.
    assert second["31867"] in (171_186, 171_187)
    assert (allocations["allocation_rule"] == "population").all()


def test_a_commune_without_a_figure_makes_its_location_fall_back_to_even(district_project):
    communes = district_project.communes.copy()
    communes.loc[communes["code"] == "31888", "population"] = pd.NA
    allocations = allocate(replace(district_project, communes=communes))
    first = allocations[allocations["project_id"] == "PL-1"]
    assert set(first["amount_vnd"]) == {1_242_680_000 // 8}


def test_funding_per_inhabitant_per_commune_district_and_province(district_project):
    rows = coverage(district_project, Filters(provinces=("95",)))
    town = rows.set_index("commune_code").loc["31867"]
    assert town["population"] == 21_273
    assert town["funding_vnd"] == 212_730_000 + 171_187 or town["funding_vnd"] == 212_730_000 + 171_186
    assert town["funding_vnd_per_person"] == round(town["funding_vnd"] / 21_273)        # 10,008 VND
    assert town["funding_usd_per_person"] == 0.40                                       # at 25,000 VND/USD
    outside = rows.set_index("commune_code").loc["31834"]                               # Vĩnh Trạch, not reached
    assert outside["funding_vnd"] == 0 and outside["funding_usd_per_person"] == 0
    districts = per_capita_summary(rows, "district", 25_000).set_index("district_code")
    assert districts.at["957", "population"] == 124_268
    assert districts.at["957", "funding_vnd"] == 1_243_680_000
    assert districts.at["957", "funding_vnd_per_person"] == 10_008                      # 1,243,680,000 / 124,268
    province = per_capita_summary(rows, "province", 25_000).set_index("province_code")
    assert province.at["95", "population"] == 907_236
    assert province.at["95", "funding_vnd_per_person"] == round(1_243_680_000 / 907_236)  # 1,371 VND
    # Bạc Liêu's other communes are uncovered; the sample lists give most of them a priority score.
    uncovered = rows[(rows["priority_score"] > 0) & (rows["project_count"] == 0)]
    assert province.at["95", "people_in_uncovered_priority_communes"] == uncovered["population"].sum() > 0


def test_views_for_population_and_funding_per_inhabitant():
    assert resolve_view("population").column == "population"
    assert resolve_view("per_capita").unit_text("vi") == " USD/người"
    assert resolve_view("population").unit_text("en") == " people"


def test_the_rule_is_a_setting_and_a_cli_option(writable_workspace, capsys):
    change_setting(writable_workspace, "thu", "area_allocation_rule", "population")
    assert writable_workspace.read(schema.SETTINGS).set_index("key").at["area_allocation_rule", "value"] \
        == '"population"'
    with pytest.raises(ValueError, match="'even', 'area' or 'population'"):
        change_setting(writable_workspace, "thu", "area_allocation_rule", "people")
    assert main(["export", "provinces", "--workspace", str(writable_workspace.path), "--format", "csv",
                 "--allocation-rule", "population", "--out", str(writable_workspace.path.parent / "p.csv")]) == 0
    text = (writable_workspace.path.parent / "p.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("province_code,province,communes,communes_without_population,population,")
    assert ",Tỉnh Bạc Liêu,64,0,907236," in text


def test_population_in_the_commune_page_popup_data_and_sources(demo_client):
    page = demo_client.get("/communes/31867?lang=en").get_data(as_text=True)
    assert '<dd id="population">21,273</dd>' in page
    assert "GSO, 2019 Population and Housing Census" in demo_client.get("/?lang=en").get_data(as_text=True)
    feature = next(f for f in demo_client.get("/api/v1/gaps.geojson?view=population&province=95").get_json()["features"]
                   if f["properties"]["commune_code"] == "31867")
    assert feature["properties"]["population"] == 21_273
    assert feature["properties"]["funding_usd_per_person"] is not None


def test_the_donor_page_counts_the_people_in_the_communes_it_funds(demo_client, frames):
    from geoaid.analysis.donors import donor_reach

    reach = donor_reach(frames, "Sample Donor A (fictitious)")
    funded = frames.communes[frames.communes["code"].isin(reach.by_commune["commune_code"])]
    assert reach.totals["people_in_communes"] == int(funded["population"].sum()) > 0
    page = demo_client.get("/donors/Sample Donor A (fictitious)?lang=en").get_data(as_text=True)
    assert f'{reach.totals["people_in_communes"]:,}</li>' in page and 'id="people-reached"' in page


def test_boundaries_without_population_give_no_figures_and_even_shares(district_project):
    """Imported boundaries have no population column: nothing per person, and the rule falls back to even."""
    bare = replace(district_project, communes=district_project.communes.drop(
        columns=["population", "population_urban", "population_rural"]))
    first = allocate(bare)
    assert set(first.loc[first["project_id"] == "PL-1", "amount_vnd"]) == {1_242_680_000 // 8}
    rows = coverage(bare, Filters(provinces=("95",)))
    assert rows["population"].isna().all() and rows["funding_usd_per_person"].isna().all()
    assert per_capita_summary(rows, "province", 25_000)["population"].isna().all()
