"""Move a workspace between backends (GeoPackage ⇄ PostGIS) and prove nothing was lost.

:func:`copy_workspace` reads every layer of one version of the source (the
version is checked before and after, as snapshots do), writes them all into
the destination in one transaction, copies the accounts, and then compares
the two layer by layer (:func:`compare`): same layers, same rows, same
columns with the same types, geometry equal byte for byte as WKB. Any
difference is an error. Metadata, settings, the audit log and the stored map
geometry are layers, so they travel and are compared like the rest.

Sign-in records are not copied: a session cookie is signed with the key of
the server that made it, and the destination has its own key, so planners
sign in again on the new workspace.

Example::

    copy_workspace(open_workspace("workspace/demo.gpkg"), open_workspace("postgresql://geoaid@db/aid"))
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass

import pandas as pd
import shapely

from geoaid.store.accounts_database import accounts_database
from geoaid.store.base import WorkspaceBase
from geoaid.store.errors import WorkspaceError

READ_ATTEMPTS = 5
_ACCOUNT_COLUMNS = "name, role, hash, epoch, created"


@dataclass(frozen=True)
class Difference:
    """One line of the comparison: a layer (or the accounts), its rows on each side, and what differs."""

    table: str
    source_rows: int | None
    copy_rows: int | None
    problem: str = ""     # "" when equal

    def line(self) -> str:
        verdict = f"DIFFERENT: {self.problem}" if self.problem else "equal"
        return f"  {self.table:<28} {_count(self.source_rows):>9} {_count(self.copy_rows):>9}  {verdict}"


def _count(rows: int | None) -> str:
    return "-" if rows is None else f"{rows:,}"


def pinned_layers(workspace: WorkspaceBase) -> dict[str, pd.DataFrame]:
    """Every layer of one version of ``workspace`` (read again if a change lands meanwhile)."""
    for _ in range(READ_ATTEMPTS):
        version = workspace.version()
        layers = {layer: workspace.read(layer) for layer in workspace.layers()}
        if workspace.version() == version:
            return layers
    raise WorkspaceError(f"{workspace.display} keeps changing; copy it when no import is running")


def frame_problem(source: pd.DataFrame, copy: pd.DataFrame) -> str:
    """Why two layers differ ("" when they are equal: values, types, order; geometry as WKB)."""
    if "geometry" in source.columns or "geometry" in copy.columns:
        if "geometry" not in source.columns or "geometry" not in copy.columns:
            return "one of the two has no geometry"
        if list(shapely.to_wkb(source.geometry.values)) != list(shapely.to_wkb(copy.geometry.values)):
            return "the geometry differs"
        source, copy = pd.DataFrame(source.drop(columns="geometry")), pd.DataFrame(copy.drop(columns="geometry"))
    try:
        pd.testing.assert_frame_equal(source, copy)
    except AssertionError as exc:
        return " ".join(str(exc).split())[:200]
    return ""


def account_rows(location: str) -> list[tuple]:
    database = accounts_database(location)
    if not database.exists():
        return []
    with closing(database.connect()) as db:
        return [tuple(row) for row in db.execute(f"SELECT {_ACCOUNT_COLUMNS} FROM accounts ORDER BY name")]


def copy_accounts(source: WorkspaceBase, dest: WorkspaceBase) -> int:
    """Make the destination's accounts those of the source (password hashes as they are)."""
    rows = account_rows(source.location)
    database = accounts_database(dest.location)
    if not rows and not database.exists():
        return 0
    with closing(database.connect()) as db:
        db.execute("BEGIN IMMEDIATE")
        db.execute("DELETE FROM accounts")
        for row in rows:
            db.execute(f"INSERT INTO accounts ({_ACCOUNT_COLUMNS}) VALUES (?, ?, ?, ?, ?)", row)
        db.execute("COMMIT")
    return len(rows)


def compare(source: WorkspaceBase, dest: WorkspaceBase) -> list[Difference]:
    """Every layer and the accounts of the two workspaces, side by side."""
    theirs, ours = pinned_layers(source), pinned_layers(dest)
    lines = []
    for layer in list(theirs) + [layer for layer in ours if layer not in theirs]:
        a, b = theirs.get(layer), ours.get(layer)
        if a is None or b is None:
            problem = "missing in the copy" if b is None else "not in the source"
        else:
            problem = frame_problem(a, b)
        lines.append(Difference(layer, None if a is None else len(a), None if b is None else len(b), problem))
    accounts_a, accounts_b = account_rows(source.location), account_rows(dest.location)
    lines.append(Difference("(accounts)", len(accounts_a), len(accounts_b),
                            "" if accounts_a == accounts_b else "the accounts differ"))
    return lines


def copy_workspace(source: WorkspaceBase, dest: WorkspaceBase, replace: bool = False,
                   log: Callable[[str], None] = print) -> list[Difference]:
    """Copy every layer and the accounts of ``source`` into ``dest``, then compare the two.

    Refuses a destination that holds a workspace unless ``replace``; raises
    WorkspaceError when the comparison finds any difference.
    """
    source.require()
    if dest.exists() and not replace:
        raise WorkspaceError(f"{dest.display} already holds a workspace: add --replace to overwrite it")
    layers = pinned_layers(source)
    with dest.transaction(create=True) as tx:
        for layer, frame in layers.items():
            started = time.perf_counter()
            tx.write(layer, frame)
            log(f"  {layer}: {len(frame):,} row(s) in {time.perf_counter() - started:.2f} s")
    log(f"  accounts: {copy_accounts(source, dest)} (sign-ins are not copied: planners sign in again)")
    differences = compare(source, dest)
    log(f"  {'table':<28} {'source':>9} {'copy':>9}")
    for difference in differences:
        log(difference.line())
    different = [d.table for d in differences if d.problem]
    if different:
        raise WorkspaceError(f"the copy in {dest.display} differs from {source.display} in: "
                             f"{', '.join(different)}")
    return differences
