"""Connecting to a PostGIS workspace, and saying in one line why it failed.

A location is a libpq URI, ``postgresql://user[:password]@host[:port]/db``,
with one addition: ``?schema=NAME`` puts the workspace's tables in that
schema (default ``public``), so one database can hold several workspaces.
The password never appears in a message: :func:`without_password`.

Example::

    location = Location.parse("postgresql://geoaid:secret@db/aid?schema=can_tho")
    location.display       # 'postgresql://geoaid@db/aid?schema=can_tho'
    with connect(location) as conn: ...
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg import sql

from geoaid.store.errors import WorkspaceError, first_line

SCHEMES = ("postgresql://", "postgres://")
DEFAULT_SCHEMA = "public"
MIN_POSTGIS = 3
CONNECT_SECONDS = 10
_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def is_database(location) -> bool:
    """True when ``location`` names a PostgreSQL database rather than a GeoPackage file."""
    return str(location).strip().lower().startswith(SCHEMES)


def without_password(location: str) -> str:
    """The location with any password removed (from the user part and from the query)."""
    parts = urlsplit(location)
    netloc = parts.netloc
    if "@" in netloc:
        user, host = netloc.rsplit("@", 1)
        netloc = f"{user.split(':', 1)[0]}@{host}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k != "password"])
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


@dataclass(frozen=True)
class Location:
    """A PostGIS workspace location: what libpq connects to, and the schema of the tables."""

    conninfo: str     # the URI without geoaid's own ``schema`` parameter
    schema: str
    display: str      # for messages: no password

    @classmethod
    def parse(cls, location: str) -> Location:
        parts = urlsplit(str(location).strip())
        query = parse_qsl(parts.query)
        schema_name = next((v for k, v in query if k == "schema"), DEFAULT_SCHEMA)
        if not _SCHEMA_NAME.match(schema_name):
            raise WorkspaceError(f"schema {schema_name!r}: use lower-case letters, digits and '_'")
        rest = urlencode([(k, v) for k, v in query if k != "schema"])
        conninfo = urlunsplit((parts.scheme, parts.netloc, parts.path, rest, parts.fragment))
        return cls(conninfo, schema_name, without_password(str(location).strip()))

    def table(self, name: str) -> sql.Composed:
        """A table of this workspace, schema-qualified and quoted."""
        return sql.Identifier(self.schema, name)


def unreachable(location: Location, exc: BaseException) -> WorkspaceError:
    return WorkspaceError(f"cannot reach the PostgreSQL workspace {location.display}: {first_line(exc)}",
                          public="The workspace database is not reachable right now; please try again later.")


def connect(location: Location, autocommit: bool = False) -> psycopg.Connection:
    """A new connection, or a one-line WorkspaceError (server down, wrong password, no database)."""
    try:
        return psycopg.connect(location.conninfo, autocommit=autocommit, connect_timeout=CONNECT_SECONDS,
                               application_name="geoaid")
    except psycopg.Error as exc:
        raise unreachable(location, exc) from None


def check_postgis(conn: psycopg.Connection, location: Location) -> None:
    """Refuse a database without PostGIS 3 (or newer), saying what to install."""
    row = conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'postgis'").fetchone()
    if row is None:
        raise WorkspaceError(
            f"the database {location.display} has no PostGIS: run `CREATE EXTENSION postgis` in it "
            "(as its owner or a superuser), then try again",
            public="The workspace database is not set up (PostGIS is missing).")
    if int(str(row[0]).split(".")[0]) < MIN_POSTGIS:
        raise WorkspaceError(f"the database {location.display} has PostGIS {row[0]}; geoaid needs "
                             f"PostGIS {MIN_POSTGIS} or newer",
                             public="The workspace database is not set up (PostGIS is too old).")
