"""Maps, gap ranking and commune pages on either boundary version (2019 legacy / 2025)."""

import json

from geoaid.analysis.allocation import allocate
from geoaid.analysis.frames import load_frames
from geoaid.cli import main
from geoaid.reform.versions import frames_for_version
from geoaid.store import schema


def test_cli_gaps_on_2025_communes(demo_workspace_path, capsys):
    assert main(["gaps", "--workspace", str(demo_workspace_path), "--boundary-version", "2025",
                 "--province", "96", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    # The new Cà Mau (old Cà Mau + Bạc Liêu) has 64 communes.
    assert len(data["communes"]) == 64


def test_money_is_conserved_across_versions(demo_workspace):
    legacy = load_frames(demo_workspace)
    moved = frames_for_version(legacy, demo_workspace, "2025")
    before = allocate(legacy).groupby("project_id")["amount_vnd"].sum()
    after = allocate(moved).groupby("project_id")["amount_vnd"].sum()
    assert after.reindex(before.index).astype("int64").equals(before.astype("int64"))
    assert set(allocate(moved)["commune_code"]) <= set(demo_workspace.read(schema.COMMUNES_2025)["code"])


def test_web_switches_version_and_says_so(demo_client):
    page = demo_client.get("/?version=2025&province=96").get_data(as_text=True)
    assert 'name="version"' in page and "version=2025" in page and 'id="version-text"' in page
    data = json.loads(demo_client.get("/api/v1/gaps.geojson?version=2025&province=96").data)
    assert len(data["features"]) == 64
    assert demo_client.get("/?version=1999").status_code == 400


def test_commune_page_shows_where_it_came_from_and_went(demo_client):
    new = demo_client.get("/communes/32002?version=2025").get_data(as_text=True)
    assert 'id="lineage"' in new and "/communes/32005?version=2019" in new
    old = demo_client.get("/communes/32005").get_data(as_text=True)
    assert 'id="lineage"' in old and "version=2025" in old
