"""geoaid: where aid should go and where it already goes, for Vietnamese communes.

The package is the core library: pure functions on (Geo)DataFrames plus the
workspace (a GeoPackage) they read and write. Its subpackages form layers that
import only downwards: ``text`` (rules for names, numbers and dates) and
``store`` (the workspace) at the bottom; ``analysis``, ``output``,
``imports``, ``reform``, ``serving`` and ``demo`` above them; ``cli``, the
composition root, on top. ``boundaries/`` is a data package the core reads;
the web app in ``web/`` is a thin layer over the core (nothing in the core but
``cli`` imports it). tests/test_architecture.py holds the layering.
"""

__version__ = "0.1.0"
