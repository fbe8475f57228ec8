"""Signing in through the web app's login form, as a browser does (helpers for tests/conftest.py's fixtures)."""

from __future__ import annotations

import re

PASSWORD = "correct horse battery"
ACCOUNTS = {"admin1": "admin", "planner1": "planner", "planner2": "planner"}   # every app fixture has these
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def token(client, url: str = "/login") -> str:
    """The CSRF token of the form on ``url`` (any form carries the session's token)."""
    page = client.get(url)
    found = TOKEN.search(page.get_data(as_text=True))
    assert found, f"no CSRF token on {url} ({page.status_code})"
    return found.group(1)


def sign_in(client, name: str = "planner1", password: str = PASSWORD):
    """Post the login form; the client reads English messages from then on."""
    client.set_cookie("lang", "en")
    return client.post("/login", data={"name": name, "password": password, "csrf_token": token(client)})


def signed_in(app, name: str = "planner1"):
    """A new test client of ``app``, signed in as ``name``."""
    client = app.test_client()
    assert sign_in(client, name).status_code == 302
    return client
