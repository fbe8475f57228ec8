"""A throwaway PostgreSQL/PostGIS cluster for the tests: Debian's server, started and removed here.

``./run.sh test`` installs Debian's ``postgresql-15`` and ``postgresql-15-postgis-3``;
this module starts a private cluster from those binaries for one test
session (``initdb`` into a temporary folder, a Unix socket in that folder and
a free loopback port, ``trust`` authentication for local connections only, so
no password exists anywhere) and removes the folder afterwards. Nothing is
read from or written to the system's own cluster.

PostgreSQL refuses to run as root, so when the tests run as root (CI's
containers) the server runs as Debian's ``postgres`` account, which owns the
temporary folder.

Without the packages the PostgreSQL tests *fail* with a message saying what
to install: CI must never report them as passed when they did not run.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

MISSING = ("the PostgreSQL tests need Debian's postgresql-15 and postgresql-15-postgis-3 "
           "(`./run.sh test` installs them): {why}")
START_SECONDS = 60
TEMPLATE = "geoaid_template"


class ClusterUnavailable(RuntimeError):
    """The packages are missing or the server did not start; the message says which."""


def server_binaries() -> Path:
    """The folder of Debian's ``initdb``/``pg_ctl``/``postgres`` (the newest installed version)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name))
    if not found:
        raise ClusterUnavailable(MISSING.format(why="no /usr/lib/postgresql/*/bin/initdb"))
    bindir = Path(found[-1]).parent
    version = bindir.parent.name
    if not glob.glob(f"/usr/share/postgresql/{version}/extension/postgis.control"):
        raise ClusterUnavailable(MISSING.format(why=f"PostGIS is not installed for PostgreSQL {version}"))
    return bindir


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_server_user() -> tuple[list[str], int | None]:
    """The command prefix running a program as the server's user, and that user's uid (None: us)."""
    if os.geteuid() != 0:
        return [], None
    try:
        account = pwd.getpwnam("postgres")
    except KeyError:
        raise ClusterUnavailable(MISSING.format(why="running as root and there is no 'postgres' account")) \
            from None
    return ["runuser", "-u", "postgres", "--"], account.pw_uid


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        raise ClusterUnavailable(f"{' '.join(command[:4])}… failed: {(done.stderr or done.stdout).strip()}")
    return done


class Cluster:
    """A running throwaway server; :meth:`new_database` gives each test its own empty PostGIS database."""

    def __init__(self, port: int):
        self.port = port
        self._count = 0

    def dsn(self, database: str) -> str:
        return f"postgresql://geoaid@127.0.0.1:{self.port}/{database}"

    def new_database(self, template: str = TEMPLATE) -> str:
        """A new database copied from ``template`` (PostGIS only, by default: a tenth of a second); its DSN.

        A database filled once can serve as the template of many (nobody may be connected to it).
        """
        import psycopg  # only the PostgreSQL tests load the driver

        self._count += 1
        name = f"test_{os.getpid()}_{self._count}"
        with psycopg.connect(self.dsn("postgres"), autocommit=True) as admin:
            admin.execute(f"create database {name} template {template}")
        return self.dsn(name)


@contextlib.contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    """Start a private server with a PostGIS template database; stop it and remove its files after.

    Example::

        with throwaway_cluster() as cluster:
            psycopg.connect(cluster.new_database()).execute("select postgis_version()")
    """
    bindir = server_binaries()
    prefix, uid = _as_server_user()
    root = Path(tempfile.mkdtemp(prefix="geoaid-pg-"))
    data, sockets = root / "data", root / "run"
    sockets.mkdir()
    if uid is not None:
        for path in (root, sockets):
            os.chown(path, uid, -1)
    port = _free_port()
    started = False
    try:
        _run(prefix + [str(bindir / "initdb"), "-D", str(data), "-U", "geoaid", "-A", "trust",
                       "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"])
        # fsync off: a throwaway cluster loses nothing worth keeping in a crash, and tests run faster.
        options = (f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={sockets} "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        _run(prefix + [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "server.log"),
                       "-o", options, "-w", "-t", str(START_SECONDS), "start"])
        started = True
        psql = prefix + [str(bindir / "psql"), "-h", str(sockets), "-p", str(port), "-U", "geoaid",
                         "-v", "ON_ERROR_STOP=1", "-q"]
        _run(psql + ["-d", "postgres", "-c", f"create database {TEMPLATE}"])
        _run(psql + ["-d", TEMPLATE, "-c", "create extension postgis"])
        yield Cluster(port)
    finally:
        if started:
            subprocess.run(prefix + [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w",
                                     "stop"], capture_output=True, timeout=START_SECONDS)
        shutil.rmtree(root, ignore_errors=True)
