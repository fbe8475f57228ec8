"""Views and print limits defined once: the web map, the print map and the CLI agree (real demo workspace)."""

import json

import pytest

from geoaid.analysis.classify import PALETTES
from geoaid.analysis.filters import Filters
from geoaid.analysis.views import ALIASES, VIEWS, WEB_MAP_VIEWS, canonical_key, resolve_view, view_choices
from geoaid.cli import main
from geoaid.output.limits import DPI_MAX, DPI_MIN, SERVED_DPI_MAX, check_dpi
from geoaid.output.print_data import prepare

DONOR = "Sample Donor A (fictitious)"


def test_every_view_names_a_palette_a_unit_and_its_words_in_both_languages():
    for view in VIEWS.values():
        assert view.palette in PALETTES and view.unit_text("vi") is not None
        for lang in ("en", "vi"):
            for part in ("title", "legend", "zero"):
                assert view.words(part, lang, donor="D").strip()


def test_old_spellings_resolve_to_one_canonical_key():
    assert canonical_key("gaps") == canonical_key("GAP") == "gap"
    assert {canonical_key(alias) for alias in ALIASES} <= set(VIEWS)
    assert set(view_choices(WEB_MAP_VIEWS)) == {"gap", "priority", "coverage", "per_capita", "population", "gaps",
                                               "funding"}
    with pytest.raises(ValueError, match="view must be one of"):
        resolve_view("rainbow")
    with pytest.raises(ValueError, match="view must be one of gap, priority, coverage"):
        resolve_view("donor", WEB_MAP_VIEWS)


@pytest.mark.parametrize("view", WEB_MAP_VIEWS)
def test_web_map_and_print_map_colour_every_commune_alike(demo_client, frames, view):
    web = json.loads(demo_client.get(f"/api/v1/gaps.geojson?view={view}&province=95&lang=vi").data)
    printed = prepare(frames, view, Filters(provinces=("95",)), lang="vi")
    assert web["view"] == view
    assert {f["id"]: f["properties"]["fill"] for f in web["features"]} == dict(
        zip(printed.communes["commune_code"], printed.communes["fill"]))
    # Same classes, bounds and units; only the zero entry is worded differently (the print legend explains it).
    assert web["legend"][1:] == printed.view.legend(printed.classes, "vi")[1:]
    assert web["legend"][0]["label"] == "0"


def test_bookmarked_view_spelling_still_works_on_the_web(demo_client):
    old = demo_client.get("/api/v1/gaps.geojson?view=gaps&province=95")
    new = demo_client.get("/api/v1/gaps.geojson?view=gap&province=95")
    assert old.status_code == 200 and json.loads(old.data)["features"] == json.loads(new.data)["features"]
    assert demo_client.get("/?view=gaps&province=95").status_code == 200
    assert demo_client.get("/api/v1/gaps.geojson?view=donor").status_code == 400


def test_web_donor_map_uses_the_donor_view(demo_client, frames):
    web = json.loads(demo_client.get(f"/api/v1/donors/{DONOR}.geojson?lang=en").data)
    printed = prepare(frames, "donor", Filters(donors=(DONOR,)))
    assert web["legend"][1:] == printed.view.legend(printed.classes, "en")[1:]
    assert {f["id"]: f["properties"]["fill"] for f in web["features"]} == dict(
        zip(printed.communes["commune_code"], printed.communes["fill"]))


def test_one_dpi_rule_for_files_and_for_the_server(demo_client, demo_workspace_path, tmp_path, capsys):
    assert check_dpi(DPI_MIN) == DPI_MIN and check_dpi(str(DPI_MAX)) == DPI_MAX
    for bad in (DPI_MIN - 1, DPI_MAX + 1, "1e3", "-72"):
        with pytest.raises(ValueError, match=f"dpi must be a whole number from {DPI_MIN} to {DPI_MAX}"):
            check_dpi(bad)
    refused = demo_client.get(f"/map.png?province=95&dpi={SERVED_DPI_MAX + 1}")
    assert refused.status_code == 400
    assert f"from {DPI_MIN} to {SERVED_DPI_MAX}" in refused.get_data(as_text=True)
    code = main(["map", "--workspace", str(demo_workspace_path), "--province", "95", "--dpi", str(DPI_MAX + 1),
                 "--out", str(tmp_path / "map.png")])
    assert code != 0 and f"from {DPI_MIN} to {DPI_MAX}" in capsys.readouterr().err
    assert not (tmp_path / "map.png").exists()
