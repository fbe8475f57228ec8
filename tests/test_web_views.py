"""Gap map, donor view, planner, commune pages, exports and print maps through the test client."""

import io
import json

import openpyxl
import pytest

from geoaid.demo.samples import HOSTILE_TITLE

DONOR = "Sample Donor A (fictitious)"


def test_gap_map_page_has_filters_and_download_links(demo_client):
    html = demo_client.get("/?province=96&sector=health&view=priority").get_data(as_text=True)
    for fragment in ('id="filters"', 'name="sector"', 'name="donor"', 'name="year"', 'name="zone"',
                     'name="scheme"', '/export/gaps.xlsx?', '/map.png?', "view=priority",
                     "/api/v1/gaps.geojson?", "markercluster.js"):
        assert fragment in html, fragment
    assert "cdnjs" not in html and "cdn.jsdelivr" not in html
    assert "DỮ LIỆU MẪU" in html


def test_gap_geojson_carries_classes_projects_and_zones(demo_client):
    data = json.loads(demo_client.get("/api/v1/gaps.geojson?province=96").data)
    assert data["sample"] is True and data["view"] == "gap"
    assert len(data["features"]) == 100
    props = [f["properties"] for f in data["features"]]
    assert {"gap_score", "gap_rank", "classes", "ethnic_minority", "coastal", "fill", "projects"} <= set(props[0])
    assert any(p["coastal"] for p in props)
    assert len(data["legend"]) >= 2 and data["legend"][0]["label"] == "0"


def test_hostile_title_is_json_text_and_escaped_in_pages(demo_client):
    projects = json.loads(demo_client.get("/api/v1/projects").data)["projects"]
    hostile = next(p for p in projects if p["title"] == HOSTILE_TITLE)
    allocations = json.loads(demo_client.get("/api/v1/projects").data)["allocations"]
    commune = next(a["commune_code"] for a in allocations if a["project_id"] == hostile["project_id"])
    html = demo_client.get(f"/communes/{commune}").get_data(as_text=True)
    assert "<script>window.__xss" not in html and "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html
    donor_html = demo_client.get("/donors/" + hostile["donor"]).get_data(as_text=True)
    assert "<img src=x" not in donor_html and "&lt;img src=x" in donor_html


def test_donor_pages(demo_client):
    listing = demo_client.get("/donors").get_data(as_text=True)
    assert DONOR in listing
    page = demo_client.get("/donors/sample donor a (FICTITIOUS)").get_data(as_text=True)
    assert DONOR in page and 'id="priority-share"' in page and 'id="projects"' in page
    reach = demo_client.get(f"/api/v1/donors/{DONOR}").json
    assert reach["donor"] == DONOR and reach["totals"]["projects"] > 0
    geo = json.loads(demo_client.get(f"/api/v1/donors/{DONOR}.geojson").data)
    assert geo["donor"] == DONOR and geo["features"]


def test_planner_ranks_and_links_and_downloads(demo_client):
    html = demo_client.get("/planner?sector=health&province=02&limit=10").get_data(as_text=True)
    assert html.count('href="/communes/') >= 10 and 'id="ranking"' in html
    response = demo_client.get("/export/gaps.xlsx?sector=health&province=02")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    header = [c.value for c in book.worksheets[0][1]]
    assert "Commune / Xã" in header and "Gap rank / Thứ hạng thiếu hụt" in header
    assert len(list(book.worksheets[0].rows)) == 194
    notes = {row[0].value: row[1].value for row in book["notes"].iter_rows(min_row=2)}
    assert any(key.startswith("SAMPLE DATA") for key in notes) and notes["Filters"] == "Tỉnh Hà Giang; Health"
    csv = demo_client.get("/export/gaps.csv?province=95").data
    assert csv.startswith("\ufeff".encode()) and "Tỉnh Bạc Liêu".encode() in csv


def test_commune_page_shows_classes_projects_and_neighbours(demo_client):
    html = demo_client.get("/communes/00736").get_data(as_text=True)
    assert "Xã Sà Phìn" in html and 'id="neighbours"' in html and 'id="classes"' in html
    assert html.count('href="/communes/') >= 3
    data = demo_client.get("/api/v1/communes/00736").json
    assert data["commune"]["commune_name"] == "Xã Sà Phìn" and len(data["neighbours"]) >= 3


def test_print_map_download_uses_the_filters(demo_client):
    response = demo_client.get("/map.pdf?province=95&sector=health&dpi=100")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert demo_client.get("/map.png?dpi=5000").status_code == 400
    assert demo_client.get("/map.png?paper=B5").status_code == 400


