"""A workspace in a PostgreSQL/PostGIS database: the GeoPackage's guarantees, kept by the database.

* A change (:meth:`PostgisWorkspace.transaction`) is one database transaction:
  every write of an import, or none (an exception rolls it back). There is no
  file copy: only the layers written change.
* Writers are serialised by locking the version row (``SELECT … FOR UPDATE``);
  readers take no lock and never wait for a writer (MVCC).
* ``version()`` is that row, incremented by each commit. Every ``read`` runs in
  one REPEATABLE READ transaction that reads the version and the layer
  together, so a layer is cached under the version it belongs to, and
  geoaid.snapshot's re-check (the version before and after reading every
  layer) pins one version exactly as it does on the GeoPackage.

Example::

    workspace = PostgisWorkspace("postgresql://geoaid@db/aid")
    workspace.read("communes")            # a GeoDataFrame, like the GeoPackage's
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import psycopg
from psycopg import IsolationLevel, sql

from geoaid.store import column_types, schema
from geoaid.store.base import TransactionBase, WorkspaceBase, as_read, empty_layer
from geoaid.store.errors import WorkspaceDamaged, WorkspaceError, WorkspaceNotWritten, first_line, write_failed
from geoaid.store.postgis import tables
from geoaid.store.postgis.connection import Location, check_postgis, connect, unreachable

CACHE_ENV = "GEOAID_CACHE_DIR"


def cache_folder(location: Location) -> Path:
    """Where files made from a database workspace go (print maps): ``$GEOAID_CACHE_DIR`` or the user cache."""
    root = os.environ.get(CACHE_ENV, "").strip() or os.path.join(
        os.environ.get("XDG_CACHE_HOME", "").strip() or Path.home() / ".cache", "geoaid")
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", location.display.split("://", 1)[1])
    return Path(root).expanduser() / name


def read_only_replica(location: Location) -> WorkspaceNotWritten:
    return WorkspaceNotWritten(
        f"the database {location.display} is a read-only replica: make changes on the primary server",
        public="This server reads a read-only copy of the workspace: changes are made on the main server.")


class PostgisWorkspace(WorkspaceBase):
    """The workspace in the database (and schema) that ``location`` names."""

    def __init__(self, location: str):
        self.location = str(location)
        self.where = Location.parse(self.location)
        self.display = self.where.display
        self.cache_dir = cache_folder(self.where)
        self.staging_dir = self.cache_dir / "uploads"
        self._local = threading.local()
        self._checked = False
        self._cache: dict[tuple, Any] = {}
        self._cache_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"PostgisWorkspace({self.display!r})"

    # -- reading -----------------------------------------------------------
    def _reader(self) -> psycopg.Connection:
        """This thread's reading connection (a new one after a fork or a lost connection)."""
        held = getattr(self._local, "held", None)
        if held is None or held[0] != os.getpid() or held[1].closed or held[1].broken:
            conn = connect(self.where, autocommit=True)
            conn.isolation_level = IsolationLevel.REPEATABLE_READ
            conn.read_only = True
            self._local.held = held = (os.getpid(), conn)
        return held[1]

    def close(self) -> None:
        """Close this thread's reading connection (a template database must have none open)."""
        held = getattr(self._local, "held", None)
        if held is not None:
            held[1].close()
            self._local.held = None

    @contextlib.contextmanager
    def _reading(self, transaction: bool = True) -> Iterator[psycopg.Connection]:
        conn = self._reader()
        try:
            if not self._checked:
                self._check(conn)
            with conn.transaction() if transaction else contextlib.nullcontext():
                yield conn
        except psycopg.OperationalError as exc:
            self.close()
            raise unreachable(self.where, exc) from None
        except psycopg.Error as exc:
            raise WorkspaceError(f"cannot read the workspace {self.display}: {first_line(exc)}") from None

    def _check(self, conn: psycopg.Connection) -> None:
        check_postgis(conn, self.where)
        if not tables.has_table(conn, self.where, tables.VERSION_TABLE):
            raise WorkspaceError(
                f"No workspace in {self.display} yet. Fill it with `geoaid workspace copy workspace/demo.gpkg "
                f"{self.display}` or build the demo into it with `geoaid demo --workspace {self.display}`.",
                public="No workspace yet: the database holds no geoaid workspace.")
        if not tables.has_table(conn, self.where, schema.COMMUNES):
            raise WorkspaceDamaged(self.display, "it has no communes table")
        self._checked = True

    def exists(self) -> bool:
        try:
            with self._reading() as conn:
                return tables.has_table(conn, self.where, tables.VERSION_TABLE)
        except WorkspaceDamaged:
            return True
        except WorkspaceError:
            return False

    def version(self) -> tuple[int]:
        # Asked on every request: one statement in autocommit is its own snapshot, so no BEGIN/COMMIT
        # round trips around it (a third of the cost); layer reads keep their REPEATABLE READ transaction.
        with self._reading(transaction=False) as conn:
            return (tables.current_version(conn, self.where),)

    def layers(self) -> list[str]:
        with self._reading() as conn:
            return tables.layer_names(conn, self.where)

    def read(self, layer: str) -> pd.DataFrame | gpd.GeoDataFrame:
        """Read a layer (a copy: callers may change it); a table never written reads as empty."""
        with self._reading() as conn:
            key = (layer, (tables.current_version(conn, self.where),))
            with self._cache_lock:
                cached = self._cache.get(key)
            if cached is None:
                cached = read_in(conn, self.where, layer)
                with self._cache_lock:
                    self._cache = {k: v for k, v in self._cache.items() if k[1] == key[1]}
                    self._cache[key] = cached
        return cached.copy()

    # -- writing -----------------------------------------------------------
    def check_writable(self) -> None:
        with contextlib.closing(connect(self.where, autocommit=True)) as conn:
            if conn.execute("SELECT pg_is_in_recovery()").fetchone()[0]:
                raise read_only_replica(self.where)

    @contextlib.contextmanager
    def transaction(self, create: bool = False) -> Iterator[PostgisTransaction]:
        """One database transaction: all its writes commit together with a new version, or none do.

        ``create=True`` starts from an empty workspace (a build, a copy), creating the bookkeeping
        tables in an empty database. Accounts and sessions are not touched.
        """
        if not create:
            self.require()
        self.check_writable()
        # Autocommit: conn.transaction() below is then the one BEGIN … COMMIT, not a savepoint.
        with contextlib.closing(connect(self.where, autocommit=True)) as conn:
            try:
                check_postgis(conn, self.where)
                with conn.transaction():
                    if create:
                        tables.create_bookkeeping(conn, self.where)
                    conn.execute(sql.SQL("SELECT version FROM {} FOR UPDATE")
                                 .format(self.where.table(tables.VERSION_TABLE)))   # one writer at a time
                    if create:
                        for layer in tables.layer_names(conn, self.where):
                            tables.drop_layer(conn, self.where, layer)
                    tx = PostgisTransaction(conn, self.where)
                    yield tx
                    tx.flush()
                    conn.execute(sql.SQL("UPDATE {} SET version = version + 1")
                                 .format(self.where.table(tables.VERSION_TABLE)))
            except psycopg.errors.ReadOnlySqlTransaction:
                raise read_only_replica(self.where) from None
            except psycopg.Error as exc:
                raise write_failed(f"cannot change the workspace {self.display}", exc) from None


