"""geoaid: where aid should go and where it already goes, for Vietnamese communes.

The package is the core library: pure functions on (Geo)DataFrames plus the
workspace (a GeoPackage) they read and write. It never imports Flask; the web
app in ``web/`` is a thin layer over it.
"""

__version__ = "0.1.0"
