"""Untrusted archives: zip-slip, zip bombs, symlinks and size limits are refused."""

import random
import stat
import tempfile
import zipfile

import pytest

from geoaid.imports.safezip import Limits, UnsafeFileError, check_size, extract_zip, remove_tree


def make_zip(path, members):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize("name", ["../evil.txt", "a/../../evil.txt", "/etc/evil.txt",
                                  "C:/evil.txt", "..\\evil.txt"])
def test_zip_slip_is_refused_and_nothing_is_written(tmp_path, monkeypatch, name):
    scratch = tmp_path / "a" / "b"
    scratch.mkdir(parents=True)
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    archive = make_zip(tmp_path / "x.zip", {"ok.txt": b"ok", name: b"evil"})
    with pytest.raises(UnsafeFileError, match="outside the archive"):
        extract_zip(archive)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a", "b", "x.zip"]


def test_zip_bomb_is_refused(tmp_path):
    archive = make_zip(tmp_path / "bomb.zip", {"zeros.bin": b"\0" * (20 * 1024 * 1024)})
    assert archive.stat().st_size < 100_000
    with pytest.raises(UnsafeFileError, match="zip bomb"):
        extract_zip(archive)


def test_symlink_member_is_refused(tmp_path):
    path = tmp_path / "link.zip"
    with zipfile.ZipFile(path, "w") as archive:
        info = zipfile.ZipInfo("link")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, "/etc/passwd")
    with pytest.raises(UnsafeFileError, match="symbolic link"):
        extract_zip(path)


def test_total_size_limit_holds_even_when_the_directory_lies(tmp_path):
    # Incompressible members: the total is over the limit, no ratio is.
    archive = make_zip(tmp_path / "big.zip", {f"f{i}.bin": random.Random(i).randbytes(102_400) for i in range(5)})
    with pytest.raises(UnsafeFileError, match="limit"):
        extract_zip(archive, Limits(max_total_bytes=300_000))


def test_good_archive_is_extracted_into_a_fresh_folder(tmp_path):
    archive = make_zip(tmp_path / "good.zip", {"dir/a.txt": b"a", "b.txt": b"b"})
    folder = extract_zip(archive)
    try:
        assert (folder / "dir" / "a.txt").read_bytes() == b"a"
        assert folder != tmp_path and tmp_path not in folder.parents
    finally:
        remove_tree(folder)


def test_not_a_zip_and_oversized_files(tmp_path):
    fake = tmp_path / "fake.zip"
    fake.write_bytes(b"this is not a zip")
    with pytest.raises(UnsafeFileError, match="not a valid zip"):
        extract_zip(fake)
    with pytest.raises(UnsafeFileError, match="limit"):
        check_size(fake, Limits(max_file_bytes=5))


def test_encrypted_member_is_refused(tmp_path):
    path = make_zip(tmp_path / "locked.zip", {"a.txt": b"secret"})
    raw = bytearray(path.read_bytes())
    # Set the "encrypted" flag bit in the local header and the central directory entry.
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = raw.index(signature) + offset
        raw[at] |= 0x01
    path.write_bytes(bytes(raw))
    with pytest.raises(UnsafeFileError, match="encrypted"):
        extract_zip(path)


def test_member_clashing_with_a_folder_is_a_clear_error_and_leaves_nothing(tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # where extract_zip makes its folder
    archive = make_zip(tmp_path / "clash.zip", {"a": b"file", "a/b.txt": b"under a file"})
    with pytest.raises(UnsafeFileError, match="cannot extract"):
        extract_zip(archive)
    assert list(scratch.iterdir()) == []


def test_extracted_context_removes_the_folder(tmp_path):
    from geoaid.imports.safezip import extracted

    archive = make_zip(tmp_path / "good.zip", {"a.txt": b"a"})
    with extracted(archive) as folder:
        assert (folder / "a.txt").read_bytes() == b"a"
    assert not folder.exists()
