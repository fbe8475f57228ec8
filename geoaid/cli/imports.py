"""``geoaid import KIND FILE``: one subcommand per registered importer, flags from its options."""

from __future__ import annotations

import argparse
import sys
from functools import partial

from tqdm import tqdm

from geoaid.cli import add_workspace_option, workspace_from
from geoaid.imports import registry
from geoaid.imports.base import Importer, Option, option_values


def register(subparsers) -> None:
    kinds_words = ", ".join(importer.key for importer in registry.importers())
    parser = subparsers.add_parser("import", help=f"import {kinds_words}",
                                   description="Validate a file row by row and import it into the "
                                               "workspace all-or-nothing.")
    kinds = parser.add_subparsers(dest="kind", metavar="KIND", required=True)
    for importer in registry.importers():
        sub = kinds.add_parser(importer.key, help=importer.label,
                               description=importer.description or importer.label)
        sub.add_argument("file", metavar="FILE")
        add_workspace_option(sub)
        for option in importer.options:
            _add_flag(sub, option)
        sub.add_argument("--keep-valid", action="store_true",
                         help=f"import the valid {importer.rows} and list the skipped ones "
                              "(default: all or nothing)")
        sub.set_defaults(func=partial(_run, importer))


def _add_flag(parser: argparse.ArgumentParser, option: Option) -> None:
    if option.type is bool:
        target = parser.add_mutually_exclusive_group() if option.off_flag else parser
        target.add_argument(option.flag, dest=option.name, action="store_true", help=option.help)
        if option.off_flag:
            target.add_argument(option.off_flag, dest=option.name, action="store_false",
                                help=option.off_help)
        parser.set_defaults(**{option.name: option.default})
        return
    parser.add_argument(option.flag, dest=option.name, required=option.required,
                        choices=option.choices or None, default=option.default,
                        metavar=option.metavar, help=option.help)


def _progress_bar(total: int):
    """The bar an importer of long files updates with the bytes it has read."""
    return tqdm(total=total, desc="Reading", unit="B", unit_scale=True, file=sys.stderr)


def _run(importer: Importer, args: argparse.Namespace) -> int:
    workspace = workspace_from(args)
    importer.progress = _progress_bar
    prepared = importer.read(args.file, option_values(importer, vars(args)), workspace)
    report = importer.commit(prepared, workspace, user="cli", keep_valid=args.keep_valid)
    for problem in report.problems:
        print(problem)
    print(report.summary())
    if not report.written and not any(p.row is None for p in report.errors) and prepared.importable:
        # Only some rows/features are bad: say what --keep-valid would do instead of a bare refusal.
        print(f"{prepared.valid} of {prepared.total} {importer.rows} are valid; nothing was written "
              f"because of the {prepared.total - prepared.valid} with errors above. Fix those, or "
              f"import the {prepared.valid} valid {importer.rows} with --keep-valid.")
    return 0 if report.written else 2
