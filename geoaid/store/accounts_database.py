"""Where a workspace's accounts, sign-in records and session key are kept, per backend.

A GeoPackage workspace keeps them in ``<workspace>.accounts.sqlite`` beside
the file (password hashes must not travel with a file handed to colleagues);
a PostGIS workspace keeps them in tables of its own database
(geoaid.store.postgis.accounts), so every server process behind a proxy
shares them. Both give the same face: :meth:`connect` returns a connection
whose ``execute(sql, params)`` takes SQLite-style ``?`` parameters, and on
which ``BEGIN IMMEDIATE`` takes the writer lock of the accounts.

Example::

    database = accounts_database(workspace.location)
    with closing(database.connect()) as db:
        db.execute("SELECT COUNT(*) FROM accounts").fetchone()
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import tempfile
from pathlib import Path

from geoaid.store.postgis.accounts import PostgresAccounts
from geoaid.store.postgis.connection import is_database

SESSIONS_TABLE = ("CREATE TABLE IF NOT EXISTS sessions (id_hash TEXT PRIMARY KEY, name TEXT NOT NULL, "
                  "epoch INTEGER NOT NULL, agent_hash TEXT NOT NULL, created REAL NOT NULL, "
                  "expires REAL NOT NULL)")


def accounts_path(workspace_path: str | os.PathLike) -> Path:
    """Where the accounts of a GeoPackage workspace live: beside it, never inside it."""
    path = Path(workspace_path)
    return path.with_name(path.stem + ".accounts.sqlite")


def open_database(path: Path) -> sqlite3.Connection:
    """The accounts file (created private, mode 0600), in autocommit mode, with its tables."""
    new = not path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=30, isolation_level=None)
    if new:
        os.chmod(path, 0o600)
    db.execute("CREATE TABLE IF NOT EXISTS accounts (name TEXT PRIMARY KEY, role TEXT NOT NULL, "
               "hash TEXT NOT NULL, epoch INTEGER NOT NULL, created TEXT NOT NULL)")
    db.execute(SESSIONS_TABLE)
    return db


class SqliteAccounts:
    """The accounts file of a GeoPackage workspace."""

    duplicate = (sqlite3.IntegrityError,)    # raised by an INSERT of an existing name

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.display = str(self.path)

    def exists(self) -> bool:
        return self.path.exists()

    def connect(self) -> sqlite3.Connection:
        return open_database(self.path)

    def secret_key(self) -> str:
        """The generated session key, in ``<workspace>.secret-key`` (mode 0600) beside the accounts."""
        key_file = self.path.with_name(self.path.name.removesuffix(".accounts.sqlite") + ".secret-key")
        if not key_file.exists():
            # Written whole into a private temporary file, then linked into place: two
            # servers starting at once agree on one key, and nobody reads a half-written one.
            key_file.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".secret-", dir=key_file.parent)   # mode 0600
            try:
                with os.fdopen(fd, "w") as handle:
                    handle.write(secrets.token_hex(32))
                os.link(tmp, key_file)
            except FileExistsError:
                pass                                  # another process made it first: use theirs
            finally:
                os.unlink(tmp)
        return key_file.read_text().strip()


def accounts_database(location: str | os.PathLike) -> SqliteAccounts | PostgresAccounts:
    """The accounts database of the workspace at ``location`` (a GeoPackage path or a database URI)."""
    if is_database(location):
        return PostgresAccounts(str(location))
    return SqliteAccounts(accounts_path(location))
