"""Files uploaded through the web app: checked, staged, previewed, then committed.

An upload comes from anywhere. Before an importer reads it:

* its size is bounded while it is received (never trusted from a header);
* it is stored under a random server-chosen name in a staging folder — the
  user's file name is kept only as text for reports and the audit log, and
  no part of it ever reaches the filesystem;
* its type is checked by extension *and* by content (a workbook renamed
  .csv, an executable renamed .zip are refused);
* archives (.zip, and .xlsx, which is a zip) pass the zip-slip and zip-bomb
  checks of :mod:`geoaid.imports.safezip`;
* a CSV must be UTF-8 unless the planner said it is Windows-1258 (what
  Excel's plain "CSV" writes on Vietnamese Windows): guessing an encoding
  silently would store garbled commune names.

The importer (from :mod:`geoaid.imports.registry`, as for the CLI) then
reads the file without writing (the preview, with the same row-level report
as the CLI); the planner confirms; the file is read again against the
workspace as it is *then* and committed in one transaction (another planner
may have imported in between).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

from geoaid.imports import registry
from geoaid.imports.base import Prepared, option_values
from geoaid.imports.problems import ImportReport
from geoaid.imports.safezip import DEFAULT_LIMITS, Limits, UnsafeFileError, check_zip
from geoaid.text.redact import hide_server_paths

ENCODINGS = ("utf-8", "cp1258")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{22}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CHUNK = 1024 * 1024


def display_name(filename: str | None) -> str:
    """The user's file name as text to show: last path part, NFC, no control characters."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = _CONTROL.sub("", unicodedata.normalize("NFC", name)).strip()
    return name[:120] or "upload"


def _extension(kind: str, filename: str) -> str:
    if kind not in registry.IMPORTERS:
        raise UnsafeFileError(f"unknown import {kind!r}")
    accepted = registry.get(kind).uploads
    suffix = Path(display_name(filename)).suffix.lower()
    if suffix not in accepted:
        raise UnsafeFileError(f"wrong file type {suffix or '(none)'!r}: the {kind} import takes "
                              f"{', '.join(accepted)} files")
    return suffix


def _check_content(path: Path, suffix: str, encoding: str, limits: Limits) -> None:
    with open(path, "rb") as handle:
        head = handle.read(8192)
    if not head:
        raise UnsafeFileError("the file is empty")
    if suffix in (".zip", ".xlsx"):
        if not head.startswith(b"PK\x03\x04"):
            what = "an Excel 97–2003 .xls workbook: save it as .xlsx" if head.startswith(
                b"\xd0\xcf\x11\xe0") else "not a zip archive"
            raise UnsafeFileError(f"the file is {what}")
        check_zip(path, limits)       # zip-slip, member count, decompressed size and ratio
    elif suffix == ".gpkg":
        if not head.startswith(b"SQLite format 3\x00"):
            raise UnsafeFileError("the file is not a GeoPackage (SQLite) database")
    elif suffix in (".geojson", ".json"):
        if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
            raise UnsafeFileError("the file is not GeoJSON (a JSON object)")
    elif suffix == ".csv":
        _check_csv_text(path, head, encoding)
    elif suffix == ".xml":
        if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
            raise UnsafeFileError("the file is not XML")


def _check_csv_text(path: Path, head: bytes, encoding: str) -> None:
    if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnsafeFileError("the file is an Excel workbook named .csv: upload it as .xlsx")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return                        # UTF-16 with a byte-order mark (Excel's "Unicode text")
    data = path.read_bytes()
    if b"\x00" in data:
        raise UnsafeFileError("the file holds binary data, not text")
    if encoding not in ENCODINGS:
        raise UnsafeFileError(f"unknown encoding {encoding!r}: use {' or '.join(ENCODINGS)}")
    try:
        data.decode("utf-8")
        return
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        if encoding == "utf-8":
            raise UnsafeFileError(
                f"the file is not UTF-8 (line {line}, byte {exc.start}). In Excel, save it as "
                "'CSV UTF-8 (Comma delimited)'; or, if it is Excel's Vietnamese 'CSV', choose "
                "Windows-1258 as its encoding and check the names in the preview") from None
    try:
        data.decode("cp1258")
    except UnicodeDecodeError as exc:
        raise UnsafeFileError(f"the file is neither UTF-8 nor Windows-1258 (byte {exc.start})") from None


