"""The demo's SAMPLE data: reproducible, labelled, and exercising every display path."""

import pandas as pd

from geoaid.demo.samples import HOSTILE_TITLE, sample_projects
from geoaid.store import schema


def test_sample_data_is_labelled_everywhere(demo_workspace):
    schemes = demo_workspace.read(schema.SCHEMES)
    official = schemes["scheme"].isin(["poor_district", "atk_commune"])
    assert set(schemes.loc[~official, "scheme"]) == {"region_i", "region_ii", "region_iii", "dbkk", "dbkk_coastal",
                                                     "p135_hamlets", "ethnic_minority_share"}
    assert (schemes.loc[~official, "sample"] == 1).all()
    assert schemes.loc[~official, "label"].str.startswith("SAMPLE –").all()
    classes = demo_workspace.read(schema.CLASSIFICATIONS)
    assert (classes.loc[~classes["scheme"].isin(["poor_district", "atk_commune"]), "sample"] == 1).all()
    projects = demo_workspace.read(schema.PROJECTS)
    assert (projects["sample"] == 1).all() and projects["donor"].str.contains("fictitious").all()
    assert "SAMPLE" in demo_workspace.metadata()["sample_data"]


def test_samples_are_reproducible(demo_workspace):
    import numpy as np

    communes = demo_workspace.read(schema.COMMUNES)
    a = sample_projects(communes, np.random.default_rng(1))[0]
    b = sample_projects(communes, np.random.default_rng(1))[0]
    pd.testing.assert_frame_equal(a, b)
    stored = demo_workspace.read(schema.PROJECTS)
    assert HOSTILE_TITLE in set(stored["title"])


def test_sample_projects_are_consistent(demo_workspace):
    projects = demo_workspace.read(schema.PROJECTS)
    locations = demo_workspace.read(schema.PROJECT_LOCATIONS)
    assert projects["project_id"].is_unique
    assert set(locations["project_id"]) == set(projects["project_id"])
    stated = locations.dropna(subset=["share_pct"]).groupby("project_id")["share_pct"].sum()
    assert (stated.round(6) == 100).all()
    assert set(locations["level"]) == {"commune", "district", "province"}
    communes = set(demo_workspace.read(schema.COMMUNES)["code"])
    assert set(locations.loc[locations["level"] == "commune", "unit_code"]) <= communes
    assert (projects["end_date"] > projects["start_date"]).all()
