"""People targeted and reached, and the gap basis, where planners and donors read them: the commune page,
the gap-map popup (a real Chromium), the donor page, the API and the exports."""

import csv
import io
import shutil

import openpyxl
import pyogrio
import pytest

from geoaid.analysis.beneficiaries import COUNT_COLUMNS
from geoaid.analysis.coverage import coverage
from geoaid.analysis.frames import load_frames
from geoaid.cli import main
from geoaid.imports import projects
from geoaid.reform.versions import frames_for_version
from geoaid.store import schema
from geoaid.store.workspace import Workspace
from tests.beneficiary_files import three_w_with_children
from tests.browser import LOOPBACK, chromium_page, serve
from web import create_app

HOSTILE = "<img src=x onerror=window.__xss=1>Nước sạch"
WFP = projects.derived_project_id("WFP", "Mangrove livelihoods for shrimp farmers")


@pytest.fixture(scope="module")
def people_workspace(tmp_path_factory, demo_workspace_path):
    """The demo with the Cà Mau 3W file, a hostile title stating people, and the per-person gap basis."""
    folder = tmp_path_factory.mktemp("shown")
    path = folder / "workspace.gpkg"
    shutil.copy2(demo_workspace_path, path)
    where = ["--workspace", str(path)]
    three_w_with_children(folder / "3w.xlsx")
    assert main(["import", "projects", str(folder / "3w.xlsx"), *where]) == 0
    (folder / "hostile.csv").write_text(
        "Mã dự án,Tên dự án,Nhà tài trợ,Lĩnh vực,Kinh phí,Địa bàn,Số người hưởng lợi thực tế\n"
        f'X-1,"{HOSTILE}",Oxfam,Y tế,100.000.000.000,"Xã Tam Giang Tây, Huyện Ngọc Hiển",80\n', encoding="utf-8")
    assert main(["import", "projects", str(folder / "hostile.csv"), *where]) == 0
    assert main(["settings", "set", "gap_funding_basis", '"per_person"', *where]) == 0
    return path


@pytest.fixture(scope="module")
def people_client(people_workspace):
    return create_app(people_workspace).test_client()


def test_commune_page_shows_people_and_the_gap_basis_escaped(people_client):
    page = people_client.get("/communes/32233?lang=en").get_data(as_text=True)
    # Tam Giang Tây: 500 targeted (UNICEF's row), 80 reached (the hostile project), 200 children reached
    assert '<dd id="gap-basis">funding per inhabitant</dd>' in page
    assert ('<tr data-group="total"><td>Everyone</td><td class="text-end">500</td><td class="text-end">80</td>'
            in page)
    assert '<tr data-group="children"><td>Children</td><td class="text-end">0</td><td class="text-end">200</td>' \
           '<td class="text-end"><small class="text-muted">no census base</small>' in page
    assert "&lt;img src=x onerror=" in page and HOSTILE not in page
    vi = people_client.get("/communes/32233?lang=vi").get_data(as_text=True)
    assert '<dd id="gap-basis">kinh phí bình quân đầu người</dd>' in vi and "Trẻ em" in vi


def test_api_commune_figures_and_geojson_properties(people_client):
    commune = people_client.get("/api/v1/communes/32233").get_json()["commune"]
    assert (commune["people_targeted"], commune["people_reached"], commune["children_reached"],
            commune["gap_basis"]) == (500, 80, 200, "per_person")
    assert commune["people_reached_pct"] == round(100 * 80 / commune["population"], 1)
    features = people_client.get("/api/v1/gaps.geojson?province=96").get_json()["features"]
    props = next(f["properties"] for f in features if f["id"] == "32233")
    assert (props["people_targeted"], props["people_reached"], props["gap_basis"]) == (500, 80, "per_person")


def test_donor_page_says_people_reached_in_the_communes_it_funds(people_client):
    page = people_client.get("/donors/WFP?lang=en").get_data(as_text=True)
    # WFP's communes Hiệp Tùng and Tam Giang Đông: 180 + 150 reached, 200 + 150 targeted
    assert '<li id="people-reached-in-funded">People reached in the communes you fund: 330</li>' in page
    assert "People targeted 350 · People reached 330" in page


