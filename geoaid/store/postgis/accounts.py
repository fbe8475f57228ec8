"""Accounts, sign-in records and the session key of a PostGIS workspace, in its own database.

Tables ``accounts`` and ``sessions`` (the same columns as the GeoPackage's
accounts file) and ``geoaid_secret`` sit in the workspace's schema, so every
server process and every machine serving the workspace shares sign-ins. The
connection speaks the SQLite dialect geoaid.store.accounts uses: ``?``
parameters, and ``BEGIN IMMEDIATE`` (here: a transaction that locks the
accounts table against other writers; readers still read).

Example::

    with closing(PostgresAccounts("postgresql://geoaid@db/aid").connect()) as db:
        db.execute("SELECT name FROM accounts WHERE role = ?", ("admin",)).fetchall()
"""

from __future__ import annotations

import secrets

import psycopg
from psycopg import sql

from geoaid.store.errors import WorkspaceError, first_line
from geoaid.store.postgis.connection import Location, connect

_TABLES = [
    "CREATE TABLE IF NOT EXISTS accounts (name text PRIMARY KEY, role text NOT NULL, hash text NOT NULL, "
    "epoch bigint NOT NULL, created text NOT NULL)",
    "CREATE TABLE IF NOT EXISTS sessions (id_hash text PRIMARY KEY, name text NOT NULL, epoch bigint NOT NULL, "
    "agent_hash text NOT NULL, created double precision NOT NULL, expires double precision NOT NULL)",
    "CREATE TABLE IF NOT EXISTS geoaid_secret (singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton), "
    "key text NOT NULL)",
]


class SqliteDialect:
    """A psycopg connection (autocommit) that takes the SQL geoaid.store.accounts writes for SQLite."""

    def __init__(self, conn: psycopg.Connection):
        self._conn = conn

    def execute(self, query: str, params: tuple = ()) -> psycopg.Cursor:
        try:
            if query == "BEGIN IMMEDIATE":
                self._conn.execute("BEGIN")
                return self._conn.execute("LOCK TABLE accounts IN SHARE ROW EXCLUSIVE MODE")
            return self._conn.execute(query.replace("?", "%s"), params)
        except psycopg.OperationalError as exc:
            raise WorkspaceError(f"the accounts database cannot be reached: {first_line(exc)}") from None

    def close(self) -> None:
        self._conn.close()


class PostgresAccounts:
    """The accounts of the PostGIS workspace at ``location``."""

    duplicate = (psycopg.errors.UniqueViolation,)    # raised by an INSERT of an existing name

    def __init__(self, location: str):
        self.where = Location.parse(location)
        self.display = f"{self.where.display} (tables accounts, sessions)"

    def exists(self) -> bool:
        return True      # the tables are created by the first connection

    def connect(self) -> SqliteDialect:
        conn = connect(self.where, autocommit=True)
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(self.where.schema)))
        missing = conn.execute("SELECT to_regclass('accounts') IS NULL OR to_regclass('sessions') IS NULL "
                               "OR to_regclass('geoaid_secret') IS NULL").fetchone()[0]
        if missing:      # only then: a read-only replica has them already and may not create anything
            with conn.transaction():
                if self.where.schema != "public":
                    conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(self.where.schema)))
                for statement in _TABLES:
                    conn.execute(statement)
        return SqliteDialect(conn)

    def secret_key(self) -> str:
        """The session key shared by every server of this database (made by the first one)."""
        db = self.connect()
        try:
            row = db.execute("SELECT key FROM geoaid_secret").fetchone()
            if row is None:      # (a replica never gets here: the primary made the key first)
                db.execute("INSERT INTO geoaid_secret (key) VALUES (?) ON CONFLICT DO NOTHING",
                           (secrets.token_hex(32),))
                row = db.execute("SELECT key FROM geoaid_secret").fetchone()
            return row[0]
        finally:
            db.close()
