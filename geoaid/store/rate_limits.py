"""Rate-limit counters shared by every server process of one workspace.

Flask-Limiter keeps its counters in the ``limits`` library's storages; its
default storage is the memory of one process, so behind ``--workers N`` (or
``gunicorn -w N``) an attacker guessing passwords would get N times the
attempts. The storages here keep the counters where the workspace keeps its
accounts, so every process serving it counts together:

* GeoPackage workspace: table ``rate_limit_counters`` in the accounts file
  beside it (:func:`geoaid.store.accounts_database.accounts_path`), never in the
  GeoPackage a planner hands on. SQLite's busy timeout makes concurrent
  processes wait their turn instead of failing.
* PostgreSQL workspace (``postgresql://…``): the same table in that database,
  over psycopg 3.

Both run the same SQL: a counter is one row (key, hits, expiry time); one
``INSERT … ON CONFLICT DO UPDATE … RETURNING`` adds a hit, restarting the
window when the old one has ended, so two processes can never both see the
same count. This is the *fixed window* strategy (Flask-Limiter's default):
a window starts at its first hit. Ended windows are deleted on every hit.

Counters outlive the server process on purpose: an attacker must not get a
fresh allowance by crashing or restarting a worker.

Example::

    from limits import parse
    from limits.strategies import FixedWindowRateLimiter
    from limits.storage import storage_from_string

    storage = storage_from_string(storage_uri("/data/province.gpkg"))
    limiter = FixedWindowRateLimiter(storage)
    limiter.hit(parse("5 per minute"), "203.0.113.7")     # True five times, then False
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

from limits.storage import Storage

from geoaid.store.accounts_database import accounts_path, open_database

SQLITE_SCHEME = "geoaid+sqlite"
POSTGRES_SCHEME = "geoaid+postgresql"
TABLE = "rate_limit_counters"
_POSTGRES_LOCATION = re.compile(r"^postgres(?:ql)?://", re.IGNORECASE)

CREATE = (f"CREATE TABLE IF NOT EXISTS {TABLE} (limit_key TEXT PRIMARY KEY, hits INTEGER NOT NULL, "
          "expires DOUBLE PRECISION NOT NULL)",
          f"CREATE INDEX IF NOT EXISTS {TABLE}_expires ON {TABLE} (expires)")
PURGE = f"DELETE FROM {TABLE} WHERE expires <= :now"
HIT = (f"INSERT INTO {TABLE} AS c (limit_key, hits, expires) VALUES (:key, :amount, :now + :expiry) "
       "ON CONFLICT (limit_key) DO UPDATE SET "
       "hits = CASE WHEN c.expires <= :now THEN excluded.hits ELSE c.hits + excluded.hits END, "
       "expires = CASE WHEN c.expires <= :now THEN excluded.expires ELSE c.expires END "
       "RETURNING hits")
COUNT = f"SELECT hits FROM {TABLE} WHERE limit_key = :key AND expires > :now"
EXPIRY = f"SELECT expires FROM {TABLE} WHERE limit_key = :key AND expires > :now"
CLEAR = f"DELETE FROM {TABLE} WHERE limit_key = :key"
CLEAR_ALL = f"DELETE FROM {TABLE}"


def storage_uri(workspace_location: str | os.PathLike) -> str:
    """The ``limits`` storage URI of a workspace's shared counters.

    >>> storage_uri("/data/ca-mau.gpkg")
    'geoaid+sqlite:///data/ca-mau.accounts.sqlite'
    >>> storage_uri("postgresql://geoaid@db/national")
    'geoaid+postgresql://geoaid@db/national'
    """
    location = os.fspath(workspace_location)
    if _POSTGRES_LOCATION.match(location):
        return f"{POSTGRES_SCHEME}://{location.split('://', 1)[1]}"
    return f"{SQLITE_SCHEME}://{accounts_path(Path(location).resolve())}"


def _after_scheme(uri: str, scheme: str) -> str:
    prefix = scheme + "://"
    if not uri.startswith(prefix):
        raise ValueError(f"not a {scheme} storage URI: {uri!r}")
    return uri[len(prefix):]


class _SharedCounters(Storage):
    """The ``limits`` storage interface over one SQL connection per call; subclasses say how to connect."""

    STORAGE_SCHEME: list[str] | None = None

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False,
                 clock: Callable[[], float] = time.time, **_options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        self.clock = clock
        self._created = False
        self._creating = threading.Lock()

    def _create_table(self, db) -> None:
        for statement in CREATE:
            db.execute(statement)

    def _run(self, sql: str, before: str | None = None, **values):
        """Run one statement, and ``before`` it another on the same connection (the table is made once
        per storage); the first row, if the statement returns rows."""
        with self._connection() as db:
            if not self._created:
                with self._creating:
                    self._create_table(db)
                    self._created = True
            if before:
                db.execute(self._placeholders(before), values)
            cursor = db.execute(self._placeholders(sql), values)
            return cursor.fetchone() if cursor.description else None

    def _connection(self):
        raise NotImplementedError

    @staticmethod
    def _placeholders(sql: str) -> str:
        return sql

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        return int(self._run(HIT, before=PURGE, key=key, amount=amount, now=self.clock(), expiry=float(expiry))[0])

    def get(self, key: str) -> int:
        row = self._run(COUNT, key=key, now=self.clock())
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        now = self.clock()
        row = self._run(EXPIRY, key=key, now=now)
        return float(row[0]) if row else now

    def clear(self, key: str) -> None:
        self._run(CLEAR, key=key)

    def reset(self) -> int | None:
        with self._connection() as db:
            self._create_table(db)
            return db.execute(CLEAR_ALL).rowcount

    def check(self) -> bool:
        try:
            self._run("SELECT 1")
        except self.base_exceptions:
            return False
        return True


class _ClosingSQLite:
    """A connection to the accounts file, closed when the ``with`` block ends (sqlite3's own only commits)."""

    def __init__(self, path: Path):
        self.db = open_database(path)

    def __enter__(self):
        return self.db

    def __exit__(self, *exc):
        self.db.close()


class SQLiteCounters(_SharedCounters):
    """Counters in a GeoPackage workspace's accounts file (``geoaid+sqlite:///path/x.accounts.sqlite``)."""

    STORAGE_SCHEME = [SQLITE_SCHEME]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = Path(_after_scheme(uri, SQLITE_SCHEME))

    @property
    def base_exceptions(self):
        return sqlite3.Error

    def _connection(self):
        return _ClosingSQLite(self.path)


class PostgresCounters(_SharedCounters):
    """Counters in a PostgreSQL workspace's database (``geoaid+postgresql://user@host/db``)."""

    STORAGE_SCHEME = [POSTGRES_SCHEME]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.dsn = "postgresql://" + _after_scheme(uri, POSTGRES_SCHEME)

    @property
    def base_exceptions(self):
        import psycopg  # GeoPackage deployments never load the PostgreSQL driver

        return psycopg.Error

    def _connection(self):
        # The workspace's own connection rules: its ?schema= is the search path, so the counters sit
        # beside its accounts.
        from psycopg import sql  # GeoPackage deployments never load the PostgreSQL driver

        from geoaid.store.postgis.connection import Location, connect  # (same: it loads psycopg)

        where = Location.parse(self.dsn)
        conn = connect(where, autocommit=True)
        if where.schema != "public":
            conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(where.schema)))
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(where.schema)))
        return conn

    def _create_table(self, db) -> None:
        # Two processes creating the table at once would both pass IF NOT EXISTS and one would
        # fail on the catalogue's unique index: a transaction-scoped advisory lock orders them.
        with db.transaction():
            db.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (TABLE,))
            super()._create_table(db)

    @staticmethod
    def _placeholders(sql: str) -> str:
        return re.sub(r":(\w+)", r"%(\1)s", sql)
