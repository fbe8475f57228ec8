"""Planned, committed or disbursed money in every analysis, and the yearly series (`geoaid flows`)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from geoaid.analysis.allocation import allocate, unallocated
from geoaid.analysis.filters import Filters
from geoaid.analysis.flows import yearly_flows
from geoaid.analysis.frames import load_frames
from geoaid.analysis.money import counted_allocations, money_amounts
from geoaid.cli import main
from geoaid.output.print_data import prepare
from geoaid.output.print_sheet import footer_lines
from geoaid.store.workspace import Workspace
from tests.iati_files import activity, budget, document, location, transaction
from tests.test_import_iati import AREAS, HA_GIANG, MANGROVE
from web import create_app

BMZ = "Federal Ministry for Economic Cooperation and Development"
# A second BMZ activity in one Cà Mau commune (a health station) with a commitment in 2025 and nothing disbursed.
WATER = activity(
    "XM-DAC-5-7-2025-VN-003", currency="EUR", title=((None, "Health station, Dat Mui"),),
    sectors='<sector vocabulary="1" code="12220" percentage="100"/>',
    locations=location("W", "Dat Mui", pos="8.6093 104.7854", designation="PPL", exactness="1"),
    dates='<activity-date type="1" iso-date="2025-01-01"/><activity-date type="3" iso-date="2026-12-31"/>',
    money=budget("2025-01-01", "2025-12-31", "30000") + transaction("2", "2025-03-01", "30000"))


@pytest.fixture(scope="module")
def flows_workspace(demo_workspace_path, tmp_path_factory):
    """The demo workspace with the IATI file imported (read-only for the module's tests)."""
    folder = tmp_path_factory.mktemp("flows")
    path = folder / "workspace.gpkg"
    path.write_bytes(demo_workspace_path.read_bytes())
    xml = folder / "bmz-vn.xml"
    xml.write_bytes(document(MANGROVE, HA_GIANG, AREAS, WATER))
    assert main(["import", "iati", str(xml), "--workspace", str(path)]) == 0
    return Workspace(path)


@pytest.fixture(scope="module")
def flow_frames(flows_workspace):
    return load_frames(flows_workspace)


def cli_json(capsys, *argv):
    capsys.readouterr()
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_donor_totals_count_planned_committed_or_disbursed_money(flows_workspace, capsys):
    where = ["--workspace", str(flows_workspace.path), "--format", "json"]
    totals = {money: cli_json(capsys, "donor", BMZ, "--money", money, *where)["totals"]["funding_vnd"]
              for money in ("planned", "committed", "disbursed")}
    # Budgets: mangrove 200,000 + area-wide 10,000 + water 30,000 EUR at 27,000 VND; commitments
    # 200,000 + 30,000 EUR; disbursed 50,000 USD (at 25,000) + 30,000 EUR.
    assert totals == {"planned": 6_480_000_000, "committed": 6_210_000_000, "disbursed": 2_060_000_000}
    by_year = {year: cli_json(capsys, "donor", BMZ, "--money", "committed", "--year", year, *where)["totals"]
               for year in ("2024", "2025")}
    assert by_year["2024"]["funding_vnd"] == 5_400_000_000 and by_year["2024"]["projects"] == 1
    assert by_year["2025"]["funding_vnd"] == 810_000_000 and by_year["2025"]["projects"] == 1
    disbursed_2025 = cli_json(capsys, "donor", BMZ, "--money", "disbursed", "--year", "2025", *where)
    assert disbursed_2025["totals"]["funding_vnd"] == 810_000_000
    assert disbursed_2025["filters"] == {"year": "2025", "money": "disbursed"}


def test_donors_list_shows_planned_committed_and_disbursed_money(flows_workspace):
    client = create_app(flows_workspace.path).test_client()
    bmz = next(d for d in client.get("/api/v1/donors").get_json()["donors"] if d["donor"] == BMZ)
    assert (bmz["funding_vnd"], bmz["committed_vnd"], bmz["disbursed_vnd"]) == (
        6_480_000_000, 6_210_000_000, 2_060_000_000)
    assert bmz["disbursed_usd"] == round(2_060_000_000 / 25_000)
    page = client.get("/donors?lang=en").get_data(as_text=True)
    row = page[page.index(BMZ):].split("</tr>")[0]
    assert [f"{v:,}" in row for v in (259_200, 248_400, 82_400)] == [True, True, True]
    spreadsheet_only = next(d for d in client.get("/api/v1/donors").get_json()["donors"] if d["donor"] != BMZ)
    assert spreadsheet_only["committed_vnd"] == 0 and spreadsheet_only["funding_vnd"] > 0


def test_gaps_count_the_money_asked_for_in_each_commune(flows_workspace, capsys):
    where = ["--workspace", str(flows_workspace.path), "--province", "96", "--format", "json", "--limit", "0"]

    def funding(*extra):
        rows = cli_json(capsys, "gaps", *where, *extra)["communes"]
        return {row["commune_code"]: (row["funding_vnd"], row["project_count"]) for row in rows}
    planned = funding()
    disbursed_2024 = funding("--money", "disbursed", "--year", "2024")
    # Only the mangrove project disbursed in 2024: 1,250,000,000 VND over its two communes, half each.
    assert {code: value for code, value in disbursed_2024.items() if value[0]} == {
        "32245": (625_000_000, 1), "32248": (625_000_000, 1)}
    committed_2025 = funding("--money", "committed", "--year", "2025")
    assert {code: value for code, value in committed_2025.items() if value[0]} == {"32248": (810_000_000, 1)}
    # Planned (the default) counts the demo's budgets too: more money, more projects.
    assert planned["32245"][0] > 2_700_000_000 and planned["32245"][1] > 1
    disbursed_all = funding("--money", "disbursed")
    assert disbursed_all["32245"][0] == 1_030_000_000      # 625,000,000 + 405,000,000 (2025)
    assert disbursed_all["32245"][1] == planned["32245"][1]   # without a period every project still counts


def test_commune_allocation_of_flows_conserves_every_dong(flow_frames):
    frames = flow_frames
    # An awkward disbursement for every project (odd amounts, split over thirds and sevenths).
    odd = frames.projects.drop_duplicates("project_id").assign(kind="disbursed", date="2024-07-01")
    odd = pd.DataFrame({"project_id": odd["project_id"].astype(str), "kind": "disbursed", "date": "2024-07-01",
                        "period_start": "2024-07-01", "sector": None,
                        "amount_vnd": pd.to_numeric(odd["budget_vnd"]).fillna(0).astype("int64") // 7 + 1_234_567})
    test_frames = frames.with_settings()
    test_frames.flows = odd
    amounts = money_amounts(test_frames.projects, odd, "disbursed")
    rows = counted_allocations(allocate(test_frames), amounts)
    placed = rows.groupby("project_id")["amount_vnd"].sum()
    outside = set(unallocated(test_frames)["project_id"])
    inside = [pid for pid in amounts.index if pid not in outside]
    assert len(inside) > 20
    assert (placed.reindex(inside).fillna(0).astype("int64") == amounts[inside]).all()
    assert (placed <= amounts.reindex(placed.index)).all()
    # The yearly series by commune hands out exactly what the allocation placed.
    series = yearly_flows(test_frames, Filters(), by="commune")
    assert int(series.loc[series["year"] == 2024, "disbursed_vnd"].sum()) == int(placed.sum())
    # Area rule too: sum in = sum out per project.
    area = test_frames.with_settings(area_allocation_rule="area")
    by_area = counted_allocations(allocate(area), amounts).groupby("project_id")["amount_vnd"].sum()
    assert (by_area.reindex(inside).fillna(0).astype("int64") == amounts[inside]).all()


def test_flows_series_by_donor_sector_and_commune(flows_workspace, capsys):
    where = ["--workspace", str(flows_workspace.path), "--format", "json"]
    donors = cli_json(capsys, "flows", "--by", "donor", "--donor", BMZ, *where)["series"]
    assert [(r["year"], r["planned_vnd"], r["committed_vnd"], r["disbursed_vnd"], r["expenditure_vnd"],
             r["disbursement_rate_pct"]) for r in donors] == [
        (2024, 3_510_000_000, 5_400_000_000, 1_250_000_000, 0, 23.1),
        (2025, 2_970_000_000, 810_000_000, 810_000_000, 270_000_000, 100.0)]
    sectors = cli_json(capsys, "flows", "--by", "sector", "--donor", BMZ, "--year", "2024", *where)["series"]
    assert {r["sector"]: r["planned_vnd"] for r in sectors} == {"environment": 1_944_000_000,
                                                                 "agriculture": 1_296_000_000,
                                                                 "health": 270_000_000}
    communes = cli_json(capsys, "flows", "--by", "commune", "--donor", BMZ, *where)["series"]
    assert [(r["commune_code"], r["year"], r["committed_vnd"], r["disbursed_vnd"]) for r in communes
            if r["committed_vnd"] or r["disbursed_vnd"]] == [
        ("32245", 2024, 2_700_000_000, 625_000_000), ("32245", 2025, 0, 405_000_000),
        ("32248", 2024, 2_700_000_000, 625_000_000), ("32248", 2025, 810_000_000, 405_000_000)]
    provinces = cli_json(capsys, "flows", "--by", "province", "--donor", BMZ, "--year", "2025", *where)["series"]
    assert [(r["province_code"], r["committed_vnd"], r["disbursed_vnd"], r["disbursed_usd"]) for r in provinces] == [
        ("96", 810_000_000, 810_000_000, 32_400)]


def test_flows_cli_table_and_csv(flows_workspace, capsys, tmp_path):
    out = tmp_path / "flows.csv"
    assert main(["flows", "--by", "donor", "--donor", BMZ, "--workspace", str(flows_workspace.path),
                 "--format", "csv", "--out", str(out)]) == 0
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == ("donor,year,planned_vnd,committed_vnd,disbursed_vnd,expenditure_vnd,disbursed_usd,"
                        "disbursement_rate_pct")
    assert lines[1] == f"{BMZ},2024,3510000000,5400000000,1250000000,0,50000,23.1"
    capsys.readouterr()
    assert main(["flows", "--by", "sector", "--province", "96", "--workspace", str(flows_workspace.path)]) == 0
    assert "disbursement_rate_pct" in capsys.readouterr().out


def test_api_flows_and_money_filter(flows_workspace):
    client = create_app(flows_workspace.path).test_client()
    answer = client.get("/api/v1/flows", query_string={"by": "sector", "donor": BMZ, "lang": "vi"}).get_json()
    assert answer["labels"]["environment"].startswith("Môi trường")
    assert {(r["sector"], r["year"]): r["disbursed_vnd"] for r in answer["series"]}[("environment", 2024)] \
        == 750_000_000     # 60 % of 1,250,000,000
    assert client.get("/api/v1/flows?by=galaxy").status_code == 400
    assert client.get("/api/v1/flows?money=spent").status_code == 400
    donor = client.get(f"/api/v1/donors/{BMZ}", query_string={"money": "disbursed", "year": "2024"}).get_json()
    assert donor["totals"]["funding_vnd"] == 1_250_000_000


def test_projects_export_carries_money_and_iati_columns(flows_workspace, tmp_path):
    out = tmp_path / "projects.csv"
    assert main(["export", "projects", "--workspace", str(flows_workspace.path), "--donor", BMZ, "--money",
                 "disbursed", "--year", "2025", "--out", str(out)]) == 0
    rows = pd.read_csv(out, encoding="utf-8-sig", dtype=str)
    mangrove = rows.set_index("project_id").loc["XM-DAC-5-7-2024-VN-001"]
    assert mangrove["budget_vnd"] == "5400000000"        # the planned budget, unchanged
    assert (mangrove["planned_vnd"], mangrove["committed_vnd"],
            mangrove["disbursed_vnd"], mangrove["expenditure_vnd"],
            mangrove["disbursed_usd"]) == (
        "5400000000", "0", "810000000", "270000000", "32400")           # 2025 flows only
    assert mangrove["allocated_vnd"] == "810000000"
    assert mangrove["currency"] == "EUR"
    assert mangrove["iati_identifier"] == "XM-DAC-5-7-2024-VN-001"
    assert mangrove["reporting_org"] == "Germany - Deutsche Gesellschaft"
    assert mangrove["precision"] == "approximate area; exact point"
    # The 2025 water project committed but disbursed nothing in 2025: not in a disbursed-2025 export.
    assert "XM-DAC-5-7-2025-VN-003" not in set(rows["project_id"])


def test_print_map_source_line_names_the_iati_files(flow_frames):
    lines = footer_lines(prepare(flow_frames, "gap", Filters(provinces=("96",))))
    assert any("IATI activity files: bmz-vn.xml" in line for line in lines)
    vi = footer_lines(prepare(flow_frames, "gap", Filters(provinces=("96",)), lang="vi"))
    assert any("Tệp hoạt động IATI: bmz-vn.xml" in line for line in vi)


def test_the_map_page_offers_the_money_filter_and_the_map_counts_it(flows_workspace):
    client = create_app(flows_workspace.path).test_client()
    page = client.get("/?province=96&money=disbursed&year=2024&lang=en").get_data(as_text=True)
    assert '<option value="disbursed" selected>' in page and "disbursed money" in page
    layer = client.get("/api/v1/gaps.geojson", query_string={"province": "96", "money": "disbursed",
                                                             "year": "2024", "view": "coverage"}).get_json()
    funded = {f["id"]: f["properties"]["funding_usd"] for f in layer["features"]
              if f["properties"]["funding_usd"]}
    assert funded == {"32245": 25_000, "32248": 25_000}        # 625,000,000 VND each at 25,000
