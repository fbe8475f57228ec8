"""A planner builds a what-if scenario on the planner page in a real headless Chromium: the after map
and the table change before anything is saved; then the scenario is saved with its audit row."""

import pytest

from geoaid.store import schema
from geoaid.store.accounts import AccountStore
from tests.browser import LOOPBACK, chromium_page, serve, sign_in_page
from web import create_app

pytestmark = pytest.mark.browser
PASSWORD = "a long planner password"

FEATURE = """([state, code]) => {
  const layer = geoaidMap.named[state].getLayers().find(l => l.feature.id === code);
  return {gap: layer.feature.properties.gap_score, fill: layer.options.fillColor};
}"""


def test_planner_builds_a_scenario_and_sees_the_map_change(writable_workspace, tmp_path):
    AccountStore.for_workspace(writable_workspace.path).add("lan", PASSWORD, "planner")
    with serve(create_app(writable_workspace.path, LOOPBACK)) as base, chromium_page(tmp_path) as page:
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        sign_in_page(page, base, "lan", PASSWORD)
        page.goto(base + "/planner?lang=en&province=96")
        assert page.locator("#scenario-changes").count() == 0          # no scenario yet: no before/after
        before_file = writable_workspace.path.read_bytes()

        page.select_option("#add_place", "32200")                    # Xã Đất Mới, Huyện Năm Căn
        page.select_option("#add_sector", "health")
        page.fill("#add_amount", "20.000.000.000")
        page.fill("#add_period", "2025")
        page.fill("#add_donor", "<b>Quỹ Thử</b>")
        with page.expect_navigation():
            page.click("#scenario-add-button")
        page.wait_for_function("() => document.body.dataset.mapbefore === 'yes' && "
                               "document.body.dataset.mapafter === 'yes'", timeout=30000)
        old, new = (page.evaluate(FEATURE, [state, "32200"]) for state in ("before", "after"))
        assert new["gap"] < old["gap"] and new["fill"] != old["fill"]
        row = page.locator('#scenario-changes tr[data-code="32200"]').inner_text()
        assert "Xã Đất Mới" in row and "→" in row
        assert "<b>Quỹ Thử</b>" in page.locator("#scenario-candidates").inner_text()   # shown as text
        assert page.locator("#scenario-candidates b").count() == 0
        assert writable_workspace.path.read_bytes() == before_file     # nothing saved by looking

        page.select_option("#add_place", "district:971")
        page.fill("#add_amount", "8.000.000.000")
        page.fill("#add_period", "2025")
        with page.expect_navigation():
            page.click("#scenario-add-button")
        page.wait_for_function("() => document.body.dataset.mapafter === 'yes'", timeout=30000)
        assert page.locator("#scenario-candidates tbody tr").count() == 2
        assert page.evaluate(FEATURE, ["after", "32206"])["gap"] < page.evaluate(FEATURE, ["before", "32206"])["gap"]

        page.fill("#scenario-name", "Năm Căn 2025")
        with page.expect_navigation():
            page.click("#scenario-save-button")
        page.wait_for_selector("#saved-scenarios")
        assert "Năm Căn 2025" in page.locator("#saved-scenarios").inner_text()
        assert errors == []
    assert writable_workspace.read(schema.AUDIT_LOG)["action"].iloc[-1] == "scenario save"
    assert len(writable_workspace.read(schema.SCENARIOS)) == 1
