"""Planner decisions: what-if scenarios of candidate projects, and suggested placement of a budget.

* :mod:`geoaid.planning.candidates` — candidate projects (place, sector, amount, period, donor)
  read from JSON, CSV/XLSX or a web form, turned into project rows exactly as
  ``geoaid import projects`` would write them;
* :mod:`geoaid.planning.scenario` — the analysis before and after adding the candidates, computed
  by the same analysis functions on frames with the candidates appended; nothing is written;
* :mod:`geoaid.planning.saved` — named scenarios saved, listed, compared and committed as real
  projects, each change in one workspace transaction with its audit row;
* :mod:`geoaid.planning.placement` — where a budget reduces the total weighted gap most
  (greedy marginal gain, exact for this problem; see its docstring).
"""
