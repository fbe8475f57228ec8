"""Location text → communes, districts, provinces; ambiguity is reported, never guessed."""

import unicodedata

import pytest

from geoaid.imports.locate import Locator
from geoaid.store import schema


@pytest.fixture(scope="module")
def locator(demo_workspace):
    return Locator(demo_workspace.read(schema.COMMUNES))


@pytest.mark.parametrize("text, expected", [
    ("32002", ("commune", "32002")),
    ("Phường 4, Cà Mau", None),                                # merged into Phường 2 in 2025 table
    ("Xã Tân Thành, Thành phố Cà Mau", ("commune", "32026")),
    ("Phường Tân Thành, TP Cà Mau, Cà Mau", ("commune", "32025")),
    (unicodedata.normalize("NFD", "Xã Sà Phìn"), ("commune", "00736")),
    ("Sa Phin, Dong Van", ("commune", "00736")),
    ("Huyện Đầm Dơi", ("district", "970")),
    ("Tỉnh Kiên Giang", ("province", "91")),
    ("9.18, 105.15", ("commune", "32008")),
    ("105.15, 9.18", ("commune", "32008")),
])
def test_resolve(locator, text, expected):
    found, problem = locator.resolve(text)
    if expected is None:
        assert found is None and "unknown commune" in problem
    else:
        assert found[:2] == expected, problem


def test_diacritics_when_given_tell_similar_names_apart(locator):
    found, problem = locator.resolve("Xã Tân Thạnh, Giá Rai")
    assert found == ("commune", "31969"), problem
    found, problem = locator.resolve("Xa Tan Thanh")          # without diacritics: 5 candidates
    assert found is None and "ambiguous: 5 communes" in problem


def test_a_bare_name_of_both_a_commune_and_a_district_is_reported(locator):
    found, problem = locator.resolve("Mèo Vạc")
    assert found is None and "fits both a commune" in problem


def test_cells_with_several_locations_and_shares(locator):
    found, problems = locator.resolve_cell("32002 (25%); Huyện Năm Căn (75%)\nXã Không Có")
    assert [(f.level, f.unit_code, f.share_pct) for f in found] == [("commune", "32002", 25.0),
                                                                    ("district", "971", 75.0)]
    assert problems == ["'Xã Không Có': unknown commune"]


def test_point_outside_every_commune(locator):
    found, problem = locator.resolve("21.0, 105.8")   # Hà Nội: not in the demo workspace
    assert found is None and "no commune contains the point" in problem


@pytest.fixture(scope="module")
def dong_thap_locator(tmp_path_factory):
    """Đồng Tháp's communes from the registry packages: two district pairs share a name there."""
    from geoaid.demo.build import build_workspace
    from geoaid.store.workspace import Workspace

    workspace = Workspace(tmp_path_factory.mktemp("dong_thap") / "dong_thap.gpkg")
    build_workspace(workspace, ["87"], samples=False, log=lambda _msg: None)
    return Locator(workspace.read(schema.COMMUNES))


@pytest.mark.parametrize("text, expected", [
    ("Huyện Hồng Ngự, Tỉnh Đồng Tháp", ("district", "870")),
    ("Thành phố Hồng Ngự, Tỉnh Đồng Tháp", ("district", "868")),
    ("TP Hồng Ngự", ("district", "868")),
    ("Xã Thường Lạc, Huyện Hồng Ngự, Tỉnh Đồng Tháp", ("commune", "29977")),
    ("Phường 1, TP Cao Lãnh, Đồng Tháp", ("commune", "29869")),
])
def test_the_unit_type_written_tells_a_district_from_its_namesake_town(dong_thap_locator, text, expected):
    found, problem = dong_thap_locator.resolve(text)
    assert found == expected, problem


def test_a_district_name_without_its_type_stays_ambiguous(dong_thap_locator):
    found, problem = dong_thap_locator.resolve("Hồng Ngự, Đồng Tháp")
    assert found is None and "868" in problem and "870" in problem


def test_a_commune_under_an_untyped_namesake_district_asks_for_the_type(dong_thap_locator):
    found, problem = dong_thap_locator.resolve("Phường 1, Cao Lãnh, Đồng Tháp")
    assert found is None and "write its type (Huyện, Thành phố, Thị xã, Quận)" in problem
