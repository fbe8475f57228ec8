"""Accounts of the people who may change a workspace: planners and admins.

Everyone else is *public*: maps, donor views, API and exports are read-only
and need no account. Planners import files and edit settings; admins also
manage accounts.

Why a separate SQLite file (``<workspace>.accounts.sqlite``) and not a table
in the GeoPackage: the workspace is a file planners hand to GIS colleagues
and donors; password hashes must not travel with it. Passwords are hashed
with Argon2id (argon2-cffi, its recommended parameters); a hash made with
older parameters is upgraded at the next sign-in.

Each account carries an ``epoch`` that changes when its password or role
changes or it is removed, so web sessions signed in before are no longer
accepted (each sign-in record in :mod:`geoaid.store.sessions` keeps the epoch it
was made with). Changes go through :func:`add_account`, :func:`change_role`,
:func:`change_password` and :func:`remove_account`, which also write the
change to the workspace's audit log.
"""

from __future__ import annotations

import os
import re
import secrets
import sqlite3
import tempfile
import unicodedata
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from geoaid.store.integrity import check_writable

if TYPE_CHECKING:
    from geoaid.store.workspace import Workspace

ROLES = ("planner", "admin")
RANK = {"public": 0, "planner": 1, "admin": 2}
MIN_PASSWORD = 10
SECRET_ENV = "GEOAID_SECRET_KEY"
_NAME = re.compile(r"^[\w.@-]{1,64}$")
_HASHER = PasswordHasher()
# Verified against when the name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _HASHER.hash(secrets.token_hex(16))


class AccountError(ValueError):
    """A refused account change; the message says why."""


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    epoch: int
    created: str

    def may(self, role: str) -> bool:
        """True when this account has at least ``role``'s rights."""
        return RANK[self.role] >= RANK[role]


def accounts_path(workspace_path: str | os.PathLike) -> Path:
    """Where the accounts of a workspace live: beside it, never inside it."""
    path = Path(workspace_path)
    return path.with_name(path.stem + ".accounts.sqlite")


def secret_key(workspace_path: str | os.PathLike) -> str:
    """The web session signing key: ``$GEOAID_SECRET_KEY``, else one generated once.

    The generated key lives beside the workspace (``<workspace>.secret-key``,
    mode 0600), so it is never in the repository and survives restarts.
    """
    from_env = os.environ.get(SECRET_ENV, "").strip()
    if from_env:
        return from_env
    path = Path(workspace_path)
    key_file = path.with_name(path.stem + ".secret-key")
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


def open_database(path: Path) -> sqlite3.Connection:
    """The accounts file (created private, mode 0600), in autocommit mode, with its accounts table."""
    new = not path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=30, isolation_level=None)
    if new:
        os.chmod(path, 0o600)
    db.execute("CREATE TABLE IF NOT EXISTS accounts (name TEXT PRIMARY KEY, role TEXT NOT NULL, "
               "hash TEXT NOT NULL, epoch INTEGER NOT NULL, created TEXT NOT NULL)")
    return db


def clean_name(name: str) -> str:
    name = unicodedata.normalize("NFC", (name or "").strip())
    if not _NAME.match(name):
        raise AccountError("a user name is 1–64 letters, digits, '.', '_', '-' or '@'")
    return name


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(f"role {role!r}: use {' or '.join(ROLES)}")
    return role


