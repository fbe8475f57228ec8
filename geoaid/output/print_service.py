"""Print maps for a server: cached per workspace version, drawn one at a time, with a bounded queue.

An A3 300-dpi map takes seconds of CPU and a large raster buffer. When many
people download maps at once, drawing them all in the server's request
threads used every thread (pages waited behind maps), allocated a buffer per
thread (the process grew by hundreds of MB) and drew the same map again for
every person asking. Here:

* the bytes of every map are kept in an LRU cache bounded by total size
  (cachetools), keyed by the workspace file version, boundary version, view,
  filters, format, paper, orientation, dpi, language and title: a map asked
  again is answered from memory until the workspace changes;
* identical requests that arrive while their map is being drawn wait for
  that one drawing instead of starting another;
* maps are drawn one at a time by a dedicated thread, which hands the
  drawing to a separate drawing process (geoaid.output.print_process: in the
  server's process a drawing competes with every page request for the
  interpreter lock), or, given no drawing process, draws itself (matplotlib
  is not thread-safe: one thread, one memory arena); each figure is freed as
  soon as its bytes are out;
* at most ``render_threads + max_waiting`` requests wait for drawings at
  once; beyond that :class:`PrintBusy` says when to try again (a map asked
  again after that is usually in the cache), so the server's request
  threads stay free for pages.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from cachetools import LRUCache

from geoaid.analysis.filters import Filters
from geoaid.analysis.memoised import Analysis
from geoaid.analysis.views import LANGS, resolve_view
from geoaid.output.limits import SERVED_DPI_MAX, check_dpi, check_image_format
from geoaid.output.print_layout import page_layout
from geoaid.output.print_process import DrawingProcess, draw_map

DEFAULT_CACHE_BYTES = 64 * 2**20   # ~40 A3 300-dpi PNGs of a province
# geoaid.output.printmap draws one figure at a time (matplotlib's settings are process-wide),
# so more drawing threads would only queue there.
DEFAULT_RENDER_THREADS = 1
# Requests that may wait for a drawing besides one per drawing thread: with
# waitress's 8 threads, at most 4 are ever held by maps and the others serve pages.
DEFAULT_MAX_WAITING = 3
FIRST_ESTIMATE_S = 10.0            # an A3 300-dpi map on a busy 2-core machine, until measured


class PrintBusy(RuntimeError):
    """Too many different maps are waiting to be drawn; ``retry_after`` is an estimate in seconds."""

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__(f"the server is drawing other maps; try again in {retry_after} s")


@dataclass(frozen=True)
class PrintRequest:
    """Everything that decides a map's bytes: its cache key."""

    workspace: str           # the workspace file's path
    file_version: tuple      # Workspace.version() of the frames drawn
    boundary_version: str    # "2019" | "2025"
    view: str
    filters: Filters
    fmt: str = "png"
    paper: str = "A4"
    orientation: str = "landscape"
    dpi: int = 300
    lang: str = "en"
    title: str | None = None

    def normalised(self) -> PrintRequest:
        """The same map under one spelling ("gap" = "gaps", "a3" = "A3"); ValueError for bad options,
        so a wrong request is refused before it takes a place in the queue."""
        fmt = check_image_format(self.fmt)
        if self.lang not in LANGS:
            raise ValueError(f"lang must be one of {', '.join(LANGS)}, got {self.lang!r}")
        layout = page_layout(self.paper, self.orientation)
        return replace(self, view=resolve_view(self.view).key, fmt=fmt, paper=layout.paper,
                       dpi=check_dpi(self.dpi, SERVED_DPI_MAX))


