"""Every ``geoaid`` command on both workspace backends: the same output from a GeoPackage and from PostGIS.

Each test runs a command on the session's demo GeoPackage (or a private copy)
and on a PostGIS clone of it, then compares what must be equal: printed text,
CSV bytes, workbook cells, GeoPackage rows, map image sizes, stored tables.
"""

from __future__ import annotations

import io
import json
import sqlite3

import geopandas as gpd
import openpyxl
import pandas as pd
from PIL import Image

from geoaid.cli import main
from geoaid.store import schema
from geoaid.store.opener import open_workspace
from geoaid.store.postgis.tables import VERSION_TABLE
from geoaid.store.postgis.workspace import PostgisWorkspace
from tests.boundary_files import as_vietnamese_shapefile
from tests.iati_files import DEMO_POINTS, activity, budget, document, location
from tests.needs_workbooks import needs_workbook
from tests.postgis_workspaces import table_digests

PROJECTS_HEADER = ("Mã dự án,Tên dự án,Nhà tài trợ,Lĩnh vực,Kinh phí,Đơn vị tiền,Ngày bắt đầu,Ngày kết thúc,"
                   "Trạng thái,Địa bàn\n")
DONOR = "Sample Donor A (fictitious)"


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    printed = capsys.readouterr()
    return code, printed.out, printed.err


def same_output(capsys, gpkg: str, pg: str, *argv) -> str:
    """Run one command on both workspaces; its printed text must be the same (the location aside)."""
    outputs = []
    for where in (gpkg, pg):
        code, out, err = run(capsys, *argv, "--workspace", where)
        assert code == 0, (argv, where, err)
        outputs.append(out.replace(where, "WORKSPACE"))
    assert outputs[0] == outputs[1], argv
    return outputs[0]


