"""Importers: read a user's file, validate every row, write all-or-nothing.

Each importer module exposes ``add_arguments(parser)`` and
``run(args, workspace) -> ImportReport`` for the CLI, plus plain functions
that the web upload path calls with the same validation.
"""
