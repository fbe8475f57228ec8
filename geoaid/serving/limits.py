"""The limits of the web server, in one place: what ``geoaid serve`` allows a client.

One request must not be able to hold the server, nor a few hundred cheap
ones. The figures below are what ``geoaid serve --production`` gives waitress
and prints when it starts:

* **Request size.** ``GEOAID_UPLOAD_MAX_MB`` (default 50) bounds an uploaded
  file; a request may be 64 KiB larger for the form's other fields. The app
  refuses more (Flask's ``MAX_CONTENT_LENGTH``), and so does waitress *before*
  reading the body: a ``Content-Length`` over the limit gets a 413 as soon as
  the headers are in, and a chunked body is cut off at the limit. (waitress's
  own default would first buffer up to 1 GiB into a temporary file.)
* **Connections.** waitress only hands *complete* requests to its threads,
  so a slow client costs one socket, not a thread; the connection limit is
  what slow clients can exhaust. It is 1000 (waitress: 100), with the
  process's open-file limit raised to fit when the system allows.
* **Deadlines.** waitress closes a connection only after ``channel_timeout``
  seconds *without a byte*: a client sending a header line every few seconds
  (slowloris) would keep its connection for ever. Here a request's headers
  must be complete within ``header_timeout`` seconds of its first byte, and
  its body must keep arriving at ``body_min_rate`` bytes a second after a
  ``body_timeout`` grace (Apache mod_reqtimeout's rule): a slow client is cut
  off, a slow but working upload is not. Idle keep-alive connections close
  after ``idle_timeout`` seconds.
* **Headers.** At most 64 KiB of request line and headers (waitress: 256 KiB),
  which bounds what each waiting connection may hold in memory.

:mod:`geoaid.serving.limits.channel` applies these to waitress.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, replace

UPLOAD_LIMIT_VARIABLE = "GEOAID_UPLOAD_MAX_MB"
DEFAULT_UPLOAD_MB = 50
FORM_FIELDS_ALLOWANCE = 64 * 1024   # an upload form's other fields and multipart framing: a few hundred bytes
FDS_PER_CONNECTION = 2          # its socket, and a temporary file while a large body or response is buffered
RESERVED_FDS = 256              # the workspace, GDAL and SQLite files, logs, temporary files of exports
MIN_CONNECTIONS = 50


def upload_limit_bytes(environ=None) -> int:
    """The largest file an upload may carry, from ``GEOAID_UPLOAD_MAX_MB`` (megabytes, default 50)."""
    raw = (os.environ if environ is None else environ).get(UPLOAD_LIMIT_VARIABLE, str(DEFAULT_UPLOAD_MB))
    try:
        megabytes = float(raw)
    except ValueError:
        megabytes = math.nan
    if not (math.isfinite(megabytes) and megabytes > 0):
        raise ValueError(f"{UPLOAD_LIMIT_VARIABLE} must be a positive number of megabytes, not {raw!r}")
    return max(1, int(megabytes * 2**20))


def request_limit_bytes(upload_bytes: int) -> int:
    """The largest request body, for an upload limit: the file plus the form's other fields."""
    return upload_bytes + FORM_FIELDS_ALLOWANCE


@dataclass(frozen=True)
class RequestDeadlines:
    """How long a request may take to arrive (see the module docstring)."""

    header_timeout: float = 20.0     # seconds from a request's first byte to the end of its headers
    body_timeout: float = 30.0       # seconds of grace for its body, before the rate applies
    body_min_rate: float = 1024.0    # bytes a second a body must average after that grace

    def __post_init__(self):
        for name in ("header_timeout", "body_timeout", "body_min_rate"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"{name.replace('_', ' ')} must be a positive number, not {value!r}")

    def expired(self, began: float, headers_done: float | None, body_bytes: int, now: float) -> bool:
        """Whether a request still arriving is too slow. ``began``: when its first byte came;
        ``headers_done``: when its headers were complete (None while they are not); times in
        seconds of one clock."""
        if headers_done is None:
            return now - began > self.header_timeout
        return now - headers_done > self.body_timeout + body_bytes / self.body_min_rate


@dataclass(frozen=True)
class ServingLimits:
    """Everything ``geoaid serve --production`` bounds."""

    max_request_bytes: int
    threads: int = 8
    connection_limit: int = 1000
    deadlines: RequestDeadlines = RequestDeadlines()
    idle_timeout: int = 30           # seconds an idle keep-alive connection stays open
    max_header_bytes: int = 64 * 1024

    def __post_init__(self):
        for name in ("max_request_bytes", "threads", "connection_limit", "idle_timeout", "max_header_bytes"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name.replace('_', ' ')} must be at least 1, not {getattr(self, name)}")

    def open_files_needed(self) -> int:
        return self.connection_limit * FDS_PER_CONNECTION + RESERVED_FDS

    def within_open_files(self, open_files: int | None) -> ServingLimits:
        """These limits with the connection limit lowered to what ``open_files`` descriptors allow."""
        if open_files is None or open_files >= self.open_files_needed():
            return self
        fitting = max(MIN_CONNECTIONS, (open_files - RESERVED_FDS) // FDS_PER_CONNECTION)
        return replace(self, connection_limit=min(self.connection_limit, fitting))

    def waitress_settings(self) -> dict:
        """Keyword arguments for waitress's Adjustments."""
        return {
            "threads": self.threads,
            "connection_limit": self.connection_limit,
            "channel_timeout": self.idle_timeout,
            # How often waitress looks for idle connections; cheap, and keeps the idle timeout close.
            "cleanup_interval": max(1, min(5, self.idle_timeout)),
            "max_request_header_size": self.max_header_bytes,
            # waitress refuses a body of *at least* this size, Flask one of more than
            # MAX_CONTENT_LENGTH: one byte more makes them agree.
            "max_request_body_size": self.max_request_bytes + 1,
            # select() cannot watch descriptors numbered 1024 or more; a thousand
            # connections need poll().
            "asyncore_use_poll": True,
        }

    def describe(self, open_files: int | None) -> list[str]:
        """What a person starting the server should know, one line each."""
        deadlines = self.deadlines
        files = f"open-file limit {open_files}" if open_files else "open-file limit not known"
        return [
            f"waitress, {self.threads} threads, up to {self.connection_limit} connections ({files})",
            f"request bodies over {self.max_request_bytes:,} bytes ({self.max_request_bytes / 2**20:.2f} MiB: "
            f"{UPLOAD_LIMIT_VARIABLE} + {FORM_FIELDS_ALLOWANCE // 1024} KiB for form fields) are refused "
            "from their headers",
            f"request headers must arrive within {deadlines.header_timeout:g} s (at most "
            f"{self.max_header_bytes // 1024} KiB); bodies at {deadlines.body_min_rate / 1024:g} KiB/s or more "
            f"after {deadlines.body_timeout:g} s; idle connections close after {self.idle_timeout} s",
        ]


def raise_open_file_limit(wanted: int) -> int | None:
    """Raise this process's soft limit on open files towards ``wanted`` (never past the hard
    limit, never lowering it); return the soft limit now in force, or None where it is unknown."""
    try:
        import resource  # POSIX only
    except ImportError:          # Windows: no such limit to raise
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    unlimited = resource.RLIM_INFINITY
    if soft != unlimited and soft < wanted:
        target = wanted if hard == unlimited else min(wanted, hard)
        if target > soft:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
    return None if soft == unlimited else soft
