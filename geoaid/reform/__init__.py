"""The administrative reform of 1 July 2025: legacy → 2025 communes, and carrying lists and money across.

``crosswalk`` reads which legacy commune became which 2025 commune (and the
official 2025 list) from the vietnamadminunits package; ``derive`` dissolves
legacy polygons into 2025 communes where no official 2025 boundaries were
imported; ``carry`` moves classification lists and project money along the
crosswalk (money exactly, to the đồng); ``versions`` gives the analysis a
workspace's frames on either boundary version.
"""
