"""``geoaid import boundaries FILE``: bring official commune boundaries in.

Reads Shapefile (also zipped), GeoPackage and GeoJSON with pyogrio. Field
names are recognised from the common conventions (GADM, OCHA COD-AB,
Vietnamese ``ma_xa``/``ten_xa``) or given by option. Any CRS is reprojected
to WGS 84 with pyproj (VN-2000 with the official shift, see geoaid.imports.crs); a
file without a CRS (a Shapefile without .prj) is refused with instructions,
because guessing a CRS shifts data by hundreds of metres without anyone
noticing.

Codes: a file with 5-digit GSO commune codes keeps them. A file whose codes
are something else (GADM ``GID_3`` "VNM.25.3.7_1", OCHA P-codes) or that has
no code at all gets GSO codes by its province/district/commune names, with
the same staged name join as the demo build (geoaid.imports.namejoin); every
non-exact or failed match is reported.

Problems are reported per feature (row = feature number, 1-based, as in a
GIS attribute table); nothing is written unless the whole file is usable,
or ``--keep-valid`` is given (then only the bad features are skipped).

Modules, one job each: ``source`` (file, zip, layers), ``reproject`` (CRS),
``fields``, ``codes`` (GSO codes by name), ``checks``, ``read`` (the steps in
order), ``write``, ``importer`` (options, read → commit).
"""

from geoaid.imports.boundaries.read import read_boundaries
from geoaid.imports.boundaries.write import write_boundaries

__all__ = ["read_boundaries", "write_boundaries"]
