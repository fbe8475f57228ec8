"""Gap map, donor view, planner, commune pages, exports and print maps through the test client."""

import io
import json

import openpyxl
import pytest

from geoaid.samples import HOSTILE_TITLE
from web import create_app

DONOR = "Sample Donor A (fictitious)"


@pytest.fixture(scope="module")
def client(demo_workspace_path):
    return create_app(demo_workspace_path).test_client()


def test_gap_map_page_has_filters_and_download_links(client):
    html = client.get("/?province=96&sector=health&view=priority").get_data(as_text=True)
    for fragment in ('id="filters"', 'name="sector"', 'name="donor"', 'name="year"', 'name="zone"',
                     'name="scheme"', '/export/gaps.xlsx?', '/map.png?', "view=priority",
                     "/api/v1/gaps.geojson?", "markercluster.js"):
        assert fragment in html, fragment
    assert "cdnjs" not in html and "cdn.jsdelivr" not in html
    assert "DỮ LIỆU MẪU" in html


def test_gap_geojson_carries_classes_projects_and_zones(client):
    data = json.loads(client.get("/api/v1/gaps.geojson?province=96").data)
    assert data["sample"] is True and data["view"] == "gap"
    assert len(data["features"]) == 100
    props = [f["properties"] for f in data["features"]]
    assert {"gap_score", "gap_rank", "classes", "ethnic_minority", "coastal", "fill", "projects"} <= set(props[0])
    assert any(p["coastal"] for p in props)
    assert len(data["legend"]) >= 2 and data["legend"][0]["label"] == "0"


def test_hostile_title_is_json_text_and_escaped_in_pages(client):
    projects = json.loads(client.get("/api/v1/projects").data)["projects"]
    hostile = next(p for p in projects if p["title"] == HOSTILE_TITLE)
    allocations = json.loads(client.get("/api/v1/projects").data)["allocations"]
    commune = next(a["commune_code"] for a in allocations if a["project_id"] == hostile["project_id"])
    html = client.get(f"/communes/{commune}").get_data(as_text=True)
    assert "<script>window.__xss" not in html and "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html
    donor_html = client.get("/donors/" + hostile["donor"]).get_data(as_text=True)
    assert "<img src=x" not in donor_html and "&lt;img src=x" in donor_html


def test_donor_pages(client):
    listing = client.get("/donors").get_data(as_text=True)
    assert DONOR in listing
    page = client.get("/donors/sample donor a (FICTITIOUS)").get_data(as_text=True)
    assert DONOR in page and 'id="priority-share"' in page and 'id="projects"' in page
    reach = client.get(f"/api/v1/donors/{DONOR}").json
    assert reach["donor"] == DONOR and reach["totals"]["projects"] > 0
    geo = json.loads(client.get(f"/api/v1/donors/{DONOR}.geojson").data)
    assert geo["donor"] == DONOR and geo["features"]


def test_planner_ranks_and_links_and_downloads(client):
    html = client.get("/planner?sector=health&province=02&limit=10").get_data(as_text=True)
    assert html.count('href="/communes/') >= 10 and 'id="ranking"' in html
    response = client.get("/export/gaps.xlsx?sector=health&province=02")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    header = [c.value for c in book.worksheets[0][1]]
    assert "Commune / Xã" in header and "Gap rank / Thứ hạng thiếu hụt" in header
    assert len(list(book.worksheets[0].rows)) == 194
    notes = {row[0].value: row[1].value for row in book["notes"].iter_rows(min_row=2)}
    assert any(key.startswith("SAMPLE DATA") for key in notes) and notes["Filters"] == "Tỉnh Hà Giang; Health"
    csv = client.get("/export/gaps.csv?province=95").data
    assert csv.startswith("\ufeff".encode()) and "Tỉnh Bạc Liêu".encode() in csv


def test_commune_page_shows_classes_projects_and_neighbours(client):
    html = client.get("/communes/00736").get_data(as_text=True)
    assert "Xã Sà Phìn" in html and 'id="neighbours"' in html and 'id="classes"' in html
    assert html.count('href="/communes/') >= 3
    data = client.get("/api/v1/communes/00736").json
    assert data["commune"]["commune_name"] == "Xã Sà Phìn" and len(data["neighbours"]) >= 3


def test_print_map_download_uses_the_filters(client):
    response = client.get("/map.pdf?province=95&sector=health&dpi=100")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert client.get("/map.png?dpi=5000").status_code == 400
    assert client.get("/map.png?paper=B5").status_code == 400
