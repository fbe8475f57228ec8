"""Text rules shared by every part, at the bottom of the layers (they import nothing of geoaid).

``names`` normalises Vietnamese place names (NFC/NFD, tone placement,
"Xã/Phường" prefixes, spelling variants) so that a commune written three ways
joins once; ``values`` reads numbers and dates as Vietnamese spreadsheets
write them ("1.500.000.000", dd/mm/yyyy); ``redact`` keeps server paths out of
messages shown to people.
"""
