"""What a request handler reads from the app serving it (kept apart from the app factory in
``web/__init__.py``, which imports every blueprint)."""

from __future__ import annotations

from flask import current_app

from geoaid.store.base import WorkspaceBase


def workspace() -> WorkspaceBase:
    """The workspace of the current app."""
    return current_app.extensions["geoaid_workspace"]