def read_in(conn: psycopg.Connection, location: Location, layer: str) -> pd.DataFrame | gpd.GeoDataFrame:
    """A layer as read inside ``conn``'s current transaction."""
    if layer not in tables.layer_names(conn, location):
        return empty_layer(layer)
    if not tables.has_table(conn, location, layer):
        raise WorkspaceDamaged(location.display, f"layer {layer!r} is listed but its table is missing")
    try:
        return as_read(layer, tables.read_layer(conn, location, layer))
    except column_types.ColumnTypeError as exc:
        raise WorkspaceDamaged(location.display, f"layer {layer!r} cannot be read ({exc})") from None


class PostgisTransaction(TransactionBase):
    """Writes inside one open database transaction (see :meth:`PostgisWorkspace.transaction`)."""

    def __init__(self, conn: psycopg.Connection, location: Location):
        super().__init__()
        self._conn = conn
        self._location = location

    def write(self, layer: str, frame: pd.DataFrame) -> None:
        """Replace ``layer`` with ``frame``, cast to the schema's column types (as on the GeoPackage)."""
        frame = column_types.for_write(layer, frame.reset_index(drop=True))
        if isinstance(frame, gpd.GeoDataFrame):
            frame = frame.to_crs(schema.CRS) if frame.crs else frame.set_crs(schema.CRS)
        tables.write_layer(self._conn, self._location, layer, frame)
        self.written[layer] = len(frame)

    def read(self, layer: str) -> pd.DataFrame | gpd.GeoDataFrame:
        """A layer as it stands in this transaction (its own writes included)."""
        return read_in(self._conn, self._location, layer)
