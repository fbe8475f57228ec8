"""The workspace: atomic transactions, clean reads, the one path rule."""

import hashlib

import geopandas as gpd
import pandas as pd
import pytest

from geoaid.store import schema
from geoaid.store.config import ENV_VAR, resolve_workspace
from geoaid.store.workspace import Workspace, WorkspaceError


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_failed_transaction_leaves_the_file_byte_identical(writable_workspace):
    before = sha256(writable_workspace.path)
    with pytest.raises(RuntimeError):
        with writable_workspace.transaction() as tx:
            tx.write(schema.PROJECTS, pd.DataFrame({"project_id": ["X"]}))
            tx.write(schema.COMMUNES, writable_workspace.read(schema.COMMUNES).iloc[:3])
            raise RuntimeError("import failed half-way")
    assert sha256(writable_workspace.path) == before
    leftovers = [p for p in writable_workspace.path.parent.iterdir() if p.name.endswith(".tmp.gpkg")]
    assert leftovers == []


def test_successful_transaction_replaces_layers_and_changes_version(workspace_backend):
    old_version = workspace_backend.version()
    communes = workspace_backend.read(schema.COMMUNES)
    with workspace_backend.transaction() as tx:
        tx.write(schema.COMMUNES, communes.iloc[:10])
        tx.set_metadata(note="ten communes")
        tx.set_settings(area_allocation_rule="area")
    assert workspace_backend.read(schema.COMMUNES)["code"].tolist() == communes["code"].tolist()[:10]
    assert workspace_backend.metadata()["note"] == "ten communes"
    assert workspace_backend.settings()["area_allocation_rule"] == "area"
    assert workspace_backend.version() != old_version


def test_reads_are_copies(demo_workspace):
    communes = demo_workspace.read(schema.COMMUNES)
    communes.loc[:, "name"] = "changed"
    assert (demo_workspace.read(schema.COMMUNES)["name"] != "changed").all()


def test_missing_table_reads_empty_with_schema_columns(tmp_path):
    path = tmp_path / "w.gpkg"
    with Workspace(path).transaction(create=True) as tx:
        tx.write(schema.COMMUNES, gpd.GeoDataFrame({"code": ["00001"]},
                                                   geometry=gpd.points_from_xy([105], [10]).buffer(0.01),
                                                   crs=schema.CRS))
    projects = Workspace(path).read(schema.PROJECTS)
    assert list(projects.columns) == schema.PROJECT_COLUMNS and projects.empty


def test_missing_workspace_gives_a_clear_error(tmp_path):
    with pytest.raises(WorkspaceError, match="geoaid demo"):
        Workspace(tmp_path / "nothing.gpkg").read(schema.COMMUNES)


def test_workspace_path_rule(monkeypatch, tmp_path):
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.chdir(tmp_path)
    assert resolve_workspace(None) == tmp_path / "workspace" / "demo.gpkg"
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "env.gpkg"))
    assert resolve_workspace(None) == tmp_path / "env.gpkg"
    assert resolve_workspace(str(tmp_path / "flag.gpkg")) == tmp_path / "flag.gpkg"
