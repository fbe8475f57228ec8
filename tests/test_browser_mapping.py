"""The mapping step in headless Chromium: upload, read a column as another field, see the rows change, confirm."""

import pytest

from geoaid.imports.projects import derived_project_id
from geoaid.store import schema
from geoaid.store.accounts import AccountStore
from tests.browser import LOOPBACK, chromium_page, serve, sign_in_page
from tests.test_import_mapping import counterpart_list
from web import create_app

pytestmark = pytest.mark.browser
PASSWORD = "a long planner password"


def test_planner_maps_a_column_in_the_preview_and_confirms(writable_workspace, tmp_path):
    AccountStore.for_workspace(writable_workspace.path).add("lan", PASSWORD, "planner")
    upload = tmp_path / "danh sách 2024.xlsx"
    counterpart_list(upload)
    before = writable_workspace.path.read_bytes()
    with serve(create_app(writable_workspace.path, LOOPBACK)) as base, chromium_page(tmp_path) as page:
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        sign_in_page(page, base, "lan", PASSWORD)
        page.set_input_files("#upload-projects input[type=file]", str(upload))
        with page.expect_navigation():
            page.click("#upload-projects button[type=submit]")
        rows = page.locator("#sample-rows")
        assert "1,000,000,000" in rows.inner_text() and "32242 Xã Viên An (Huyện Ngọc Hiển)" in rows.inner_text()
        assert page.locator('select[aria-label="Kinh phí"]').input_value() == "budget"
        assert page.locator('select[aria-label="Kinh phí NGO"]').input_value() == ""

        # The total includes the province's counterpart funds: read the NGO's part instead.
        with page.expect_navigation():                     # a choice re-runs the preview by itself
            page.select_option('select[aria-label="Kinh phí"]', "ignore")
        assert "missing required column(s): budget" in page.locator("#import-report").inner_text()
        with page.expect_navigation():
            page.select_option('select[aria-label="Kinh phí NGO"]', "budget")
        rows = page.locator("#sample-rows").inner_text()
        assert "850,000,000" in rows and "420,500,000" in rows and "1,000,000,000" not in rows
        assert "2024-01-01 – 2025-12-31" in rows
        assert "<b>mới</b>" in rows                          # user text shown as text, never markup
        assert writable_workspace.path.read_bytes() == before   # previews wrote nothing

        page.click("#confirm-import")
        page.wait_for_selector("#import-result")
        assert "Imported" in page.locator("#import-result").inner_text()
        assert errors == []
    projects = writable_workspace.read(schema.PROJECTS).set_index("project_id")
    water = derived_project_id("UNICEF", "Nước sạch cho trạm y tế <b>mới</b>")
    assert projects.loc[water, ["budget_vnd", "start_date", "end_date"]].tolist() == [
        850_000_000, "2024-01-01", "2025-12-31"]
