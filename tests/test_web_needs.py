"""Local needs in the web app: the open-needs map layer's data, commune pages, the donor page and its brief."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from geoaid.cli import main
from geoaid.store import schema
from tests.needs_workbooks import needs_workbook
from tests.web_uploads import confirm, sha256, upload

DONOR = "Sample Donor A (fictitious)"


@pytest.fixture
def needs_client(app, writable_workspace, tmp_path):
    """The app on a demo copy into which the plan annex of tests/needs_workbooks.py was imported."""
    path = tmp_path / "nhu-cau.xlsx"
    needs_workbook(path)
    assert main(["import", "needs", str(path), "--workspace", str(writable_workspace.path)]) == 0
    return app.test_client()


def test_the_map_layer_has_the_open_needs_as_points_in_their_place(needs_client):
    response = needs_client.get("/api/v1/needs.geojson?province=96&sector=health")
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    features = response.get_json()["features"]
    assert [f["properties"]["place_name"] for f in features] == [
        "Xã Khánh Hòa (Huyện U Minh)", "Xã Khánh Lâm, Xã Khánh An (Huyện U Minh)"]
    # the text is data: the map draws it with textContent (geoaid-map.js), JSON keeps it as written
    assert features[1]["properties"]["description"] == "Trang thiết bị cho trạm y tế <b>xã</b>"
    lon, lat = features[0]["geometry"]["coordinates"]
    assert 104.8 < lon < 105.3 and 9.1 < lat < 9.5                        # inside U Minh
    home = needs_client.get("/?province=96").get_data(as_text=True)
    assert 'needsUrl: "/api/v1/needs.geojson?province=96"' in home


def test_commune_pages_list_their_needs_and_the_districts_escaped(needs_client):
    page = needs_client.get("/communes/32056?lang=vi").get_data(as_text=True)
    assert "Trang thiết bị cho trạm y tế &lt;b&gt;xã&lt;/b&gt;" in page and "<b>xã</b>" not in page
    assert "chưa đáp ứng" in page and "Ưu tiên 2" in page
    town = needs_client.get("/communes/32098?lang=en").get_data(as_text=True)
    table = town[town.index('id="needs"'):town.index("</table>", town.index('id="needs"'))]
    assert "Nhà vệ sinh trường học" in table and "Sửa chữa trường mầm non" in table
    assert "(Huyện Trần Văn Thời (toàn huyện))" in table and "Kế hoạch 37/KH-UBND" in table


def test_the_donor_page_lists_the_needs_that_fit_and_links_the_brief(needs_client):
    page = needs_client.get(f"/donors/{quote(DONOR)}?lang=en").get_data(as_text=True)
    table = page[page.index('id="fitting-needs"'):page.index("</table>", page.index('id="fitting-needs"'))]
    assert "Trang thiết bị cho trạm y tế &lt;b&gt;xã&lt;/b&gt;" in table
    assert "funds Health" in table and "already works in Xã Khánh Hòa (Huyện U Minh)" in table
    pdf = needs_client.get(f"/donors/{quote(DONOR)}/brief.pdf?lang=vi")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    xlsx = needs_client.get(f"/donors/{quote(DONOR)}/brief.xlsx?lang=en")
    assert xlsx.status_code == 200 and xlsx.data.startswith(b"PK")
    assert needs_client.get("/donors/Nobody/brief.pdf").status_code == 404
    assert needs_client.get(f"/donors/{quote(DONOR)}/brief.doc").status_code == 400


def test_a_planner_uploads_a_needs_list_with_its_source_and_confirms(planner, writable_workspace, tmp_path):
    path = tmp_path / "nhu-cau.xlsx"
    needs_workbook(path)
    form = planner.get("/manage").get_data(as_text=True)
    assert "/manage/import/needs" in form and 'name="source"' in form          # from the declared options
    before = sha256(writable_workspace.path)
    preview = upload(planner, "needs", "nhu cầu 2025.xlsx", path.read_bytes(), source="Quyết định 12/QĐ-UBND")
    assert preview.status_code == 200
    assert sha256(writable_workspace.path) == before                          # a preview writes nothing
    assert confirm(planner, preview).status_code == 200
    stored = writable_workspace.read(schema.NEEDS).set_index("description")
    assert len(stored) == 5
    assert stored.loc["Kênh mương nội đồng", "source"] == "Quyết định 12/QĐ-UBND"
    assert stored.loc["Xây mới trạm y tế xã", "source"] == "Kế hoạch 37/KH-UBND"
    last = writable_workspace.read(schema.AUDIT_LOG).iloc[-1]
    assert (last["user"], last["action"], last["file"]) == ("planner1", "import needs", "nhu cầu 2025.xlsx")
