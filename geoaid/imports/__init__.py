"""Reading the files people have into a workspace: boundaries, classification lists, projects.

Every importer implements one interface (``base``: declared options, ``read``
a whole file with row-level problems and nothing written, ``commit`` in one
workspace transaction with an audit row) and is listed in ``registry``, which
the CLI, the web uploads and the tests use. Importers: ``boundaries`` (a
package: source, reproject, fields, codes, checks, read, write),
``classifications``, ``projects``. Shared readers: ``tabular`` (CSV/XLSX as
provinces lay them out, through the bounded ``xlsx_reader``), ``locate``
(place names to communes), ``namejoin`` (GSO codes by name), ``crs`` (VN-2000
and other systems), ``safezip``/``safexml`` (untrusted archives and XML),
``uploads`` (the web's staged, previewed uploads).
"""
