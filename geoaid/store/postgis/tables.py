"""Layers as PostGIS tables: written with COPY, read back with the types a GeoPackage gives.

Each layer is a table of the workspace's schema named like the layer, with a
``fid bigint`` primary key (row order, as QGIS expects it) and, for spatial
layers, a ``geometry`` column in EPSG:4326 with a GiST index. Two tables keep
the book: ``geoaid_layers`` (which tables are layers, in the order they were
first written) and ``geoaid_version`` (one row, incremented by every commit).

Replacing a layer whose columns stay the same deletes its rows and copies the
new ones in, so readers keep reading their snapshot without waiting (MVCC); a
layer whose columns change is dropped and created again, which makes readers
of that one table wait until the change commits.

Frames read back equal what pyogrio reads from a GeoPackage: text as pandas'
string type (all-null text as objects), whole numbers as int64 (float64 when
some are missing), flags as bool (float64 when some are missing), geometry in
the last column.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import psycopg
import shapely
from pandas.api.types import is_bool_dtype, is_float_dtype, is_integer_dtype
from psycopg import sql

from geoaid.store import schema
from geoaid.store.errors import WorkspaceNotWritten
from geoaid.store.postgis.connection import Location

VERSION_TABLE = "geoaid_version"
LAYERS_TABLE = "geoaid_layers"
ROW_ID = "fid"
GEOMETRY = "geometry"
SRID = int(schema.CRS.split(":")[1])
MAX_NAME_BYTES = 63     # PostgreSQL cuts longer names silently: refuse them instead
_TEXT = pd.StringDtype("python", na_value=np.nan)   # what pyogrio gives for a text column
_MULTI = {"Polygon": shapely.MultiPolygon, "LineString": shapely.MultiLineString, "Point": shapely.MultiPoint}


def create_bookkeeping(conn: psycopg.Connection, location: Location) -> None:
    """The version row and the layer list (inside the caller's transaction)."""
    if location.schema != "public":
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(location.schema)))
    conn.execute(sql.SQL("CREATE TABLE IF NOT EXISTS {} (singleton boolean PRIMARY KEY DEFAULT true "
                         "CHECK (singleton), version bigint NOT NULL)").format(location.table(VERSION_TABLE)))
    conn.execute(sql.SQL("INSERT INTO {} VALUES (true, 0) ON CONFLICT DO NOTHING")
                 .format(location.table(VERSION_TABLE)))
    conn.execute(sql.SQL("CREATE TABLE IF NOT EXISTS {} (name text PRIMARY KEY, position bigserial)")
                 .format(location.table(LAYERS_TABLE)))


def has_table(conn: psycopg.Connection, location: Location, name: str) -> bool:
    qualified = f'"{location.schema}"."{name}"'
    return conn.execute("SELECT to_regclass(%s) IS NOT NULL", (qualified,)).fetchone()[0]


def current_version(conn: psycopg.Connection, location: Location) -> int:
    return conn.execute(sql.SQL("SELECT version FROM {}").format(location.table(VERSION_TABLE))).fetchone()[0]


def layer_names(conn: psycopg.Connection, location: Location) -> list[str]:
    rows = conn.execute(sql.SQL("SELECT name FROM {} ORDER BY position").format(location.table(LAYERS_TABLE)))
    return [row[0] for row in rows]


def table_columns(conn: psycopg.Connection, location: Location, name: str) -> list[tuple[str, str]]:
    """(column, type) of a layer table in order, without the row id; [] when there is no table."""
    rows = conn.execute(
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
        "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relname = %s AND a.attnum > 0 AND NOT a.attisdropped "
        "ORDER BY a.attnum", (location.schema, name))
    return [(column, kind) for column, kind in rows if column != ROW_ID]


def drop_layer(conn: psycopg.Connection, location: Location, name: str) -> None:
    conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(location.table(name)))
    conn.execute(sql.SQL("DELETE FROM {} WHERE name = %s").format(location.table(LAYERS_TABLE)), (name,))


# --- writing -------------------------------------------------------------------------------------

def _column_type(values: pd.Series) -> str:
    if is_bool_dtype(values.dtype):
        return "boolean"
    if is_integer_dtype(values.dtype):
        return "bigint"
    if is_float_dtype(values.dtype):
        return "double precision"
    return "text"


def _python_values(values: pd.Series, kind: str) -> list:
    convert = {"boolean": bool, "bigint": int, "double precision": float}.get(kind, str)
    missing = values.isna().to_numpy()
    return [None if gone else convert(v) for v, gone in zip(values.tolist(), missing)]


