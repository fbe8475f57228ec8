"""Server-side records of web sign-ins, kept in the workspace's accounts file.

The browser's signed session cookie holds only a random session id. The
record of that id — whose sign-in it is, the account's epoch then, when it
ends, a hash of the browser's User-Agent — stays on the server, in the table
``sessions`` of ``<workspace>.accounts.sqlite``. So:

* signing out deletes the record: a copy of the cookie replayed afterwards
  is refused, although its signature is still valid;
* a session ends at a fixed time after sign-in (however active it is);
* a password or role change, or removing the account, changes the account's
  epoch, which ends every session made before;
* a cookie carried to another browser (another User-Agent) is refused.

Only a SHA-256 of each session id is stored, so the accounts database does not
hold ids anyone could sign in with. Expired and outdated records are purged
at every sign-in.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from contextlib import closing
from datetime import timedelta

from geoaid.store.accounts import Account
from geoaid.store.accounts_database import SqliteAccounts, accounts_database

DEFAULT_LIFETIME = timedelta(hours=8)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


class SessionStore:
    """The sign-in records of one workspace's accounts."""

    def __init__(self, database):
        """``database``: an accounts database of geoaid.store.accounts_database, or an SQLite file's path."""
        self.database = database if hasattr(database, "connect") else SqliteAccounts(database)

    @classmethod
    def for_workspace(cls, location: str | os.PathLike) -> SessionStore:
        """The sign-ins of the workspace at ``location`` (a GeoPackage path or a database URI)."""
        return cls(accounts_database(location))

    def _connect(self):
        return self.database.connect()

    def open(self, account: Account, user_agent: str, lifetime: timedelta = DEFAULT_LIFETIME) -> str:
        """Record a sign-in; returns the new session id (for the signed cookie only)."""
        session_id = secrets.token_urlsafe(32)
        now = time.time()
        with closing(self._connect()) as db:
            self._purge(db, now)
            db.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?)",
                       (_digest(session_id), account.name, account.epoch, _digest(user_agent), now,
                        now + lifetime.total_seconds()))
        return session_id

    def account(self, session_id: str, user_agent: str) -> Account | None:
        """The signed-in account of a live session from this User-Agent, else None.

        A record that can never be valid again (expired, or its account
        changed or removed) is deleted on the way.
        """
        if not session_id or not self.database.exists():
            return None
        with closing(self._connect()) as db:
            row = db.execute(
                "SELECT s.agent_hash, s.expires, s.epoch, a.name, a.role, a.epoch, a.created "
                "FROM sessions s LEFT JOIN accounts a ON a.name = s.name WHERE s.id_hash = ?",
                (_digest(session_id),)).fetchone()
            if row is None:
                return None
            agent_hash, expires, epoch, name, role, account_epoch, created = row
            if expires <= time.time() or name is None or account_epoch != epoch:
                db.execute("DELETE FROM sessions WHERE id_hash = ?", (_digest(session_id),))
                return None
            if not secrets.compare_digest(agent_hash, _digest(user_agent)):
                return None
            return Account(name=name, role=role, epoch=account_epoch, created=created)

    def close(self, session_id: str) -> None:
        """End a session (sign-out): its cookie is refused from now on."""
        if not session_id or not self.database.exists():
            return
        with closing(self._connect()) as db:
            db.execute("DELETE FROM sessions WHERE id_hash = ?", (_digest(session_id),))

    def count(self) -> int:
        """How many sign-in records are stored (live or not yet purged)."""
        if not self.database.exists():
            return 0
        with closing(self._connect()) as db:
            return db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]

    def purge(self) -> int:
        """Delete expired records and those of changed or removed accounts; returns how many."""
        with closing(self._connect()) as db:
            return self._purge(db, time.time())

    @staticmethod
    def _purge(db, now: float) -> int:
        return db.execute(
            "DELETE FROM sessions WHERE expires <= ? OR NOT EXISTS (SELECT 1 FROM accounts a "
            "WHERE a.name = sessions.name AND a.epoch = sessions.epoch)", (now,)).rowcount
