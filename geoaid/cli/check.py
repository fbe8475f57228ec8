"""``geoaid check classifications``: the workspace's lists against the counts published per decision."""

from __future__ import annotations

from boundaries.official import PROVINCE_FACTS, read_province_facts
from geoaid.analysis.published_counts import compare_with_published
from geoaid.cli import add_workspace_option, workspace_from
from geoaid.store import schema


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "check", help="compare the workspace's data with published figures",
        description="Compare the workspace's classification lists with the counts published per decision "
                    f"and province (boundaries/data/{PROVINCE_FACTS.file}). Exit code 1 when an official "
                    "list differs from a published count.")
    parser.add_argument("what", choices=["classifications"], help="what to check")
    add_workspace_option(parser)
    parser.set_defaults(func=run)


def run(args) -> int:
    workspace = workspace_from(args).require()
    result = compare_with_published(read_province_facts(), workspace.read(schema.SCHEMES),
                                    workspace.read(schema.CLASSIFICATIONS), workspace.read(schema.COMMUNES))
    if result.empty:
        print("No published count applies to the lists and provinces of this workspace.")
        return 0
    shown = result[["decision", "province_name", "indicator", "list", "published", "in_workspace", "status"]]
    print(shown.to_string(index=False))
    differs = result[result["status"] == "differs"]
    print(f"{len(result)} published count(s) compared: {len(result) - len(differs)} agree, {len(differs)} differ "
          f"({int((differs['list'] == 'SAMPLE').sum())} of them sample lists, which are not expected to agree).")
    return 1 if (differs["list"] == "official").any() else 0
