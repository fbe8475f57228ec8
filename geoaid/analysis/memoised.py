"""The analysis of one :class:`Frames`, each result computed once and kept.

A map page, its layer, the commune page and a print map of the same filters
all ask for the same coverage rows; recomputing them per request starved a
busy server's threads of the interpreter. :class:`Analysis` runs every
analysis function once per argument set and keeps the result in a bounded,
thread-safe memo (cachetools LRU). Threads asking for a result that another
thread is computing wait for that computation instead of starting their own.
Errors (an unknown donor) are raised to every waiter and never kept.

The frames must not change once an Analysis holds them: a workspace snapshot
(geoaid.snapshot) reads them from one file version. Results that are data
frames are handed out as copies, so callers may change them.

Example::

    analysis = Analysis(load_frames(workspace))
    rows = analysis.coverage(Filters(provinces=("96",)))    # computed
    again = analysis.coverage(Filters(provinces=("96",)))   # a copy of the kept result
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

import pandas as pd
from cachetools import LRUCache

from geoaid.analysis.allocation import allocate
from geoaid.analysis.coverage import commune_projects, coverage, ranking_of
from geoaid.analysis.donors import DonorReach, donor_reach, list_donors
from geoaid.analysis.filters import Filters
from geoaid.analysis.flows import yearly_flows
from geoaid.analysis.frames import Frames
from geoaid.analysis.neighbours import neighbours
from geoaid.analysis.overlaps import find_overlaps

# Results kept per Analysis: enough for every filter combination a busy day of
# map pages asks for, few enough that a crawler walking filter links cannot
# grow the process without bound (the least recently used results go first).
DEFAULT_MAX_RESULTS = 256


class Memo:
    """``value(key, build)``: ``build()`` once per key, kept in a bounded LRU; thread-safe."""

    def __init__(self, max_results: int = DEFAULT_MAX_RESULTS):
        self._results: LRUCache = LRUCache(maxsize=max_results)
        self._pending: dict[Any, Future] = {}
        self._lock = threading.Lock()
        self.builds = 0          # how many values were computed (not answered from memory)

    def value(self, key, build: Callable[[], Any]):
        with self._lock:
            try:
                return self._results[key]
            except KeyError:
                pass
            pending = self._pending.get(key)
            owner = pending is None
            if owner:
                pending = self._pending[key] = Future()
        if not owner:
            return pending.result()
        try:
            value = build()
        except BaseException as exc:
            with self._lock:
                del self._pending[key]
            pending.set_exception(exc)
            raise
        with self._lock:
            self._results[key] = value
            self.builds += 1
            del self._pending[key]
        pending.set_result(value)
        return value

    def __len__(self) -> int:
        with self._lock:
            return len(self._results)


def filter_key(filters: Filters | None) -> tuple:
    """One key per filter set, whatever spelling built it."""
    return tuple(sorted((filters or Filters()).to_query().items()))


class Analysis:
    """Memoised analysis of one Frames (one workspace file version, one boundary version)."""

    def __init__(self, frames: Frames, max_results: int = DEFAULT_MAX_RESULTS):
        self.frames = frames
        self.memo = Memo(max_results)
        self._max_results = max_results

    def __reduce__(self):
        """Pickled as its frames only (a print map sent to the drawing process, geoaid.output.print_process):
        the memo holds locks and results the other process recomputes as it needs them."""
        return Analysis, (self.frames, self._max_results)

    def remember(self, key, build: Callable[[], Any]):
        """Any value derived from these frames (a response body, map geometry), built once per key."""
        return self.memo.value(("custom", key), build)

    def allocations(self) -> pd.DataFrame:
        """geoaid.analysis.allocation.allocate (shared: read, never change it)."""
        return self.memo.value(("allocations",), lambda: allocate(self.frames))

    def coverage(self, filters: Filters | None = None):
        """geoaid.analysis.coverage.coverage for ``filters`` (a copy)."""
        filters = filters or Filters()
        return self.memo.value(("coverage", filter_key(filters)),
                               lambda: coverage(self.frames, filters, self.allocations())).copy()

    def ranking(self, filters: Filters | None = None) -> pd.DataFrame:
        """The gap ranking, from the same memoised coverage rows."""
        return ranking_of(self.coverage(filters))

    def project_rows(self, filters: Filters | None = None) -> pd.DataFrame:
        """geoaid.analysis.coverage.commune_projects: each project's allocation to each commune (a copy)."""
        filters = filters or Filters()
        return self.memo.value(("projects", filter_key(filters)),
                               lambda: commune_projects(self.frames, filters, self.allocations())).copy()

    def donors(self) -> pd.DataFrame:
        """geoaid.analysis.donors.list_donors (a copy)."""
        return self.memo.value(("donors",), lambda: list_donors(self.frames)).copy()

    def reach(self, donor: str, filters: Filters | None = None) -> DonorReach:
        """geoaid.analysis.donors.donor_reach; UnknownDonor is raised, not kept. Shared: read only."""
        filters = filters or Filters()
        return self.memo.value(("reach", donor, filter_key(filters)),
                               lambda: donor_reach(self.frames, donor, filters, self.allocations()))

    def overlaps(self, filters: Filters | None = None, include_area: bool = False) -> pd.DataFrame:
        """geoaid.analysis.overlaps.find_overlaps (a copy)."""
        filters = filters or Filters()
        return self.memo.value(("overlaps", filter_key(filters), include_area), lambda: find_overlaps(
            self.frames, filters, self.allocations(), include_area=include_area)).copy()

    def flows(self, filters: Filters | None = None, by: str = "province") -> pd.DataFrame:
        """geoaid.analysis.flows.yearly_flows: money by ``by`` and year (a copy)."""
        filters = filters or Filters()
        return self.memo.value(("flows", filter_key(filters), by),
                               lambda: yearly_flows(self.frames, filters, by, self.allocations())).copy()

    def neighbour_codes(self, code: str) -> list[str]:
        """Codes of the communes bordering ``code`` (KeyError for an unknown code)."""
        return list(self.memo.value(("neighbours", code),
                                    lambda: tuple(neighbours(self.frames.communes, code)["code"])))


def analysed(source: Frames | Analysis) -> Analysis:
    """``source`` if it is an Analysis, else a new one of those frames (for one-off callers)."""
    return source if isinstance(source, Analysis) else Analysis(source)
