"""A change never loses data: read-only workspaces are refused before anything is copied, the
writer's copy is always writable, and a copy that lost a layer, rows or columns is never
swapped in (geoaid/integrity.py, Workspace.transaction)."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import stat
import subprocess
import sys

import pandas as pd
import pytest

from geoaid.store import integrity, schema, temp_copies
from geoaid.store.accounts import accounts_path
from geoaid.store.workspace import Workspace, WorkspaceNotWritten
from tests.processes import (
    ROOT,
    assert_one_error_line,
    environment,
    geoaid_command,
    require_modes_apply,
    run_geoaid,
    without_override,
)

SETTING = ("settings", "set", "area_allocation_rule", '"area"')


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def counts(path) -> dict[str, int]:
    return {layer: rows for layer, (rows, _columns) in integrity.inventory(path).items()}


@pytest.fixture
def shared_folder(tmp_path):
    """A folder holding a copy of the demo workspace, checked to give real file-mode refusals."""
    require_modes_apply(tmp_path)
    return tmp_path


def _project_csv(folder):
    path = folder / "projects.csv"
    path.write_text("project_id,title,donor,sector,budget,currency,locations\n"
                    "RO-1,Read-only test,Test Donor,health,1000000,VND,32002\n", encoding="utf-8")
    return path


# --- a workspace this process cannot write ------------------------------------------

def test_an_account_change_on_a_read_only_workspace_changes_no_account(demo_workspace_path, shared_folder):
    path = shared_folder / "ws.gpkg"
    path.write_bytes(demo_workspace_path.read_bytes())
    path.chmod(0o444)
    result = run_geoaid("user", "add", "thu", "--role", "admin", "--password-stdin", "--workspace", path,
                        unprivileged=True, input="a long enough password\n")
    assert_one_error_line(result, "read-only", "nothing was changed")
    assert not accounts_path(path).exists()     # no account whose creation the audit log never saw


@pytest.mark.parametrize("command", ["settings", "import", "demo"])
def test_read_only_workspace_file_is_refused_before_anything_is_copied(demo_workspace_path, shared_folder,
                                                                       command):
    path = shared_folder / "ws.gpkg"
    path.write_bytes(demo_workspace_path.read_bytes())
    path.chmod(0o444)
    before, size = sha256(path), path.stat().st_size
    args = {"settings": SETTING,
            "import": ("import", "projects", _project_csv(shared_folder)),
            "demo": ("demo", "--provinces", "95", "--no-samples")}[command]
    result = run_geoaid(*args, "--workspace", path, unprivileged=True)
    assert_one_error_line(result, "read-only", "nothing was changed")
    assert sha256(path) == before and path.stat().st_size == size
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    assert temp_copies.temporary_copies(path) == []
    # Reading a read-only workspace still works.
    shown = run_geoaid("settings", "show", "--workspace", path, unprivileged=True)
    assert shown.returncode == 0 and 'area_allocation_rule = "even"' in shown.stdout


def test_read_only_folder_is_refused_and_still_readable(demo_workspace_path, shared_folder):
    folder = shared_folder / "locked"
    folder.mkdir()
    path = folder / "ws.gpkg"
    path.write_bytes(demo_workspace_path.read_bytes())
    folder.chmod(0o555)
    try:
        before = sha256(path)
        result = run_geoaid(*SETTING, "--workspace", path, unprivileged=True)
        assert_one_error_line(result, "folder", "not writable", "nothing was changed")
        assert sha256(path) == before and sorted(os.listdir(folder)) == ["ws.gpkg"]
        gaps = run_geoaid("gaps", "--limit", "3", "--workspace", path, unprivileged=True)
        assert gaps.returncode == 0 and "Traceback" not in gaps.stderr
    finally:
        folder.chmod(0o755)


WEB_SETTING = """
import sys
from tests.accounts import sign_in, token
from web import create_app
client = create_app(sys.argv[1]).test_client()
assert sign_in(client, "planner1").status_code == 302
page = client.post("/manage/settings", data={"csrf_token": token(client, "/manage/settings"),
                                             "key": "area_allocation_rule", "value": "area"})
