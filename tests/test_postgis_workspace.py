"""The PostGIS workspace: the GeoPackage's layers and guarantees, kept by the database.

Every test runs on a real throwaway PostgreSQL/PostGIS server (tests/postgres_cluster.py)
with the session's demo workspace copied in by `geoaid workspace copy`.
"""

from __future__ import annotations

import threading
import time

import geopandas as gpd
import pandas as pd
import psycopg
import pytest

from geoaid.cli import main
from geoaid.store import schema
from geoaid.store.copying import frame_problem
from geoaid.store.errors import WorkspaceError, WorkspaceNotWritten
from geoaid.store.opener import open_workspace
from geoaid.store.postgis.tables import table_columns
from geoaid.store.postgis.workspace import PostgisWorkspace
from geoaid.store.workspace import Workspace
from tests.postgis_workspaces import table_digests


def test_every_layer_reads_back_as_the_geopackage_gives_it(demo_workspace, postgis_workspace):
    assert postgis_workspace.layers() == demo_workspace.layers()
    for layer in demo_workspace.layers():
        assert frame_problem(demo_workspace.read(layer), postgis_workspace.read(layer)) == "", layer
    communes = postgis_workspace.read(schema.COMMUNES)
    assert len(communes) == 500 and str(communes.crs) == schema.CRS
    assert communes.loc[communes["code"] == "32002", "name"].item() == "Phường 2"
    assert postgis_workspace.metadata() == demo_workspace.metadata()
    assert postgis_workspace.settings() == demo_workspace.settings()


def test_the_opener_picks_the_backend_from_the_location(tmp_path, postgres_dsn):
    assert isinstance(open_workspace(tmp_path / "a.gpkg"), Workspace)
    database = open_workspace(postgres_dsn.replace("geoaid@", "geoaid:s3cret@") + "?schema=can_tho")
    assert isinstance(database, PostgisWorkspace) and database.where.schema == "can_tho"
    assert "s3cret" not in database.display and database.display.endswith("?schema=can_tho")
    assert "s3cret" not in str(database.cache_dir)


def test_a_change_is_one_transaction_and_a_failure_leaves_every_table_as_it_was(postgis_workspace):
    before, version = table_digests(postgis_workspace.location), postgis_workspace.version()
    projects = postgis_workspace.read(schema.PROJECTS)
    with pytest.raises(RuntimeError, match="stop half-way"):
        with postgis_workspace.transaction() as tx:
            tx.write(schema.PROJECTS, projects.iloc[:3])
            tx.write(schema.CLASSIFICATIONS, pd.DataFrame(columns=schema.CLASSIFICATION_COLUMNS))
            tx.audit("thu", "import projects", "du_an.xlsx", {"rows": 3})
            assert len(tx.read(schema.PROJECTS)) == 3          # the transaction sees its own writes
            raise RuntimeError("stop half-way")
    assert table_digests(postgis_workspace.location) == before
    assert postgis_workspace.version() == version
    with postgis_workspace.transaction() as tx:
        tx.write(schema.PROJECTS, projects.iloc[:3])
        tx.set_settings(usd_vnd=25_000)
    assert postgis_workspace.version() == (version[0] + 1,)
    assert postgis_workspace.read(schema.PROJECTS)["project_id"].tolist() == projects["project_id"].tolist()[:3]
    assert postgis_workspace.settings()["usd_vnd"] == 25_000


def test_readers_never_wait_for_a_writer_and_writers_take_turns(postgis_workspace):
    log = postgis_workspace.read(schema.AUDIT_LOG)
    inside, release, order = threading.Event(), threading.Event(), []

    def slow_writer():
        with postgis_workspace.transaction() as tx:
            tx.audit("first", "test", None, {})
            inside.set()
            release.wait(30)
        order.append("first")

    def second_writer():
        with postgis_workspace.transaction() as tx:
            tx.audit("second", "test", None, {})
        order.append("second")

    first = threading.Thread(target=slow_writer)
    first.start()
    assert inside.wait(30)
    second = threading.Thread(target=second_writer)
    second.start()
    started = time.monotonic()
    assert len(PostgisWorkspace(postgis_workspace.location).read(schema.AUDIT_LOG)) == len(log)
    assert time.monotonic() - started < 5          # the open write transaction did not hold it up
    time.sleep(0.5)
    assert order == []                             # the second writer waits for the first one
    release.set()
    first.join(30)
    second.join(30)
    assert order == ["first", "second"]
    users = postgis_workspace.read(schema.AUDIT_LOG)["user"].tolist()
    assert users[-2:] == ["first", "second"]       # neither change lost the other's row


