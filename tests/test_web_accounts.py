"""Accounts, roles on every write route, CSRF, sign-in rate limit, settings through the web app.

Every test drives the Flask app with CSRF protection on, exactly as served:
forms are fetched first and their token sent back, like a browser does.
"""

from __future__ import annotations

import io
import stat

import pytest

from geoaid.cli import main
from geoaid.store.accounts import AccountStore, accounts_path
from tests.accounts import PASSWORD, sign_in, token
from tests.web_uploads import audit, sha256
from web import create_app

# --- accounts ------------------------------------------------------------------

def test_cli_creates_the_first_admin_with_a_hashed_password(writable_workspace, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["user", "add", "chief", "--role", "admin", "--password-stdin",
                 "--workspace", str(writable_workspace.path)]) == 0
    store = AccountStore.for_workspace(writable_workspace.path)
    assert store.authenticate("chief", PASSWORD).role == "admin"
    assert store.authenticate("chief", "wrong password!") is None
    raw = accounts_path(writable_workspace.path).read_bytes()
    assert PASSWORD.encode() not in raw and b"$argon2id$" in raw
    assert stat.S_IMODE(accounts_path(writable_workspace.path).stat().st_mode) == 0o600
    last = audit(writable_workspace).iloc[-1]
    assert (last["user"], last["action"]) == ("cli", "user add") and "chief" in last["details"]
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["user", "add", "x", "--password-stdin", "--workspace", str(writable_workspace.path)]) == 2
    assert "at least 10 characters" in capsys.readouterr().err


def test_the_last_admin_cannot_be_demoted_or_removed(app, writable_workspace):
    store = AccountStore.for_workspace(writable_workspace.path)
    with pytest.raises(ValueError, match="no admin left"):
        store.set_role("admin1", "planner")
    with pytest.raises(ValueError, match="no admin left"):
        store.remove("admin1")
    assert store.get("admin1").role == "admin"


def test_secret_key_is_generated_beside_the_workspace_not_in_the_repo(app, writable_workspace):
    key_file = writable_workspace.path.with_name(writable_workspace.path.stem + ".secret-key")
    assert app.config["SECRET_KEY"] == key_file.read_text().strip() and len(app.config["SECRET_KEY"]) == 64
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert create_app(writable_workspace.path).config["SECRET_KEY"] == app.config["SECRET_KEY"]


def test_session_cookie_flags(app, writable_workspace):
    response = sign_in(app.test_client(), "planner1")      # create_app() alone: the gunicorn path
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    loopback = create_app(writable_workspace.path, {"LOOPBACK_ONLY": True})
    assert "Secure" not in sign_in(loopback.test_client(), "planner1").headers["Set-Cookie"]


def test_wrong_password_is_refused_and_sign_in_is_rate_limited(app):
    client = app.test_client()
    for _ in range(5):
        response = sign_in(client, "planner1", "not the password")
        assert response.status_code == 401 and "Wrong user name or password" in response.get_data(
            as_text=True) or "Sai tên" in response.get_data(as_text=True)
    response = sign_in(client, "planner1")                 # even the right password, for now
    assert response.status_code == 429
    assert "Too many" in response.get_data(as_text=True) or "Quá nhiều" in response.get_data(as_text=True)
    assert client.get("/manage").status_code == 302        # still signed out


def test_password_change_signs_the_user_out_everywhere(app, planner, writable_workspace):
    assert planner.get("/manage").status_code == 200
    AccountStore.for_workspace(writable_workspace.path).set_password("planner1", "another long password")
    assert planner.get("/manage").status_code == 302


def test_sign_in_redirect_stays_on_this_site(app):
    client = app.test_client()
    csrf = token(client)
    response = client.post("/login?next=https://evil.example/", data={
        "name": "planner1", "password": PASSWORD, "csrf_token": csrf})
    assert response.status_code == 302 and response.headers["Location"] == "/manage"


# --- roles on every write route --------------------------------------------------

def _write_rules(app):
    return sorted({rule.rule for rule in app.url_map.iter_rules()
                   if "POST" in rule.methods and rule.endpoint not in ("auth.login", "auth.logout")})