def cells(path) -> list[list[tuple]]:
    """Every sheet's cell values, row by row."""
    book = openpyxl.load_workbook(path, read_only=True)
    return [[tuple(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets]


def gpkg_rows(path) -> dict[str, pd.DataFrame]:
    with sqlite3.connect(path) as db:
        names = [r[0] for r in db.execute("SELECT table_name FROM gpkg_contents ORDER BY 1")]
    return {name: gpd.read_file(path, layer=name) for name in names}


def test_reading_commands_print_and_write_the_same_on_both(demo_workspace_path, postgis_workspace, tmp_path,
                                                          capsys):
    gpkg, pg = str(demo_workspace_path), postgis_workspace.location
    info = same_output(capsys, gpkg, pg, "info")
    assert "communes:" in info and "Temporary copies" not in info
    ranked = same_output(capsys, gpkg, pg, "gaps", "--province", "96")
    assert "20 of 100 communes shown" in ranked
    same_output(capsys, gpkg, pg, "overlaps")
    donors = same_output(capsys, gpkg, pg, "donor")
    assert DONOR in donors
    same_output(capsys, gpkg, pg, "donor", DONOR)
    same_output(capsys, gpkg, pg, "flows", "--by", "donor")
    same_output(capsys, gpkg, pg, "flows", "--by", "commune", "--province", "Cà Mau")
    same_output(capsys, gpkg, pg, "place", "--budget", "5000000000", "--sector", "health",
                "--period", "2025", "--province", "96")
    same_output(capsys, gpkg, pg, "scenario", "list")
    same_output(capsys, gpkg, pg, "reform", "show", "32026")
    same_output(capsys, gpkg, pg, "reform", "report")
    same_output(capsys, gpkg, pg, "settings", "show")
    codes = {where: run(capsys, "check", "classifications", "--workspace", where) for where in (gpkg, pg)}
    assert codes[gpkg][0] == codes[pg][0] and codes[gpkg][1] == codes[pg][1].replace(pg, gpkg)

    candidates = tmp_path / "candidates.json"
    candidates.write_text(json.dumps([{"place": "32026", "sector": "health", "amount": 2_000_000_000,
                                       "period": "2025", "donor": "Quỹ Mới"}]), encoding="utf-8")
    after = same_output(capsys, gpkg, pg, "scenario", "show", str(candidates), "--province", "96")
    assert "32026" in after or "Tân Thành" in after

    outputs = {}
    for label, where in (("gpkg", gpkg), ("pg", pg)):
        folder = tmp_path / label
        folder.mkdir()
        for kind, name in (("gaps", "gaps.csv"), ("projects", "projects.csv"), ("allocations", "allocations.csv"),
                           ("gaps", "gaps.xlsx"),
                           ("communes", "communes.gpkg"), ("gaps", "gaps.geojson")):
            code, _, err = run(capsys, "export", kind, "--province", "96", "--out", str(folder / name),
                               "--workspace", where)
            assert code == 0, (kind, name, err)
        for argv in (("map", "--view", "gap", "--province", "96", "--out", str(folder / "gap.png")),
                     ("atlas", "--view", "gap", "--province", "95", "--no-overview", "--out", str(folder / "atlas")),
                     ("annex", "--province", "96", "--out", str(folder / "annex.xlsx")),
                     ("brief", DONOR, "--out", str(folder / "brief.xlsx"))):
            code, _, err = run(capsys, *argv, "--workspace", where)
            assert code == 0, (argv, err)
        outputs[label] = folder
    ours, theirs = outputs["pg"], outputs["gpkg"]
    for name in ("gaps.csv", "projects.csv", "allocations.csv", "gaps.geojson"):
        assert (ours / name).read_bytes() == (theirs / name).read_bytes(), name
    for name in ("gaps.xlsx", "annex.xlsx", "brief.xlsx"):
        assert cells(ours / name) == cells(theirs / name), name
    mine, reference = gpkg_rows(ours / "communes.gpkg"), gpkg_rows(theirs / "communes.gpkg")
    assert mine.keys() == reference.keys()
    for name, frame in reference.items():
        pd.testing.assert_frame_equal(mine[name], frame)
    pages = sorted(p.name for p in (theirs / "atlas").iterdir())
    assert pages == sorted(p.name for p in (ours / "atlas").iterdir()) == ["geoaid-gap-95-bac-lieu.png"]
    for name in ("gap.png", f"atlas/{pages[0]}"):
        with Image.open(ours / name) as a, Image.open(theirs / name) as b:
            assert a.size == b.size and a.size[0] > 1000, name


def import_files(folder, communes) -> dict[str, tuple]:
    """One small good file and one bad file per importer, as offices and donor systems write them."""
    folder.mkdir()
    kv3 = folder / "kv3.csv"
    kv3.write_text("STT,Mã xã,Tên xã,Huyện,Tỉnh\n1,00736,,,\n2,,Xa Sung Chang,Yen Minh,Ha Giang\n"
                   "3,,Xã Tân Thành,Thành phố Cà Mau,Cà Mau\n", encoding="utf-8")
    kv3_bad = folder / "kv3-bad.csv"
    kv3_bad.write_text("STT,Mã xã,Tên xã,Huyện,Tỉnh\n1,00736,,,\n2,,Xã Không Có Thật,Huyện Ảo,Cà Mau\n",
                       encoding="utf-8")
    projects = folder / "dự án.csv"
    projects.write_text(PROJECTS_HEADER + "CLI-1,Trạm y tế,Quỹ A,Y tế,100000000,VND,01/01/2024,31/12/2025,"
                        "ongoing,32002\n", encoding="utf-8")
    projects_bad = folder / "dự án lỗi.csv"
    projects_bad.write_text(PROJECTS_HEADER + "CLI-2,Trường,Quỹ A,Y tế,abc,VND,,,,32002\n", encoding="utf-8")
    needs = folder / "nhu cầu.xlsx"
    needs_workbook(needs)
    needs_bad = folder / "nhu cầu lỗi.xlsx"
    needs_bad.write_bytes(b"PK\x03\x04 not really a workbook")
    iati = folder / "iati.xml"
    iati.write_bytes(document(activity(
        "XM-DAC-5-VN-CLI", title=((None, "Mangrove belt, Dat Mui"),),
        locations=location("P", "Dat Mui", pos=DEMO_POINTS["32248"], exactness="1", location_class="2"),
        money=budget("2024-01-01", "2024-12-31", "250000"))))
    iati_bad = folder / "iati-bad.xml"
    iati_bad.write_bytes(b'<?xml version="1.0"?><iati-activities version="2.03"><iati-activity>')
    shapes = folder / "shapes"
    shapes.mkdir()
    boundaries = as_vietnamese_shapefile(communes.iloc[:3], shapes, "EPSG:4326")
    broken = folder / "broken"
    broken.mkdir()
    boundaries_bad = as_vietnamese_shapefile(communes.iloc[:3], broken, "EPSG:4326")
    boundaries_bad.with_suffix(".prj").unlink()     # no coordinate reference system: refused
    return {"classifications": (kv3, kv3_bad, "--scheme", "region_iii", "--legal-source", "Decision 861/QĐ-TTg",
                                "--period", "2021-2025"),
            "projects": (projects, projects_bad), "needs": (needs, needs_bad), "iati": (iati, iati_bad),
            "boundaries": (boundaries, boundaries_bad)}


def stored_state(workspace) -> bytes | dict[str, str]:
    """Everything a workspace stores: the GeoPackage's bytes, or every database table's digest."""
    if isinstance(workspace, PostgisWorkspace):
        return table_digests(workspace.location)
    return workspace.path.read_bytes()


def stored_tables(workspace) -> dict[str, pd.DataFrame]:
    """Every layer as read through the workspace, without the clock (when each change was made)."""
    tables = {}
    for layer in sorted(workspace.layers()):
        frame = pd.DataFrame(workspace.read(layer))
        if "geometry" in frame:
            frame["geometry"] = frame["geometry"].map(lambda g: None if g is None else g.normalize().wkb_hex)
        frame = frame.drop(columns=[c for c in frame if c.endswith("_at") or c in ("at", "time")])
        tables[layer] = frame.reset_index(drop=True)
    return tables


def test_writing_commands_store_the_same_and_a_bad_file_changes_nothing(writable_workspace, postgis_workspace,
                                                                        tmp_path, capsys, monkeypatch):
    files = import_files(tmp_path / "files", writable_workspace.read(schema.COMMUNES).query("province_code == '96'"))
    candidates = tmp_path / "candidates.json"
    candidates.write_text(json.dumps([{"place": "32026", "sector": "health", "amount": 2_000_000_000,
                                       "period": "2025", "donor": "Quỹ Mới", "project_id": "CAND-1"}]),
                          encoding="utf-8")
    ngo = tmp_path / "ngo-2025.csv"
    ngo.write_text("Ref,Hoạt động,Funder,Theme,Amount VND,Commune\n"
                   "NGO-1,Nước sạch cho trạm y tế,Quỹ Nhi đồng,Y tế,50000000,32026\n", encoding="utf-8")
    ngo_again = tmp_path / "ngo-2026.csv"
    ngo_again.write_text("Ref,Hoạt động,Funder,Theme,Amount VND,Commune\n"
                         "NGO-2,Bếp ăn bán trú,Quỹ Nhi đồng,Giáo dục,75000000,32026\n", encoding="utf-8")
    mapping = ("--map", "Ref=project_id", "--map", "Hoat dong=title", "--map", "Funder=donor", "--map", "Theme=sector",
               "--map", "Amount VND=budget", "--map", "Commune=locations")
    refusals = []
    for workspace in (writable_workspace, postgis_workspace):
        where = workspace.location
        refusals.append({})
        for argv in (("import", "projects", str(ngo), *mapping, "--save-mapping", "ngo"),
                     ("import", "projects", str(ngo_again), "--mapping", "ngo"),
                     ("settings", "set", "exchange_rates_vnd", '{"VND": 1, "USD": 26000, "EUR": 28000}'),
                     ("scenario", "save", "trạm y tế", str(candidates)),
                     ("scenario", "compare", "trạm y tế", "--province", "96"),
                     ("scenario", "commit", "trạm y tế"),
                     ("reform", "build")):
            code, out, err = run(capsys, *argv, "--workspace", where)
            assert code == 0, (argv, out, err)
        for kind, (good, bad, *options) in files.items():
            before = stored_state(workspace)
            code, out, err = run(capsys, "import", kind, str(bad), *options, "--workspace", where)
            assert code == 2, (kind, out, err)
            assert stored_state(workspace) == before, kind
            refusals[-1][kind] = out
            code, out, err = run(capsys, "import", kind, str(good), *options, "--workspace", where)
            assert code == 0, (kind, out, err)
    assert refusals[0] == refusals[1]
    assert "row 2, column 'Kinh phí' (value 'abc'): not a number" in refusals[1]["projects"]
    assert "row 3, column 'Huyện' (value 'Huyện Ảo'): unknown district" in refusals[1]["classifications"]
    ours, theirs = stored_tables(postgis_workspace), stored_tables(open_workspace(writable_workspace.location))
    assert ours.keys() == theirs.keys()
    for layer, frame in theirs.items():
        pd.testing.assert_frame_equal(ours[layer], frame, check_dtype=False, obj=layer)
    projects = ours[schema.PROJECTS].set_index("project_id")
    assert projects.at["CLI-1", "budget_vnd"] == 100_000_000
    assert {"XM-DAC-5-VN-CLI", "CAND-1"} <= set(projects.index)
    assert projects.loc[["NGO-1", "NGO-2"], "budget_vnd"].tolist() == [50_000_000, 75_000_000]
    assert ours[schema.AUDIT_LOG]["action"].tolist()[-12:] == [
        "import projects", "save column mapping", "import projects", "settings set", "scenario save",
        "scenario commit", "reform build", "import classifications region_iii",
        "import projects", "import needs", "import iati", "import boundaries 2019"]


def test_accounts_and_workspace_copies_both_ways(writable_workspace, postgis_workspace, postgres_dsn, tmp_path,
                                                 capsys, monkeypatch):
    listings = []
    for where in (writable_workspace.location, postgis_workspace.location):
        monkeypatch.setattr("sys.stdin", io.StringIO("một mật khẩu dài 2024\n"))
        assert run(capsys, "user", "add", "lan.nguyen", "--role", "planner", "--password-stdin",
                   "--workspace", where)[0] == 0
        assert run(capsys, "user", "role", "lan.nguyen", "admin", "--workspace", where)[1] == \
            "lan.nguyen is now admin\n"
        monkeypatch.setattr("sys.stdin", io.StringIO("mật khẩu mới hơn 2026\n"))
        assert run(capsys, "user", "password", "lan.nguyen", "--password-stdin", "--workspace", where)[1] == \
            "password of lan.nguyen changed\n"
        monkeypatch.setattr("sys.stdin", io.StringIO("mật khẩu thứ hai 2025\n"))
        assert run(capsys, "user", "add", "minh.tran", "--password-stdin", "--workspace", where)[0] == 0
        assert run(capsys, "user", "remove", "minh.tran", "--workspace", where)[1] == "removed minh.tran\n"
        code, listed, _ = run(capsys, "user", "list", "--workspace", where)
        assert code == 0
        listings.append([line.split("\t")[:2] for line in listed.splitlines()])
    assert listings[0] == listings[1] == [["lan.nguyen", "admin"]]

    # PostGIS → a new GeoPackage → a new PostGIS database: every table, the accounts too, arrive unchanged.
    copied = tmp_path / "bản sao.gpkg"
    code, out, err = run(capsys, "workspace", "copy", postgis_workspace.location, str(copied))
    assert code == 0 and out.endswith(f"equals {postgis_workspace.location}\n"), err
    code, out, err = run(capsys, "workspace", "copy", str(copied), postgres_dsn)
    assert code == 0, err
    copy, source = table_digests(postgres_dsn), table_digests(postgis_workspace.location)
    for digests in (copy, source):
        digests.pop(VERSION_TABLE)      # the commit counter readers pin: each database counts its own
    assert copy == source
    code, listed, _ = run(capsys, "user", "list", "--workspace", postgres_dsn)
    assert [line.split("\t")[:2] for line in listed.splitlines()] == [["lan.nguyen", "admin"]]
    code, _, err = run(capsys, "workspace", "copy", str(copied), postgres_dsn)
    assert code == 2 and err.count("\n") == 1 and "--replace" in err


def test_demo_builds_one_province_straight_into_postgis(postgres_dsn, tmp_path, capsys, monkeypatch):
    code, out, err = run(capsys, "info", "--workspace", postgres_dsn)
    assert (code, out) == (2, "") and err.count("\n") == 1 and "geoaid workspace copy" in err
    missing = postgres_dsn.rsplit("/", 1)[0] + "/no_such_database"
    code, out, err = run(capsys, "gaps", "--workspace", missing)
    assert (code, out) == (2, "") and err.count("\n") == 1 and "no_such_database" in err, err
    code, out, err = run(capsys, "info", "--workspace", "postgresql://geoaid:s3cret@127.0.0.1:1/aid")
    assert (code, out) == (2, "") and err.startswith(
        "geoaid: error: cannot reach the PostgreSQL workspace postgresql://geoaid@127.0.0.1:1/aid: ")
    assert "s3cret" not in err and err.count("\n") == 1
    code, _, err = run(capsys, "demo", "--provinces", "95", "--workspace", postgres_dsn)
    assert code == 0, err
    gpkg = tmp_path / "bạc-liêu.gpkg"
    assert run(capsys, "demo", "--provinces", "95", "--workspace", str(gpkg))[0] == 0
    ours, theirs = stored_tables(open_workspace(postgres_dsn)), stored_tables(open_workspace(str(gpkg)))
    assert ours.keys() == theirs.keys()
    for layer, frame in theirs.items():
        pd.testing.assert_frame_equal(ours[layer], frame, check_dtype=False, obj=layer)
    assert set(ours[schema.COMMUNES]["province_code"]) == {"95"}
    code, out, _ = run(capsys, "demo", "--provinces", "95", "--if-missing", "--workspace", postgres_dsn)
    assert code == 0 and out.startswith("Workspace exists: ")
    monkeypatch.setenv("GEOAID_WORKSPACE", postgres_dsn)          # as a deployment names its database
    code, out, _ = run(capsys, "info")
    assert code == 0 and out.startswith(f"Workspace: {open_workspace(postgres_dsn).display}\n")
    assert "  communes: 64 row(s)\n" in out
