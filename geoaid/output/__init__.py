"""What leaves geoaid for plans: print maps (PNG/PDF/SVG), atlases, data exports, and web-light geometry.

Every text cell written goes through ``formula_injection``; every print map
states its sources, boundary version and SAMPLE marks.
"""
