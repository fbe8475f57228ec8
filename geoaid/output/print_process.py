"""A separate process that draws print maps for the server: started on demand, stopped when idle.

Why a process: drawing an A3 300-dpi map is seconds of Python work. In a
thread of the server it competes for the interpreter lock with every page
request: with four people browsing, one map took 60 s instead of 8 s, and
pages slowed too. In its own process it runs on the other core. Its memory
(libraries, the map's raster) is its own and goes back to the system when it
stops after ``idle_seconds`` without a map; it also exits by itself if the
server process dies, so no drawing process outlives its server.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from geoaid.output.printmap import render_map

# Starting a drawing process costs a few seconds (imports): keep it for a while between maps.
IDLE_SECONDS = 300.0


def draw_map(request, frames, cache_dir) -> tuple[int, bytes]:
    """Draw one map in this process; returns (process id, bytes). ``request`` is a PrintRequest."""
    try:
        return os.getpid(), render_map(frames, request.view, request.filters, paper=request.paper,
                                       orientation=request.orientation, fmt=request.fmt, dpi=request.dpi,
                                       lang=request.lang, title=request.title, cache_dir=cache_dir)
    finally:
        # The figure and its raster (70 MB at A3 300 dpi) sit in reference
        # cycles: free them now rather than at some later collection, and
        # hand the freed heap back to the system (glibc keeps it otherwise).
        gc.collect()
        _trim_heap()


def _trim_heap() -> None:
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):   # not glibc: nothing to trim
        pass


def _exit_with_parent(parent: int) -> None:
    """In the drawing process: end it when the server that started it is gone (killed, crashed)."""
    def watch():
        while os.getppid() == parent:
            time.sleep(1.0)   # polling: no portable way to be told that the parent died
        os._exit(0)
    threading.Thread(target=watch, name="geoaid-print-parent-watch", daemon=True).start()


class DrawingProcess:
    """One drawing process, used by one drawing thread at a time (geoaid.output.print_service). Thread-safe."""

    def __init__(self, idle_seconds: float = IDLE_SECONDS):
        self._idle_seconds = idle_seconds
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._last_used = 0.0
        self._busy = 0

    def draw(self, request, frames, cache_dir) -> tuple[int, bytes]:
        with self._lock:
            if self._pool is None:
                # spawn, not fork: the server has threads, and a forked child could inherit a held lock.
                self._pool = ProcessPoolExecutor(1, multiprocessing.get_context("spawn"),
                                                 initializer=_exit_with_parent, initargs=(os.getpid(),))
            pool = self._pool
            self._busy += 1
        try:
            return pool.submit(draw_map, request, frames, cache_dir).result()
        except BrokenProcessPool:
            with self._lock:
                if self._pool is pool:
                    self._pool = None   # the next map starts a new drawing process
            raise RuntimeError("the map drawing process stopped (out of memory?); ask for the map again") \
                from None
        finally:
            with self._lock:
                self._busy -= 1
                self._last_used = time.monotonic()
            timer = threading.Timer(self._idle_seconds, self.stop_if_idle)
            timer.daemon = True
            timer.start()

    def running(self) -> bool:
        with self._lock:
            return self._pool is not None

    def stop_if_idle(self) -> None:
        with self._lock:
            if self._busy or time.monotonic() - self._last_used < self._idle_seconds - 0.5:
                return
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)