def test_every_write_route_needs_a_role(app, planner, writable_workspace):
    rules = _write_rules(app)
    assert {"/manage/import/<kind>", "/manage/import/confirm", "/manage/import/discard",
            "/manage/settings", "/manage/users"} <= set(rules)
    before = sha256(writable_workspace.path)
    public = app.test_client()
    csrf = token(public)
    for rule in rules:
        url = rule.replace("<kind>", "projects")
        response = public.post(url, data={"csrf_token": csrf, "key": "gap_area_weight", "value": "1",
                                          "action": "remove", "name": "admin1"})
        assert response.status_code == 401, url
        assert public.get(url).status_code in (302, 405), url   # pages redirect to sign-in
    csrf = token(planner, "/manage")
    for action in ("add", "role", "remove"):
        response = planner.post("/manage/users", data={"csrf_token": csrf, "action": action, "name": "admin1",
                                                       "role": "planner", "password": PASSWORD + "x"})
        assert response.status_code == 403
    assert planner.get("/manage/users").status_code == 403
    assert sha256(writable_workspace.path) == before
    assert AccountStore.for_workspace(writable_workspace.path).get("admin1").role == "admin"


def test_post_without_csrf_token_is_refused(app, planner, writable_workspace):
    before = sha256(writable_workspace.path)
    response = planner.post("/manage/settings", data={"key": "gap_area_weight", "value": "1"})
    assert response.status_code == 400
    assert "form expired" in response.get_data(as_text=True) or "Biểu mẫu" in response.get_data(as_text=True)
    forged = planner.post("/manage/settings", data={"key": "gap_area_weight", "value": "1",
                                                    "csrf_token": "forged"})
    assert forged.status_code == 400
    assert app.test_client().post("/login", data={"name": "planner1", "password": PASSWORD}).status_code == 400
    assert sha256(writable_workspace.path) == before


# --- settings, accounts through the web ------------------------------------------

def test_planner_edits_exchange_rates_and_weights_with_audit(app, planner, writable_workspace):
    csrf = token(planner, "/manage/settings")
    page = planner.get("/manage/settings").get_data(as_text=True)
    assert 'name="rate_USD" value="25000"' in page and 'name="weight_region_iii"' in page
    bad = planner.post("/manage/settings", data={"csrf_token": csrf, "key": "exchange_rates_vnd",
                                                 "rate_USD": "-1", "rate_EUR": "27000"})
    assert bad.status_code == 400 and "positive" in bad.get_data(as_text=True)
    words = planner.post("/manage/settings", data={"csrf_token": csrf, "key": "exchange_rates_vnd",
                                                   "rate_USD": "hai mươi lăm nghìn", "rate_EUR": "27000"})
    assert words.status_code == 400 and "is not a number" in words.get_data(as_text=True)
    assert writable_workspace.settings()["exchange_rates_vnd"]["USD"] == 25000
    good = planner.post("/manage/settings", data={
        "csrf_token": csrf, "key": "exchange_rates_vnd", "rate_USD": "25.400", "rate_EUR": "",
        "new_code": "jpy", "new_rate": "165"})                    # Vietnamese thousands; EUR removed
    assert good.status_code == 302
    assert writable_workspace.settings()["exchange_rates_vnd"] == {"VND": 1, "USD": 25400, "JPY": 165}
    last = audit(writable_workspace).iloc[-1]
    assert (last["user"], last["action"]) == ("planner1", "settings set") and "25400" in last["details"]
    weights = {f"weight_{k}": "1,5" for k in writable_workspace.settings()["priority_weights"]}
    assert planner.post("/manage/settings", data={"csrf_token": csrf, "key": "priority_weights",
                                                  **weights}).status_code == 302
    assert set(writable_workspace.settings()["priority_weights"].values()) == {1.5}
    assert planner.post("/manage/settings", data={"csrf_token": csrf, "key": "area_allocation_rule",
                                                  "value": "area"}).status_code == 302
    assert writable_workspace.settings()["area_allocation_rule"] == "area"
    refused = planner.post("/manage/settings", data={"csrf_token": csrf, "key": "gap_area_weight",
                                                     "value": "2"})
    assert refused.status_code == 400 and writable_workspace.settings()["gap_area_weight"] == 0.5


def test_admin_manages_accounts_with_audit(app, admin, writable_workspace):
    csrf = token(admin, "/manage/users")
    assert admin.post("/manage/users", data={"csrf_token": csrf, "action": "add", "name": "donor_desk",
                                             "password": PASSWORD, "role": "planner"}).status_code == 302
    assert admin.post("/manage/users", data={"csrf_token": csrf, "action": "role", "name": "donor_desk",
                                             "role": "admin"}).status_code == 302
    refused = admin.post("/manage/users", data={"csrf_token": csrf, "action": "remove", "name": "admin1"})
    assert refused.status_code == 400
    store = AccountStore.for_workspace(writable_workspace.path)
    assert store.get("donor_desk").role == "admin" and store.get("admin1") is not None
    actions = audit(writable_workspace)[["user", "action"]].values.tolist()
    assert ["admin1", "user add"] in actions and ["admin1", "user role"] in actions
