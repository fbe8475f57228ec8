"""3W files with HXL hashtags, as humanitarian partners send them, and geoaid's own --hxl exports read back."""

import csv
import doctest
import io
import re

import openpyxl
import pytest

from geoaid.cli import main
from geoaid.imports import column_mapping, projects
from geoaid.imports.layout import hxl as layout_hxl
from geoaid.imports.projects import derived_project_id
from geoaid.output import hxl_tags
from geoaid.store import schema
from tests.three_w_workbooks import HEADERS, ROWS, three_w_workbook

LIVELIHOODS = derived_project_id("WFP", "Mangrove livelihoods for shrimp farmers")
TYPHOON = derived_project_id("WHO", "Typhoon preparedness for commune health stations")
EXPECTED = {  # id: (donor, implementer, sector, budget USD, budget_vnd at 25,000, start, end, status, first row)
    "CM-WASH-01": ("UNICEF", "Save the Children", "health", 40_000, 1_000_000_000, "2024-03-01", "2025-02-28",
                   "ongoing", 4),
    LIVELIHOODS: ("WFP", "World Vision", "agriculture", 20_000, 500_000_000, "2024-01-01", "2024-12-31",
                  "completed", 7),
    TYPHOON: ("WHO", "Ca Mau Department of Health", "health", 30_000, 750_000_000, "2025-01-01", "2025-06-30",
              "planned", 9),
    "CM-SHL-07": ("IFRC", "Viet Nam Red Cross", "environment", 10_000, 250_000_000, "2024-06-01", "2025-05-31",
                  "ongoing", 10),
}
PLACES = {   # the rows of one activity: one project, each commune with its row's part of the budget
    "CM-WASH-01": [("commune", "32233", 50.0), ("commune", "32242", 12.5), ("commune", "32248", 37.5)],
    LIVELIHOODS: [("commune", "32197", 60.0), ("commune", "32209", 40.0)],   # Hiệp Tùng, Tam Giang Đông
    TYPHOON: [("district", "971", None)],                                     # no commune: Năm Căn district
    "CM-SHL-07": [("commune", "32248", None)],                                # Đất Mũi, by its name
}


def prepare(path, workspace, **kwargs):
    return projects.prepare(path, workspace.read(schema.COMMUNES), workspace.settings()["exchange_rates_vnd"],
                            **kwargs)


def places(locations, pid):
    rows = locations[locations["project_id"] == pid]
    return sorted((level, code, None if share != share else share)
                  for level, code, share in zip(rows["level"], rows["unit_code"], rows["share_pct"]))


def assert_three_w(found, locations):
    rows = found.set_index("project_id")
    assert sorted(rows.index) == sorted(EXPECTED)
    for pid, expected in EXPECTED.items():
        row = rows.loc[pid]
        assert (row["donor"], row["implementer"], row["sector"], row["budget"], row["budget_vnd"],
                row["start_date"], row["end_date"], row["status"]) == expected[:8], pid
        assert row["currency"] == "USD"
        assert places(locations, pid) == PLACES[pid], pid


def test_a_3w_file_imports_by_its_hashtags(tmp_path, demo_workspace):
    path = tmp_path / "3w-ca-mau.xlsx"
    three_w_workbook(path)
    (found, locations), report = prepare(path, demo_workspace)
    assert report.ok, [str(p) for p in report.problems]
    assert_three_w(found, locations)
    assert dict(zip(found["project_id"], found["source_row"])) == {pid: e[8] for pid, e in EXPECTED.items()}
    # A P-code that is not built on a GSO code is reported, and the commune's name used instead.
    [warning] = report.problems
    assert (warning.row, warning.column, warning.value, warning.severity) == (
        10, "Commune P-code (#adm3+code)", "VN960113", "warning")
    assert "no commune has this code" in warning.reason and "name column was used" in warning.reason