class PrintService:
    """Cached, bounded rendering of print maps (see the module docstring). Thread-safe."""

    def __init__(self, max_bytes: int = DEFAULT_CACHE_BYTES, render_threads: int = DEFAULT_RENDER_THREADS,
                 max_waiting: int = DEFAULT_MAX_WAITING, process: DrawingProcess | None = None):
        self._cache: LRUCache = LRUCache(maxsize=max_bytes, getsizeof=len)
        self._drawing: dict[PrintRequest, Future] = {}
        self._lock = threading.Lock()
        self._threads = render_threads
        self._max_waiting = max_waiting
        self.thread_prefix = f"geoaid-print-{id(self):x}"   # names this service's drawing threads
        self._executor = ThreadPoolExecutor(max_workers=render_threads, thread_name_prefix=self.thread_prefix)
        self._seconds: deque[float] = deque([FIRST_ESTIMATE_S], maxlen=8)
        self._waiting = 0        # request threads inside render() waiting for a drawing
        self._started: dict[PrintRequest, float] = {}   # drawings under way and when they began
        self.process = process   # None: the drawing thread draws in this process
        self.renders = 0         # maps drawn (not answered from the cache)
        self.drawn_by: int | None = None   # id of the process that drew the last map

    def render(self, request: PrintRequest, frames: Analysis, cache_dir: str | Path | None = None) -> bytes:
        """The map's bytes: from the cache, from the identical drawing under way, or drawn now.

        ``frames``: the snapshot's analysis at ``request.file_version`` and ``request.boundary_version``
        (a Frames of that version works too).
        Raises ValueError for bad options (not cached) and PrintBusy when
        ``render_threads + max_waiting`` requests already wait for drawings
        (identical ones included: each holds a server thread).
        """
        with self._lock:
            body = self._cache.get(request)
            if body is not None:
                return body
            if self._waiting >= self._threads + self._max_waiting:
                raise PrintBusy(self._retry_after(request))
            future = self._drawing.get(request)
            if future is None:
                future = self._executor.submit(self._draw, request, frames, cache_dir)
                self._drawing[request] = future
            self._waiting += 1
        try:
            return future.result()
        finally:
            with self._lock:
                self._waiting -= 1

    def cached_bytes(self) -> int:
        with self._lock:
            return int(self._cache.currsize)

    def in_progress(self) -> tuple[int, int]:
        """(different maps being drawn or queued, requests waiting for them)."""
        with self._lock:
            return len(self._drawing), self._waiting

    def _retry_after(self, request: PrintRequest) -> int:
        """Seconds until a waiting place frees, i.e. the drawing under way (this map's, else the one
        furthest along) should be done; estimated from the last drawing times (called under the lock)."""
        mean = sum(self._seconds) / len(self._seconds)
        now = time.perf_counter()
        started = self._started.get(request) or min(self._started.values(), default=now)
        return max(1, min(300, math.ceil(mean - (now - started))))

    def _draw(self, request: PrintRequest, frames: Analysis, cache_dir) -> bytes:
        """In the drawing thread: draw (here or in the drawing process), then cache the bytes."""
        began = time.perf_counter()
        with self._lock:
            self._started[request] = began
        try:
            # An Analysis reaches the drawing process as its frames (Analysis.__reduce__).
            draw = self.process.draw if self.process is not None else draw_map
            pid, body = draw(request, frames, cache_dir)
            with self._lock:
                self._forget_other_versions(request)
                try:
                    self._cache[request] = body
                except ValueError:    # larger than the whole cache: served, not kept
                    pass
                self._seconds.append(time.perf_counter() - began)
                self.renders += 1
                self.drawn_by = pid
            return body
        finally:
            with self._lock:
                self._drawing.pop(request, None)
                self._started.pop(request, None)

    def close(self) -> None:
        """Stop the drawing thread and process (a server shutting down; tests)."""
        self._executor.shutdown(wait=True)
        if self.process is not None:
            self.process.close()

    def _forget_other_versions(self, request: PrintRequest) -> None:
        """Drop the maps of the workspace's previous file versions (called under the lock)."""
        stale = [key for key in self._cache
                 if key.workspace == request.workspace and key.file_version != request.file_version]
        for key in stale:
            del self._cache[key]
