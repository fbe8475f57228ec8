"""People per commune: spread like the money, whole persons, conserved; filtered like the money."""

import doctest
import shutil
from dataclasses import replace

import pandas as pd
import pytest

from geoaid.analysis import beneficiaries
from geoaid.analysis.coverage import coverage
from geoaid.analysis.filters import Filters
from geoaid.analysis.frames import load_frames
from geoaid.cli import main
from geoaid.store.workspace import Workspace
from tests.beneficiary_files import template_csv

# Huyện U Minh (966), census 2019: the 8 communes a district-wide project reaches.
U_MINH = {"32044": 7_106, "32047": 10_132, "32048": 11_792, "32050": 12_265, "32053": 18_443, "32056": 13_690,
          "32059": 16_712, "32062": 10_736}                      # 100,876 people


@pytest.fixture(scope="module")
def oxfam_frames(tmp_path_factory, demo_workspace_path):
    """The demo with Oxfam's district-wide project CM-01 (1,500 people targeted, 700 women) imported."""
    folder = tmp_path_factory.mktemp("people")
    path = folder / "workspace.gpkg"
    shutil.copy2(demo_workspace_path, path)
    template_csv(folder / "projects.csv")
    assert main(["import", "projects", str(folder / "projects.csv"), "--workspace", str(path)]) == 0
    return load_frames(Workspace(path))


def people(frames, column, filters=Filters()):
    rows = coverage(frames, filters)
    return dict(zip(rows["commune_code"], rows[column]))


def test_the_modules_examples_hold():
    assert doctest.testmod(beneficiaries).failed == 0


def test_even_rule_splits_a_district_wide_count_in_whole_persons(oxfam_frames):
    frames = oxfam_frames.with_settings(area_allocation_rule="even")
    targeted = people(frames, "people_targeted")
    # 1,500 / 8 = 187.5: the four half persons left go to the lowest codes, never half a person
    assert {code: targeted[code] for code in U_MINH} == {
        "32044": 188, "32047": 188, "32048": 188, "32050": 188, "32053": 187, "32056": 187, "32059": 187,
        "32062": 187}
    women = people(frames, "women_targeted")
    assert [women[code] for code in sorted(U_MINH)] == [88, 88, 88, 88, 87, 87, 87, 87]
    assert sum(targeted.values()) == 1_500 and sum(women.values()) == 700


def test_population_rule_splits_by_census_population(oxfam_frames):
    frames = oxfam_frames.with_settings(area_allocation_rule="population")
    targeted = people(frames, "people_targeted")
    # 1,500 × population / 100,876: floors 105 150 175 182 274 203 248 159 (1,496); the 4 left go to the
    # largest remainders: 32044 (.665), 32047 (.660), 32062 (.642), 32056 (.567); 32059 (.504) does not get one
    assert {code: targeted[code] for code in U_MINH} == {
        "32044": 106, "32047": 151, "32048": 175, "32050": 182, "32053": 274, "32056": 204, "32059": 248,
        "32062": 160}
    assert sum(targeted.values()) == 1_500
    rows = coverage(frames)
    assert rows["people_reached"].sum() == 0 and (rows["people_reached_pct"].dropna() == 0).all()


def test_filters_count_the_same_projects_as_the_money(oxfam_frames):
    assert sum(people(oxfam_frames, "people_targeted", Filters(sectors=("agriculture",))).values()) == 1_500
    assert sum(people(oxfam_frames, "people_targeted", Filters(sectors=("health",))).values()) == 0
    assert sum(people(oxfam_frames, "people_targeted", Filters(year=2026)).values()) == 0
    assert sum(people(oxfam_frames, "people_targeted", Filters(donors=("oxfam",))).values()) == 1_500


def test_reached_as_a_share_of_the_population():
    assert beneficiaries.reached_share(pd.Series([2_533, 10]), pd.Series([10_132, 0])).tolist()[0] == 25.0


@pytest.mark.parametrize("rule", ["even", "area", "population"])
def test_every_demo_projects_people_are_conserved_to_the_person(frames, rule):
    ids = frames.projects["project_id"].astype(str)
    stated = pd.DataFrame({"project_id": ids, "group": "total", "kind": "targeted",
                           "count": 1_001 + 7 * pd.RangeIndex(len(ids)), "commune_code": None, "source_file": "t"})
    with_people = replace(frames, beneficiaries=stated).with_settings(area_allocation_rule=rule)
    per_commune = beneficiaries.people_per_commune(with_people)
    # every demo project lies inside the workspace: the communes' persons add up to every count stated
    assert int(per_commune["people_targeted"].sum()) == int(stated["count"].sum())
    assert per_commune.to_numpy().dtype.kind == "i"
