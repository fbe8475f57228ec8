"""``geoaid user add|list|role|password|remove``: accounts of planners and admins.

The first admin is created here (``geoaid user add NAME --role admin``);
later accounts can also be managed in the web app by an admin. Passwords
are read from the terminal (twice) or, for scripts, from standard input with
``--password-stdin``; never from the command line, where they would end up
in the shell history and the process list.
"""

from __future__ import annotations

import getpass
import sys

from geoaid.cli import add_workspace_option, workspace_from
from geoaid.store.accounts import (
    ROLES,
    AccountError,
    AccountStore,
    add_account,
    change_password,
    change_role,
    remove_account,
)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "user", help="manage planner and admin accounts of the web app",
        description="Accounts live beside the workspace in <workspace>.accounts.sqlite. "
                    "Public visitors need none; planners import and edit settings; admins "
                    "also manage accounts.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    add = actions.add_parser("add", help="create an account", description="Create an account.")
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, default="planner", help="planner (default) or admin")
    _password_option(add)
    add.set_defaults(func=run_add)

    listing = actions.add_parser("list", help="list accounts and roles", description="List accounts.")
    listing.set_defaults(func=run_list)

    role = actions.add_parser("role", help="change an account's role", description="Change a role.")
    role.add_argument("name")
    role.add_argument("role", choices=ROLES)
    role.set_defaults(func=run_role)

    password = actions.add_parser("password", help="set a new password",
                                  description="Set a new password; signs the user out everywhere.")
    password.add_argument("name")
    _password_option(password)
    password.set_defaults(func=run_password)

    remove = actions.add_parser("remove", help="delete an account", description="Delete an account.")
    remove.add_argument("name")
    remove.set_defaults(func=run_remove)
    for sub in (add, listing, role, password, remove):
        add_workspace_option(sub)


def _password_option(parser) -> None:
    parser.add_argument("--password-stdin", action="store_true",
                        help="read the password from standard input (one line) instead of a prompt")


def _read_password(args) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Repeat password: "):
        raise AccountError("the two passwords differ")
    return first


def run_add(args) -> int:
    workspace = workspace_from(args).require()
    account = add_account(workspace, "cli", args.name, _read_password(args), args.role)
    where = AccountStore.for_workspace(workspace.location).database.display
    print(f"created {account.role} {account.name!r} in {where}")
    return 0


def run_list(args) -> int:
    accounts = AccountStore.for_workspace(workspace_from(args).require().location).list()
    if not accounts:
        print("no accounts yet: geoaid user add NAME --role admin")
    for account in accounts:
        print(f"{account.name}\t{account.role}\tcreated {account.created}")
    return 0


def run_role(args) -> int:
    account = change_role(workspace_from(args).require(), "cli", args.name, args.role)
    print(f"{account.name} is now {account.role}")
    return 0


def run_password(args) -> int:
    workspace = workspace_from(args).require()
    account = change_password(workspace, "cli", args.name, _read_password(args))
    print(f"password of {account.name} changed")
    return 0


def run_remove(args) -> int:
    remove_account(workspace_from(args).require(), "cli", args.name)
    print(f"removed {args.name}")
    return 0
