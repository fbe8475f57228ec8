"""Settings and account changes: one core function each, with its audit row (CLI and web call them)."""

import json

import pytest

from geoaid.store import schema
from geoaid.store.accounts import AccountError, AccountStore, add_account, change_password, change_role, remove_account
from geoaid.store.settings import change_setting

PASSWORD = "correct horse battery"


def audit_rows(workspace) -> list[tuple]:
    log = workspace.read(schema.AUDIT_LOG)
    return [(row.user, row.action, json.loads(row.details)) for row in log.itertuples()]


def test_a_setting_change_is_stored_with_who_made_it(workspace_backend):
    before = len(audit_rows(workspace_backend))
    assert change_setting(workspace_backend, "thu", "gap_area_weight", 0.25) == 0.25
    assert workspace_backend.settings()["gap_area_weight"] == 0.25
    rows = audit_rows(workspace_backend)
    assert len(rows) == before + 1 and rows[-1] == ("thu", "settings set", {"gap_area_weight": 0.25})


def test_a_refused_setting_writes_nothing(workspace_backend):
    before = (workspace_backend.settings(), audit_rows(workspace_backend))
    for key, value in (("gap_area_weight", 2), ("area_allocation_rule", "random"), ("no_such_key", 1)):
        with pytest.raises(ValueError):
            change_setting(workspace_backend, "thu", key, value)
    assert (workspace_backend.settings(), audit_rows(workspace_backend)) == before


def test_account_changes_are_audited_with_the_account_that_made_them(workspace_backend):
    store = AccountStore.for_workspace(workspace_backend.location)
    add_account(workspace_backend, "cli", "lan", PASSWORD, "admin")
    add_account(workspace_backend, "lan", "minh", PASSWORD, "planner")
    change_role(workspace_backend, "lan", "minh", "admin")
    change_password(workspace_backend, "lan", "minh", PASSWORD + "!")
    remove_account(workspace_backend, "minh", "lan")
    assert [(a.name, a.role) for a in store.list()] == [("minh", "admin")]
    assert store.authenticate("minh", PASSWORD + "!") is not None
    assert audit_rows(workspace_backend)[-5:] == [
        ("cli", "user add", {"name": "lan", "role": "admin"}),
        ("lan", "user add", {"name": "minh", "role": "planner"}),
        ("lan", "user role", {"name": "minh", "role": "admin"}),
        ("lan", "user password", {"name": "minh"}),
        ("minh", "user remove", {"name": "lan"})]


def test_a_refused_account_change_is_not_audited(workspace_backend):
    add_account(workspace_backend, "cli", "lan", PASSWORD, "admin")
    add_account(workspace_backend, "cli", "minh", PASSWORD, "planner")
    before = audit_rows(workspace_backend)
    with pytest.raises(AccountError, match="no admin left"):
        change_role(workspace_backend, "lan", "lan", "planner")
    with pytest.raises(AccountError, match="no admin left"):
        remove_account(workspace_backend, "lan", "lan")
    with pytest.raises(AccountError, match="already exists"):
        add_account(workspace_backend, "lan", "lan", PASSWORD, "planner")
    with pytest.raises(AccountError, match="at least 10"):
        change_password(workspace_backend, "lan", "lan", "short")
    assert audit_rows(workspace_backend) == before
