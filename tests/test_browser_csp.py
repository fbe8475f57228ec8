"""The pages under their Content-Security-Policy in a real headless Chromium: nothing refused, maps drawn.

Chromium reports every refused script, style, image or request as a
``securitypolicyviolation`` event and a console error; a listener installed
before any page script collects both. A script injected without the
response's nonce must be refused, which shows the policy is really enforced.
"""

import pytest

from geoaid.store.accounts import AccountStore
from tests.browser import LOOPBACK, chromium_page, serve
from web import create_app

pytestmark = pytest.mark.browser
PASSWORD = "a long planner password"
COLLECT = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) =>
    window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline")));
"""
MAP_PAGES = ["/", "/?lang=en&province=96&detail=national", "/donors/Sample Donor B (fictitious)",
             "/communes/32026", "/?version=2025&province=96"]
OTHER_PAGES = ["/donors", "/planner", "/api", "/login", "/no-such-page", "/communes/00000",
               "/manage", "/manage/settings", "/manage/audit", "/manage/users"]


def _watch(page):
    console = []
    page.add_init_script(COLLECT)
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: console.append(str(e)))
    return console


def _violations(page, console):
    csp_console = [text for text in console if "Content Security Policy" in text]
    return page.evaluate("() => window.__violations") + csp_console


def test_no_page_breaks_its_content_security_policy(writable_workspace, tmp_path):
    AccountStore.for_workspace(writable_workspace.path).add("hoa", PASSWORD, "admin")
    with serve(create_app(writable_workspace.path, LOOPBACK)) as base, chromium_page(tmp_path) as page:
        console = _watch(page)
        for path in MAP_PAGES:
            response = page.goto(base + path, wait_until="load")
            assert "nonce-" in response.headers["content-security-policy"]
            page.wait_for_function("() => document.body.dataset.mapReady === 'yes'", timeout=30000)
            assert page.locator(".leaflet-overlay-pane canvas, .leaflet-overlay-pane path").count() > 0, path
            assert page.locator("#geoaid-legend").is_visible(), path
            assert _violations(page, console) == [], path
        page.goto(base + "/login")
        page.fill("#name", "hoa")
        page.fill("#password", PASSWORD)
        page.click("#login-form button")
        page.wait_for_url("**/manage*")
        for path in OTHER_PAGES:
            page.goto(base + path, wait_until="load")
            assert _violations(page, console) == [], path
        assert [text for text in console if "Content Security Policy" in text] == []


def test_a_script_without_the_nonce_is_refused(writable_workspace, tmp_path):
    with serve(create_app(writable_workspace.path, LOOPBACK)) as base, chromium_page(tmp_path) as page:
        console = _watch(page)
        page.goto(base + "/planner", wait_until="load")
        page.evaluate("""() => {
            const script = document.createElement("script");
            script.textContent = "window.__ran = true";
            document.body.appendChild(script);
            const style = document.createElement("style");
            style.textContent = "body { background: red }";
            document.head.appendChild(style);
        }""")
        page.wait_for_timeout(300)
        assert page.evaluate("() => window.__ran === undefined")
        refused = _violations(page, console)
        assert any(v.startswith("script-src") for v in refused), refused
        assert any(v.startswith("style-src") for v in refused), refused
