"""Safe handling of untrusted files: size limits and zip archives.

Uploaded or downloaded archives come from anywhere. Before anything is read,
every member name is checked (no absolute paths, no "..", no drive letters,
no symlinks: "zip-slip"), the number of members and the declared and actual
decompressed sizes are bounded, and the compression ratio is bounded for
every member, however small, and for all members together (a "zip bomb"
expands a few KB into GBs, in one member or spread over many small ones).
An archive inside the archive is refused: its own members would escape
these checks. Members are extracted only into a fresh temporary folder
created here; no name from the archive is ever used as a path outside it.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath


class UnsafeFileError(ValueError):
    """The file or archive is refused; the message says why."""


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 100 * 1024 * 1024        # the file as given
    max_members: int = 200
    max_member_bytes: int = 300 * 1024 * 1024      # one member, decompressed
    max_total_bytes: int = 500 * 1024 * 1024       # all members, decompressed
    max_ratio: float = 100.0                       # decompressed / compressed, of every member

DEFAULT_LIMITS = Limits()
_CHUNK = 1024 * 1024
# Archives and compressed files, by name and by their first bytes.
_ARCHIVE_SUFFIXES = (".zip", ".xlsx", ".xlsm", ".docx", ".kmz", ".jar", ".gz", ".tgz", ".bz2", ".xz",
                     ".7z", ".rar", ".tar", ".zst")
_ARCHIVE_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"\x1f\x8b", b"BZh", b"\xfd7zXZ", b"7z\xbc\xaf",
                  b"Rar!", b"\x28\xb5\x2f\xfd")


def check_size(path: str | os.PathLike, limits: Limits = DEFAULT_LIMITS) -> int:
    """Return the file size, refusing files over ``limits.max_file_bytes``."""
    size = Path(path).stat().st_size
    if size > limits.max_file_bytes:
        raise UnsafeFileError(f"file is {size / 1e6:.1f} MB; the limit is "
                              f"{limits.max_file_bytes / 1e6:.0f} MB")
    return size


def _safe_member_name(info: zipfile.ZipInfo) -> PurePosixPath:
    name = info.filename.replace("\\", "/")
    path = PurePosixPath(name)
    if "\0" in name or not path.parts:
        raise UnsafeFileError(f"archive member {info.filename!r} has an invalid name; refused")
    if (name.startswith("/") or (len(name) > 1 and name[1] == ":")
            or any(part == ".." for part in path.parts)):
        raise UnsafeFileError(f"archive member {info.filename!r} points outside the archive "
                              "(absolute path or '..'); refused")
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise UnsafeFileError(f"archive member {info.filename!r} is a symbolic link; refused")
    return path


def check_zip(path: str | os.PathLike, limits: Limits = DEFAULT_LIMITS) -> list[zipfile.ZipInfo]:
    """Validate a zip archive's directory without extracting; return its file members."""
    check_size(path, limits)
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise UnsafeFileError(f"not a valid zip archive: {exc}") from None
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        if len(members) > limits.max_members:
            raise UnsafeFileError(f"archive has {len(members)} files; the limit is {limits.max_members}")
        for info in members:
            _check_member(info, limits)
        # Every member within the ratio bounds the archive's overall ratio too.
        total = sum(info.file_size for info in members)
        if total > limits.max_total_bytes:
            raise UnsafeFileError(f"archive expands to {total / 1e6:.0f} MB; the limit is "
                                  f"{limits.max_total_bytes / 1e6:.0f} MB")
        for info in members:
            _refuse_nested_archive(archive, info)
    return members


def _check_member(info: zipfile.ZipInfo, limits: Limits) -> None:
    _safe_member_name(info)
    if info.flag_bits & 0x1:
        raise UnsafeFileError(f"archive member {info.filename!r} is encrypted; "
                              "send the archive without a password")
    if info.file_size > limits.max_member_bytes:
        raise UnsafeFileError(f"archive member {info.filename!r} expands to "
                              f"{info.file_size / 1e6:.0f} MB; the limit is "
                              f"{limits.max_member_bytes / 1e6:.0f} MB")
    # Whatever the member's size: a hundred 900 KB members of zeros are a bomb too.
    if info.file_size > limits.max_ratio * max(info.compress_size, 1):
        raise UnsafeFileError(f"archive member {info.filename!r} is compressed "
                              f"{info.file_size / max(info.compress_size, 1):.0f}:1 "
                              "(a zip bomb?); refused")


def _refuse_nested_archive(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """An archive inside the archive is refused, by name or by its first bytes."""
    if info.filename.lower().endswith(_ARCHIVE_SUFFIXES):
        raise UnsafeFileError(f"archive member {info.filename!r} is itself an archive; "
                              "send the files it holds instead")
    try:
        with archive.open(info) as member:
            head = member.read(8)                     # decompresses a few KB at most
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError) as exc:
        raise UnsafeFileError(f"cannot read archive member {info.filename!r}: {exc}") from None
    if head.startswith(_ARCHIVE_MAGIC):
        raise UnsafeFileError(f"archive member {info.filename!r} is itself an archive or compressed "
                              "file; send the files it holds instead")


def extract_zip(path: str | os.PathLike, limits: Limits = DEFAULT_LIMITS) -> Path:
    """Extract a checked archive into a new temporary folder and return it.

    Sizes are enforced again while writing, because the sizes in a zip's
    directory are claims the archive makes about itself. The caller removes
    the folder (see :func:`remove_tree`).
    """
    members = check_zip(path, limits)
    target = Path(tempfile.mkdtemp(prefix="geoaid-zip-")).resolve()
    try:
        total = 0
        with zipfile.ZipFile(path) as archive:
            for info in members:
                relative = _safe_member_name(info)
                destination = (target / Path(*relative.parts)).resolve()
                if target not in destination.parents:
                    raise UnsafeFileError(f"archive member {info.filename!r} escapes the folder")
                destination.parent.mkdir(parents=True, exist_ok=True)
                written = 0
                with archive.open(info) as source, open(destination, "wb") as out:
                    while chunk := source.read(_CHUNK):
                        written += len(chunk)
                        total += len(chunk)
                        if written > limits.max_member_bytes or total > limits.max_total_bytes:
                            raise UnsafeFileError("archive expands beyond the size limit; refused")
                        out.write(chunk)
        return target
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError) as exc:
        remove_tree(target)  # corrupt data, bad CRC, or a compression method zipfile lacks
        raise UnsafeFileError(f"cannot read the archive: {exc}") from None
    except OSError as exc:  # e.g. a member named like a folder of another member
        remove_tree(target)
        raise UnsafeFileError(f"cannot extract the archive: {exc.strerror or exc}") from None
    except BaseException:
        remove_tree(target)
        raise


def remove_tree(path: str | os.PathLike) -> None:
    """Remove a folder made by :func:`extract_zip` (missing is fine)."""
    shutil.rmtree(path, ignore_errors=True)


@contextmanager
def extracted(path: str | os.PathLike, limits: Limits = DEFAULT_LIMITS) -> Iterator[Path]:
    """``with extracted(zip) as folder:`` — checked extraction, removed afterwards."""
    folder = extract_zip(path, limits)
    try:
        yield folder
    finally:
        remove_tree(folder)
