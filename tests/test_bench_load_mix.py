"""bench/load.py's URL mix: what wrk requests must be what the app answers, in the stated groups and weights."""

import gzip

import pytest

from bench.load import GROUPS, communes_layer, group_paths, pygeoapi_layer, save_static, url_mix, write_mix_file


def test_every_url_of_the_mix_answers_200_on_the_demo(demo_workspace, demo_client):
    mix = url_mix(demo_workspace)
    assert len({url for _, url, _ in mix}) == len(mix)   # each URL once, its weight says how often
    for _kind, url, _weight in mix:
        response = demo_client.get(url, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200, url


def test_groups_repeat_each_url_by_its_weight_and_keep_to_their_kinds():
    mix = [("page", "/", 2), ("api", "/api/v1/donors", 3), ("asset", "/vendor/leaflet.js", 1),
           ("layer", communes_layer("96"), 1)]
    assert group_paths(mix, "communes layer") == ["/api/v1/communes.geojson?province=96"]
    assert group_paths(mix, "layers & API") == ["/api/v1/donors"] * 3 + ["/api/v1/communes.geojson?province=96"]
    assert group_paths(mix, "pages") == ["/", "/", "/vendor/leaflet.js"]
    assert sorted(group_paths(mix, "mixed")) == sorted(["/", "/", "/api/v1/donors", "/api/v1/donors",
                                                        "/api/v1/donors", "/vendor/leaflet.js",
                                                        "/api/v1/communes.geojson?province=96"])
    assert GROUPS == ("communes layer", "layers & API", "pages", "mixed")


def test_pygeoapi_is_asked_for_the_same_province_and_properties():
    assert pygeoapi_layer("02") == ("/collections/communes/items?f=json&province_code=02&limit=1000"
                                    "&properties=name,district_name,province_name,area_km2")


def test_the_mix_file_holds_one_path_a_line_and_refuses_what_wrk_would_misread(tmp_path):
    written = write_mix_file(["/", "/api/v1/gaps?province=96", "/"], tmp_path, "pages")
    assert written.read_text(encoding="utf-8") == "/\n/api/v1/gaps?province=96\n/\n"
    for bad in ([], ["api/v1/donors"], ["/a\n/b"]):
        with pytest.raises(ValueError):
            write_mix_file(bad, tmp_path, "bad")


def test_static_copies_for_nginx_keep_each_body_and_its_gzip(tmp_path):
    files = save_static({"/?province=96": ("text/html; charset=utf-8", "<p>Cà Mau</p>".encode()),
                         "/api/v1/donors": ("application/json", b'{"donors": []}')}, tmp_path)
    assert files == {"/?province=96": "/b0.html", "/api/v1/donors": "/b1.json"}
    assert (tmp_path / "b0.html").read_text(encoding="utf-8") == "<p>Cà Mau</p>"
    assert gzip.decompress((tmp_path / "b1.json.gz").read_bytes()) == b'{"donors": []}'
