"""``geoaid settings show|set``: the workspace's user-editable settings."""

from __future__ import annotations

import json

from geoaid.cli import add_workspace_option, workspace_from
from geoaid.store.settings import DEFAULTS, change_setting


def register(subparsers) -> None:
    parser = subparsers.add_parser("settings", help="show or change workspace settings "
                                                    "(exchange rates, weights, rules)",
                                   description="Settings are stored in the workspace and override "
                                               "the documented defaults of geoaid/settings.py.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="print every setting with its current value",
                              description="Print every setting with its current value.")
    add_workspace_option(show)
    show.set_defaults(func=run_show)
    change = actions.add_parser("set", help="change one setting",
                                description="Change one setting. VALUE is JSON, e.g. "
                                            "geoaid settings set exchange_rates_vnd "
                                            "'{\"VND\": 1, \"USD\": 25400, \"EUR\": 27500}'")
    change.add_argument("key", choices=sorted(DEFAULTS))
    change.add_argument("value", help="the new value as JSON")
    add_workspace_option(change)
    change.set_defaults(func=run_set)


def run_show(args) -> int:
    for key, value in sorted(workspace_from(args).require().settings().items()):
        print(f"{key} = {json.dumps(value, ensure_ascii=False)}")
    return 0


def run_set(args) -> int:
    try:
        value = json.loads(args.value)
    except json.JSONDecodeError as exc:
        raise ValueError(f"VALUE must be JSON: {exc}") from None
    value = change_setting(workspace_from(args).require(), "cli", args.key, value)
    print(f"{args.key} = {json.dumps(value, ensure_ascii=False)}")
    return 0
