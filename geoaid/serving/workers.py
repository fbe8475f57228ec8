"""Several server processes on one listening socket: ``geoaid serve --production --workers N``.

One Python process serves one request's Python code at a time (the
interpreter lock), however many threads waitress has: on a machine with
several cores, N processes serve about N times as many pages. Here the parent
process binds the listening socket(s) once, then forks N workers; each worker
builds its own app (its own workspace snapshot, caches and drawing process)
and runs the same hardened waitress server as one process does
(:mod:`geoaid.serving.channel`) on the inherited socket, so the kernel hands
each new connection to whichever worker accepts first. The parent only
supervises: it starts another worker when one dies, and on SIGTERM or SIGINT
(Ctrl-C) it stops every worker and waits for them.

Why not gunicorn as the process manager: its workers would replace waitress's
connection handling, and with it what geoaid adds against slow clients. A
gunicorn sync worker is held for the whole time a slow client takes to send
its request (a few slowloris connections stop it), its gthread worker has a
keep-alive timeout but no deadline for a request's headers or minimum rate
for its body, and it has no setting for answering an over-large body with
the app's own page before reading it. (gunicorn's ``limit_request_line`` and
``limit_request_field_size`` match our header limit; its ``timeout`` kills a
busy worker, which a map export must not trigger.) The deployment in the
README puts nginx in front, which buffers slow clients anyway; gunicorn
behind it (``gunicorn -w N 'web:create_app()'``) works too. Without a proxy,
these workers keep every limit of :mod:`geoaid.serving.limits`.

POSIX only (``os.fork``); one worker (the default) runs in the process
itself, exactly as before.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import time
import traceback
from collections import deque
from collections.abc import Callable

from waitress.adjustments import Adjustments

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
# A worker that keeps dying (a broken workspace, no memory) must not be restarted for ever.
CRASH_LOOP_DEATHS = 5
CRASH_LOOP_SECONDS = 60.0


def bind_listeners(host: str, port: int) -> list[socket.socket]:
    """Listening sockets for ``host:port`` (one per address the host name resolves to), as waitress binds them."""
    listeners = []
    adjustments = Adjustments(host=host, port=port)
    for family, kind, proto, address in adjustments.listen:
        listener = socket.socket(family, kind, proto)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            listener.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        listener.bind(address)
        listener.listen(adjustments.backlog)
        listeners.append(listener)
    return listeners


class Supervisor:
    """Keeps ``count`` forked workers running ``serve_worker(listeners)`` until told to stop.

    >>> listeners = bind_listeners("127.0.0.1", 8000)   # doctest: +SKIP
    >>> Supervisor(lambda socks: serve(make_app(), limits, socks), listeners, 4).run()   # doctest: +SKIP
    """

    def __init__(self, serve_worker: Callable[[list[socket.socket]], None], listeners: list[socket.socket],
                 count: int, log: Callable[[str], None] = print):
        if count < 1:
            raise ValueError(f"workers must be at least 1, not {count}")
        self.serve_worker = serve_worker
        self.listeners = listeners
        self.count = count
        self.log = log
        self.workers: dict[int, int] = {}    # process id → worker number (1…count)
        self.stopping = False
        self.gave_up = False
        self.deaths: deque[float] = deque(maxlen=CRASH_LOOP_DEATHS)

    def run(self) -> int:
        """Start the workers and supervise them; 0 once stopped by a signal, 1 if they keep dying."""
        previous = {sig: signal.signal(sig, self._stop) for sig in STOP_SIGNALS}
        try:
            for number in range(1, self.count + 1):
                self._start(number)
            while self.workers:
                pid, status = os.wait()   # retried after a stop signal's handler (PEP 475)
                number = self.workers.pop(pid, None)
                if number is None or self.stopping:
                    continue
                self.log(f"worker {number} (pid {pid}) {exit_reason(status)}")
                self.deaths.append(time.monotonic())
                if len(self.deaths) == CRASH_LOOP_DEATHS and self.deaths[-1] - self.deaths[0] < CRASH_LOOP_SECONDS:
                    self.log(f"{CRASH_LOOP_DEATHS} workers died within {CRASH_LOOP_SECONDS:g} s: stopping")
                    self.gave_up = True
                    self._stop(signal.SIGTERM, None)
                    continue
                self._start(number)
            return 1 if self.gave_up else 0
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _start(self, number: int) -> None:
        # Stop signals wait until the new worker is in self.workers, so the
        # handler cannot miss it; the worker itself unblocks them.
        sys.stdout.flush()   # else the worker would inherit and print again what is still buffered
        sys.stderr.flush()
        signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            pid = os.fork()
            if pid == 0:
                self._worker()
            self.workers[pid] = number
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
        self.log(f"worker {number} started (pid {pid})")

    def _worker(self) -> None:
        """In the forked process: serve until terminated; never returns into the parent's code."""
        code = 0
        try:
            # SIGTERM ends a worker at once, as it ends a single server. SIGINT is the
            # parent's to handle: Ctrl-C reaches the whole process group, and the
            # parent then stops every worker with SIGTERM.
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
            self.serve_worker(self.listeners)
        except BaseException:   # whatever ends a worker is reported by it, then the parent starts another
            traceback.print_exc()
            code = 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)

    def _stop(self, signum, _frame) -> None:
        if not self.stopping:
            self.stopping = True
            self.log(f"stopping {len(self.workers)} worker(s) ({signal.Signals(signum).name})")
        for pid in list(self.workers):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:   # already gone: os.wait() collects it
                pass


def exit_reason(status: int) -> str:
    """'exited with status 1' or 'was killed by SIGKILL', from an os.wait() status."""
    if os.WIFSIGNALED(status):
        return f"was killed by {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exited with status {os.waitstatus_to_exitcode(status)}"
