"""The demo workspace in PostGIS for the tests: copied once per session, then cloned per test.

``geoaid workspace copy`` fills one database from the session's demo GeoPackage
(its own test checks that copy); every test then gets a clone made with
``CREATE DATABASE … TEMPLATE`` (a fraction of a second), which it may change.
"""

from __future__ import annotations

import hashlib

import psycopg

from geoaid.store.copying import copy_workspace
from geoaid.store.postgis.workspace import PostgisWorkspace
from geoaid.store.workspace import Workspace


def fill_template(cluster, demo_path) -> str:
    """A database holding the demo workspace, free to be used as a template; its name."""
    dsn = cluster.new_database()
    dest = PostgisWorkspace(dsn)
    copy_workspace(Workspace(demo_path), dest, log=lambda _line: None)
    dest.close()        # nobody may be connected to a template
    return dsn.rsplit("/", 1)[1]


def table_digests(dsn: str) -> dict[str, str]:
    """An MD5 of every table of the database's public schema (rows in order): equal means unchanged."""
    with psycopg.connect(dsn) as db:
        names = [row[0] for row in db.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        digests = {}
        for name in names:
            rows = db.execute(f'SELECT t::text FROM "{name}" t ORDER BY 1').fetchall()
            digests[name] = hashlib.md5("\n".join(r[0] for r in rows).encode()).hexdigest()
        return digests
