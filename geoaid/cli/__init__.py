"""The ``geoaid`` command line (also ``python -m geoaid``): the composition root.

Each command family lives in its own module of this package and registers
itself through a ``register(subparsers)`` function; this file only wires them
together and applies the one workspace rule of geoaid.store.config. It is the
one part of geoaid that may import everything (``web`` for ``geoaid serve``),
and nothing but ``python -m geoaid`` imports it.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from geoaid import __version__
from geoaid.store.base import WorkspaceBase
from geoaid.store.config import ENV_VAR
from geoaid.store.errors import WorkspaceError
from geoaid.store.opener import open_workspace

COMMAND_MODULES = [
    "geoaid.cli.demo",
    "geoaid.cli.info",
    "geoaid.cli.imports",
    "geoaid.cli.analysis",
    "geoaid.cli.flows",
    "geoaid.cli.maps",
    "geoaid.cli.exports",
    "geoaid.cli.settings",
    "geoaid.cli.serve",
    "geoaid.cli.users",
    "geoaid.cli.reform",
    "geoaid.cli.planning",
    "geoaid.cli.brief",
    "geoaid.cli.check",
    "geoaid.cli.annex",
    "geoaid.cli.workspaces",
]


def add_workspace_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--workspace", metavar="LOCATION",
        help=f"workspace GeoPackage, or postgresql://user@host/db for a PostGIS one "
             f"(default: ${ENV_VAR}, else workspace/demo.gpkg)",
    )


def workspace_from(args: argparse.Namespace) -> WorkspaceBase:
    return open_workspace(getattr(args, "workspace", None))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="geoaid",
        description="Where aid should go and where it already goes: Vietnamese communes, "
                    "priority classifications and aid projects.",
    )
    parser.add_argument("--version", action="version", version=f"geoaid {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue  # a command family not built yet
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (WorkspaceError, FileNotFoundError, ValueError) as exc:
        print(f"geoaid: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:     # whoever read the output stopped reading (geoaid info | head)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as exc:      # e.g. an output file on a full disk or in a read-only folder
        where = f": {exc.filename}" if exc.filename else ""
        print(f"geoaid: error: {exc.strerror or exc}{where}", file=sys.stderr)
        return 2
