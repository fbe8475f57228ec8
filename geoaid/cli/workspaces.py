"""``geoaid workspace copy SRC DEST``: move a workspace between a GeoPackage and PostGIS."""

from __future__ import annotations

from geoaid.store.copying import copy_workspace
from geoaid.store.opener import open_workspace


def register(subparsers) -> None:
    parser = subparsers.add_parser("workspace", help="copy a workspace between a GeoPackage and PostGIS")
    commands = parser.add_subparsers(dest="workspace_command", metavar="COMMAND", required=True)
    copy = commands.add_parser(
        "copy", help="copy every layer, the metadata, settings, audit log and accounts, then compare",
        description="Copy a workspace: SRC and DEST are each a GeoPackage path or a "
                    "postgresql://user@host/db[?schema=NAME] location. Every layer, the metadata, "
                    "settings, audit log, stored map geometry and accounts are copied in one "
                    "transaction, then both are compared table by table; any difference is an error. "
                    "Sign-ins are not copied (planners sign in again).")
    copy.add_argument("source", metavar="SRC")
    copy.add_argument("dest", metavar="DEST")
    copy.add_argument("--replace", action="store_true", help="overwrite a DEST that already holds a workspace")
    copy.set_defaults(func=run_copy)


def run_copy(args) -> int:
    source, dest = open_workspace(args.source), open_workspace(args.dest)
    print(f"Copying {source.display} to {dest.display}")
    copy_workspace(source, dest, replace=args.replace)
    print(f"Copied and compared: {dest.display} equals {source.display}")
    return 0
