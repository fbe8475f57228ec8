"""Where a workspace lives and how it changes: the GeoPackage, its schema and its guarantees.

A workspace is one GeoPackage (``workspace``): every change is a transaction on a
private copy, verified (``integrity``) and swapped in atomically; ``schema`` and
``column_types`` are the contract every reader and writer keeps; ``config`` is the
one rule that finds the workspace; ``settings``, ``accounts`` and ``sessions`` are
what planners change beside the data.
"""
