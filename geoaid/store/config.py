"""Where the workspace lives: one rule for every command and for the server.

Order: an explicit ``--workspace PATH``, else ``$GEOAID_WORKSPACE``, else
``DEFAULT_WORKSPACE`` (relative to the current directory, so that running from
a clone uses the clone's demo workspace).
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "GEOAID_WORKSPACE"
DEFAULT_WORKSPACE = Path("workspace") / "demo.gpkg"


def resolve_workspace(explicit: str | os.PathLike | None = None) -> Path:
    """Return the workspace path chosen by flag, environment or default."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return Path(env).expanduser().resolve()
    return DEFAULT_WORKSPACE.resolve()