def test_hashtags_win_over_header_text_in_any_order_case_and_with_extra_attributes(tmp_path, demo_workspace):
    """Misleading header text, hashtags with shuffled and extra attributes; then no header text at all."""
    shuffled = {"#org+funder": "#ORG +v_iati +Funder", "#adm3+name": "#adm3 +en +name",
                "#activity+project": "#activity+name", "#value+usd": "#Value +USD", "#adm2+name": "#adm2+NAME+en"}
    headers = [("Kinh phí" if i == 0 else f"Column {i}", shuffled.get(tag, tag)) for i, (_text, tag) in
               enumerate(HEADERS)]
    for name, header_rows in (("misleading", headers), ("tags-only", [(None, tag) for _t, tag in headers])):
        path = tmp_path / f"{name}.xlsx"
        three_w_workbook(path, headers=header_rows, title=None)
        (found, locations), report = prepare(path, demo_workspace)
        assert not report.errors, [str(p) for p in report.problems]
        assert_three_w(found, locations)


def test_a_3w_csv_with_a_currency_column(tmp_path, demo_workspace):
    text = ("Funder,Partner,Cluster,Province,District,Commune,Project,Start,End,Funding,Currency,Reached\n"
            "#org,#org+impl,#sector,#adm1+name,#adm2+name,#adm3+name,#activity+project,#date+start,#date+end,"
            "#value+funding,#currency,#reached\n"
            "Oxfam,SRD,Livelihoods,Ca Mau,Ngoc Hien,Tan An Tay,Shrimp and mangrove,01/04/2024,31/03/2026,"
            "\"900.000.000\",VND,35\n"
            "Oxfam,SRD,Livelihoods,Ca Mau,Ngoc Hien,Vien An Dong,Shrimp and mangrove,01/04/2024,31/03/2026,"
            "\"600.000.000\",VND,20\n"
            "Caritas,Caritas Ca Mau,Protection,Ca Mau,Nam Can,Ham Rong,Child protection clubs,2024-09-01,"
            "2025-08-31,20000,EUR,\n")
    path = tmp_path / "3w.csv"
    path.write_text(text, encoding="utf-8")
    (found, locations), report = prepare(path, demo_workspace)
    assert report.ok, [str(p) for p in report.problems]
    rows = found.set_index("project_id")
    shrimp = derived_project_id("Oxfam", "Shrimp and mangrove")
    clubs = derived_project_id("Caritas", "Child protection clubs")
    assert rows.loc[shrimp, ["implementer", "sector", "budget_vnd", "start_date", "end_date"]].tolist() == [
        "SRD", "agriculture", 1_500_000_000, "2024-04-01", "2026-03-31"]
    assert places(locations, shrimp) == [("commune", "32236", 60.0), ("commune", "32239", 40.0)]
    assert rows.loc[clubs, ["sector", "currency", "budget_vnd"]].tolist() == ["social", "EUR", 540_000_000]
    assert places(locations, clubs) == [("commune", "32194", None)]


