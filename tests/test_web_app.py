"""Flask test-client checks of every route and error path of the app."""

import json

import pytest

from web import create_app


def test_home_page_uses_only_local_assets(demo_client):
    response = demo_client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'charset="utf-8"' in html
    assert "cdn." not in html and "cdnjs" not in html and "code.jquery.com" not in html
    for asset in ("/vendor/leaflet.js", "/vendor/leaflet.css", "/vendor/jquery.js", "/vendor/bootstrap.js"):
        assert asset in html
        assert demo_client.get(asset).status_code == 200


def test_vendor_route_serves_only_the_allow_list(demo_client):
    assert demo_client.get("/vendor/../package.json").status_code == 404
    assert demo_client.get("/vendor/leaflet/dist/leaflet.js").status_code == 404
    assert demo_client.get("/vendor/%2e%2e/%2e%2e/etc/passwd").status_code == 404


def test_communes_geojson_is_cached_and_complete(demo_client):
    response = demo_client.get("/api/v1/communes.geojson?province=96")
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    data = json.loads(response.data)
    assert len(data["features"]) == 100
    names = {f["properties"]["name"] for f in data["features"]}
    assert "Phường 2" in names and "Xã Tân Thành" in names
    assert data["legend"] == [{"colour": data["features"][0]["properties"]["fill"], "label": "Tỉnh Cà Mau"}]
    assert data["boundary_version"] == "2019"
    assert "max-age=300" in response.headers["Cache-Control"]
    again = demo_client.get("/api/v1/communes.geojson?province=96",
                       headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("url, message", [
    ("/api/v1/communes.geojson?province=77", "unknown province"),
    ("/api/v1/communes.geojson?province=<script>", "unknown province"),
    ("/api/v1/communes.geojson?detail=max", "detail must be one of"),
    ("/api/v1/communes?province=abc", "unknown province"),
    ("/api/v1/gaps?year=abc", "four-digit year"),
    ("/api/v1/gaps.geojson?sector=space", "unknown sector"),
    ("/api/v1/gaps.geojson?view=rainbow", "view must be one of"),
    ("/api/v1/gaps?zone=mountain", "unknown zone"),
    ("/api/v1/projects?from=2024-02-30", "must be a date"),
    ("/api/v1/overlaps?year=2024&from=2024-01-01", "either year"),
])
def test_bad_api_parameters_are_400_json(demo_client, url, message):
    response = demo_client.get(url)
    assert response.status_code == 400
    assert message in response.json["error"]


@pytest.mark.parametrize("url", ["/api/v1/donors/Nobody", "/api/v1/communes/99999",
                                 "/api/v1/donors/Nobody.geojson"])
def test_unknown_api_things_are_404_json(demo_client, url):
    response = demo_client.get(url)
    assert response.status_code == 404 and "unknown" in response.json["error"]


@pytest.mark.parametrize("url", ["/donors/Nobody", "/communes/99999", "/export/secrets.csv",
                                 "/map.gif"])
def test_unknown_pages_are_404_or_400_without_traceback(demo_client, url):
    response = demo_client.get(url)
    assert response.status_code in (400, 404) and "Traceback" not in response.get_data(as_text=True)


def test_bad_page_parameter_is_a_400_page_with_the_message_escaped(demo_client):
    response = demo_client.get("/?province=<b>x</b>")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html


def test_unknown_route_is_404_without_traceback(demo_client):
    response = demo_client.get("/no-such-page")
    assert response.status_code == 404 and "Traceback" not in response.get_data(as_text=True)
    api = demo_client.get("/api/v1/nothing")
    assert api.status_code == 404 and set(api.json) == {"error"}


def test_unexpected_errors_show_no_stack_trace(demo_workspace_path):
    app = create_app(demo_workspace_path)

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    text = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "secret internals" not in text and "Traceback" not in text


def test_language_choice(demo_client):
    fresh = demo_client.application.test_client
    browser = fresh()
    assert 'lang="en"' in browser.get("/?lang=en").get_data(as_text=True)
    assert 'lang="en"' in browser.get("/").get_data(as_text=True)          # remembered in a cookie
    assert 'lang="vi"' in fresh().get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    english = fresh().get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert 'lang="en"' in english and "Basemap offline" in english
    vietnamese = fresh().get("/").get_data(as_text=True)
    assert "Bản đồ nền ngoại tuyến" in vietnamese


def test_language_cookie_is_secure_over_https(demo_client):
    over_https = demo_client.application.test_client().get("/?lang=en", base_url="https://localhost")
    over_http = demo_client.application.test_client().get("/?lang=en")
    assert "lang=en" in over_https.headers["Set-Cookie"] and "Secure" in over_https.headers["Set-Cookie"]
    assert "lang=en" in over_http.headers["Set-Cookie"] and "Secure" not in over_http.headers["Set-Cookie"]


def test_communes_attributes_and_openapi(demo_client):
    records = demo_client.get("/api/v1/communes?province=95").json["communes"]
    assert len(records) == 64 and {"code", "name", "district_name"} <= set(records[0])
    spec = demo_client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    for path in ("/api/v1/communes.geojson", "/api/v1/gaps", "/api/v1/gaps.geojson", "/api/v1/projects",
                 "/api/v1/donors", "/api/v1/donors/{donor}", "/api/v1/overlaps"):
        assert path in spec["paths"], path
    assert "/api/v1/communes.geojson" in demo_client.get("/api").get_data(as_text=True)


def test_missing_workspace_is_a_clear_503(tmp_path):
    response = create_app(tmp_path / "none.gpkg").test_client().get("/")
    assert response.status_code == 503 and "geoaid demo" in response.get_data(as_text=True)


def test_missing_front_end_assets_stop_start_up_with_the_fix(demo_workspace_path, tmp_path, monkeypatch):
    import web.vendor

    monkeypatch.setattr(web.vendor, "NODE_MODULES", tmp_path / "node_modules")
    with pytest.raises(RuntimeError, match="run `npm ci`"):
        create_app(demo_workspace_path)


def test_package_lock_pins_every_served_library():
    from pathlib import Path

    from web.vendor import VENDOR_FILES

    root = Path(__file__).resolve().parent.parent
    package = json.loads((root / "package.json").read_text())
    lock = json.loads((root / "package-lock.json").read_text())
    served = {rel.split("/")[0] for rel in VENDOR_FILES.values()}
    assert served <= set(package["dependencies"])
    for name in served:
        version = package["dependencies"][name]
        assert version[0].isdigit(), f"{name} must be pinned exactly, not {version}"
        assert lock["packages"][f"node_modules/{name}"]["version"] == version
        assert lock["packages"][f"node_modules/{name}"]["integrity"].startswith("sha512-")
