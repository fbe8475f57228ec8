"""Boundary data: the registry of sources and their loaders (a data package; it imports nothing of geoaid).

``registry`` names each source (package, version, file, licence, citation);
``load`` reads a source into frames with geoaid's column names. The core reads
these; joining, deriving and writing workspaces are geoaid's (``geoaid.demo``,
``geoaid.reform``, ``geoaid.imports``).
"""