def _geometry_values(geometry: gpd.GeoSeries) -> tuple[str, list]:
    """The column type and hex EWKB values; single parts promoted to multi (as pyogrio writes them)."""
    shapes = [_MULTI[g.geom_type]([g]) if g is not None and g.geom_type in _MULTI else g
              for g in geometry.to_numpy()]
    kinds = {g.geom_type for g in shapes if g is not None}
    kind = f"geometry({kinds.pop() if len(kinds) == 1 else 'Geometry'},{SRID})" if kinds \
        else f"geometry(MultiPolygon,{SRID})"
    ewkb = shapely.to_wkb(shapely.set_srid(np.array(shapes, dtype=object), SRID), hex=True, include_srid=True)
    return kind, [None if value is None else str(value) for value in ewkb]


def write_layer(conn: psycopg.Connection, location: Location, name: str, frame: pd.DataFrame) -> None:
    """Replace layer ``name`` with ``frame`` (already cast to the schema's types, in EPSG:4326)."""
    geometry_name = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    columns, data = [], []
    for column in frame.columns:
        if column == geometry_name:
            continue
        kind = _column_type(frame[column])
        columns.append((str(column), kind))
        data.append(_python_values(frame[column], kind))
    if geometry_name is not None:
        kind, values = _geometry_values(frame.geometry)
        columns.append((GEOMETRY, kind))
        data.append(values)
    too_long = [column for column, _ in columns if len(column.encode()) > MAX_NAME_BYTES]
    if too_long:
        raise WorkspaceNotWritten(f"layer {name!r}: column name {too_long[0]!r} is longer than PostgreSQL "
                                  f"allows ({MAX_NAME_BYTES} bytes)",
                                  public="A column name is too long for the workspace database.")
    table = location.table(name)
    if table_columns(conn, location, name) == columns:
        conn.execute(sql.SQL("DELETE FROM {}").format(table))
    else:
        conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(table))
        definitions = [sql.SQL("{} bigint PRIMARY KEY").format(sql.Identifier(ROW_ID))] + [
            sql.SQL("{} {}").format(sql.Identifier(column), sql.SQL(kind)) for column, kind in columns]
        conn.execute(sql.SQL("CREATE TABLE {} ({})").format(table, sql.SQL(", ").join(definitions)))
        if geometry_name is not None:
            conn.execute(sql.SQL("CREATE INDEX {} ON {} USING gist ({})").format(
                sql.Identifier(f"{name}_geometry_idx"[:63]), table, sql.Identifier(GEOMETRY)))
    names = sql.SQL(", ").join(sql.Identifier(c) for c in [ROW_ID] + [column for column, _ in columns])
    with conn.cursor() as cursor, cursor.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(table, names)) as copy:
        for fid, row in enumerate(zip(*data), start=1):
            copy.write_row((fid, *row))
        if not columns:
            for fid in range(1, len(frame) + 1):
                copy.write_row((fid,))
    conn.execute(sql.SQL("INSERT INTO {} (name) VALUES (%s) ON CONFLICT DO NOTHING")
                 .format(location.table(LAYERS_TABLE)), (name,))


# --- reading -------------------------------------------------------------------------------------

def _column(values: list, kind: str) -> pd.Series | np.ndarray:
    if kind == "text":
        if not values or all(v is None for v in values):
            return np.array(values, dtype=object)
        return pd.array(values, dtype=_TEXT)
    if kind in ("bigint", "boolean"):
        if any(v is None for v in values):
            return np.array([np.nan if v is None else float(v) for v in values], dtype="float64")
        return np.array(values, dtype="int64" if kind == "bigint" else "bool")
    return np.array([np.nan if v is None else v for v in values], dtype="float64")


def read_layer(conn: psycopg.Connection, location: Location, name: str) -> pd.DataFrame | gpd.GeoDataFrame:
    """Layer ``name`` as a frame, rows in the order written (the caller holds the transaction)."""
    columns = table_columns(conn, location, name)
    selected = [sql.SQL("ST_AsBinary({})").format(sql.Identifier(column)) if kind.startswith("geometry")
                else sql.Identifier(column) for column, kind in columns]
    query = sql.SQL("SELECT {} FROM {} ORDER BY {}").format(
        sql.SQL(", ").join(selected or [sql.SQL("1")]), location.table(name), sql.Identifier(ROW_ID))
    with conn.cursor(binary=True) as cursor:
        rows = cursor.execute(query).fetchall()
    by_column = list(zip(*rows)) if rows else [()] * len(columns)
    data, geometry = {}, None
    for (column, kind), values in zip(columns, by_column):
        if kind.startswith("geometry"):
            geometry = gpd.GeoSeries(shapely.from_wkb(np.array(values, dtype=object)), crs=schema.CRS)
        else:
            data[column] = _column(list(values), kind.split("(")[0])
    frame = pd.DataFrame(data, index=pd.RangeIndex(len(rows)))
    if geometry is None:
        return frame
    return gpd.GeoDataFrame(frame, geometry=geometry.set_axis(frame.index), crs=schema.CRS)
