"""The 2025 reform, carrying data over: money and lists moved to the 2025 communes exactly,
the version switch, lookups both ways and the `geoaid reform` commands.

Hand-checked classification case (legacy areas from the demo build, km²):
2025 Xã Tân Tiến 01051 ← Túng Sán 01039 (48.86), Tân Tiến 01051 (18.32),
Bản Nhùng 01069 (17.26); total 84.44.
  region III on 01051 only        → share 18.32/84.44 = 0.217: any → listed, majority_area → not
  ĐBKK on 01039 only              → share 48.86/84.44 = 0.579: listed under both rules
  region III 01051, II 01039, I 01069
                                  → any: region III (0.217); majority_area: region II, since
                                    II-or-higher covers (18.32+48.86)/84.44 = 0.796
  P135 hamlets 3 (01051) + 2 (01069) → 5
  ethnic-minority % 90/60/30      → (90·48.86 + 60·18.32 + 30·17.26)/84.44 = 71.2
Divided: Phường Quang Trung 00688 (Hà Giang city) went to Phường Hà Giang 1 (00694, published
82.69 km²) and Hà Giang 2 (00691, 60.62 km², the default): weights 8269/14331 and 6062/14331.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geoaid.analysis.allocation import allocate
from geoaid.analysis.coverage import coverage, gap_ranking
from geoaid.analysis.frames import load_frames
from geoaid.cli import main
from geoaid.reform.carry import allocations_to_2025, classifications_to_2025, describe_rule
from geoaid.reform.crosswalk import read_crosswalk
from geoaid.reform.versions import frames_for_version, new_to_old, old_to_new, read_stored_crosswalk
from geoaid.store import schema


# -- money ------------------------------------------------------------------------------
def _alloc(rows):
    return pd.DataFrame(rows, columns=["project_id", "commune_code", "scope", "share", "amount_vnd"])


def test_allocations_move_exactly_including_a_divided_commune(crosswalk):
    before = _alloc([("P1", "00688", "commune", 1.0, 1_000_000_001),
                     ("P2", "00688", "commune", 1.0, 7),
                     ("P3", "00688", "area", 1 / 3, 5), ("P3", "00694", "area", 2 / 3, 10)])
    after = allocations_to_2025(before, crosswalk)
    got = {(p, c, s): a for p, c, s, a in after[["project_id", "commune_code", "scope", "amount_vnd"]]
           .itertuples(index=False)}
    # 1,000,000,001 × 8269/14331 = 577,000,907.70 → 577,000,908; × 6062/14331 = 422,999,093.30.
    assert got[("P1", "00694", "commune")] == 577_000_908 and got[("P1", "00691", "commune")] == 422_999_093
    # 7 VND: 4.04 / 2.96 → 4 + 2 and the spare đồng to the larger remainder (00691).
    assert got[("P2", "00694", "commune")] == 4 and got[("P2", "00691", "commune")] == 3
    # 5 × 0.577 = 2.885 → 3 and 2.115 → 2; plus the whole 10 of old 00694 in new 00694.
    assert got[("P3", "00694", "area")] == 13 and got[("P3", "00691", "area")] == 2
    assert after.groupby("project_id")["amount_vnd"].sum().to_dict() == {"P1": 1_000_000_001, "P2": 7, "P3": 15}
    assert after.groupby("project_id")["share"].sum().round(12).eq(1.0).all()


def test_unknown_legacy_codes_are_refused_not_dropped(crosswalk):
    with pytest.raises(ValueError, match="99999"):
        allocations_to_2025(_alloc([("P1", "99999", "commune", 1.0, 100)]), crosswalk)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["A", "B", "C"]),
                          st.sampled_from(["00688", "00967", "00988", "32002", "32131", "01051"]),
                          st.sampled_from(["commune", "area"]),
                          st.integers(min_value=0, max_value=10**13)), min_size=1, max_size=12))
def test_per_project_totals_are_conserved_for_any_amounts(rows):
    crosswalk = read_crosswalk()
    before = _alloc([(p, c, s, 0.5, a) for p, c, s, a in rows])
    after = allocations_to_2025(before, crosswalk)
    assert after["amount_vnd"].dtype == np.int64 and (after["amount_vnd"] >= 0).all()
    assert after.groupby("project_id")["amount_vnd"].sum().to_dict() == \
        before.groupby("project_id")["amount_vnd"].sum().astype("int64").to_dict()
    assert set(after["commune_code"]) <= set(crosswalk["new_code"])


def test_demo_allocations_have_equal_totals_on_both_versions(demo_workspace):
    frames = load_frames(demo_workspace)
    before = allocate(frames)
    on_2025 = frames_for_version(frames, demo_workspace, "2025")
    after = on_2025.allocations
    assert before["commune_code"].isin(read_stored_crosswalk(demo_workspace).query("divided")["old_code"]).any()
    pd.testing.assert_series_equal(before.groupby("project_id")["amount_vnd"].sum(),
                                   after.groupby("project_id")["amount_vnd"].sum())
    for scope in ("commune", "area"):
        assert before.loc[before["scope"] == scope, "amount_vnd"].sum() == \
            after.loc[after["scope"] == scope, "amount_vnd"].sum()
    # The rewritten locations reproduce the exact amounts through the ordinary allocation.
    again = allocate(on_2025).groupby(["project_id", "commune_code"])["amount_vnd"].sum()
    exact = after.groupby(["project_id", "commune_code"])["amount_vnd"].sum()
    pd.testing.assert_series_equal(again, exact)


def test_budget_outside_the_workspace_stays_unallocated_on_2025(demo_workspace):
    """Half of a project in a Hà Nội commune (not in the demo): that half must not be moved
    onto the demo's 2025 communes."""
    frames = load_frames(demo_workspace)
    pid = frames.projects["project_id"].iloc[0]
    inside = frames.locations[frames.locations["project_id"] == pid].iloc[[0]].assign(
        level="commune", unit_code="32002", share_pct=50.0)
    outside = inside.assign(unit_code="00001", share_pct=50.0, location_text="Phường Phúc Xá, Hà Nội")
    frames.locations = pd.concat([frames.locations[frames.locations["project_id"] != pid], inside, outside],
                                 ignore_index=True)
    before = allocate(frames)
    on_2025 = frames_for_version(frames, demo_workspace, "2025")
    budget = int(frames.projects.loc[frames.projects["project_id"] == pid, "budget_vnd"].iloc[0])
    for allocations in (before, on_2025.allocations, allocate(on_2025)):
        mine = allocations[allocations["project_id"] == pid]
        assert mine["amount_vnd"].sum() == before.loc[before["project_id"] == pid, "amount_vnd"].sum()
        assert mine["amount_vnd"].sum() in (budget // 2, budget - budget // 2, budget)


# -- classifications ----------------------------------------------------------------------
def _cls(scheme, code, value=1, level="commune"):
    return {"scheme": scheme, "unit_code": code, "level": level, "value": str(value),
            "value_num": float(value), "sample": 0}


def _moved(legacy, rule, rows, kinds=None):
    table = pd.DataFrame(rows)
    out = classifications_to_2025(table, read_crosswalk(legacy["code"]), rule=rule,
                                  communes=legacy, kinds=kinds)
    return {(r.scheme, r.unit_code): r for r in out.itertuples()}


def test_classification_rules_any_and_majority_area_on_a_hand_checked_commune(legacy):
    rows = [_cls("dbkk", "01039"), _cls("region_iii", "01051"), _cls("region_ii", "01039"),
            _cls("region_i", "01069"), _cls("p135_hamlets", "01051", 3), _cls("p135_hamlets", "01069", 2),
            _cls("ethnic_minority_share", "01039", 90), _cls("ethnic_minority_share", "01051", 60),
            _cls("ethnic_minority_share", "01069", 30)]
    kinds = {"p135_hamlets": "count", "ethnic_minority_share": "share"}
    any_rule = _moved(legacy, "any", rows, kinds)
    majority = _moved(legacy, "majority_area", rows, kinds)
    for moved in (any_rule, majority):
        assert moved[("dbkk", "01051")].share == pytest.approx(0.579, abs=0.001)
        assert moved[("p135_hamlets", "01051")].value_num == 5
        assert moved[("ethnic_minority_share", "01051")].value_num == pytest.approx(71.2, abs=0.05)
    # Regions are levels of one classification: one level per commune.
    assert ("region_iii", "01051") in any_rule and any_rule[("region_iii", "01051")].share == \
        pytest.approx(0.217, abs=0.001)
    assert ("region_ii", "01051") not in any_rule and ("region_i", "01051") not in any_rule
    assert ("region_iii", "01051") not in majority
    assert majority[("region_ii", "01051")].share == pytest.approx(0.796, abs=0.001)
    # A flag on the small commune alone: listed under any, not under majority_area.
    alone = [_cls("dbkk_coastal", "01051")]
    assert _moved(legacy, "any", alone)[("dbkk_coastal", "01051")].share == pytest.approx(0.217, abs=0.001)
    assert ("dbkk_coastal", "01051") not in _moved(legacy, "majority_area", alone)


def test_district_lists_are_expanded_then_moved_and_counts_of_divided_communes_stay_whole(legacy):
    # Poor district: Thành phố Hà Giang (024). New 00700 Xã Ngọc Đường = 00700 (024, 29.88 km²)
    # + the part of divided Yên Định 00988 (district 031, 70.18 km²) given to it by weight
    # 98.07 / (98.07 + 159.34) = 0.381: listed share 29.88 / (29.88 + 0.381 × 70.18) = 0.528.
    # Xã Minh Ngọc 00994 (all in district 031 but for Yên Định's other part) is not listed.
    rows = [_cls("poor_district", "024", level="district"), _cls("p135_hamlets", "00688", 4)]
    any_rule = _moved(legacy, "any", rows, {"p135_hamlets": "count"})
    majority = _moved(legacy, "majority_area", rows, {"p135_hamlets": "count"})
    for moved in (any_rule, majority):
        assert moved[("poor_district", "00700")].share == pytest.approx(0.528, abs=0.001)
        assert moved[("poor_district", "00694")].share == 1.0
        assert ("poor_district", "00994") not in moved
    # 4 hamlets of divided 00688 go to its default new commune 00691, none to 00694.
    assert any_rule[("p135_hamlets", "00691")].value_num == 4
    assert ("p135_hamlets", "00694") not in any_rule


def test_rule_is_a_setting_and_printable():
    assert "ANY" in describe_rule("any") and "MORE THAN HALF" in describe_rule("majority_area")
    assert "BẤT KỲ" in describe_rule("any", "vi") and "HƠN MỘT NỬA" in describe_rule("majority_area", "vi")
    with pytest.raises(ValueError, match="reform_class_rule"):
        describe_rule("most")


# -- the version switch, lookups, CLI -------------------------------------------------------
def test_gap_ranking_runs_on_2025_communes(demo_workspace, derived):
    frames = load_frames(demo_workspace)
    frames.settings["reform_class_rule"] = "majority_area"
    on_2025 = frames_for_version(frames, demo_workspace, "2025")
    assert frames_for_version(frames, demo_workspace, "2019") is frames
    assert on_2025.version == "2025" and "MORE THAN HALF" in on_2025.rule_text and not on_2025.notes
    table = coverage(on_2025, allocations=on_2025.allocations)
    assert len(table) == len(derived) and set(table["commune_code"]) == set(derived["code"])
    assert table["funding_vnd"].sum() == allocate(frames)["amount_vnd"].sum()
    assert table["area_funding_vnd"].sum() > 0       # area-wide money stays area-wide
    assert table["gap_rank"].tolist() == list(range(1, len(table) + 1))
    ranking = gap_ranking(on_2025)                   # the unchanged public function works too
    assert ranking["funding_vnd"].sum() == table["funding_vnd"].sum()
    region_levels = table["classes"].str.count(r"Region (?:I|II|III) ")
    assert region_levels.max() == 1


def test_version_option_and_caption(demo_workspace):
    import argparse

    from geoaid.cli.reform import add_version_option
    from geoaid.reform.versions import describe_version
    from geoaid.snapshot import Snapshot

    parser = argparse.ArgumentParser()
    add_version_option(parser)
    snapshot = Snapshot.read(demo_workspace)
    frames = snapshot.frames(parser.parse_args([]).boundary_version)
    assert getattr(frames, "version", "2019") == "2019"
    on_2025 = snapshot.frames(parser.parse_args(["--boundary-version", "2025"]).boundary_version)
    assert on_2025.version == "2025" and len(on_2025.communes) == 185
    uncertain = int(on_2025.communes["shape_uncertain"].sum())
    caption = describe_version(on_2025)
    assert f"{uncertain} of 185 shapes uncertain" in caption and "(any)" in caption
    assert "xã cũ bị chia" in describe_version(on_2025, "vi")
    assert "legacy communes" in describe_version(frames)
    with pytest.raises(SystemExit):
        parser.parse_args(["--boundary-version", "2030"])


def test_version_2025_without_a_2025_layer_is_a_clear_error(tmp_path, legacy):
    from geoaid.store.workspace import Workspace

    workspace = Workspace(tmp_path / "legacy_only.gpkg")
    with workspace.transaction(create=True) as tx:
        tx.write(schema.COMMUNES, legacy.head(5))
    frames = load_frames(workspace)
    with pytest.raises(ValueError, match="geoaid reform build"):
        frames_for_version(frames, workspace, "2025")
    with pytest.raises(ValueError, match="boundary version"):
        frames_for_version(frames, workspace, "2030")


def test_lookups_both_ways(demo_workspace):
    crosswalk = read_stored_crosswalk(demo_workspace)
    went = old_to_new("00688", crosswalk, demo_workspace.read(schema.COMMUNES_2025))
    assert list(went["new_code"]) == ["00691", "00694"]           # default first
    assert list(went["name"]) == ["Phường Hà Giang 2", "Phường Hà Giang 1"]
    assert went["is_default"].tolist() == [True, False] and went["weight"].sum() == pytest.approx(1.0)
    came = new_to_old("00691", crosswalk, demo_workspace.read(schema.COMMUNES))
    assert set(came["old_code"]) == {"00688", "00691", "00692", "00697", "00934"}
    row = came.set_index("old_code").loc["00688"]
    assert row["divided"] and row["district_name"] == "Thành phố Hà Giang" and row["in_layer"]
    assert old_to_new("99999", crosswalk).empty


def test_cli_build_show_report_and_an_imported_layer_is_kept(writable_workspace, capsys):
    path = str(writable_workspace.path)
    imported = writable_workspace.read(schema.COMMUNES_2025).head(10).assign(match_method="imported")
    with writable_workspace.transaction() as tx:
        tx.write(schema.COMMUNES_2025, imported[schema.COMMUNE_COLUMNS + ["geometry"]])
    assert main(["reform", "build", "--workspace", path]) == 0
    out = capsys.readouterr().out
    assert "Tỉnh Cà Mau" in out and "divided: 22" in out
    assert len(writable_workspace.read(schema.COMMUNES_2025)) == 10            # the imported layer is kept
    assert main(["reform", "build", "--replace-imported", "--workspace", path]) == 0
    assert len(writable_workspace.read(schema.COMMUNES_2025)) == 185
    capsys.readouterr()
    assert main(["reform", "show", "688", "--workspace", path]) == 0
    out = capsys.readouterr().out
    assert "00691" in out and "Phường Hà Giang 1" in out and "approximation" in out
    assert main(["reform", "show", "00691", "--version", "2025", "--workspace", path]) == 0
    assert "Phường Quang Trung" in capsys.readouterr().out
    assert main(["reform", "report", "--status", "divided", "--format", "csv", "--workspace", path]) == 0
    report = capsys.readouterr().out
    assert report.count("\n") == 23 and "00688" in report