def check_upload(path: str | os.PathLike, kind: str, filename: str, encoding: str = "utf-8",
                 limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse an uploaded file with :class:`UnsafeFileError` (a clear message) or return."""
    path = Path(path)
    suffix = _extension(kind, filename)
    if path.stat().st_size > limits.max_file_bytes:
        raise UnsafeFileError(f"the file is over the {limits.max_file_bytes // 2**20} MB limit")
    _check_content(path, suffix, encoding, limits)


@dataclass
class Staged:
    token: str
    path: Path
    kind: str
    filename: str           # display name only
    user: str
    options: dict = field(default_factory=dict)


class Staging:
    """Uploads waiting for a planner's confirmation, in a private folder.

    Files are named by a random token; the token is bound to the user who
    uploaded, so one planner cannot confirm another's upload. Stale files
    (older than ``max_age`` seconds) are removed on every new upload.
    """

    def __init__(self, folder: str | os.PathLike, max_age: int = 3600):
        self.folder = Path(folder)
        self.max_age = max_age

    def put(self, stream: BinaryIO, kind: str, filename: str, user: str, options: dict,
            limits: Limits = DEFAULT_LIMITS, encoding: str = "utf-8") -> Staged:
        """Store an upload (size checked while reading) and check it; raise UnsafeFileError.

        ``options`` are the importer's option values (those not given take their
        defaults); ``encoding`` is what the planner said a CSV is written in
        (checked here, see :func:`check_upload`).
        """
        suffix = _extension(kind, filename)
        options = option_values(registry.get(kind), options)
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.purge()
        token = secrets.token_urlsafe(16)
        path = self.folder / f"{token}{suffix}"
        size = 0
        try:
            with open(path, "xb") as out:
                while chunk := stream.read(_CHUNK):
                    size += len(chunk)
                    if size > limits.max_file_bytes:
                        raise UnsafeFileError(
                            f"the file is over the {limits.max_file_bytes // 2**20} MB limit")
                    out.write(chunk)
            check_upload(path, kind, filename, encoding, limits)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        staged = Staged(token, path, kind, display_name(filename), user, dict(options))
        meta = {"kind": kind, "filename": staged.filename, "user": user, "options": staged.options,
                "suffix": suffix}
        (self.folder / f"{token}.json").write_text(json.dumps(meta, ensure_ascii=False))
        return staged

    def get(self, token: str, user: str) -> Staged:
        """The staged upload of ``user`` with this token; KeyError when none (or not theirs)."""
        if not _TOKEN.match(token or ""):
            raise KeyError(token)
        meta_path = self.folder / f"{token}.json"
        if not meta_path.is_file():
            raise KeyError(token)
        meta = json.loads(meta_path.read_text())
        if meta["user"] != user:
            raise KeyError(token)
        return Staged(token, self.folder / f"{token}{meta['suffix']}", meta["kind"], meta["filename"],
                      meta["user"], meta["options"])

    def discard(self, staged: Staged) -> None:
        staged.path.unlink(missing_ok=True)
        (self.folder / f"{staged.token}.json").unlink(missing_ok=True)

    def purge(self) -> None:
        limit = time.time() - self.max_age
        for path in self.folder.glob("*"):
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)


# -- preview and commit, through the importer's interface ------------------------

def preview(workspace, staging: Staging, staged: Staged) -> Prepared:
    """:func:`prepare` for the planner to confirm; a failed preview removes the staged file.

    Failed: the importer raised, or the file has errors and no row that could
    be imported. Nothing of such an upload stays in the staging folder.
    """
    try:
        prepared = prepare(workspace, staged)
    except BaseException:
        staging.discard(staged)
        raise
    if not prepared.importable:
        staging.discard(staged)
    return prepared


def _user_text(text: str, staged: Staged) -> str:
    """Importer text as the uploader may read it: their file name, never a server path."""
    return hide_server_paths(text, folders=(staged.path.parent, tempfile.gettempdir()),
                             names={staged.path: staged.filename})


def prepare(workspace, staged: Staged) -> Prepared:
    """Run the importer's checks on a staged file; nothing is written."""
    importer = registry.get(staged.kind)
    try:
        prepared = importer.read(staged.path, staged.options, workspace, source_name=staged.filename)
    except ValueError as exc:
        raise ValueError(_user_text(str(exc), staged)) from None
    report = prepared.report
    report.problems = [replace(p, reason=_user_text(p.reason, staged),
                               value=None if p.value is None else _user_text(p.value, staged))
                       for p in report.problems]
    return prepared


def commit(workspace, staged: Staged, prepared: Prepared, user: str, keep_valid: bool) -> ImportReport:
    """Write a prepared upload (all-or-nothing unless ``keep_valid``); returns the report."""
    return registry.get(staged.kind).commit(prepared, workspace, user=user, keep_valid=keep_valid)
