"""The planner page's scenario panel through the test client: preview writes nothing, planners save,
compare and commit (CSRF, audit rows), the placement form fills the scenario, user text stays text."""

import hashlib
import html
import json
import re

from geoaid.store import schema
from tests.accounts import token

SCENARIO = re.compile(r'id="scenario-add".*?name="scenario" value="([^"]*)"', re.S)
DONOR = '<img src=x onerror="alert(1)">Quỹ'


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def scenario_of(page) -> list[dict]:
    return json.loads(html.unescape(SCENARIO.search(page.get_data(as_text=True)).group(1)))


def add(client, scenario, place, amount="2.000.000.000", **extra):
    return client.get("/planner", query_string={"lang": "en", "scenario": json.dumps(scenario), "add_place": place,
                                                "add_sector": "health", "add_amount": amount, "add_currency": "VND",
                                                "add_period": "2025", **extra})


def test_preview_adds_candidates_and_writes_nothing(client, writable_workspace):
    before = sha256(writable_workspace.path)
    page = add(client, [], "32200", add_donor=DONOR)
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert DONOR not in body and html.escape(DONOR, quote=False) in body.replace("&#34;", '"')
    page = add(client, scenario_of(page), "district:964", amount="1.600.000.000")
    scenario = scenario_of(page)
    assert [c["place"] for c in scenario] == ["32200", "district:964"]
    body = page.get_data(as_text=True)
    row = re.search(r'<tr data-code="32200">.*?</tr>', body, re.S).group(0)
    funding = re.findall(r"([\d,]+) → ([\d,]+)</td>", row)[-1]
    assert int(funding[1].replace(",", "")) - int(funding[0].replace(",", "")) == 2_000_000_000
    assert "Huyện Năm Căn" in body and "scenario-sign-in" in body           # public: may not save
    filters_form = re.search(r'id="filters".*?</form>', body, re.S).group(0)
    assert 'name="scenario"' in filters_form                                # changing filters keeps the scenario
    removed = client.get("/planner", query_string={"scenario": json.dumps(scenario), "remove": "1"})
    assert [c["place"] for c in scenario_of(removed)] == ["district:964"]
    geojson = client.get("/planner/scenario.geojson", query_string={"scenario": json.dumps(scenario),
                                                                     "state": "after", "province": "96"})
    features = {f["id"]: f["properties"] for f in geojson.get_json()["features"]}
    before_map = client.get("/planner/scenario.geojson", query_string={"scenario": json.dumps(scenario),
                                                                        "state": "before", "province": "96"})
    old = {f["id"]: f["properties"] for f in before_map.get_json()["features"]}
    assert features["32200"]["gap_score"] < old["32200"]["gap_score"] and len(features) == 100
    assert sha256(writable_workspace.path) == before
    assert client.get("/planner", query_string={"scenario": "{not json"}).status_code == 400


def test_planner_saves_compares_and_commits(planner, writable_workspace):
    scenario = [{"place": "32200", "sector": "health", "amount": "2.000.000.000", "period": "2025",
                 "donor": DONOR, "project_id": "W-1"}]
    csrf = token(planner, "/planner")
    refused = planner.post("/planner/scenarios/save", data={"scenario": json.dumps(scenario), "name": "Đất Mới"})
    assert refused.status_code == 400                                          # no CSRF token
    saved = planner.post("/planner/scenarios/save", data={"csrf_token": csrf, "scenario": json.dumps(scenario),
                                                          "name": "Đất Mới"})
    assert saved.status_code == 302
    page = planner.get(saved.headers["Location"])
    assert "Đất Mới" in re.search(r'id="saved-scenarios".*?</table>', page.get_data(as_text=True), re.S).group(0)
    assert scenario_of(page)[0]["project_id"] == "W-1"                        # loaded back into the panel
    compared = planner.get("/planner/scenarios/compare", query_string={"name": ["dat moi"]})
    assert compared.status_code == 200 and "2,000,000,000 VND" in compared.get_data(as_text=True)
    done = planner.post("/planner/scenarios/commit", data={"csrf_token": csrf, "name": "Đất Mới"})
    assert done.status_code == 200 and "W-1" in done.get_data(as_text=True)
    projects = writable_workspace.read(schema.PROJECTS).set_index("project_id")
    assert projects.at["W-1", "donor"] == DONOR and projects.at["W-1", "budget_vnd"] == 2_000_000_000
    log = writable_workspace.read(schema.AUDIT_LOG)
    assert log["action"].tolist()[-2:] == ["scenario save", "scenario commit"]
    assert set(log["user"].tolist()[-2:]) == {"planner1"}
    again = planner.post("/planner/scenarios/commit", data={"csrf_token": csrf, "name": "Đất Mới"})
    assert again.status_code == 400 and "already committed" in again.get_data(as_text=True)
    # Its project id is now in the workspace: previewing the same candidates again says so.
    assert planner.get("/planner", query_string={"scenario": json.dumps(scenario)}).status_code == 400


def test_placement_form_fills_the_scenario(client):
    page = client.get("/planner", query_string={"lang": "en", "place_budget": "3.000.000.000",
                                                "place_sector": "health", "place_period": "2025",
                                                "place_district": "971"})
    assert page.status_code == 200
    scenario = scenario_of(page)
    assert sum(int(c["amount"]) for c in scenario) == 3_000_000_000 and scenario[0]["place"] == "32200"
    reasons = re.search(r'id="placement-reasons".*?</ol>', page.get_data(as_text=True), re.S).group(0)
    assert reasons.count("<li>") == len(scenario) and "Xã Đất Mới" in reasons
