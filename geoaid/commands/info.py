"""``geoaid info``: what a workspace holds and where its data came from."""

from __future__ import annotations

from geoaid import schema
from geoaid.cli import add_workspace_option, workspace_from


def register(subparsers) -> None:
    parser = subparsers.add_parser("info", help="show the workspace's layers, counts and sources",
                                   description="Show the workspace path, layer counts and the "
                                               "sources, versions and licences of its data.")
    add_workspace_option(parser)
    parser.set_defaults(func=run)


def run(args) -> int:
    workspace = workspace_from(args).require()
    print(f"Workspace: {workspace.path}")
    for layer in workspace.layers():
        print(f"  {layer}: {len(workspace.read(layer))} row(s)")
    print("Metadata:")
    for key, value in sorted(workspace.metadata().items()):
        print(f"  {key}: {value}")
    communes = workspace.read(schema.COMMUNES)
    if len(communes):
        print("Communes per province:")
        print(communes.groupby(["province_code", "province_name"]).size().to_string())
    return 0
