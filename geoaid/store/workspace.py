"""The workspace: one GeoPackage holding communes, classifications, projects.

Why one GeoPackage: GIS users open it in QGIS as it is, and a single file can
be replaced atomically. Every change goes through :meth:`Workspace.transaction`,
which writes into a copy next to the file and swaps it in with ``os.replace``
only when the whole change succeeded. Readers therefore see either the old or
the new workspace, never a half-written one, and a failed import leaves the
file byte-for-byte as it was. A lock file serialises writers (two planners
importing at once), while readers never wait.

What keeps that promise when the file or the disk misbehaves lives beside this
module: geoaid/integrity.py (a damaged or unwritable workspace is refused
before anything is copied; the copy is verified before the swap),
geoaid/column_types.py (writes keep the schema's column types) and
geoaid/temp_copies.py (the writer lock; copies of killed writers removed).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from geoaid.store import column_types, integrity, schema, temp_copies
from geoaid.store.base import TransactionBase, WorkspaceBase, as_read, empty_layer
from geoaid.store.errors import (  # noqa: F401
    WorkspaceDamaged,
    WorkspaceError,
    WorkspaceNotWritten,
    first_line,
    write_failed,
)

# What reading a damaged file can raise from GDAL, SQLite, text decoding or WKB parsing.
_READ_ERRORS = (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, sqlite3.DatabaseError,
                UnicodeError, shapely.errors.GEOSException, column_types.ColumnTypeError)
_WRITE_ERRORS = (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError)

def _stamp(path: Path) -> tuple[int, int, int]:
    st = path.stat()
    return (st.st_ino, st.st_mtime_ns, st.st_size)


class Workspace(WorkspaceBase):
    """A GeoPackage workspace at ``path``.

    Reads are cached per file version (inode, mtime, size), so a server that
    reads the communes on every request pays for parsing only once per
    change; the atomic swap gives every new version a new inode. Each new
    version is checked once (:func:`geoaid.store.integrity.check_file`) before it is
    read, so a damaged file gives one clear error instead of GDAL tracebacks.
    """

    def __init__(self, path: str | os.PathLike, check: bool = True):
        self.path = Path(path)
        self.location = self.display = str(self.path)
        self.cache_dir = self.path.parent
        self.staging_dir = self.path.with_name(f".{self.path.stem}.uploads")
        self._check = check          # False only for a transaction's own copy
        self._checked: tuple | None = None
        self._cache: dict[tuple, Any] = {}
        self._cache_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Workspace({str(self.path)!r})"

    # -- reading -----------------------------------------------------------
    def exists(self) -> bool:
        return self.path.is_file()

    def version(self) -> tuple[int, int, int]:
        """An identifier of the current file version (changes on every write)."""
        if not self.exists():
            raise WorkspaceError(
                f"No workspace at {self.path}. Build the demo with `geoaid demo`, "
                "or point --workspace / GEOAID_WORKSPACE at an existing .gpkg.",
                public="No workspace yet: build one with `geoaid demo`, or point GEOAID_WORKSPACE "
                       "at an existing .gpkg.")
        stamp = _stamp(self.path)
        if self._check and stamp != self._checked:
            integrity.check_file(self.path)
            self._checked = stamp
        return stamp

    def layers(self) -> list[str]:
        self.require()
        try:
            return [str(name) for name, _ in pyogrio.list_layers(self.path)]
        except _READ_ERRORS as exc:
            raise WorkspaceDamaged(self.path, f"its layers cannot be listed ({first_line(exc)})") from None

    def read(self, layer: str) -> pd.DataFrame | gpd.GeoDataFrame:
        """Read a layer; a table that was never written reads as empty.

        The returned frame is a copy: callers may modify it freely.
        """
        key = (layer, self.version())
        with self._cache_lock:
            cached = self._cache.get(key)
        if cached is None:
            cached = self._read_uncached(layer)
            with self._cache_lock:
                # Keep only the current file version's layers.
                self._cache = {k: v for k, v in self._cache.items() if k[1] == key[1]}
                self._cache[key] = cached
        return cached.copy()

    def _read_uncached(self, layer: str):
        if layer not in self.layers():
            return empty_layer(layer)
        try:
            return as_read(layer, pyogrio.read_dataframe(self.path, layer=layer))
        except _READ_ERRORS as exc:
            raise WorkspaceDamaged(self.path, f"layer {layer!r} cannot be read ({first_line(exc)})") from None

    def check_writable(self) -> None:
        integrity.check_writable(self.path)

    # -- writing -----------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self, create: bool = False) -> Iterator[Transaction]:
        """Apply a set of layer writes all together, or not at all.

        ``create=True`` starts from an empty file (a build); otherwise from a
        copy of the current workspace. Raises inside the block discard the copy.
        A damaged workspace, or one this process cannot write, is refused
        before anything is copied; a copy that lost any layer, row or column
        the change did not mean to replace is never swapped in.
        """
        if not create:
            self.require()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise write_failed(f"cannot create the folder of {self.path}", exc) from None
        integrity.check_writable(self.path)
        with contextlib.ExitStack() as held:
            try:
                held.enter_context(temp_copies.writer_lock(self.path))
            except OSError as exc:
                raise write_failed(f"cannot take the writer lock of {self.path}", exc) from None
            # Holding the lock: any copy still here is a killed writer's, never a live one's.
            temp_copies.remove_stale_copies(self.path)
            before = {} if create else integrity.inventory(self.path)
            tmp = self._private_copy(create)
            try:
                tx = Transaction(tmp)
                yield tx
                tx.flush()
                integrity.verify_copy(before, tmp, tx.written)
                self._swap_in(tmp, create)
            finally:
                for leftover in (tmp, tmp.with_name(tmp.name + "-journal")):
                    leftover.unlink(missing_ok=True)

    def _private_copy(self, create: bool) -> Path:
        """The writer's own copy: always writable (0600, not the original's mode)."""
        try:
            tmp = temp_copies.new_copy_path(self.path)
        except OSError as exc:
            raise write_failed(f"cannot create a copy beside {self.path}", exc) from None
        try:
            if create:
                tmp.unlink()
            else:
                shutil.copyfile(self.path, tmp)   # contents only: never a read-only mode
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise write_failed(f"cannot copy {self.path} to change it", exc) from None
        return tmp

    def _swap_in(self, tmp: Path, create: bool) -> None:
        try:
            with open(tmp, "rb+") as handle:
                os.fsync(handle.fileno())
            if not create and self.path.exists():   # keep the permissions the file had
                os.chmod(tmp, self.path.stat().st_mode & 0o7777)
            os.replace(tmp, self.path)
        except OSError as exc:
            raise write_failed(f"cannot save the changed {self.path}", exc) from None


class Transaction(TransactionBase):
    """Pending writes to a temporary copy of the workspace."""

    def __init__(self, path: Path):
        super().__init__()
        self.path = path

    def write(self, layer: str, frame: pd.DataFrame) -> None:
        """Replace ``layer`` with ``frame`` (a GeoDataFrame for spatial layers).

        Columns keep the types geoaid/schema.py declares, whatever the frame
        holds (an empty or all-null column included).
        """
        frame = column_types.for_write(layer, frame.reset_index(drop=True))
        try:
            if isinstance(frame, gpd.GeoDataFrame):
                frame = frame.to_crs(schema.CRS) if frame.crs else frame.set_crs(schema.CRS)
                pyogrio.write_dataframe(frame, self.path, layer=layer, driver="GPKG",
                                        promote_to_multi=True)
            else:
                pyogrio.write_dataframe(frame, self.path, layer=layer, driver="GPKG")
        except _WRITE_ERRORS as exc:
            raise write_failed(f"cannot write layer {layer!r} of the workspace", exc) from None
        self.written[layer] = len(frame)

    def read(self, layer: str):
        """Read a layer as it stands in this transaction's copy."""
        return Workspace(self.path, check=False).read(layer)