def test_copy_round_trip_geopackage_postgis_geopackage_is_lossless(demo_workspace_path, postgres_dsn, tmp_path,
                                                                   capsys):
    from geoaid.store.accounts import AccountStore

    source = tmp_path / "source.gpkg"
    source.write_bytes(demo_workspace_path.read_bytes())
    AccountStore.for_workspace(source).add("thu", "a long password", "admin")
    with_password = postgres_dsn.replace("geoaid@", "geoaid:s3cret@")
    assert main(["workspace", "copy", str(source), with_password]) == 0
    out = capsys.readouterr().out
    assert "s3cret" not in out
    assert "communes: 500 row(s)" in out and "metadata" in out and "audit_log" in out
    assert "DIFFERENT" not in out and "  (accounts)" in out
    back = tmp_path / "back.gpkg"
    assert main(["workspace", "copy", postgres_dsn, str(back)]) == 0
    for layer in Workspace(source).layers():
        assert frame_problem(Workspace(source).read(layer), Workspace(back).read(layer)) == "", layer
    assert Workspace(back).layers() == Workspace(source).layers()
    account = AccountStore.for_workspace(back).authenticate("thu", "a long password")
    assert account is not None and account.role == "admin"
    # A destination that holds a workspace is not overwritten without --replace.
    assert main(["workspace", "copy", str(source), postgres_dsn]) == 2
    assert "already holds a workspace: add --replace" in capsys.readouterr().err
    assert main(["workspace", "copy", str(source), postgres_dsn, "--replace"]) == 0


def test_a_copy_that_differs_fails_loudly(demo_workspace, postgis_workspace, capsys):
    from geoaid.store.copying import compare

    with postgis_workspace.transaction() as tx:
        tx.write(schema.PROJECTS, postgis_workspace.read(schema.PROJECTS).iloc[1:])
    lines = {line.table: line for line in compare(demo_workspace, postgis_workspace)}
    assert lines[schema.PROJECTS].problem and (lines[schema.PROJECTS].source_rows,
                                               lines[schema.PROJECTS].copy_rows) == (61, 60)
    assert not lines[schema.COMMUNES].problem


def test_what_is_wrong_with_a_database_is_said_in_one_line(postgres_cluster, postgres_dsn, capsys):
    unreachable = f"postgresql://geoaid@127.0.0.1:{postgres_cluster.port}/no_such_database"
    assert main(["info", "--workspace", unreachable]) == 2
    err = capsys.readouterr().err
    assert err.startswith("geoaid: error: cannot reach the PostgreSQL workspace postgresql://geoaid@127.0.0.1")
    assert "no_such_database" in err and "Traceback" not in err and err.count("\n") == 1
    assert main(["info", "--workspace", postgres_dsn]) == 2
    assert "No workspace in postgresql://" in capsys.readouterr().err
    with psycopg.connect(postgres_dsn, autocommit=True) as db:
        db.execute("DROP EXTENSION postgis")
    assert main(["info", "--workspace", postgres_dsn]) == 2
    assert "has no PostGIS: run `CREATE EXTENSION postgis`" in capsys.readouterr().err


def test_a_missing_communes_table_is_named(postgis_workspace):
    with psycopg.connect(postgis_workspace.location, autocommit=True) as db:
        db.execute("DROP TABLE communes")
    with pytest.raises(WorkspaceError, match="damaged or is not a geoaid workspace: it has no communes table"):
        PostgisWorkspace(postgis_workspace.location).version()


