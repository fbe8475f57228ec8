"""A damaged workspace or a full disk gives one clear message, never a traceback, and changes
nothing: on the command line (`geoaid: error: …`, non-zero exit), at server start (refused) and
while serving (a 503 page without server paths)."""

from __future__ import annotations

import hashlib
import random
import sqlite3

import pandas as pd
import pyogrio
import pytest

from geoaid.cli import main
from geoaid.store.temp_copies import temporary_copies
from geoaid.store.workspace import Workspace, WorkspaceDamaged, WorkspaceError
from tests.processes import assert_one_error_line, run_geoaid
from web import create_app

PAGE = 4096
BTREE_PAGE_TYPES = (0x02, 0x05, 0x0A, 0x0D)


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _flip_a_page_header(data: bytes) -> bytes:
    """A few bytes flipped in the middle, where SQLite keeps a table's page header."""
    pages = len(data) // PAGE
    page = next(p for p in range(pages // 2, pages) if data[p * PAGE] in BTREE_PAGE_TYPES)
    damaged = bytearray(data)
    for offset in range(page * PAGE, page * PAGE + 8):
        damaged[offset] ^= 0xFF
    return bytes(damaged)


def _flip_a_name(data: bytes) -> bytes:
    """One byte flipped inside a commune name in the middle of the file: invalid UTF-8 text."""
    at = data.index("Phường".encode(), len(data) // 3)
    damaged = bytearray(data)
    damaged[at + 2] = 0xFF
    return bytes(damaged)


def _plain_sqlite(path):
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE notes (text TEXT)")
    db.execute("INSERT INTO notes VALUES ('not a workspace')")
    db.commit()
    db.close()


def _geopackage_without_communes(path):
    pyogrio.write_dataframe(pd.DataFrame({"project_id": ["P-1"], "title": ["only projects"]}), path,
                            layer="projects", driver="GPKG")


DAMAGE = {
    "empty file": (lambda data: b"", "the file is empty"),
    "truncated to half": (lambda data: data[: len(data) // 2], "SQLite cannot read it"),
    "random bytes": (lambda data: random.Random(7).randbytes(len(data)), "not an SQLite database"),
    "flipped page header": (_flip_a_page_header, "database structure is broken"),
    "flipped byte in a name": (_flip_a_name, "not valid UTF-8"),
    "SQLite but not a GeoPackage": (_plain_sqlite, "not a GeoPackage"),
    "GeoPackage without communes": (_geopackage_without_communes, "no 'communes' layer"),
}


def make_damaged(demo_workspace_path, folder, kind):
    path = folder / "ws.gpkg"
    damage, _reason = DAMAGE[kind]
    if damage in (_plain_sqlite, _geopackage_without_communes):
        damage(path)
    else:
        path.write_bytes(damage(demo_workspace_path.read_bytes()))
    return path


def _projects_file(folder, rows=1):
    path = folder / "projects.csv"
    path.write_text("project_id,title,donor,sector,budget,currency,locations\n" + "".join(
        f"D-{n},Damaged test {n},Test Donor,health,1000000,VND,32002\n" for n in range(rows)),
        encoding="utf-8")
    return path


COMMANDS = {
    "info": lambda folder: ["info"],
    "gaps": lambda folder: ["gaps", "--limit", "3"],
    "donor": lambda folder: ["donor"],
    "settings set": lambda folder: ["settings", "set", "area_allocation_rule", '"area"'],
    "import projects": lambda folder: ["import", "projects", str(_projects_file(folder))],
    "export": lambda folder: ["export", "communes", "--out", str(folder / "out.csv")],
}


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("kind", list(DAMAGE))
def test_cli_says_the_workspace_is_damaged_in_one_line(demo_workspace_path, tmp_path, capsys, kind, command):
    path = make_damaged(demo_workspace_path, tmp_path, kind)
    before = sha256(path)
    code = main([*COMMANDS[command](tmp_path), "--workspace", str(path)])
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2 and len(lines) == 1, err
    assert lines[0].startswith("geoaid: error: the workspace ") and "is damaged" in lines[0]
    assert DAMAGE[kind][1] in lines[0] and str(path) in lines[0]
    assert sha256(path) == before and temporary_copies(path) == []
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("kind", ["truncated to half", "GeoPackage without communes"])
def test_the_real_process_exits_with_one_line_and_no_traceback(demo_workspace_path, tmp_path, kind):
    path = make_damaged(demo_workspace_path, tmp_path, kind)
    for args in (["info"], ["serve", "--port", "0"]):
        assert_one_error_line(run_geoaid(*args, "--workspace", path), "is damaged", DAMAGE[kind][1])


@pytest.mark.parametrize("seed", range(6))
def test_random_flips_give_a_result_or_one_clear_line(demo_workspace_path, tmp_path, capsys, seed):
    """Flips inside a number or a coordinate cannot be noticed (a GeoPackage has no checksums);
    whatever a flip hits, the command answers normally or says the file is damaged."""
    data = bytearray(demo_workspace_path.read_bytes())
    rng = random.Random(seed)
    for _ in range(3):
        at = rng.randrange(PAGE, len(data) - 4)
        for offset in range(at, at + 4):
            data[offset] ^= 0xFF
    path = tmp_path / "ws.gpkg"
    path.write_bytes(bytes(data))
    for args in (["info"], ["gaps", "--limit", "3"], ["settings", "set", "area_allocation_rule", '"area"']):
        code = main([*args, "--workspace", str(path)])
        err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
        assert (code, err) == (0, []) or (code == 2 and len(err) == 1 and "is damaged" in err[0]), err


# --- a full disk -------------------------------------------------------------------------

@pytest.mark.parametrize("limit, step", [
    (lambda size: size // 2, "cannot copy"),                   # the disk fills while copying
    (lambda size: size, "cannot write layer"),                 # ... while writing the change
])
def test_a_full_disk_changes_nothing(writable_workspace, tmp_path, limit, step):
    path = writable_workspace.path
    before = sha256(path)
    for args in (["settings", "set", "area_allocation_rule", '"area"'],
                 ["import", "projects", _projects_file(tmp_path, rows=500)]):
        result = run_geoaid(*args, "--workspace", path, file_size_limit=limit(path.stat().st_size))
        assert_one_error_line(result, step, "disk", "nothing was changed")
        assert sha256(path) == before and temporary_copies(path) == []


def test_a_build_on_a_full_disk_leaves_nothing(tmp_path):
    path = tmp_path / "new" / "ws.gpkg"
    result = run_geoaid("demo", "--provinces", "95", "--no-samples", "--workspace", path,
                        file_size_limit=64 * 1024)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("geoaid: error: cannot write layer")
    assert not path.exists() and temporary_copies(path) == []


# --- the web app ------------------------------------------------------------------------

@pytest.mark.parametrize("kind", list(DAMAGE))
def test_the_server_refuses_to_start_on_a_damaged_workspace(demo_workspace_path, tmp_path, kind):
    path = make_damaged(demo_workspace_path, tmp_path, kind)
    with pytest.raises(WorkspaceDamaged, match=DAMAGE[kind][1]):
        create_app(path)


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_a_workspace_damaged_while_serving_gets_a_clear_503(demo_workspace_path, writable_workspace,
                                                            tmp_path, kind):
    path = writable_workspace.path
    good = path.read_bytes()
    client = create_app(path).test_client()
    assert client.get("/?lang=en").status_code == 200
    (tmp_path / "damaged").mkdir()
    damaged = make_damaged(demo_workspace_path, tmp_path / "damaged", kind)
    path.write_bytes(damaged.read_bytes())                   # damaged in place, under the server
    for url in ("/?lang=en", "/donors?lang=en", "/planner?lang=en", "/api/v1/gaps"):
        response = client.get(url)
        body = response.get_data(as_text=True)
        assert response.status_code == 503, (url, body[-500:])
        assert "damaged" in body and str(tmp_path) not in body and "Traceback" not in body
    assert client.get("/api/v1/gaps").json == {"error": WorkspaceDamaged(path, "").public}
    path.write_bytes(good)                                   # restored from a backup
    assert client.get("/?lang=en").status_code == 200


def test_web_errors_never_show_server_paths(tmp_path):
    response = create_app(tmp_path / "none.gpkg").test_client().get("/api/v1/gaps")
    assert response.status_code == 503 and "geoaid demo" in response.json["error"]
    assert str(tmp_path) not in response.get_data(as_text=True)
    with pytest.raises(WorkspaceError, match=str(tmp_path)):       # the command line names the path
        Workspace(tmp_path / "none.gpkg").require()
