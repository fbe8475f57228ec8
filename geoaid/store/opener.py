"""One opener for every workspace location: a ``postgresql://`` URI or a GeoPackage path.

The CLI, the web app, snapshots and the benchmarks open workspaces here, so
a new backend is one line in :func:`open_workspace`.

Example::

    open_workspace("workspace/demo.gpkg")                  # Workspace (GeoPackage)
    open_workspace("postgresql://geoaid@db/aid")          # PostgisWorkspace
    open_workspace()                                        # --workspace / $GEOAID_WORKSPACE / default
"""

from __future__ import annotations

import os

from geoaid.store.base import WorkspaceBase
from geoaid.store.config import resolve_workspace
from geoaid.store.postgis.connection import is_database
from geoaid.store.postgis.workspace import PostgisWorkspace
from geoaid.store.workspace import Workspace


def open_workspace(location: str | os.PathLike | None = None) -> WorkspaceBase:
    """The workspace at ``location`` (resolved by geoaid.store.config's one rule)."""
    resolved = resolve_workspace(location)
    if is_database(resolved):
        return PostgisWorkspace(str(resolved))
    return Workspace(resolved)