def test_a_code_that_matches_nothing_without_a_name_is_an_error(tmp_path, demo_workspace):
    headers = [h for h in HEADERS if h[1] != "#adm3+name"]
    rows = [[v for (_t, tag), v in zip(HEADERS, row) if tag != "#adm3+name"] for row in ROWS]
    path = tmp_path / "codes-only.xlsx"
    three_w_workbook(path, headers=headers, rows=rows)
    (found, locations), report = prepare(path, demo_workspace)
    assert [(p.row, p.column, p.value) for p in report.errors] == [(10, "Commune P-code (#adm3+code)", "VN960113")]
    # Rows without a commune are their district; two rows naming the same district add their parts.
    livelihoods = found.set_index("project_id").loc[LIVELIHOODS]
    assert livelihoods["budget_vnd"] == 500_000_000
    assert places(locations, LIVELIHOODS) == [("district", "971", 100.0)]
    assert places(locations, "CM-WASH-01") == [("commune", "32233", 50.0), ("commune", "32248", 37.5),
                                               ("district", "973", 12.5)]
    assert "give the name column" in report.errors[-1].reason


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_hxl_export_reads_back_as_the_same_projects(fmt, tmp_path, writable_workspace):
    ws = writable_workspace
    three_w_workbook(tmp_path / "3w.xlsx")
    assert main(["import", "projects", str(tmp_path / "3w.xlsx"), "--workspace", str(ws.path)]) == 0
    out = tmp_path / f"projects-hxl.{fmt}"
    assert main(["export", "projects", "--province", "96", "--hxl", "--format", fmt, "--out", str(out),
                 "--workspace", str(ws.path)]) == 0
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(out)["Projects"]
        header, tags = ([cell.value for cell in sheet[row]] for row in (1, 2))
    else:
        header, tags = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))[:2]
    assert dict(zip(header, tags))["Project ID / Mã dự án" if fmt == "xlsx" else "project_id"] == "#activity+code"
    assert {"#org+funder", "#adm3+code", "#value+budget", "#currency", "#loc+name"} - set(tags) == {"#adm3+code"}
    before, places_before = ws.read(schema.PROJECTS), ws.read(schema.PROJECT_LOCATIONS)
    (found, locations), report = prepare(out, ws)
    assert not report.errors, [str(p) for p in report.problems]
    assert set(found["project_id"]) <= set(before["project_id"]) and set(EXPECTED) <= set(found["project_id"])
    assert_three_w(found[found["project_id"].isin(EXPECTED)], locations)
    assert main(["import", "projects", str(out), "--workspace", str(ws.path)]) == 0
    after = ws.read(schema.PROJECTS)
    assert len(after) == len(before)
    fields = [c for c in schema.PROJECT_COLUMNS if c != "source_file"]
    assert after.set_index("project_id").loc[before["project_id"], fields[1:]].equals(
        before.set_index("project_id")[fields[1:]])
    assert places(ws.read(schema.PROJECT_LOCATIONS), "CM-WASH-01") == places(places_before, "CM-WASH-01")


def test_gaps_export_carries_hashtags(tmp_path, demo_workspace_path):
    out = tmp_path / "gaps.csv"
    assert main(["export", "gaps", "--province", "96", "--hxl", "--out", str(out),
                 "--workspace", str(demo_workspace_path)]) == 0
    header, tags, first = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))[:3]
    assert dict(zip(header, tags))["commune_code"] == "#adm3+code"
    assert dict(zip(header, tags))["gap_rank"] == "#indicator+gap+rank" and first[0] == "1"
    assert all(tag.startswith("#") for tag in tags)
    assert main(["export", "gaps", "--hxl", "--format", "geojson", "--out", str(tmp_path / "g.geojson"),
                 "--workspace", str(demo_workspace_path)]) == 2


def test_the_web_offers_the_gap_ranking_with_hashtags(demo_client):
    page = demo_client.get("/planner?province=96").get_data(as_text=True)
    link = re.search(r'id="export-hxl" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert "hxl=1" in link and "province=96" in link
    response = demo_client.get(link)
    assert response.status_code == 200 and response.content_type.startswith("text/csv")
    header, tags = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))[:2]
    assert dict(zip(header, tags))["commune_name"] == "#adm3+name"
    assert demo_client.get("/export/gaps.geojson?hxl=1").status_code == 400
    link = re.search(r'id="export-projects-hxl" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    sheet = openpyxl.load_workbook(io.BytesIO(demo_client.get(link).get_data()))["Projects"]
    assert [cell.value for cell in sheet[2]][:4] == ["#activity+code", "#activity+project", "#org+funder",
                                                    "#org+impl"]


def test_the_documented_examples_hold():
    for module in (layout_hxl, column_mapping, hxl_tags):
        assert doctest.testmod(module).failed == 0, module.__name__
