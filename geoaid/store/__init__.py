"""Where a workspace lives and how it changes: the GeoPackage or PostGIS, its schema and its guarantees.

``base`` is the one interface and ``opener`` picks the backend from the location.
A workspace is one GeoPackage (``workspace``): every change is a transaction on a
private copy, verified (``integrity``) and swapped in atomically; or a PostGIS
database (``postgis``), where every change is one database transaction. ``copying``
moves a workspace between the two and compares them. ``schema`` and
``column_types`` are the contract every reader and writer keeps; ``config`` is the
one rule that finds the workspace; ``settings``, ``accounts`` and ``sessions`` are
what planners change beside the data.
"""
