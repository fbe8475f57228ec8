"""The one registry of importers: key → ``module:Class``.

The CLI (``geoaid import KIND``), the web upload page and the tests list and
find importers here, so adding an importer is one module and one line below.
Modules load when an importer is first asked for.

Example::

    >>> get("projects").label
    'aid projects (CSV/XLSX) from the template'
    >>> [importer.key for importer in importers()]
    ['boundaries', 'classifications', 'projects', 'iati']
"""

from __future__ import annotations

import importlib

from geoaid.imports.base import Importer

IMPORTERS = {
    "boundaries": "geoaid.imports.boundaries.importer:BoundariesImporter",
    "classifications": "geoaid.imports.classifications:ClassificationsImporter",
    "projects": "geoaid.imports.projects:ProjectsImporter",
    "iati": "geoaid.imports.iati.importer:IatiImporter",
}


def get(key: str) -> Importer:
    """The importer registered as ``key``; KeyError when there is none."""
    module_name, class_name = IMPORTERS[key].split(":")
    importer = getattr(importlib.import_module(module_name), class_name)()
    importer.key = key
    return importer


def importers() -> list[Importer]:
    """Every registered importer, in registry order."""
    return [get(key) for key in IMPORTERS]
