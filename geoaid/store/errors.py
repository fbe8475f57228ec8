"""Why a workspace cannot be read or written, said two ways.

Each error carries the full message (it may name the user's own path: the
command line prints it) and a ``public`` message without any server path,
which the web app shows to visitors.
"""

from __future__ import annotations

import errno

GENERIC_PUBLIC = "The workspace is not available right now; please try again later."


class WorkspaceError(RuntimeError):
    """The workspace is missing, unreadable or cannot be written."""

    def __init__(self, message: str, public: str | None = None):
        super().__init__(message)
        self.public = public or GENERIC_PUBLIC


class WorkspaceDamaged(WorkspaceError):
    """The file is not a readable geoaid GeoPackage (empty, truncated, garbage, damaged)."""

    def __init__(self, path, reason: str):
        advice = "Restore it from a backup, or rebuild it with `geoaid demo`."
        super().__init__(
            f"the workspace {path} is damaged or is not a geoaid workspace: {reason}. {advice}",
            public="The workspace file is damaged or is not a geoaid workspace, so nothing can be "
                   "shown or changed. An administrator must restore it from a backup.")
        self.reason = reason


class WorkspaceNotWritten(WorkspaceError):
    """A change was refused or failed; the workspace was left as it was."""

    def __init__(self, message: str, public: str):
        super().__init__(f"{message}; nothing was changed",
                         public=f"{public} Nothing was changed.")


_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EFBIG: "the file size limit was reached (disk full)",
    errno.EDQUOT: "the disk quota is exhausted",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
}
# Phrases SQLite and GDAL use when a write fails at the disk (full, quota, I/O error): GDAL often
# says no more than "Failed to commit transaction".
_FULL_PHRASES = ("disk is full", "file too large", "no space left", "i/o error", "short write",
                 "failed to commit transaction")


def known_reason(exc: BaseException) -> str | None:
    """A short, path-free reason for a failed write when it is a known one (disk full, read-only…)."""
    if isinstance(exc, OSError) and exc.errno in _REASONS:
        return _REASONS[exc.errno]
    text = str(exc).lower()
    if any(phrase in text for phrase in _FULL_PHRASES):
        return "the disk is full or the file could not be written"
    return None


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (GDAL and SQLite messages can be long)."""
    lines = str(exc).strip().splitlines()
    return (lines[0][:300] if lines else "") or type(exc).__name__


def write_failed(what: str, exc: BaseException) -> WorkspaceNotWritten:
    """The error for a write step that failed: the reason if known, else the message's first line."""
    reason = known_reason(exc)
    return WorkspaceNotWritten(f"{what}: {reason or first_line(exc)}",
                               public=f"The change could not be saved: "
                                      f"{reason or 'the server could not write the workspace'}.")
