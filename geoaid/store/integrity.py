"""Is a workspace file sound, may this process write it, and did a write keep everything?

Three checks around :meth:`geoaid.store.workspace.Workspace.transaction`:

* :func:`check_file` — before anything reads or copies a workspace: the file
  is a GeoPackage SQLite can walk (``PRAGMA quick_check``) with a communes
  layer. An empty, truncated, garbage or structurally damaged file is named
  as such instead of surfacing as a GDAL or SQLite traceback.
* :func:`check_writable` — before anything is copied: the file and its folder
  can be written by this process. (A read-only file used to be copied with its
  mode; GDAL could not open the copy for update and silently recreated it
  holding only the layer being written, and that copy was swapped in.)
* :func:`inventory` / :func:`verify_copy` — before the copy is swapped in:
  every layer and table of the original is still there, a layer the change did
  not write has its rows and columns unchanged, and a written layer holds the
  rows written. A change that would lose data is never committed.

Counts come from SQLite directly, not from GDAL, so a GDAL misbehaviour
cannot vouch for itself.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

from geoaid.store import schema
from geoaid.store.errors import WorkspaceDamaged, WorkspaceError, WorkspaceNotWritten, first_line

SQLITE_HEADER = b"SQLite format 3\x00"
Inventory = dict[str, tuple[int, tuple[str, ...]]]   # layer -> (rows, columns)


def _connect_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _quick_check(db: sqlite3.Connection) -> str:
    """SQLite's structural check: "ok", or its first finding on one line."""
    verdict = str(db.execute("PRAGMA quick_check(1)").fetchone()[0])
    lines = [line.strip() for line in verdict.splitlines() if line.strip() and "***" not in line]
    return "; ".join(lines) or verdict


def check_file(path: Path, require_communes: bool = True) -> None:
    """Raise :class:`WorkspaceDamaged` unless ``path`` is a sound GeoPackage workspace."""
    path = Path(path)
    if not path.is_file():
        raise WorkspaceDamaged(path, "it is not a regular file")
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except PermissionError:
        raise WorkspaceError(f"cannot read the workspace {path}: permission denied",
                             public="The server may not read the workspace file.") from None
    if not head:
        raise WorkspaceDamaged(path, "the file is empty (0 bytes)")
    if head != SQLITE_HEADER:
        raise WorkspaceDamaged(path, "it is not a GeoPackage (not an SQLite database)")
    try:
        with closing(_connect_read_only(path)) as db:
            verdict = _quick_check(db)
            if verdict != "ok":
                raise WorkspaceDamaged(path, f"its database structure is broken ({verdict})")
            if not db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                              "AND name = 'gpkg_contents'").fetchone():
                raise WorkspaceDamaged(path, "it is an SQLite database but not a GeoPackage "
                                             "(no gpkg_contents table)")
            layers = [row[0] for row in db.execute("SELECT table_name FROM gpkg_contents")]
            for layer in layers:
                _read_every_text(db, path, layer)
    except (sqlite3.DatabaseError, UnicodeError) as exc:
        raise WorkspaceDamaged(path, f"SQLite cannot read it ({first_line(exc)})") from None
    if require_communes and schema.COMMUNES not in layers:
        raise WorkspaceDamaged(path, f"it has no {schema.COMMUNES!r} layer")


def _read_every_text(db: sqlite3.Connection, path: Path, layer: str) -> None:
    """Decode every text value of a layer: a damaged byte inside a name makes invalid UTF-8,
    which the structural check cannot see and GDAL would report as a decoding traceback.
    (Geometry and numbers are read as they are: a GeoPackage has no checksums.)"""
    columns = [row[1] for row in db.execute(f"PRAGMA table_info({_quoted(layer)})")
               if str(row[2]).upper().startswith(("TEXT", "VARCHAR")) or not row[2]]
    if not columns:
        return
    try:
        for _ in db.execute(f"SELECT {', '.join(map(_quoted, columns))} FROM {_quoted(layer)}"):
            pass
    except sqlite3.OperationalError as exc:
        if "decode" not in str(exc).lower():
            raise
        raise WorkspaceDamaged(path, f"layer {layer!r} holds text that is not valid UTF-8") from None


def inventory(path: Path) -> Inventory:
    """Every layer and table of a GeoPackage with its row count and column names."""
    with closing(_connect_read_only(path)) as db:
        tables = [row[0] for row in db.execute("SELECT table_name FROM gpkg_contents")]
        return {table: (db.execute(f"SELECT COUNT(*) FROM {_quoted(table)}").fetchone()[0],
                        tuple(row[1] for row in db.execute(f"PRAGMA table_info({_quoted(table)})")))
                for table in tables}


def verify_copy(before: Inventory, copy: Path, written: dict[str, int]) -> None:
    """Raise :class:`WorkspaceNotWritten` if the copy lost a layer, rows or columns."""
    try:
        with closing(_connect_read_only(copy)) as db:
            verdict = _quick_check(db)
        after = inventory(copy) if verdict == "ok" else None
    except (sqlite3.DatabaseError, UnicodeError) as exc:
        verdict, after = first_line(exc), None
    if after is None:
        problems = [f"the written copy is damaged ({verdict})"]
    else:
        problems = _losses(before, after, written)
    if problems:
        raise WorkspaceNotWritten(
            "the change was not saved because the written copy would have lost data: "
            + "; ".join(problems),
            public="The change was not saved: the written copy of the workspace would have lost data.")


def _losses(before: Inventory, after: Inventory, written: dict[str, int]) -> list[str]:
    problems = []
    for layer, (rows, columns) in before.items():
        if layer not in after:
            problems.append(f"layer {layer!r} ({rows} row(s)) is missing")
        elif layer not in written and after[layer][0] != rows:
            problems.append(f"layer {layer!r} has {after[layer][0]} row(s) instead of {rows}")
        elif layer not in written and after[layer][1] != columns:
            lost = sorted(set(columns) - set(after[layer][1]))
            problems.append(f"layer {layer!r} changed its columns" + (f" (lost {lost})" if lost else ""))
    for layer, rows in written.items():
        if layer not in after:
            problems.append(f"written layer {layer!r} is missing")
        elif after[layer][0] != rows:
            problems.append(f"written layer {layer!r} has {after[layer][0]} row(s), {rows} were written")
    return problems


def check_writable(path: Path) -> None:
    """Refuse (before anything is copied) a change this process could not save."""
    path = Path(path)
    folder = path.parent
    while not folder.exists() and folder != folder.parent:   # the change will create it
        folder = folder.parent
    read_only_fs = _read_only_filesystem(folder)
    if read_only_fs:
        raise WorkspaceNotWritten(
            f"cannot change the workspace {path}: its file system is mounted read-only",
            public="The workspace is on a read-only file system on the server; changes cannot be saved.")
    if path.exists() and not os.access(path, os.W_OK):
        mode = f"{path.stat().st_mode & 0o777:04o}"
        raise WorkspaceNotWritten(
            f"cannot change the workspace {path}: the file is read-only for this user (mode {mode}); "
            "make it writable (chmod u+w) or work on a copy",
            public="The workspace file is read-only on the server; changes cannot be saved.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise WorkspaceNotWritten(
            f"cannot change the workspace {path}: its folder {folder} is not writable for this user "
            "(a change is written into a copy beside the workspace, then swapped in)",
            public="The workspace folder is read-only on the server; changes cannot be saved.")


def _read_only_filesystem(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False
