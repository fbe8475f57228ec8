"""Properties: allocation conserves every budget; adding a project never increases a gap."""

import geopandas as gpd
import pandas as pd
from hypothesis import given, settings, strategies as st

from geoaid.allocation import allocate
from geoaid.coverage import coverage
from geoaid.frames import Frames
from geoaid.settings import DEFAULTS
from geoaid import schema

_CACHE = {}


def base(demo_workspace):
    if "frames" not in _CACHE:
        communes = demo_workspace.read(schema.COMMUNES)
        communes = gpd.GeoDataFrame(communes[communes["province_code"] == "95"].reset_index(drop=True),
                                    crs=communes.crs)
        _CACHE["frames"] = Frames(communes=communes, schemes=demo_workspace.read(schema.SCHEMES),
                                  classifications=demo_workspace.read(schema.CLASSIFICATIONS),
                                  projects=pd.DataFrame(columns=schema.PROJECT_COLUMNS),
                                  locations=pd.DataFrame(columns=schema.PROJECT_LOCATION_COLUMNS),
                                  settings=dict(DEFAULTS), metadata={})
    return _CACHE["frames"]


location = st.tuples(st.sampled_from(["commune", "district", "province"]), st.integers(0, 63))
project_strategy = st.tuples(st.integers(0, 10**13), st.lists(location, min_size=1, max_size=5),
                             st.booleans(), st.sampled_from(["even", "area"]))


def build(frames, specs):
    communes = frames.communes
    projects, locations = [], []
    for n, (budget, locs, with_shares, _) in enumerate(specs):
        pid = f"H{n}"
        projects.append({"project_id": pid, "title": pid, "donor": f"D{n % 3}", "implementer": None,
                         "sector": "health", "dac_code": "120", "budget": budget, "currency": "VND",
                         "budget_vnd": budget, "start_date": "2024-01-01", "end_date": "2024-12-31",
                         "status": None, "sample": 0, "source_file": "h"})
        shares = [100 // len(locs)] * len(locs)
        shares[0] += 100 - sum(shares)
        for (level, index), share in zip(locs, shares):
            row = communes.iloc[index % len(communes)]
            code = {"commune": row["code"], "district": row["district_code"], "province": "95"}[level]
            locations.append({"project_id": pid, "level": level, "unit_code": code,
                              "share_pct": float(share) if with_shares else None, "lon": None, "lat": None,
                              "location_text": code})
    return Frames(communes=communes, schemes=frames.schemes, classifications=frames.classifications,
                  projects=pd.DataFrame(projects, columns=schema.PROJECT_COLUMNS),
                  locations=pd.DataFrame(locations, columns=schema.PROJECT_LOCATION_COLUMNS),
                  settings=frames.settings, metadata={})


@settings(max_examples=60, deadline=None)
@given(st.lists(project_strategy, min_size=1, max_size=6))
def test_allocation_conserves_each_budget_exactly(demo_workspace, specs):
    frames = build(base(demo_workspace), specs)
    for rule in ("even", "area"):
        totals = allocate(frames, rule=rule).groupby("project_id")["amount_vnd"].sum()
        expected = frames.projects.set_index("project_id")["budget_vnd"]
        assert totals.reindex(expected.index).fillna(0).astype("int64").equals(expected.astype("int64"))


@settings(max_examples=30, deadline=None)
@given(st.lists(project_strategy, min_size=0, max_size=4), project_strategy)
def test_adding_a_project_never_increases_a_gap(demo_workspace, specs, extra):
    frames = base(demo_workspace)
    before = coverage(build(frames, specs)).set_index("commune_code")["gap_score"]
    after = coverage(build(frames, specs + [extra])).set_index("commune_code")["gap_score"]
    assert (after.reindex(before.index) <= before + 1e-9).all()
