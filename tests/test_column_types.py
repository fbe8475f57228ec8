"""Column types survive every write (geoaid/schema.py COLUMN_TYPES, Transaction.write), and an
import with nothing valid writes nothing — CLI and web uploads, every importer."""

from __future__ import annotations

import hashlib
import sqlite3
from urllib.parse import quote

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from shapely.affinity import translate

from geoaid.cli import main
from geoaid.store import schema
from geoaid.store.workspace import Workspace
from tests.web_uploads import upload
from web import create_app

SQL_TYPES = {"text": "TEXT", "real": "REAL", "integer": "INTEGER", "boolean": "BOOLEAN"}
SPATIAL = (schema.COMMUNES, schema.COMMUNES_2025, schema.UNMATCHED_POLYGONS)
SAMPLE_DONOR = "Sample Donor A (fictitious)"


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stored_types(path, layer) -> dict[str, str]:
    db = sqlite3.connect(path)
    try:
        return {row[1]: row[2] for row in db.execute(f'PRAGMA table_info("{layer}")')
                if row[1] not in ("fid", "geom")}
    finally:
        db.close()


def declared(layer) -> dict[str, str]:
    return {column: SQL_TYPES[kind] for column, kind in schema.COLUMN_TYPES[layer].items()}


# --- nothing valid: nothing written --------------------------------------------------

PROJECT_HEADER = "project_id,title,donor,sector,budget,currency,locations\n"
ALL_BAD_PROJECTS = PROJECT_HEADER + (
    "X-1,Bad sector,Donor,no such sector,1000,VND,32002\n"
    "X-2,Bad budget,Donor,health,abc,VND,32002\n"
    ",No id,Donor,health,1000,VND,99999\n")
ALL_BAD_CLASSES = "ma_xa,ten_xa\n99999,\n88888,\n,\n"


def _boundaries_outside_vietnam(folder, workspace):
    communes = workspace.read(schema.COMMUNES).iloc[:3][["code", "name", "district_name", "province_name",
                                                          "geometry"]]
    communes = communes.set_geometry(communes.geometry.map(lambda g: translate(g, xoff=-60)))
    path = folder / "elsewhere.geojson"
    communes.rename(columns={"code": "ma_xa", "name": "ten_xa"}).to_file(path)
    return path


CASES = {
    "projects, every row invalid": ("projects", ALL_BAD_PROJECTS, [], "no valid row to import"),
    "projects, header only": ("projects", PROJECT_HEADER, [], "the file has no data rows"),
    "classifications, every row invalid": ("classifications", ALL_BAD_CLASSES, ["--scheme", "region_iii"],
                                           "no valid row to import"),
    "classifications, header only": ("classifications", "ma_xa,ten_xa\n", ["--scheme", "region_iii"],
                                     "the file has no data rows"),
    "boundaries, every feature outside Vietnam": ("boundaries", None, [], "no valid feature to import"),
}


@pytest.mark.parametrize("keep_valid", [True, False], ids=["keep-valid", "all-or-nothing"])
@pytest.mark.parametrize("case", list(CASES))
def test_an_import_with_nothing_valid_writes_nothing(writable_workspace, tmp_path, capsys, case, keep_valid):
    kind, text, options, message = CASES[case]
    if text is None:
        path = _boundaries_outside_vietnam(tmp_path, writable_workspace)
    else:
        path = tmp_path / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
    before = sha256(writable_workspace.path)
    code = main(["import", kind, str(path), *options, "--workspace", str(writable_workspace.path)]
                + (["--keep-valid"] if keep_valid else []))
    out = capsys.readouterr().out
    assert code == 2 and message in out and "NOT written" in out, out
    assert sha256(writable_workspace.path) == before


@pytest.mark.parametrize("kind, text, fields", [
    ("projects", ALL_BAD_PROJECTS, {}),
    ("projects", PROJECT_HEADER, {}),
    ("classifications", ALL_BAD_CLASSES, {"scheme": "region_iii"}),
])
def test_a_web_upload_with_nothing_valid_writes_nothing(writable_workspace, planner, kind, text, fields):
    before = sha256(writable_workspace.path)
    preview = upload(planner, kind, f"{kind}.csv", text.encode(), **fields)
    # Nothing importable: the preview itself refuses, offers no confirm form and keeps no staged file.
    assert preview.status_code == 422
    assert 'id="confirm-form"' not in preview.get_data(as_text=True)
    assert sha256(writable_workspace.path) == before
    donor = planner.get(f"/donors/{quote(SAMPLE_DONOR)}")
    assert donor.status_code == 200


# --- every write keeps the declared types ----------------------------------------------

def _frame(layer, rows):
    columns = list(schema.COLUMN_TYPES[layer])
    data = {column: pd.Series([None] * rows, dtype=object) for column in columns}
    if layer in SPATIAL:
        return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries([None] * rows), crs=schema.CRS)
    return pd.DataFrame(data)


@pytest.mark.parametrize("rows", [0, 2], ids=["empty frame", "all-null frame"])
@pytest.mark.parametrize("layer", list(schema.COLUMN_TYPES))
def test_every_layer_keeps_its_declared_types_whatever_the_frame_holds(tmp_path, layer, rows):
    path = tmp_path / "typed.gpkg"
    with Workspace(path).transaction(create=True) as tx:
        tx.write(layer, _frame(layer, rows))
    assert stored_types(path, layer) == declared(layer)


def test_numbers_given_as_text_are_stored_as_numbers(writable_workspace):
    with writable_workspace.transaction() as tx:
        projects = tx.read(schema.PROJECTS)
        as_text = projects.astype(object).map(lambda v: None if pd.isna(v) else str(v))
        nothing = pd.DataFrame(columns=schema.PROJECT_COLUMNS)                 # what a failed import added
        tx.write(schema.PROJECTS, pd.concat([as_text, nothing], ignore_index=True))
    assert stored_types(writable_workspace.path, schema.PROJECTS) == declared(schema.PROJECTS)
    again = writable_workspace.read(schema.PROJECTS)
    assert again["budget_vnd"].sum() == projects["budget_vnd"].sum() > 0


def test_a_value_that_is_not_a_number_is_refused_not_stored_as_text(writable_workspace):
    before = sha256(writable_workspace.path)
    with pytest.raises(ValueError, match="'budget'.*'lots' is not a number"):
        with writable_workspace.transaction() as tx:
            projects = tx.read(schema.PROJECTS)
            projects["budget"] = projects["budget"].astype(object)
            projects.loc[0, "budget"] = "lots"
            tx.write(schema.PROJECTS, projects)
    assert sha256(writable_workspace.path) == before


def test_a_workspace_whose_numbers_were_stored_as_text_still_serves_donor_pages(writable_workspace):
    # What the all-invalid --keep-valid import did to a workspace before: every column TEXT.
    path = writable_workspace.path
    projects = Workspace(path).read(schema.PROJECTS)
    budgets = projects["budget_vnd"].sum()
    text = projects.astype(object).map(lambda v: None if pd.isna(v) else str(v))
    pyogrio.write_dataframe(text, path, layer=schema.PROJECTS, driver="GPKG")
    assert set(stored_types(path, schema.PROJECTS).values()) == {"TEXT"}
    assert Workspace(path).read(schema.PROJECTS)["budget_vnd"].sum() == budgets
    client = create_app(path).test_client()
    assert client.get(f"/donors/{quote(SAMPLE_DONOR)}").status_code == 200
    assert client.get("/donors").status_code == 200
    assert main(["donor", SAMPLE_DONOR, "--workspace", str(path)]) == 0
