"""A planner's upload in a real headless Chromium: sign in, preview the report, confirm, see it on the map."""

import pytest

from geoaid.store import schema
from geoaid.store.accounts import AccountStore
from tests.browser import LOOPBACK, chromium_page, serve
from web import create_app

pytestmark = pytest.mark.browser
PASSWORD = "a long planner password"
PROJECTS = ("project_id,title,donor,sector,budget,currency,start_date,end_date,status,locations\n"
            'B-1,"<img src=x onerror=""document.title=\'pwned\'"">Giếng nước",Browser Donor,health,'
            '900.000.000,VND,01/01/2025,31/12/2025,ongoing,"Xã Tân Thành, Thành phố Cà Mau"\n'
            "B-2,Lớp học,Browser Donor,education,1000,USD,2025-01-01,2025-12-31,ongoing,Xã Không Có\n")


def test_planner_signs_in_previews_and_confirms_an_upload(writable_workspace, tmp_path):
    AccountStore.for_workspace(writable_workspace.path).add("hoa", PASSWORD, "planner")
    upload = tmp_path / "dự án 2025.csv"
    upload.write_text(PROJECTS, encoding="utf-8")
    before = len(writable_workspace.read(schema.PROJECTS))
    with serve(create_app(writable_workspace.path, LOOPBACK)) as base, chromium_page(tmp_path) as page:
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(base + "/manage?lang=en")                     # public: sent to the sign-in page
        assert "/login" in page.url
        page.fill("#name", "hoa")
        page.fill("#password", "wrong password here")
        page.click("#login-form button")
        assert page.locator("#login-error").is_visible()
        page.fill("#name", "hoa")
        page.fill("#password", PASSWORD)
        page.click("#login-form button")
        page.wait_for_url("**/manage*")
        assert "hoa" in page.locator("#signed-in").inner_text()

        page.set_input_files("#upload-projects input[type=file]", str(upload))
        # The form says it is working as soon as it is sent: hold the first submission to look.
        page.evaluate("""() => document.querySelector('#upload-projects').addEventListener(
            'submit', (e) => e.preventDefault(), {once: true})""")
        page.click("#upload-projects button[type=submit]")
        note = page.locator("#upload-projects .busy-note")
        assert note.is_visible() and "checking every row" in note.inner_text()
        assert page.locator("#upload-projects button[type=submit]").is_disabled()
        with page.expect_navigation():
            page.evaluate("document.querySelector('#upload-projects').submit()")
        page.wait_for_selector("#import-report")
        report = page.locator("#import-report").inner_text()
        assert "Xã Không Có" in report and "3" in report          # row 3, the unknown commune
        assert "1 of 2 rows valid" in page.locator("#preview-summary").inner_text()
        assert len(writable_workspace.read(schema.PROJECTS)) == before   # preview writes nothing

        page.check("#keep-valid")
        page.click("#confirm-import")
        page.wait_for_selector("#import-result")
        assert "Imported" in page.locator("#import-result").inner_text()
        page.goto(base + "/manage/audit?lang=en")
        assert "dự án 2025.csv" in page.locator("#audit-log").inner_text()
        assert page.title() != "pwned" and errors == []
    projects = writable_workspace.read(schema.PROJECTS).set_index("project_id")
    assert "B-1" in projects.index and "B-2" not in projects.index
    assert projects.loc["B-1", "title"].startswith("<img src=x")    # stored as text, shown as text
