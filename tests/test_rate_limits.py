"""Sign-in rate-limit counters shared by every process serving a workspace (geoaid/store/rate_limits.py)."""

from __future__ import annotations

import contextlib
import http.cookiejar
import multiprocessing
import re
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ProcessPoolExecutor

import psycopg
import pytest
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from geoaid.store import rate_limits
from geoaid.store.accounts import AccountStore, accounts_path
from tests.accounts import PASSWORD
from tests.rate_limit_workers import hit_many
from tests.server_process import HOST, running_server

PROCESSES, HITS_EACH = 4, 25


class Clock:
    """A clock the test moves by hand, so windows end without sleeping."""

    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["sqlite", "postgresql"])
def storage_uri(request, tmp_path):
    """Both backends: a GeoPackage workspace's accounts file, and a PostgreSQL database."""
    if request.param == "sqlite":
        return rate_limits.storage_uri(tmp_path / "province.gpkg")
    return rate_limits.storage_uri(request.getfixturevalue("postgres_dsn"))


def test_storage_uri_of_each_workspace_kind(tmp_path):
    assert rate_limits.storage_uri(tmp_path / "ca-mau.gpkg") == \
        f"geoaid+sqlite://{tmp_path / 'ca-mau.accounts.sqlite'}"
    assert rate_limits.storage_uri("postgresql://geoaid@db:5432/national") == \
        "geoaid+postgresql://geoaid@db:5432/national"
    assert rate_limits.storage_uri("postgres://geoaid@db/national") == "geoaid+postgresql://geoaid@db/national"
    assert type(storage_from_string("geoaid+postgresql://geoaid@db/national")).__name__ == "PostgresCounters"


def test_processes_hitting_at_once_count_every_hit_exactly_once(storage_uri):
    spawn = multiprocessing.get_context("spawn")
    with spawn.Manager() as manager, ProcessPoolExecutor(PROCESSES, mp_context=spawn) as pool:
        start = manager.Event()
        futures = [pool.submit(hit_many, storage_uri, "login/203.0.113.7", HITS_EACH, start)
                   for _ in range(PROCESSES)]
        start.set()
        counts = sorted(c for future in futures for c in future.result(timeout=120))
    assert counts == list(range(1, PROCESSES * HITS_EACH + 1))     # no hit lost, none counted twice
    assert storage_from_string(storage_uri).get("login/203.0.113.7") == PROCESSES * HITS_EACH


def test_a_window_ends_and_ended_counters_are_purged(storage_uri):
    clock = Clock()
    storage = storage_from_string(storage_uri, clock=clock)
    limiter = FixedWindowRateLimiter(storage)
    five = parse("5 per minute")
    assert [limiter.hit(five, "198.51.100.1") for _ in range(6)] == [True] * 5 + [False]
    assert limiter.hit(parse("5 per minute"), "198.51.100.2")
    clock.now += 59
    assert not limiter.hit(five, "198.51.100.1")                  # the window runs from the first hit
    clock.now += 1
    assert limiter.hit(five, "198.51.100.1")                      # a new window: 1 of 5
    assert storage.get(five.key_for("198.51.100.1")) == 1
    assert storage.get(five.key_for("198.51.100.2")) == 0         # ended, and purged by that hit:
    clock.now -= 30
    assert storage.get(five.key_for("198.51.100.2")) == 0         # not there even at an earlier time
    assert storage.get_expiry(five.key_for("198.51.100.1")) == clock.now + 30 + 60
    storage.clear(five.key_for("198.51.100.1"))
    assert storage.get(five.key_for("198.51.100.1")) == 0
    assert storage.check()


def test_counters_outlive_the_storage_that_wrote_them(storage_uri):
    """A restarted server process reads the same counters: crashing a worker resets nothing."""
    first = storage_from_string(storage_uri)
    for _ in range(3):
        first.incr("login/192.0.2.9", 60)
    assert storage_from_string(storage_uri).incr("login/192.0.2.9", 60) == 4
    assert storage_from_string(storage_uri).reset() == 1


def test_postgresql_counters_sit_in_the_workspace_schema(postgres_dsn):
    """Two workspaces in two schemas of one database count apart, each beside its own accounts."""
    east, west = (storage_from_string(rate_limits.storage_uri(f"{postgres_dsn}?schema={name}"))
                  for name in ("ca_mau", "ha_giang"))
    assert [east.incr("login/192.0.2.5", 60) for _ in range(3)][-1] == 3
    assert west.incr("login/192.0.2.5", 60) == 1
    with psycopg.connect(postgres_dsn) as db:
        schemas = db.execute("SELECT table_schema FROM information_schema.tables WHERE table_name = %s "
                             "ORDER BY 1", (rate_limits.TABLE,)).fetchall()
    assert [row[0] for row in schemas] == ["ca_mau", "ha_giang"]


def test_the_sqlite_counters_live_in_the_accounts_file_not_the_workspace(tmp_path):
    workspace = tmp_path / "province.gpkg"
    storage_from_string(rate_limits.storage_uri(workspace)).incr("login/192.0.2.1", 60)
    assert accounts_path(workspace).exists() and not workspace.exists()


def _sign_in(opener, port: int, password: str) -> int:
    """Post the login form to one server, as a browser does; the HTTP status."""
    page = opener.open(f"http://{HOST}:{port}/login", timeout=30).read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"name": "planner1", "password": password, "csrf_token": token}).encode()
    try:
        return opener.open(f"http://{HOST}:{port}/login", data=form, timeout=30).status
    except urllib.error.HTTPError as refused:
        return refused.code


def test_two_server_processes_share_the_sign_in_limit_and_keep_it_over_a_restart(writable_workspace, tmp_path):
    AccountStore.for_workspace(writable_workspace.path).add("planner1", PASSWORD, "planner")
    # One cookie jar for both: cookies are per host, not per port, so the servers see one browser.
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with contextlib.ExitStack() as stack:
        first = stack.enter_context(running_server(writable_workspace.path, tmp_path / "a"))
        with running_server(writable_workspace.path, tmp_path / "b") as second:
            ports = [first.port, second.port, first.port, second.port, first.port]
            assert [_sign_in(opener, port, "not the password") for port in ports] == [401] * 5
            assert _sign_in(opener, second.port, "not the password") == 429     # 6th attempt, 5 per minute
        assert _sign_in(opener, first.port, PASSWORD) == 429
    with running_server(writable_workspace.path, tmp_path / "c") as restarted:
        assert _sign_in(opener, restarted.port, PASSWORD) == 429                # a restart resets nothing
