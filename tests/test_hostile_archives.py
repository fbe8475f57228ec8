"""Zip bombs in every shape: refused from the archive's directory, at once, before anything is extracted.

The family: one large highly compressed member, many small ones (each under
the old 1 MB threshold), an archive nested inside the archive (by name and
renamed), and an XLSX carrying a bomb member. Real archives still pass.
"""

from __future__ import annotations

import gzip
import io
import random
import time
import zipfile

import pytest

from geoaid.imports.safezip import Limits, UnsafeFileError, check_zip, extract_zip, remove_tree
from geoaid.imports.uploads import check_upload


def make_zip(path, members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def inner_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def refused(path, match: str, limits: Limits = Limits()) -> None:
    start = time.perf_counter()
    with pytest.raises(UnsafeFileError, match=match):
        check_zip(path, limits)
    assert time.perf_counter() - start < 1.0
    with pytest.raises(UnsafeFileError, match=match):   # and extracting checks first
        extract_zip(path, limits)


FAMILY = {
    "one large bomb": ({"xa.shp": b"\0" * (64 * 1024 * 1024)}, r"xa.shp' is compressed \d+:1"),
    "190 members of 900 KB zeros": ({f"part{i:03}.dbf": b"\0" * (900 * 1024) for i in range(190)},
                                    r"part000.dbf' is compressed \d+:1"),
    "one small member of zeros": ({"xa.cpg": b"\0" * 20_000}, r"xa.cpg' is compressed \d+:1"),
    "nested zip inside the zip": ({"xa.shp": b"x", "inner.zip": inner_zip({"bomb.shp": b"\0" * 10_000_000})},
                                  "'inner.zip' is itself an archive"),
    "nested zip renamed": ({"xa.shp": b"x", "data.bin": inner_zip({"a.shp": b"a"})},
                           "'data.bin' is itself an archive or compressed file"),
    "nested gzip": ({"xa.shp": b"x", "xa.dbf": gzip.compress(b"\0" * 1000)},
                    "'xa.dbf' is itself an archive or compressed file"),
}


@pytest.mark.parametrize("name", list(FAMILY))
def test_zip_bomb_family_is_refused_from_the_directory(tmp_path, name):
    members, match = FAMILY[name]
    path = make_zip(tmp_path / "upload.zip", members)
    assert path.stat().st_size < 1_000_000
    refused(path, match)


def test_many_small_members_cannot_add_up_past_the_total_size(tmp_path):
    # Incompressible members, each small and within every ratio: the sum is what is bounded.
    members = {f"m{i}.bin": random.Random(i).randbytes(200_000) for i in range(10)}
    path = make_zip(tmp_path / "many.zip", members)
    refused(path, "archive expands to 2 MB; the limit is 1 MB", Limits(max_total_bytes=1_000_000))


def test_an_xlsx_carrying_a_bomb_member_is_refused_at_upload(tmp_path):
    from tests.hostile_xlsx import write_xlsx

    path = write_xlsx(tmp_path / "plan.xlsx", extra={"xl/media/image1.png": b"\0" * (30 * 1024 * 1024)})
    start = time.perf_counter()
    with pytest.raises(UnsafeFileError, match=r"image1.png' is compressed \d+:1 \(a zip bomb\?\)"):
        check_upload(path, "projects", "plan.xlsx")
    assert time.perf_counter() - start < 1.0


def test_real_archives_still_pass(tmp_path):
    # Incompressible data and a dBase table of blank-padded names: the ratios of real Shapefiles.
    names = random.Random(2)
    records = "".join(f" {i:06d}" + f"Xã {names.choice('ABCDEGHKLMNPQSTVX')}{names.randrange(10**6)}".ljust(80)
                      for i in range(5_000))
    members = {"xa.shp": random.Random(1).randbytes(300_000), "xa.dbf": records.encode(),
               "xa.prj": b'GEOGCS["WGS 84"]', "xa.cpg": b"UTF-8", "docs/readme.txt": b"boundaries"}
    path = make_zip(tmp_path / "xa.zip", members)
    assert len(check_zip(path)) == 5
    folder = extract_zip(path)
    try:
        assert (folder / "xa.shp").read_bytes() == members["xa.shp"]
    finally:
        remove_tree(folder)
