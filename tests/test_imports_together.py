"""Planners importing at once: serialised, and a failing import beside a good one changes nothing of its own.

The imports run as separate processes released at the same instant, as when
several planners press "import" together.
"""

from __future__ import annotations

import multiprocessing
import shutil
import sqlite3
import sys

import pandas as pd

from geoaid.store import schema
from geoaid.store.workspace import Workspace
from tests.concurrent_imports import X, Y, import_in_process, project_row
from tests.test_import_projects import write_csv


def _import_at_barrier(barrier, path: str, workspace_path: str) -> None:
    """Child process: run `geoaid import projects` in-process, released together with the others.

    The libraries are imported before the barrier so that what runs after it (read the file,
    validate, write) overlaps between the processes instead of being spread by start-up time.
    """
    import geoaid.imports.projects  # noqa: F401
    from geoaid.cli import main

    barrier.wait(timeout=120)
    sys.exit(main(["import", "projects", path, "--workspace", workspace_path]))


def import_together(files, workspace_path) -> list[int]:
    """Import ``files`` into one workspace from as many processes, started at the same instant."""
    context = multiprocessing.get_context("spawn")  # no fork of a threaded pytest process
    barrier = context.Barrier(len(files))
    workers = [context.Process(target=_import_at_barrier, args=(barrier, str(f), str(workspace_path)))
               for f in files]
    for worker in workers:
        worker.start()
    try:
        for worker in workers:
            worker.join(timeout=180)
        return [worker.exitcode for worker in workers]
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()


def assert_intact(path) -> None:
    """The GeoPackage opens, SQLite finds no corruption, and no temporary copy was left behind."""
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert schema.PROJECTS in Workspace(path).layers()
    assert not list(path.parent.glob(f".{path.stem}.*.tmp.gpkg"))


def audit_rows(workspace: Workspace) -> pd.DataFrame:
    return workspace.read(schema.AUDIT_LOG)


def test_planners_importing_at_once_are_serialised(writable_workspace, tmp_path):
    workspace = writable_workspace
    planners = 4
    files = [write_csv(tmp_path, project_row(f"CC-P{n}", f"Planner {n} project", f"Planner Donor {n}",
                                             (n + 1) * 100_000_000, X if n % 2 else Y), f"planner{n}.csv")
             for n in range(planners)]
    audit_before = len(audit_rows(workspace))

    assert import_together(files, workspace.path) == [0] * planners

    assert_intact(workspace.path)
    stored = workspace.read(schema.PROJECTS).set_index("project_id")
    locations = workspace.read(schema.PROJECT_LOCATIONS)
    lost = {f"CC-P{n}" for n in range(planners)} - set(stored.index)
    assert not lost, f"imports lost to another planner's write: {sorted(lost)}"
    for n in range(planners):  # every planner's project, none lost to another's write
        assert stored.at[f"CC-P{n}", "budget_vnd"] == (n + 1) * 100_000_000
        assert locations.loc[locations["project_id"] == f"CC-P{n}", "unit_code"].tolist() == [X if n % 2 else Y]
    log = audit_rows(workspace).iloc[audit_before:]
    assert sorted(log["file"]) == sorted(f.name for f in files)
    assert set(log["action"]) == {"import projects"}


def test_a_failing_import_beside_a_good_one_leaves_exactly_the_good_ones_changes(writable_workspace, tmp_path):
    workspace = writable_workspace
    good = write_csv(tmp_path, project_row("CC-G1", "Good one", "Good Donor", 700_000_000, X)
                     + project_row("CC-G2", "Good two", "Good Donor", 800_000_000, Y), "good.csv")
    # One bad row (an unknown sector) among good ones: all or nothing, so none of its rows may land.
    bad = write_csv(tmp_path, project_row("CC-F1", "Fine row", "Bad Donor", 900_000_000, X)
                    + project_row("CC-F2", "Bad row", "Bad Donor", 900_000_000, Y).replace("Y tế", "Space travel"),
                    "bad.csv")
    expected = Workspace(tmp_path / "expected.gpkg")  # the good file alone, by the core library
    shutil.copy2(workspace.path, expected.path)
    import_in_process(expected, good)
    audit_before = len(audit_rows(workspace))

    assert import_together([bad, good], workspace.path) == [2, 0]

    assert_intact(workspace.path)
    for layer, key in ((schema.PROJECTS, ["project_id"]), (schema.PROJECT_LOCATIONS, ["project_id", "unit_code"])):
        got = workspace.read(layer).sort_values(key).reset_index(drop=True)
        want = expected.read(layer).sort_values(key).reset_index(drop=True)
        pd.testing.assert_frame_equal(got, want)
    assert not workspace.read(schema.PROJECTS)["project_id"].astype(str).str.startswith("CC-F").any()
    log = audit_rows(workspace).iloc[audit_before:]
    assert log["file"].tolist() == ["good.csv"] and log["action"].tolist() == ["import projects"]

