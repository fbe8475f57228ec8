"""``geoaid import iati FILE``: IATI 2.01–2.03 ``iati-activities`` XML, streamed.

:mod:`~geoaid.imports.iati.parse` streams the file (hardened, bounded memory),
:mod:`~geoaid.imports.iati.activity` reads an activity's descriptive fields
(and documents the DAC → plan sector table), :mod:`~geoaid.imports.iati.places`
its locations, :mod:`~geoaid.imports.iati.money` its budgets and transactions,
and :mod:`~geoaid.imports.iati.importer` turns them into projects, locations
and money flows written in one transaction.
"""