def test_a_read_only_database_refuses_changes_with_a_clear_message(postgis_workspace):
    database = postgis_workspace.location.rsplit("/", 1)[1]
    with psycopg.connect(postgis_workspace.location, autocommit=True) as db:
        db.execute(f"ALTER DATABASE {database} SET default_transaction_read_only = on")
    workspace = PostgisWorkspace(postgis_workspace.location)
    assert len(workspace.read(schema.COMMUNES)) == 500                    # reading goes on
    with pytest.raises(WorkspaceNotWritten, match="read-only replica: make changes on the primary"):
        with workspace.transaction() as tx:
            tx.audit("thu", "test", None, {})


PG_TYPES = {"text": "text", "real": "double precision", "integer": "bigint", "boolean": "boolean"}
SPATIAL = (schema.COMMUNES, schema.COMMUNES_2025, schema.UNMATCHED_POLYGONS)


def _frame(layer, rows):
    """Every declared column of ``layer``, all null (an empty import, a concat with nothing)."""
    data = {column: pd.Series([None] * rows, dtype=object) for column in schema.COLUMN_TYPES[layer]}
    if layer in SPATIAL:
        return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries([None] * rows), crs=schema.CRS)
    return pd.DataFrame(data)


@pytest.mark.parametrize("rows", [0, 2], ids=["empty frame", "all-null frame"])
def test_every_layer_keeps_its_declared_types_and_reads_back_as_from_a_geopackage(postgres_dsn, tmp_path, rows):
    database, geopackage = PostgisWorkspace(postgres_dsn), Workspace(tmp_path / "typed.gpkg")
    for workspace in (database, geopackage):
        with workspace.transaction(create=True) as tx:
            for layer in schema.COLUMN_TYPES:
                tx.write(layer, _frame(layer, rows))
    with psycopg.connect(postgres_dsn) as db:
        for layer, types in schema.COLUMN_TYPES.items():
            stored = dict(table_columns(db, database.where, layer))
            assert stored == {**{c: PG_TYPES[k] for c, k in types.items()},
                              **({"geometry": "geometry(MultiPolygon,4326)"} if layer in SPATIAL else {})}, layer
    for layer in schema.COLUMN_TYPES:
        assert frame_problem(geopackage.read(layer), database.read(layer)) == "", layer


def test_a_layer_whose_table_was_dropped_is_named(postgis_workspace):
    with psycopg.connect(postgis_workspace.location, autocommit=True) as db:
        db.execute("DROP TABLE projects")
    with pytest.raises(WorkspaceError, match="layer 'projects' is listed but its table is missing"):
        PostgisWorkspace(postgis_workspace.location).read(schema.PROJECTS)


def test_a_column_name_postgresql_would_cut_is_refused_and_nothing_changes(postgis_workspace):
    before = table_digests(postgis_workspace.location)
    long_name = "tên_đơn_vị_hành_chính_cấp_xã_theo_nghị_quyết_của_ủy_ban"   # 63+ bytes in UTF-8
    with pytest.raises(WorkspaceNotWritten, match="longer than PostgreSQL allows"):
        with postgis_workspace.transaction() as tx:
            tx.write("boundary_fields", pd.DataFrame({long_name: ["Xã Tân Thành"]}))
    assert table_digests(postgis_workspace.location) == before


def test_two_workspaces_share_one_database_in_their_own_schemas(demo_workspace, postgres_dsn):
    from geoaid.store.accounts import AccountStore
    from geoaid.store.copying import copy_workspace

    can_tho, ha_giang = (PostgisWorkspace(f"{postgres_dsn}?schema={name}") for name in ("can_tho", "ha_giang"))
    copy_workspace(demo_workspace, can_tho, log=lambda _line: None)
    with can_tho.transaction() as tx:
        tx.write(schema.PROJECTS, can_tho.read(schema.PROJECTS).iloc[:1])
    AccountStore.for_workspace(can_tho.location).add("lan", "a long password", "admin")
    assert not ha_giang.exists() and len(can_tho.read(schema.PROJECTS)) == 1
    assert AccountStore.for_workspace(ha_giang.location).list() == []
    with psycopg.connect(postgres_dsn) as db:
        tables = {row[0] for row in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'can_tho'")}
        assert {"communes", "projects", "geoaid_version", "accounts", "sessions"} <= tables
        assert db.execute("SELECT to_regclass('public.communes')").fetchone()[0] is None