def test_exports_carry_people_columns_and_hashtags(people_workspace, tmp_path):
    where = ["--workspace", str(people_workspace)]
    out = tmp_path / "gaps.csv"
    assert main(["export", "gaps", "--province", "96", "--format", "csv", "--hxl", "--out", str(out), *where]) == 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    header, tags = rows[0], rows[1]
    assert tags[header.index("people_reached")] == "#reached"
    assert tags[header.index("children_reached")] == "#reached+children"
    row = next(r for r in rows[2:] if r[header.index("commune_code")] == "32233")
    assert (row[header.index("people_targeted")], row[header.index("people_reached")]) == ("500", "80")
    gpkg = tmp_path / "gaps.gpkg"
    assert main(["export", "gaps", "--province", "96", "--format", "gpkg", "--out", str(gpkg), *where]) == 0
    layer = pyogrio.read_dataframe(gpkg, layer="gaps")
    assert int(layer.loc[layer["commune_code"] == "32233", "children_reached"].iloc[0]) == 200
    book = tmp_path / "projects.xlsx"
    assert main(["export", "projects", "--province", "96", "--format", "xlsx", "--out", str(book), *where]) == 0
    workbook = openpyxl.load_workbook(book)
    header = [cell.value for cell in workbook.worksheets[0][1]]
    assert "People reached / Số người đã hưởng lợi" in header
    notes = {row[0]: row[1] for row in workbook["notes"].iter_rows(values_only=True)}
    assert notes["People / Người hưởng lợi"].startswith("People targeted and reached as the projects state them")
    # The projects export read back: each project's people as stated, for the whole project.
    data, report = projects.prepare_all(book, Workspace(people_workspace).read(schema.COMMUNES),
                                        {"VND": 1, "USD": 25_000, "EUR": 27_000})
    assert report.ok
    people = data[3]
    wfp = people[people["project_id"] == WFP]
    assert sorted(zip(wfp["group"], wfp["kind"], wfp["count"])) == [("total", "reached", 330),
                                                                     ("total", "targeted", 350)]


@pytest.mark.browser
def test_gap_map_popup_shows_people_and_the_gap_basis_as_text(people_workspace, tmp_path):
    with serve(create_app(people_workspace, LOOPBACK)) as url, chromium_page(tmp_path) as page:
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url + "/?lang=en&province=96", wait_until="load")
        page.wait_for_function("() => document.body.dataset.mapReady === 'yes'", timeout=30000)
        page.evaluate("""() => {
            const layer = geoaidMap.layers.communes.getLayers().find(l => l.feature.id === '32233');
            layer.openPopup(layer.getBounds().getCenter());
        }""")
        popup = page.locator(".leaflet-popup-content .geoaid-popup")
        popup.wait_for(timeout=10000)
        text = popup.inner_text()
        assert "Gap computed on\nfunding per inhabitant" in text
        assert "People targeted\n500" in text and "People reached\n80" in text
        assert "Population reached (%)" in text
        assert HOSTILE in text and popup.locator("img").count() == 0     # the title is text
        assert page.evaluate("window.__xss") is None and errors == []


def test_people_on_the_2025_communes_add_up_to_the_legacy_ones(people_workspace):
    workspace = Workspace(people_workspace)
    legacy = load_frames(workspace)
    reformed = frames_for_version(legacy, workspace, "2025")
    old, new = coverage(legacy), coverage(reformed, allocations=reformed.allocations)
    for column in COUNT_COLUMNS:
        assert int(new[column].sum()) == int(old[column].sum()), column
    # the 3W rows: 500 + 300 + 120 + 200 + 150 + 40 targeted, 200 + 100 + 50 children reached
    assert int(new["people_targeted"].sum()) == 1310 and int(new["children_reached"].sum()) == 350


def test_district_export_sums_its_communes_people(people_workspace, tmp_path):
    out = tmp_path / "districts.csv"
    assert main(["export", "districts", "--province", "96", "--format", "csv", "--out", str(out),
                 "--workspace", str(people_workspace)]) == 0
    rows = {row["district"]: row for row in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig")))}
    ngoc_hien = rows["Huyện Ngọc Hiển"]       # 66,874 people (census 2019)
    # UNICEF 500 + 300 + 120, IFRC 40 targeted; the hostile project's 80 reached; 200 + 100 + 50 children
    assert (ngoc_hien["people_targeted"], ngoc_hien["people_reached"], ngoc_hien["children_reached"]) == (
        "960", "80", "350")
    assert ngoc_hien["people_reached_pct"] == "0.1"                     # 80 / 66,874


def test_donor_command_says_the_people(people_workspace, capsys):
    assert main(["donor", "WFP", "--workspace", str(people_workspace)]) == 0
    assert ("People reached in the communes it funds: 330; its projects state 350 targeted, 330 reached"
            in capsys.readouterr().out)
