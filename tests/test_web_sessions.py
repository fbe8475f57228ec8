"""Web sessions end on the server: sign-out, expiry, account changes; Secure cookies by default.

Signed-in clients drive the real app on a copy of the demo workspace; the
session records are read from the real accounts file.
"""

from __future__ import annotations

import http.cookiejar
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from contextlib import closing
from datetime import timedelta

import pytest

from geoaid.store.accounts import AccountStore, accounts_path
from geoaid.store.sessions import SessionStore
from tests.accounts import PASSWORD, TOKEN, token
from tests.test_web_serve import free_port, wait_for
from web import create_app

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chromium/140"


def client_of(app, agent=BROWSER):
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = agent
    return client


def sign_in(client, name="planner1"):
    response = client.post("/login", data={"name": name, "password": PASSWORD, "csrf_token": token(client)})
    assert response.status_code == 302
    return client


def session_cookie(client) -> str:
    return client.get_cookie("session").value


def replay(app, cookie: str, agent=BROWSER):
    """A new browser that only has a copy of the session cookie."""
    thief = client_of(app, agent)
    thief.set_cookie("session", cookie)
    return thief


def records(workspace_path) -> list[tuple]:
    with closing(sqlite3.connect(accounts_path(workspace_path))) as db:
        return db.execute("SELECT id_hash, name, epoch, agent_hash, created, expires FROM sessions").fetchall()


def test_a_cookie_replayed_after_sign_out_is_refused(app, writable_workspace):
    planner = sign_in(client_of(app))
    cookie = session_cookie(planner)
    assert replay(app, cookie).get("/manage").status_code == 200        # the copy works while signed in
    assert planner.post("/logout", data={"csrf_token": token(planner, "/manage")}).status_code == 302
    assert records(writable_workspace.path) == []
    assert replay(app, cookie).get("/manage").status_code == 302        # sent to the sign-in page
    assert planner.get("/manage").status_code == 302


def test_signing_out_ends_only_that_session(app, writable_workspace):
    office, laptop = sign_in(client_of(app)), sign_in(client_of(app))
    assert len(records(writable_workspace.path)) == 2
    office.post("/logout", data={"csrf_token": token(office, "/manage")})
    assert laptop.get("/manage").status_code == 200 and office.get("/manage").status_code == 302


@pytest.mark.parametrize("agent", ["curl/8.5", "", BROWSER + " ", BROWSER.upper()])
def test_a_cookie_from_another_browser_is_refused(app, agent):
    cookie = session_cookie(sign_in(client_of(app)))
    assert replay(app, cookie, agent).get("/manage").status_code == 302


def test_the_cookie_holds_a_random_id_and_the_server_only_its_hash(app, writable_workspace):
    planner = sign_in(client_of(app))
    data = app.session_interface.get_signing_serializer(app).loads(session_cookie(planner))
    session_id = data["_user_id"]
    assert len(session_id) >= 40 and "planner1" not in session_id
    raw = accounts_path(writable_workspace.path).read_bytes()
    assert session_id.encode() not in raw
    (id_hash, name, _epoch, agent_hash, created, expires), = records(writable_workspace.path)
    assert name == "planner1" and len(id_hash) == len(agent_hash) == 64 and BROWSER.encode() not in raw
    assert expires - created == pytest.approx(timedelta(hours=8).total_seconds())


def test_a_session_ends_at_its_fixed_time_however_active(app, writable_workspace):
    planner = sign_in(client_of(app))
    (_, _, _, _, _, expires), = records(writable_workspace.path)
    for _ in range(3):
        assert planner.get("/manage").status_code == 200
    assert records(writable_workspace.path)[0][5] == expires                # activity does not extend it
    with closing(sqlite3.connect(accounts_path(writable_workspace.path))) as db:
        db.execute("UPDATE sessions SET expires = created - 1")
        db.commit()
    assert planner.get("/manage").status_code == 302
    assert records(writable_workspace.path) == []                            # and its record is gone


@pytest.mark.parametrize("change", [
    lambda store: store.set_password("planner1", "another long password"),
    lambda store: store.set_role("planner1", "admin"),
    lambda store: store.remove("planner1"),
])
def test_account_changes_end_its_sessions(app, writable_workspace, change):
    planner, admin = sign_in(client_of(app)), sign_in(client_of(app), "admin1")
    change(AccountStore.for_workspace(writable_workspace.path))
    assert planner.get("/manage").status_code == 302
    assert admin.get("/manage").status_code == 200                           # other accounts stay signed in


def test_expired_and_outdated_records_are_purged_at_sign_in(app, writable_workspace):
    store = AccountStore.for_workspace(writable_workspace.path)
    sessions = SessionStore.for_workspace(writable_workspace.path)
    live = sessions.open(store.get("planner1"), BROWSER)
    sessions.open(store.get("planner1"), BROWSER, lifetime=timedelta(seconds=1))
    sessions.open(store.get("admin1"), BROWSER)
    store.set_password("admin1", "a brand new password")                   # outdates the admin's record
    with closing(sqlite3.connect(accounts_path(writable_workspace.path))) as db:
        db.execute("UPDATE sessions SET expires = created - 1 WHERE expires - created < 2")   # expired
        db.commit()
    assert sessions.count() == 3
    sign_in(client_of(app))
    assert sessions.count() == 2 and {r[1] for r in records(writable_workspace.path)} == {"planner1"}
    assert sessions.account(live, BROWSER).name == "planner1"


def test_cookies_of_the_old_form_sign_nobody_in(app):
    serializer = app.session_interface.get_signing_serializer(app)
    epoch = AccountStore.for_workspace(app.config["WORKSPACE"]).get("admin1").epoch
    for user_id in (f"{epoch}:admin1", "admin1", ""):
        forged = serializer.dumps({"_user_id": user_id, "_fresh": True})
        assert replay(app, forged).get("/manage").status_code == 302


@pytest.mark.parametrize("config, secure", [
    (None, True),                                   # gunicorn 'web:create_app()'
    ({}, True),
    ({"LOOPBACK_ONLY": False}, True),
    ({"LOOPBACK_ONLY": True}, False),
    ({"SESSION_COOKIE_SECURE": False}, False),      # what geoaid serve passes on 127.0.0.1
    ({"SESSION_COOKIE_SECURE": True, "LOOPBACK_ONLY": True}, True),
])
def test_session_cookies_are_secure_unless_told_loopback(writable_workspace, config, secure):
    AccountStore.for_workspace(writable_workspace.path).add("planner1", PASSWORD, "planner")
    app = create_app(writable_workspace.path, config)
    cookie = sign_in(client_of(app)).get_cookie("session")
    assert cookie.secure is secure
    assert app.config["REMEMBER_COOKIE_SECURE"] is secure


def test_geoaid_serve_on_loopback_signs_in_over_plain_http(writable_workspace):
    AccountStore.for_workspace(writable_workspace.path).add("planner1", PASSWORD, "planner")
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "geoaid", "serve", "--workspace",
                                str(writable_workspace.path), "--host", "127.0.0.1", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/login", process)
        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        browser.addheaders = [("User-Agent", BROWSER)]
        page = browser.open(base + "/login").read().decode()
        form = urllib.parse.urlencode({"name": "planner1", "password": PASSWORD,
                                       "csrf_token": TOKEN.search(page).group(1)}).encode()
        assert browser.open(base + "/login", form).geturl() == base + "/manage"
        assert not any(cookie.secure for cookie in jar)
        assert "planner1" in browser.open(base + "/manage").read().decode()
    finally:
        process.terminate()
        process.wait(timeout=10)
