"""``geoaid info``: what a workspace holds and where its data came from."""

from __future__ import annotations

from geoaid.cli import add_workspace_option, workspace_from
from geoaid.store import schema, temp_copies
from geoaid.store.workspace import Workspace


def register(subparsers) -> None:
    parser = subparsers.add_parser("info", help="show the workspace's layers, counts and sources",
                                   description="Show the workspace path, layer counts and the "
                                               "sources, versions and licences of its data.")
    add_workspace_option(parser)
    parser.set_defaults(func=run)


def run(args) -> int:
    workspace = workspace_from(args).require()
    print(f"Workspace: {workspace.display}")
    for layer in workspace.layers():
        print(f"  {layer}: {len(workspace.read(layer))} row(s)")
    print("Metadata:")
    for key, value in sorted(workspace.metadata().items()):
        print(f"  {key}: {value}")
    communes = workspace.read(schema.COMMUNES)
    if len(communes):
        print("Communes per province:")
        print(communes.groupby(["province_code", "province_name"]).size().to_string())
    if isinstance(workspace, Workspace):    # temporary copies exist beside a GeoPackage only
        _report_temporary_copies(workspace.path)
    return 0


def _report_temporary_copies(path) -> None:
    copies = temp_copies.temporary_copies(path)
    if not copies:
        return
    size = sum(p.stat().st_size for p in copies if p.exists()) / 2**20
    running = temp_copies.writer_running(path)
    state = {True: "a write is running now: they are its working files",
             False: "left by interrupted writes: removed at the next change or server start",
             None: "could not check whether a write is running"}[running]
    print(f"Temporary copies: {len(copies)} file(s), {size:.1f} MB ({state}):")
    for copy in copies:
        print(f"  {copy.name}")
