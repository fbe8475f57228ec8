"""The test command's own PostgreSQL/PostGIS server: it runs, has PostGIS, and gives each test a database."""

import psycopg


def test_each_test_gets_an_empty_postgis_database(postgres_cluster):
    first, second = postgres_cluster.new_database(), postgres_cluster.new_database()
    assert first != second
    with psycopg.connect(first) as db:
        assert db.execute("select postgis_lib_version()").fetchone()[0].startswith("3.")
        db.execute("create table marker (x int)")
        db.commit()
    with psycopg.connect(second) as db:
        tables = db.execute("select count(*) from pg_tables where tablename = 'marker'").fetchone()[0]
    assert tables == 0


def test_the_server_listens_on_loopback_only(postgres_cluster):
    with psycopg.connect(postgres_cluster.new_database()) as db:
        assert db.execute("show listen_addresses").fetchone()[0] == "127.0.0.1"
