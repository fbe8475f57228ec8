"""Where the workspace lives: one rule for every command and for the server.

Order: an explicit ``--workspace LOCATION``, else ``$GEOAID_WORKSPACE``, else
``DEFAULT_WORKSPACE`` (relative to the current directory, so that running from
a clone uses the clone's demo workspace). A location starting with
``postgresql://`` or ``postgres://`` names a PostGIS database and is kept as
it is; anything else is a GeoPackage path.
"""

from __future__ import annotations

import os
from pathlib import Path

from geoaid.store.postgis.connection import is_database

ENV_VAR = "GEOAID_WORKSPACE"
DEFAULT_WORKSPACE = Path("workspace") / "demo.gpkg"


def resolve_workspace(explicit: str | os.PathLike | None = None) -> Path | str:
    """Return the workspace path (or database URI) chosen by flag, environment or default."""
    chosen = str(explicit).strip() if explicit else os.environ.get(ENV_VAR, "").strip()
    if not chosen:
        return DEFAULT_WORKSPACE.resolve()
    if is_database(chosen):
        return chosen
    return Path(chosen).expanduser().resolve()
