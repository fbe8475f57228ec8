"""Work for the processes of tests/test_rate_limits.py (a module of its own: spawned processes import it)."""

from __future__ import annotations

from limits.storage import storage_from_string

from geoaid.store import rate_limits  # noqa: F401 — registers the geoaid+sqlite / geoaid+postgresql schemes


def hit_many(uri: str, key: str, hits: int, start) -> list[int]:
    """Add ``hits`` hits to ``key`` once ``start`` is set; the count each hit returned."""
    storage = storage_from_string(uri)
    start.wait(60)
    return [storage.incr(key, 60) for _ in range(hits)]
