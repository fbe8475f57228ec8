"""Accounts of the people who may change a workspace: planners and admins.

Everyone else is *public*: maps, donor views, API and exports are read-only
and need no account. Planners import files and edit settings; admins also
manage accounts.

Why a separate SQLite file (``<workspace>.accounts.sqlite``; a PostGIS workspace keeps
accounts in tables of its database, see geoaid.store.accounts_database) and not a table
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
import unicodedata
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from geoaid.store.accounts_database import (  # noqa: F401  (accounts_path: where tests look)
    SqliteAccounts,
    accounts_database,
    accounts_path,
)

if TYPE_CHECKING:
    from geoaid.store.base import WorkspaceBase as Workspace

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


def secret_key(location: str | os.PathLike) -> str:
    """The web session signing key: ``$GEOAID_SECRET_KEY``, else one generated once.

    The generated key is kept with the accounts (beside a GeoPackage in
    ``<workspace>.secret-key``, mode 0600; in a PostGIS workspace's database),
    so it is never in the repository and survives restarts.
    """
    from_env = os.environ.get(SECRET_ENV, "").strip()
    if from_env:
        return from_env
    return accounts_database(location).secret_key()


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

    def __init__(self, database):
        """``database``: an accounts database of geoaid.store.accounts_database, or an SQLite file's path."""
        self.database = database if hasattr(database, "connect") else SqliteAccounts(database)

    @classmethod
    def for_workspace(cls, location: str | os.PathLike) -> AccountStore:
        """The accounts of the workspace at ``location`` (a GeoPackage path or a database URI)."""
        return cls(accounts_database(location))

    def _connect(self):
        return self.database.connect()

    def _row(self, db, name: str) -> tuple | None:
        return db.execute("SELECT name, role, hash, epoch, created FROM accounts WHERE name = ?",
                          (name,)).fetchone()

    @staticmethod
    def _account(row) -> Account:
        return Account(name=row[0], role=row[1], epoch=row[3], created=row[4])

    def list(self) -> list[Account]:
        if not self.database.exists():
            return []
        with closing(self._connect()) as db:
            rows = db.execute("SELECT name, role, hash, epoch, created FROM accounts ORDER BY name")
            return [self._account(r) for r in rows]

    def get(self, name: str) -> Account | None:
        if not self.database.exists():
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
            except self.database.duplicate:
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
            "SELECT COUNT(*), SUM(CASE WHEN role = 'admin' THEN 1 ELSE 0 END) FROM accounts").fetchone()
        if users and not admins:
            db.execute("ROLLBACK")
            raise AccountError("refused: the workspace would have no admin left")
        db.execute("COMMIT")


# --- changes with their audit row: the one way the CLI and the web app change accounts -------------

def _changeable_accounts(workspace: Workspace) -> AccountStore:
    # Every change is logged in the workspace: refuse it before the account changes
    # when that audit row could not be written.
    workspace.check_writable()
    return AccountStore.for_workspace(workspace.location)


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