PAGES = ["/", "/?view=coverage&province=96", "/donors", f"/donors/{DONOR}", "/planner", "/communes/00736",
         "/api", "/donors/Nobody", "/?year=abc"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_load_no_asset_from_another_host(demo_client, url):
    import re

    html = demo_client.get(url).get_data(as_text=True)
    tags = re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", html, flags=re.I)
    assert tags, url
    external = [tag for tag in tags if re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", tag, re.I)]
    assert external == []
    assert "@import" not in html


def test_sector_keys_are_shown_as_labels_in_the_page_language(demo_client):
    english = demo_client.get("/communes/00736?lang=en").get_data(as_text=True)
    assert "Education and training" in english and ">agriculture<" not in english
    vietnamese = demo_client.get("/communes/00736?lang=vi").get_data(as_text=True)
    assert "Giáo dục và đào tạo" in vietnamese and "Nông nghiệp, lâm nghiệp" in vietnamese
    donor = demo_client.get(f"/donors/{DONOR}?lang=vi").get_data(as_text=True)
    assert "<td>Y tế</td>" in donor and "<td>health</td>" not in donor
    # The API stays language-neutral: keys, which the map script labels.
    data = json.loads(demo_client.get("/api/v1/gaps.geojson?province=02").data)
    sectors = {p["sector"] for f in data["features"] for p in f["properties"]["projects"]}
    assert sectors and sectors <= {"education", "health", "vocational", "agriculture", "social",
                                   "environment", "culture"}


def test_period_filter_from_to_in_the_form_and_errors(demo_client):
    html = demo_client.get("/planner?from=2024-01-01&to=2024-06-30").get_data(as_text=True)
    assert 'name="from"' in html and 'value="2024-01-01"' in html and 'value="2024-06-30"' in html
    everything = demo_client.get("/api/v1/gaps?province=96").json["communes"]
    early = demo_client.get("/api/v1/gaps?province=96&from=2010-01-01&to=2010-12-31").json["communes"]
    assert sum(c["project_count"] for c in early) == 0 < sum(c["project_count"] for c in everything)
    response = demo_client.get("/planner?from=2024-06-30&to=2024-01-01")
    assert response.status_code == 400 and "before" in response.get_data(as_text=True)


def test_unknown_donor_404_suggests_close_names(demo_client):
    page = demo_client.get("/donors/Sample Donr A?lang=en")
    html = page.get_data(as_text=True)
    assert page.status_code == 404 and 'id="suggestions"' in html
    assert 'href="/donors/Sample%20Donor%20A%20(fictitious)"' in html and 'href="/donors"' in html
    api = demo_client.get("/api/v1/donors/Sample Donr A")
    assert api.status_code == 404 and api.json["suggestions"][0] == DONOR
    assert demo_client.get("/donors/zzzzzz").status_code == 404


def test_home_passes_geometry_detail_to_its_data_and_checks_it(demo_client):
    html = demo_client.get("/?province=96&detail=national").get_data(as_text=True)
    data_url = html.split("dataUrl:", 1)[1].split("\n", 1)[0]
    assert "/api/v1/gaps.geojson" in data_url and "detail=national" in data_url
    page = demo_client.get("/?province=96").get_data(as_text=True)
    assert "detail" not in page.split("dataUrl:", 1)[1].split("\n", 1)[0]
    bad = demo_client.get("/?detail=max")
    assert bad.status_code == 400 and "detail must be one of" in bad.get_data(as_text=True)


def test_api_page_lists_every_endpoint_with_a_working_example(demo_client):
    import re

    html = demo_client.get("/api?lang=en").get_data(as_text=True)
    spec = demo_client.get("/api/v1/openapi.json").json
    for path in spec["paths"]:
        assert f"<code>{path}</code>" in html
    examples = re.findall(r'<a href="(/api/v1/[^"]+)">GET</a>', html)
    assert len(examples) == len(spec["paths"])
    for url in examples:
        assert demo_client.get(url).status_code == 200, url


def test_map_and_planner_say_which_filters_are_shown(demo_client):
    html = demo_client.get("/?province=96&sector=health&year=2024&lang=vi").get_data(as_text=True)
    assert "Tỉnh Cà Mau; Y tế; Năm 2024" in html
    planner = demo_client.get("/planner?sector=education&lang=en").get_data(as_text=True)
    assert 'id="filters-text"' in planner and "Education and training" in planner


def test_legend_units_follow_the_page_language_and_the_api_sets_no_cookie(demo_client):
    vietnamese = demo_client.get("/api/v1/gaps.geojson?province=02&lang=vi")
    labels = [entry["label"] for entry in json.loads(vietnamese.data)["legend"][1:]]
    assert labels and all(label.endswith(" điểm") for label in labels)
    assert "Set-Cookie" not in vietnamese.headers
    english = json.loads(demo_client.get("/api/v1/gaps.geojson?province=02").data)["legend"][1:]
    assert all(entry["label"].endswith(" pts") for entry in english)
    page = demo_client.get("/?province=02&lang=vi").get_data(as_text=True)
    assert "lang=vi" in page.split("dataUrl:", 1)[1].split("\n", 1)[0]
