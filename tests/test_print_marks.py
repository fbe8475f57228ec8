"""What every print map carries besides the map (as MapAction maps do): a map number and version,
the projection, the data sources with their dates, and a link back to the same view in the web app,
as a URL and a QR code of exactly that URL."""

from __future__ import annotations

import base64
import io
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import numpy as np
import pytest
import segno
from PIL import Image

from geoaid.analysis.filters import Filters
from geoaid.cli import main
from geoaid.output.print_marks import map_number, projection_name
from geoaid.output.printmap import render_map
from geoaid.snapshot import Snapshot
from geoaid.store.workspace import Workspace

SVG_TEXT = "{http://www.w3.org/2000/svg}text"
HEALTH_IN_CA_MAU = Filters(provinces=("96",), sectors=("health",))
URL = "http://127.0.0.1:5000/?view=gap&province=96&sector=health"


@pytest.fixture(scope="module")
def svg(demo_workspace):
    analysis = Snapshot.read(demo_workspace).on("2019")
    return analysis, render_map(analysis, "gap", HEALTH_IN_CA_MAU, fmt="svg", dpi=72, lang="en")


def _text(body: bytes) -> str:
    return " ".join(" ".join("".join(e.itertext()) for e in ET.fromstring(body).iter(SVG_TEXT)).split())


def test_a_print_map_carries_its_number_projection_and_dated_sources(svg):
    analysis, body = svg
    text = _text(body)
    assert len(analysis.frames.audit) == 2                       # the demo build: reform build, build
    number = map_number("gap", HEALTH_IN_CA_MAU, 2)
    assert re.fullmatch(r"GA-96-gap-[0-9a-f]{6}-v2", number)
    assert f"Map {number}" in text
    # stable for the same view and filters, different for others
    assert map_number("gap", Filters(provinces=("96",), sectors=("health",)), 2) == number
    assert map_number("gap", Filters(provinces=("96",), sectors=("education",)), 2) != number
    assert map_number("priority", HEALTH_IN_CA_MAU, 2) != number
    assert ("Projection: Albers Equal Area (Latitude of false origin 16, Longitude of false origin 106, "
            "Latitude of 1st standard parallel 10, Latitude of 2nd standard parallel 22), WGS 84") in text
    assert projection_name("EPSG:4326") == "WGS 84 / EPSG:4326"
    built = analysis.frames.metadata["built_on"]
    assert f"boundary version 2019 ({built})." in text
    assert f"Projects: geoaid/samples.py (SAMPLE, not official) ({built})." in text
    # the official lists of the build (Decisions 353 and 891) beside the sample ones
    assert ("Classifications: Decision 353/QĐ-TTg of 15 March 2022, annex I, Decision 891/QĐ-TTg of 26 July 2022, "
            "none (sample data); boundaries/data/qd353_2022_poor_districts_hagiang.csv, "
            f"boundaries/data/qd891_2022_atk_communes_camau.csv, geoaid/samples.py (SAMPLE, not official) ({built})"
            ) in text
    assert f"Same view in the web app: {URL}" in text


def test_the_qr_code_on_the_map_is_the_printed_url(svg):
    _analysis, body = svg
    group = next(g for g in ET.fromstring(body).iter("{http://www.w3.org/2000/svg}g") if g.get("id") == "geoaid-qr")
    href = next(group.iter("{http://www.w3.org/2000/svg}image")).get("{http://www.w3.org/1999/xlink}href")
    image = Image.open(io.BytesIO(base64.b64decode(href.split(",", 1)[1]))).convert("L")
    drawn = np.array(image) < 128                                # dark modules
    expected = np.array([[bool(cell) for cell in row] for row in segno.make(URL, error="m").matrix_iter(border=2)])
    assert drawn.shape == expected.shape and (drawn == expected).all()


def test_the_printed_url_opens_the_same_view(demo_client):
    page = demo_client.get(URL.removeprefix("http://127.0.0.1:5000"))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert re.search(r'<option value="96"[^>]*selected', html)
    assert re.search(r'<option value="health"[^>]*selected', html)


def test_the_base_url_comes_from_the_setting_or_the_command_line(writable_workspace, tmp_path):
    path = str(writable_workspace.path)
    assert main(["settings", "set", "web_base_url", '"https://geoaid.camau.gov.vn"', "--workspace", path]) == 0
    # a provincial office's project list (UTF-8 with BOM, as Excel saves CSV), imported today
    (tmp_path / "du-an-ca-mau-2025.csv").write_text(
        "project_id,title,donor,sector,budget,currency,start_date,end_date,locations\n"
        "CM-01,Trạm y tế xã Khánh Hòa,Quỹ Hỗ trợ Cộng đồng,health,1.500.000.000,VND,01/03/2025,31/12/2025,"
        "\"Xã Khánh Hòa, Huyện U Minh\"\n", encoding="utf-8-sig")
    assert main(["import", "projects", str(tmp_path / "du-an-ca-mau-2025.csv"), "--workspace", path]) == 0
    imported = Workspace(path).read("audit_log")["at"].iloc[-1][:10]
    assert imported == datetime.now(UTC).date().isoformat()
    assert main(["map", "--view", "gap", "--province", "96", "--dpi", "72", "--workspace", path,
                 "--out", str(tmp_path / "a.svg")]) == 0
    assert main(["map", "--view", "gap", "--province", "96", "--dpi", "72", "--workspace", path,
                 "--base-url", "http://10.0.0.5:8080", "--out", str(tmp_path / "b.svg")]) == 0
    setting, given = _text((tmp_path / "a.svg").read_bytes()), _text((tmp_path / "b.svg").read_bytes())
    assert "https://geoaid.camau.gov.vn/?view=gap&province=96" in setting
    assert "http://10.0.0.5:8080/?view=gap&province=96" in given
    assert f"Projects: du-an-ca-mau-2025.csv ({imported}), geoaid/samples.py" in setting
    # the setting change and the import are in the audit log: the map's version moved on from v2
    assert re.search(r"Map GA-96-gap-[0-9a-f]{6}-v4 ", setting)


def test_a_base_url_that_is_no_web_address_is_refused(demo_workspace_path, tmp_path, capsys):
    assert main(["map", "--province", "96", "--base-url", "javascript:alert(1)", "--workspace",
                 str(demo_workspace_path), "--out", str(tmp_path / "m.svg")]) == 2
    assert "web_base_url is the web app's address" in capsys.readouterr().err
    assert not (tmp_path / "m.svg").exists()
