"""Reading the files people have into a workspace: boundaries, classification lists, projects.

Every importer reads and checks a whole file first (row-level ``problems``), and
writes all-or-nothing in one workspace transaction. Shared readers: ``tabular``
(CSV/XLSX as provinces lay them out, through the bounded ``xlsx_reader``),
``locate`` (place names to communes), ``namejoin`` (GSO codes by name), ``crs``
(VN-2000 and other systems), ``safezip``/``safexml`` (untrusted archives and XML),
``uploads`` (the web's staged, previewed uploads).
"""
