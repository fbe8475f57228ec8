"""``geoaid import boundaries|classifications|projects FILE``."""

from __future__ import annotations

import importlib

from geoaid.cli import add_workspace_option, workspace_from

KINDS = {
    "boundaries": ("geoaid.imports.boundaries",
                   "commune boundaries (Shapefile, zipped Shapefile, GeoPackage, GeoJSON)"),
    "classifications": ("geoaid.imports.classifications",
                        "an area-classification list (CSV/XLSX) as a dated, sourced scheme"),
    "projects": ("geoaid.imports.projects", "aid projects (CSV/XLSX) from the template"),
}


def register(subparsers) -> None:
    parser = subparsers.add_parser("import", help="import boundaries, classifications or projects",
                                   description="Validate a file row by row and import it into the "
                                               "workspace all-or-nothing.")
    kinds = parser.add_subparsers(dest="kind", metavar="KIND", required=True)
    for kind, (module_name, help_text) in KINDS.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        sub = kinds.add_parser(kind, help=help_text, description=help_text)
        sub.add_argument("file", metavar="FILE")
        add_workspace_option(sub)
        module.add_arguments(sub)
        sub.set_defaults(func=lambda args, m=module: _run(m, args))


def _run(module, args) -> int:
    report = module.run(args, workspace_from(args))
    for problem in report.problems:
        print(problem)
    print(report.summary())
    return 0 if report.written else 2