class AccountStore:
    """The accounts of one workspace."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)

    @classmethod
    def for_workspace(cls, workspace_path: str | os.PathLike) -> AccountStore:
        return cls(accounts_path(workspace_path))

    def _connect(self) -> sqlite3.Connection:
        return open_database(self.path)

    def _row(self, db, name: str) -> tuple | None:
        return db.execute("SELECT name, role, hash, epoch, created FROM accounts WHERE name = ?",
                          (name,)).fetchone()

    @staticmethod
    def _account(row) -> Account:
        return Account(name=row[0], role=row[1], epoch=row[3], created=row[4])

    def list(self) -> list[Account]:
        if not self.path.exists():
            return []
        with closing(self._connect()) as db:
            rows = db.execute("SELECT name, role, hash, epoch, created FROM accounts ORDER BY name")
            return [self._account(r) for r in rows]

    def get(self, name: str) -> Account | None:
        if not self.path.exists():
            return None
        with closing(self._connect()) as db:
            row = self._row(db, unicodedata.normalize("NFC", name or ""))
            return self._account(row) if row else None

    def add(self, name: str, password: str, role: str) -> Account:
        name, role = clean_name(name), _check_role(role)
        _check_password(password)
        created = datetime.now(UTC).isoformat(timespec="seconds")
        with closing(self._connect()) as db:
            try:
                db.execute("INSERT INTO accounts VALUES (?, ?, ?, ?, ?)",
                           (name, role, _HASHER.hash(password), secrets.randbits(31), created))
            except sqlite3.IntegrityError:
                raise AccountError(f"user {name!r} already exists") from None
        return self.get(name)

    def authenticate(self, name: str, password: str) -> Account | None:
        """The account when the password is right, else None (unknown names included)."""
        name = unicodedata.normalize("NFC", (name or "").strip())
        with closing(self._connect()) as db:
            row = self._row(db, name)
            try:
                _HASHER.verify(row[2] if row else _DUMMY_HASH, password or "")
            except (VerificationError, InvalidHashError):
                return None
            if row is None:
                return None
            if _HASHER.check_needs_rehash(row[2]):
                db.execute("UPDATE accounts SET hash = ? WHERE name = ?", (_HASHER.hash(password), name))
            return self._account(row)

    def _update(self, name: str, sql: str, *values) -> Account:
        with closing(self._connect()) as db:
            db.execute("BEGIN IMMEDIATE")
            if self._row(db, name) is None:
                db.execute("ROLLBACK")
                raise AccountError(f"no user {name!r}")
            db.execute(sql, (*values, secrets.randbits(31), name))
            self._refuse_no_admin(db)
        return self.get(name)

    def set_role(self, name: str, role: str) -> Account:
        return self._update(name, "UPDATE accounts SET role = ?, epoch = ? WHERE name = ?", _check_role(role))

    def set_password(self, name: str, password: str) -> Account:
        _check_password(password)
        return self._update(name, "UPDATE accounts SET hash = ?, epoch = ? WHERE name = ?",
                            _HASHER.hash(password))

    def remove(self, name: str) -> None:
        with closing(self._connect()) as db:
            db.execute("BEGIN IMMEDIATE")
            if db.execute("DELETE FROM accounts WHERE name = ?", (name,)).rowcount == 0:
                db.execute("ROLLBACK")
                raise AccountError(f"no user {name!r}")
            self._refuse_no_admin(db)

    @staticmethod
    def _refuse_no_admin(db) -> None:
        """Commit, unless the change would leave accounts but no admin to manage them."""
        users, admins = db.execute(
            "SELECT COUNT(*), SUM(role = 'admin') FROM accounts").fetchone()
        if users and not admins:
            db.execute("ROLLBACK")
            raise AccountError("refused: the workspace would have no admin left")
        db.execute("COMMIT")


# --- changes with their audit row: the one way the CLI and the web app change accounts -------------

def _changeable_accounts(workspace: Workspace) -> AccountStore:
    # Every change is logged in the workspace: refuse it before the account changes
    # when that audit row could not be written.
    check_writable(workspace.path)
    return AccountStore.for_workspace(workspace.path)


def add_account(workspace: Workspace, by: str, name: str, password: str, role: str) -> Account:
    """Create an account of ``workspace`` and log it as done by ``by`` (an account name or "cli").

    >>> add_account(workspace, "cli", "thu", "a long password", "admin")  # doctest: +SKIP
    Account(name='thu', role='admin', ...)
    """
    account = _changeable_accounts(workspace).add(name, password, role)
    workspace.record(by, "user add", {"name": account.name, "role": account.role})
    return account


def change_role(workspace: Workspace, by: str, name: str, role: str) -> Account:
    """Give ``name`` a new role (its sessions end); refused if no admin would be left."""
    account = _changeable_accounts(workspace).set_role(name, role)
    workspace.record(by, "user role", {"name": account.name, "role": account.role})
    return account


def change_password(workspace: Workspace, by: str, name: str, password: str) -> Account:
    """Set a new password for ``name`` (its sessions end)."""
    account = _changeable_accounts(workspace).set_password(name, password)
    workspace.record(by, "user password", {"name": account.name})
    return account


def remove_account(workspace: Workspace, by: str, name: str) -> None:
    """Delete ``name``; refused if no admin would be left."""
    _changeable_accounts(workspace).remove(name)
    workspace.record(by, "user remove", {"name": name})
