"""HXL ``#targeted`` / ``#reached`` columns of a 3W file: which group of people each one counts.

The attributes follow the HXL standard and the 3W files on HDX
(``#targeted+ind+all``, ``#targeted+f+adults``, ``#targeted+m+children``):

| attributes | group |
|---|---|
| none, ``+total``, ``+all``, ``+ind`` (individuals), ``+ind+all`` | total |
| ``+children``, ``+infants``; girls ``+f+children`` + boys ``+m+children`` when no ``+children`` | children |
| ``+f``, ``+women``, ``+f+adults`` | women |
| ``+ethnic``, ``+minority``, ``+indigenous`` (no HXL standard attribute: these words only) | ethnic-minority people |
| ``+hh`` (households) | recognised, not read as people |
| ``+m``, ``+men``, ``+adults``, ``+elderly``, ``+pct``, other combinations | not read |

Note that ``+ind`` means *individuals* in HXL (against ``+hh`` households),
not indigenous people. The kind is the tag: ``#targeted`` targeted,
``#reached`` reached.

>>> from geoaid.imports.layout import HashtagSpec
>>> HashtagSpec(PEOPLE_HASHTAGS).fields({0: "#reached+children", 1: "#targeted+ind+all", 2: "#reached+m"})[0]
{'people_children_reached': 0, 'people_total_targeted': 1}
"""

from __future__ import annotations

# A hashtag takes the entry naming most of its attributes, the first one listed on a tie:
# groups before "total", so #targeted+ind+children counts children.
_GROUPS = [
    ({"children"}, "children"), ({"infants"}, "children"), ({"f", "children"}, "girls"),
    ({"m", "children"}, "boys"), ({"f"}, "women"), ({"women"}, "women"), ({"f", "adults"}, "women"),
    ({"ethnic"}, "ethnic_minority"), ({"minority"}, "ethnic_minority"), ({"indigenous"}, "ethnic_minority"),
    ({"m"}, None), ({"men"}, None), ({"adults"}, None), ({"elderly"}, None), ({"m", "adults"}, None),
    ({"pct"}, None),             # a share of the population (geoaid's gap exports), not people
    (set(), "total"), ({"total"}, "total"), ({"all"}, "total"), ({"ind"}, "total"), ({"ind", "all"}, "total"),
]

PEOPLE_HASHTAGS = [
    *((tag, attributes, (f"people_{group}_{tag}",) if group else ())
      for tag in ("targeted", "reached") for attributes, group in _GROUPS),
    *((tag, {"hh"}, (f"households_{tag}",)) for tag in ("targeted", "reached")),
]
