"""Temporary copies left by killed writers are removed safely, never a live writer's
(geoaid/temp_copies.py), and `geoaid info` mentions any it finds."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from geoaid.cli import main
from geoaid.store import schema
from geoaid.store.temp_copies import lock_path, temporary_copies
from geoaid.store.workspace import Workspace
from tests.processes import ROOT, environment, geoaid_command, run_geoaid
from web import create_app

ROWS = 4000     # a projects file big enough that its import is seen half-way


def big_projects_file(folder):
    path = folder / "many.csv"
    lines = ["project_id,title,donor,sector,budget,currency,locations"]
    lines += [f"K-{n},Killed import {n},Kill Donor,health,{1000 + n},VND,32002" for n in range(ROWS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def wait_for(condition, process, timeout=240.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if process.poll() is not None:
            raise AssertionError(f"the writer ended before {what}: {process.communicate()}")
        time.sleep(0.002)
    raise AssertionError(f"no {what} within {timeout} s")


def kill_an_import_half_way(workspace: Workspace, folder) -> list:
    """Start a real `geoaid import projects`, kill -9 it while its copy exists; its leftovers."""
    writer = subprocess.Popen(geoaid_command("import", "projects", big_projects_file(folder),
                                             "--workspace", workspace.path),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment())
    try:
        wait_for(lambda: temporary_copies(workspace.path), writer, what="temporary copy")
        writer.send_signal(signal.SIGKILL)
    finally:
        writer.communicate(timeout=60)
    assert writer.returncode == -signal.SIGKILL
    left = temporary_copies(workspace.path)
    assert left, "the killed writer left nothing to clean"
    return left


def assert_untouched(workspace: Workspace, projects_before: int):
    assert len(workspace.read(schema.PROJECTS)) == projects_before       # the import never committed
    assert len(workspace.read(schema.COMMUNES)) == 500


def test_a_killed_writers_copy_is_reported_then_removed_by_the_next_write(writable_workspace, tmp_path,
                                                                         capsys):
    projects = len(writable_workspace.read(schema.PROJECTS))
    left = kill_an_import_half_way(writable_workspace, tmp_path)
    assert_untouched(Workspace(writable_workspace.path), projects)
    assert main(["info", "--workspace", str(writable_workspace.path)]) == 0
    out = capsys.readouterr().out
    assert f"Temporary copies: {len(left)} file(s)" in out and "left by interrupted writes" in out
    assert all(path.name in out for path in left)
    result = run_geoaid("settings", "set", "area_allocation_rule", '"area"',
                        "--workspace", writable_workspace.path)
    assert result.returncode == 0, result.stderr
    assert temporary_copies(writable_workspace.path) == []
    assert Workspace(writable_workspace.path).settings()["area_allocation_rule"] == "area"
    assert main(["info", "--workspace", str(writable_workspace.path)]) == 0
    assert "Temporary copies" not in capsys.readouterr().out


def test_a_killed_writers_copy_is_removed_at_server_start(writable_workspace, tmp_path):
    projects = len(writable_workspace.read(schema.PROJECTS))
    kill_an_import_half_way(writable_workspace, tmp_path)
    client = create_app(writable_workspace.path).test_client()
    assert temporary_copies(writable_workspace.path) == []
    assert client.get("/api/v1/projects").status_code == 200
    assert_untouched(Workspace(writable_workspace.path), projects)


LIVE_WRITER = """
import sys
import pandas as pd
from geoaid.store import schema
from geoaid.store.workspace import Workspace
with Workspace(sys.argv[1]).transaction() as tx:
    tx.write(schema.SETTINGS, pd.DataFrame({"key": ["gap_area_weight"], "value": ["0.25"]}))
    print(tx.path, flush=True)
    sys.stdin.readline()           # hold the lock and the copy until told to finish
"""


@pytest.fixture
def live_writer(writable_workspace):
    writer = subprocess.Popen([sys.executable, "-c", LIVE_WRITER, str(writable_workspace.path)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, cwd=ROOT, env=environment())
    copy = writer.stdout.readline().strip()
    assert copy, writer.stderr.read()
    yield writer, copy
    if writer.poll() is None:
        writer.kill()
        writer.communicate()


def test_a_live_writers_copy_survives_server_start_and_info(writable_workspace, live_writer, capsys):
    writer, copy = live_writer
    assert [str(p) for p in temporary_copies(writable_workspace.path)] == [copy]
    create_app(writable_workspace.path)                           # a server starting meanwhile
    assert main(["info", "--workspace", str(writable_workspace.path)]) == 0
    out = capsys.readouterr().out
    assert "Temporary copies: 1 file(s)" in out and "a write is running now" in out
    assert [str(p) for p in temporary_copies(writable_workspace.path)] == [copy]
    writer.communicate("go\n", timeout=120)
    assert writer.returncode == 0
    assert Workspace(writable_workspace.path).settings()["gap_area_weight"] == 0.25   # it committed
    assert temporary_copies(writable_workspace.path) == []


def waiting_for_lock(workspace_path) -> bool:
    """True when some process is blocked on the workspace's writer lock (a "->" line of /proc/locks)."""
    inode = lock_path(workspace_path).stat().st_ino
    with open("/proc/locks") as locks:
        return any(line.split()[1] == "->" and line.split()[6].endswith(f":{inode}") for line in locks)


def test_a_waiting_writer_never_removes_the_live_writers_copy(writable_workspace, live_writer):
    writer, copy = live_writer
    second = subprocess.Popen(geoaid_command("settings", "set", "area_allocation_rule", '"area"',
                                             "--workspace", writable_workspace.path),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment())
    wait_for(lambda: waiting_for_lock(writable_workspace.path), second, what="second writer waiting")
    assert [str(p) for p in temporary_copies(writable_workspace.path)] == [copy]
    writer.communicate("go\n", timeout=120)
    out, err = second.communicate(timeout=120)
    assert writer.returncode == 0 and second.returncode == 0, err
    settings = Workspace(writable_workspace.path).settings()
    assert settings["gap_area_weight"] == 0.25 and settings["area_allocation_rule"] == "area"
    assert temporary_copies(writable_workspace.path) == []


def test_only_this_workspaces_copies_are_removed(writable_workspace):
    folder = writable_workspace.path.parent
    stale = [folder / ".workspace.abcd1234.tmp.gpkg", folder / ".workspace.abcd1234.tmp.gpkg-journal"]
    others = [folder / ".workspace.old.abcd1234.tmp.gpkg",     # the copy of a workspace "workspace.old"
              folder / ".workspace.notes.tmp.gpkg",            # not a writer's name
              folder / "workspace.tmp.gpkg", folder / ".workspace.abcd1234.tmp.gpkg.bak"]
    for path in stale + others:
        path.write_bytes(b"x" * 1000)
    assert sorted(temporary_copies(writable_workspace.path)) == sorted(stale)
    with writable_workspace.transaction() as tx:
        tx.set_settings(area_allocation_rule="area")
    assert [p.exists() for p in stale] == [False, False]
    assert all(p.exists() for p in others)
