"""The targeting analysis: priority, allocation of money to communes, coverage, gaps, overlaps, donor reach.

Every function takes a :class:`~geoaid.analysis.frames.Frames` (one read of a
workspace) and the shared :class:`~geoaid.analysis.filters.Filters`, so the CLI,
the web app, print maps and exports compute the same figures.
"""
