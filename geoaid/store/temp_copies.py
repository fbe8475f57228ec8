"""The writer lock, and the temporary copies writers leave beside a workspace.

A change is written into a copy named ``.<stem>.<8 random>.tmp.gpkg`` next to
the workspace (SQLite may add ``-journal``, ``-wal`` or ``-shm`` to it) and
swapped in. A writer killed mid-way (kill -9, power cut) leaves its copy
behind, 1.5 MB to hundreds of MB each.

Which copies are safe to remove: a writer creates its copy only *after*
taking the exclusive lock on ``<workspace>.lock`` and removes or renames it
*before* releasing the lock, and the kernel releases the lock of a dead
process. So a copy seen while holding that lock — or while it can be taken
without waiting — belongs to no live writer. Copies are therefore removed by
the next writer (which holds the lock anyway) and at server start when the
lock is free; while another writer holds the lock nothing is touched.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

COPY_SUFFIX = ".tmp.gpkg"
_RANDOM = r"[a-z0-9_]{8}"               # the random part tempfile.mkstemp puts in a name
_SQLITE_SIDE_FILES = r"(?:-journal|-wal|-shm)?"


def lock_path(workspace: Path) -> Path:
    return workspace.with_name(workspace.name + ".lock")


def _prefix(workspace: Path) -> str:
    return f".{workspace.stem}."


def new_copy_path(workspace: Path) -> Path:
    """A new, empty, private (0600) file for a writer's copy; call while holding the lock."""
    fd, name = tempfile.mkstemp(prefix=_prefix(workspace), suffix=COPY_SUFFIX, dir=workspace.parent)
    os.close(fd)
    return Path(name)


def temporary_copies(workspace: Path) -> list[Path]:
    """Writers' copies (and their SQLite side files) of this workspace, live or stale."""
    pattern = re.compile(re.escape(_prefix(workspace)) + _RANDOM + re.escape(COPY_SUFFIX)
                         + _SQLITE_SIDE_FILES)
    try:
        names = os.listdir(workspace.parent)
    except OSError:
        return []
    return sorted(workspace.parent / name for name in names if pattern.fullmatch(name))


@contextlib.contextmanager
def writer_lock(workspace: Path, wait: bool = True) -> Iterator[bool]:
    """Hold the workspace's writer lock; yields False (and holds nothing) if ``wait`` is False and
    another writer holds it."""
    with open(lock_path(workspace), "a+") as lock_file:
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def remove_stale_copies(workspace: Path) -> list[Path]:
    """Remove every copy; only call while holding the writer lock (so none is a live writer's)."""
    removed = []
    for path in temporary_copies(workspace):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed.append(path)
    return removed


def clean_if_no_writer(workspace: Path) -> list[Path]:
    """Remove leftover copies if no writer is running (server start); never wait for one."""
    if not temporary_copies(workspace):
        return []
    try:
        with writer_lock(workspace, wait=False) as held:
            return remove_stale_copies(workspace) if held else []
    except OSError:       # a folder this process may not write: nothing could be removed anyway
        return []


def writer_running(workspace: Path) -> bool | None:
    """True if a writer holds the lock now, False if not, None if that cannot be checked."""
    try:
        with open(lock_path(workspace), "rb") as lock_file:
            try:
                fcntl.flock(lock_file, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(lock_file, fcntl.LOCK_UN)
            return False
    except FileNotFoundError:
        return False
    except OSError:
        return None
