"""The PostgreSQL/PostGIS workspace: the same interface as the GeoPackage, for shared deployments.

``connection`` opens the database named by a ``postgresql://`` location (and
says in one line why it cannot); ``tables`` writes frames with COPY and reads
them back with the types a GeoPackage gives; ``workspace`` is the Workspace
and its transactions (one database transaction each); ``accounts`` keeps
accounts, sessions and the session key in the same database.
"""