print(page.status_code)
print(page.get_data(as_text=True))
"""


def test_planner_saving_a_setting_on_a_read_only_workspace_gets_a_clear_page(demo_workspace_path,
                                                                             shared_folder):
    from geoaid.store.accounts import AccountStore
    from tests.accounts import PASSWORD

    path = shared_folder / "ws.gpkg"
    path.write_bytes(demo_workspace_path.read_bytes())
    AccountStore.for_workspace(path).add("planner1", PASSWORD, "planner")
    path.chmod(0o444)
    before = sha256(path)
    result = subprocess.run(without_override([sys.executable, "-c", WEB_SETTING, str(path)]),
                            capture_output=True, text=True, timeout=300, cwd=ROOT, env=environment())
    status, _, body = result.stdout.partition("\n")
    assert status == "503", result.stdout[-2000:] + result.stderr[-2000:]
    assert "read-only" in body and "Nothing was changed" in body
    assert str(shared_folder) not in body and "Traceback" not in body
    assert sha256(path) == before and temp_copies.temporary_copies(path) == []


def test_the_writers_copy_is_writable_whatever_the_originals_mode(writable_workspace):
    path = writable_workspace.path
    path.chmod(0o444)
    if not os.access(path, os.W_OK):          # an ordinary user: refused, as tested above
        with pytest.raises(WorkspaceNotWritten, match="read-only"):
            with writable_workspace.transaction():
                pass
        return
    before = counts(path)
    with writable_workspace.transaction() as tx:      # root may write a 0444 file
        assert stat.S_IMODE(tx.path.stat().st_mode) == 0o600
        tx.set_settings(area_allocation_rule="area")
    after = counts(path)
    assert {k: v for k, v in after.items() if k not in ("settings", "audit_log")} == \
        {k: v for k, v in before.items() if k not in ("settings", "audit_log")}
    assert stat.S_IMODE(path.stat().st_mode) == 0o444     # the file keeps its permissions
    assert writable_workspace.settings()["area_allocation_rule"] == "area"


# --- the copy is verified before it is swapped in -------------------------------------

def _sql(path, *statements):
    db = sqlite3.connect(path)
    try:
        for statement in statements:
            db.execute(statement)
        db.commit()
    finally:
        db.close()


def _drop_table(tx):
    _sql(tx.path, "DROP TABLE match_report", "DELETE FROM gpkg_contents WHERE table_name = 'match_report'")


def _drop_rows(tx):
    # The GeoPackage triggers that keep feature counts need GDAL's SQL functions: drop them first.
    _sql(tx.path, "DROP TRIGGER IF EXISTS trigger_delete_feature_count_projects",
         "DELETE FROM projects WHERE fid % 2 = 0")


def _drop_column(tx):
    _sql(tx.path, "ALTER TABLE projects DROP COLUMN title")


def _short_written_layer(tx):
    tx.write(schema.SETTINGS, pd.DataFrame({"key": ["area_allocation_rule"], "value": ['"area"']}))
    _sql(tx.path, "DROP TRIGGER IF EXISTS trigger_delete_feature_count_settings", "DELETE FROM settings")


def _recreated_with_only_the_written_layer(tx):
    # What GDAL did to a read-only copy: the file recreated holding only the layer written.
    tx.path.unlink()
    tx.write(schema.SETTINGS, pd.DataFrame({"key": ["area_allocation_rule"], "value": ['"area"']}))


def _damaged_copy(tx):
    size = tx.path.stat().st_size
    with open(tx.path, "r+b") as handle:
        handle.truncate(size // 2)


@pytest.mark.parametrize("damage, named", [
    (_drop_table, "'match_report' (14 row(s)) is missing"),
    (_drop_rows, "'projects' has 31 row(s) instead of 61"),
    (_drop_column, "'projects' changed its columns (lost ['title'])"),
    (_short_written_layer, "written layer 'settings' has 0 row(s), 1 were written"),
    (_recreated_with_only_the_written_layer, "'communes' (500 row(s)) is missing"),
    (_damaged_copy, "the written copy is damaged"),
])
def test_a_copy_that_lost_data_is_never_swapped_in(writable_workspace, damage, named):
    path = writable_workspace.path
    before = sha256(path)
    with pytest.raises(WorkspaceNotWritten, match="nothing was changed") as refused:
        with writable_workspace.transaction() as tx:
            tx.audit("test", "damage the copy", None, {})
            damage(tx)
    assert named in str(refused.value)
    assert sha256(path) == before
    assert temp_copies.temporary_copies(path) == []
    assert len(Workspace(path).read(schema.COMMUNES)) == 500


def test_a_change_that_keeps_everything_commits(writable_workspace):
    before = counts(writable_workspace.path)
    with writable_workspace.transaction() as tx:
        projects = tx.read(schema.PROJECTS)
        tx.write(schema.PROJECTS, projects.iloc[:10])       # fewer rows, written on purpose
        tx.audit("test", "trim projects", None, {})
    after = counts(writable_workspace.path)
    assert after[schema.PROJECTS] == 10 and after[schema.AUDIT_LOG] == before[schema.AUDIT_LOG] + 1
    assert {k: v for k, v in after.items() if k not in (schema.PROJECTS, schema.AUDIT_LOG)} == \
        {k: v for k, v in before.items() if k not in (schema.PROJECTS, schema.AUDIT_LOG)}


# --- the command line's own output ---------------------------------------------------

def test_an_export_into_a_read_only_folder_is_one_clear_line(demo_workspace_path, shared_folder):
    folder = shared_folder / "locked"
    folder.mkdir(mode=0o555)
    for suffix in ("csv", "gpkg"):
        result = run_geoaid("export", "gaps", "--out", folder / f"gaps.{suffix}",
                            "--workspace", demo_workspace_path, unprivileged=True)
        assert_one_error_line(result, "Permission denied", str(folder))
    assert os.listdir(folder) == []


def test_a_reader_that_stops_reading_gets_no_traceback(demo_workspace_path):
    process = subprocess.Popen([sys.executable, "-m", "geoaid", "info", "--workspace", str(demo_workspace_path)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment())
    process.stdout.close()                     # like `geoaid info | head -0`
    err = process.stderr.read()
    assert process.wait(timeout=120) == 1 and err == ""


MOUNT_READ_ONLY = ('mount -t tmpfs tmpfs "$1" && cp "$2" "$1/ws.gpkg" && mount -o remount,ro "$1" '
                   '&& shift 2 && exec "$@"')


def test_a_read_only_file_system_is_refused_before_anything_is_copied(demo_workspace_path, tmp_path):
    """A workspace on a file system mounted read-only: a tmpfs in a private mount namespace
    (as root, or through a user namespace), so nothing outside the test sees the mount."""
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.fail("util-linux's unshare is needed to mount a read-only file system for this test")
    mount_point = tmp_path / "read-only"
    mount_point.mkdir()
    namespaces = ["--mount"] if os.geteuid() == 0 else ["--user", "--map-root-user", "--mount"]
    workspace = mount_point / "ws.gpkg"
    command = [unshare, *namespaces, "sh", "-c", MOUNT_READ_ONLY, "sh", str(mount_point),
               str(demo_workspace_path), *geoaid_command(*SETTING, "--workspace", workspace)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, env=environment())
    assert "mount" not in result.stderr.split(":")[0], result.stderr     # the mount itself worked
    assert_one_error_line(result, "file system is mounted read-only")
    assert list(mount_point.iterdir()) == []                              # the mount was private
