"""`geoaid import iati`: publisher files become projects in exact communes, with money per type and year."""

from __future__ import annotations

import gc
import hashlib

import pandas as pd

from geoaid.cli import main
from geoaid.imports.iati import importer as iati
from geoaid.store import schema
from tests.iati_files import activity, budget, document, location, transaction

MANGROVE = activity(
    "XM-DAC-5-7-2024-VN-001", currency="EUR",
    title=((None, "Mangrove restoration in Ngoc Hien"), ("vi", "Phục hồi rừng ngập mặn Ngọc Hiển")),
    implementer=((None, "Ca Mau Forest Protection Department"), ("vi", "Chi cục Kiểm lâm Cà Mau")),
    sectors='<sector vocabulary="1" code="41030" percentage="60"/>'
            '<sector vocabulary="1" code="31220" percentage="40"/>'
            '<sector vocabulary="99" code="MANGROVE"/>',
    dates='<activity-date type="1" iso-date="2024-01-01"/><activity-date type="2" iso-date="2024-03-15"/>'
          '<activity-date type="3" iso-date="2025-12-31"/>',
    locations=location("L1", "Tan An commune, Ngoc Hien District, Ca Mau Province", designation="ADM3")
    + location("L2", "Dat Mui", pos="8.6093 104.7854", designation="PPL", exactness="1", location_class="2"),
    money=budget("2024-01-01", "2024-12-31", "100000") + budget("2024-01-01", "2024-12-31", "120000", kind="2")
    + budget("2025-01-01", "2025-12-31", "80000")
    + transaction("2", "2024-02-01", "200000") + transaction("3", "2024-05-01", "50000", currency="USD")
    + transaction("3", "2025-02-01", "30000") + transaction("4", "2025-06-30", "10000")
    + transaction("1", "2024-01-10", "999999"))
HA_GIANG = activity(
    "XM-DAC-41114-HG-2023", currency="USD", funder=None, status="4",
    title=((None, "Commune health stations, Meo Vac"),),
    countries='<recipient-country code="VN" percentage="50"/><recipient-country code="KH" percentage="50"/>',
    dates='<activity-date type="1" iso-date="2023-01-01"/><activity-date type="3" iso-date="2023-12-31"/>'
          '<activity-date type="4" iso-date="2024-03-31"/>',
    locations=location("HG", "Sung May", pos="23.1552 105.3581", exactness="1", location_class="3"),
    money=budget("2023-01-01", "2023-12-31", "400000") + transaction("3", "2023-09-01", "100000"))
CAMBODIA = activity("XM-DAC-5-KH-9", countries='<recipient-country code="KH" percentage="100"/>',
                    locations=location("K", "Phnom Penh"), money=budget("2024-01-01", "2024-12-31", "5"))
AREAS = activity(
    "XM-DAC-5-7-2024-VN-002", scope='<activity-scope code="5"/>',
    locations=location("D", "Ngoc Hien District, Ca Mau Province", designation="ADM2")
    + location("P", "Bac Lieu", designation="ADM1"),
    money=budget("2024-01-01", "2024-12-31", "10000"))


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write(tmp_path, *activities, name="activities.xml", version="2.03"):
    path = tmp_path / name
    path.write_bytes(document(*activities, version=version))
    return path


def prepare(path, workspace):
    frames, report, _ = iati.prepare(path, workspace.read(schema.COMMUNES),
                                     workspace.settings()["exchange_rates_vnd"])
    return frames, report


def per_year(flows, project_id):
    """{(kind, year): VND} of one project, summed over sectors."""
    rows = flows[flows["project_id"] == project_id]
    years = rows["period_start"].str[:4]
    return rows.groupby([rows["kind"], years])["amount_vnd"].sum().to_dict()


def test_publisher_file_gives_exact_communes_money_per_type_and_year(tmp_path, demo_workspace):
    frames, report = prepare(write(tmp_path, MANGROVE, HA_GIANG, CAMBODIA, AREAS), demo_workspace)
    assert report.ok, [str(p) for p in report.problems]
    assert gc.isenabled()                                   # paused during the read only
    assert [(p.row, p.column, p.value, p.severity) for p in report.problems] == [
        (3, "recipient-country", "KH", "warning")]
    assert "XM-DAC-5-KH-9" in report.problems[0].reason and report.counts["left_out"] == 1
    projects = frames[schema.PROJECTS].set_index("project_id")
    assert list(projects.index) == ["XM-DAC-5-7-2024-VN-001", "XM-DAC-41114-HG-2023", "XM-DAC-5-7-2024-VN-002"]
    mangrove = projects.loc["XM-DAC-5-7-2024-VN-001"]
    assert mangrove["title"] == "Phục hồi rừng ngập mặn Ngọc Hiển"
    assert mangrove["donor"] == "Federal Ministry for Economic Cooperation and Development"
    assert mangrove["implementer"] == "Chi cục Kiểm lâm Cà Mau"
    assert (mangrove["sector"], mangrove["dac_code"]) == ("environment", "41030")
    assert (mangrove["budget"], mangrove["currency"], mangrove["budget_vnd"]) == (200_000, "EUR", 5_400_000_000)
    assert (mangrove["start_date"], mangrove["end_date"], mangrove["status"]) == ("2024-03-15", "2025-12-31",
                                                                                  "ongoing")
    ha_giang = projects.loc["XM-DAC-41114-HG-2023"]
    assert ha_giang["donor"] == "Germany - Deutsche Gesellschaft"            # no funder: the reporting org
    assert ha_giang["title"] == "Commune health stations, Meo Vac" and ha_giang["status"] == "completed"
    assert (ha_giang["budget"], ha_giang["currency"], ha_giang["budget_vnd"]) == (200_000, "USD", 5_000_000_000)
    assert (ha_giang["start_date"], ha_giang["end_date"]) == ("2023-01-01", "2024-03-31")

    locations = frames[schema.PROJECT_LOCATIONS]
    placed = {pid: list(zip(rows["level"], rows["unit_code"])) for pid, rows in locations.groupby("project_id")}
    assert placed == {"XM-DAC-5-7-2024-VN-001": [("commune", "32245"), ("commune", "32248")],
                      "XM-DAC-41114-HG-2023": [("commune", "00790")],
                      "XM-DAC-5-7-2024-VN-002": [("district", "973"), ("province", "95")]}
    details = frames[schema.PROJECT_IATI_LOCATIONS].set_index("location_ref")
    assert details.loc["L1", "precision"] == "approximate area" and details.loc["L2", "precision"] == "exact point"
    assert (details.loc["L2", "exactness"], details.loc["L2", "location_class"],
            details.loc["L2", "feature_designation"], details.loc["L2", "reach"]) == ("1", "2", "PPL", "1")

    flows = frames[schema.PROJECT_FLOWS]
    assert per_year(flows, "XM-DAC-5-7-2024-VN-001") == {
        ("planned", "2024"): 3_240_000_000,        # the revised 120,000 EUR, not the original 100,000
        ("planned", "2025"): 2_160_000_000, ("committed", "2024"): 5_400_000_000,
        ("disbursed", "2024"): 1_250_000_000,      # 50,000 USD
        ("disbursed", "2025"): 810_000_000, ("expenditure", "2025"): 270_000_000}
    assert per_year(flows, "XM-DAC-41114-HG-2023") == {     # Viet Nam's 50 %
        ("planned", "2023"): 5_000_000_000, ("disbursed", "2023"): 1_250_000_000}
    planned_2024 = flows[(flows["project_id"] == "XM-DAC-5-7-2024-VN-001") & (flows["kind"] == "planned")
                         & (flows["period_start"] == "2024-01-01")]
    assert dict(zip(planned_2024["sector"], planned_2024["amount_vnd"])) == {
        "environment": 1_944_000_000, "agriculture": 1_296_000_000}
    assert dict(zip(planned_2024["sector"], planned_2024["amount"])) == {"environment": 72_000, "agriculture": 48_000}
    usd = flows[(flows["kind"] == "disbursed") & (flows["currency"] == "USD")]
    assert sorted(usd["amount_usd"]) == [20_000, 30_000, 50_000]
    assert set(flows.loc[flows["project_id"] == "XM-DAC-5-7-2024-VN-001", "currency"]) == {"EUR", "USD"}
    assert "999999" not in set(flows["amount"].astype(str))                # incoming funds are not spending

    kept = frames[schema.PROJECT_IATI].set_index("project_id")
    assert kept.loc["XM-DAC-5-7-2024-VN-001", "title_default"] == "Mangrove restoration in Ngoc Hien"
    assert kept.loc["XM-DAC-5-7-2024-VN-001", "reporting_org_ref"] == "XM-DAC-5"
    assert kept.loc["XM-DAC-41114-HG-2023", "vn_percentage"] == 50


def test_cli_import_writes_all_tables_and_a_reimport_updates(tmp_path, writable_workspace, capsys):
    before = len(writable_workspace.read(schema.PROJECTS))
    path = write(tmp_path, MANGROVE, HA_GIANG, CAMBODIA)
    argv = ["import", "iati", str(path), "--workspace", str(writable_workspace.path)]
    assert main(argv) == 0
    printed = capsys.readouterr()
    assert "left_out: 1" in printed.out and "Reading" in printed.err and "100%" in printed.err  # the progress bar
    assert len(writable_workspace.read(schema.PROJECTS)) == before + 2
    newer = MANGROVE.replace('<budget type="1" status="1"><period-start iso-date="2025-01-01"/>',
                             '<budget type="2" status="1"><period-start iso-date="2025-01-01"/>').replace(
        ">80000<", ">90000<")
    assert main(["import", "iati", str(write(tmp_path, newer, name="v2.xml")), "--workspace",
                 str(writable_workspace.path)]) == 0
    projects = writable_workspace.read(schema.PROJECTS).set_index("project_id")
    assert len(projects) == before + 2
    assert projects.loc["XM-DAC-5-7-2024-VN-001", "budget_vnd"] == (120_000 + 90_000) * 27_000
    flows = writable_workspace.read(schema.PROJECT_FLOWS)
    assert per_year(flows, "XM-DAC-5-7-2024-VN-001")[("planned", "2025")] == 90_000 * 27_000
    assert per_year(flows, "XM-DAC-41114-HG-2023") == {("planned", "2023"): 5_000_000_000,
                                                       ("disbursed", "2023"): 1_250_000_000}
    assert str(flows["amount_vnd"].dtype) == "int64"
    locations = writable_workspace.read(schema.PROJECT_LOCATIONS)
    assert len(locations[locations["project_id"] == "XM-DAC-5-7-2024-VN-001"]) == 2
    last = writable_workspace.read(schema.AUDIT_LOG).iloc[-1]
    assert last["action"] == "import iati" and '"updated": 1' in last["details"]


BAD = {
    "XM-BAD-CURRENCY": activity("XM-BAD-CURRENCY", locations=location("a", "Dat Mui commune, Ca Mau Province"),
                                money=transaction("2", "2024-01-01", "5", currency="JPY")),
    "XM-BAD-DATE": activity("XM-BAD-DATE", locations=location("a", "Dat Mui commune, Ca Mau Province"),
                            money=transaction("3", None, "5")),
    "XM-BAD-PERCENT": activity("XM-BAD-PERCENT", locations=location("a", "Dat Mui commune, Ca Mau Province"),
                               sectors='<sector vocabulary="1" code="12220" percentage="150"/>'),
    "XM-BAD-SECTOR": activity("XM-BAD-SECTOR", locations=location("a", "Dat Mui commune, Ca Mau Province"),
                              sectors='<sector vocabulary="1" code="15110" percentage="100"/>'),
    "XM-NO-PLACE": activity("XM-NO-PLACE"),
    "XM-AMBIGUOUS": activity("XM-AMBIGUOUS", locations=location("a", "Tan An commune")),
}


def test_every_bad_activity_is_named_with_its_element_and_nothing_is_written(tmp_path, writable_workspace, capsys):
    path = write(tmp_path, MANGROVE, *BAD.values())
    frames, report = prepare(path, writable_workspace)
    found = {(p.row, p.column, p.value): p.reason for p in report.errors}
    assert set(found) == {(2, "transaction[1]/value/@currency", "JPY"),
                          (3, "transaction[1]/transaction-date", None),
                          (4, "sector[1]", "150"), (5, "sector[1]", "15110"), (6, "location", None),
                          (7, "location[1]", "Tan An commune")}
    for (row, _, _), reason in found.items():
        assert reason.startswith(f"activity {list(BAD)[row - 2]}: ")
    assert "unknown currency" in found[(2, "transaction[1]/value/@currency", "JPY")]
    assert "without a date" in found[(3, "transaction[1]/transaction-date", None)]
    assert "over 100" in found[(4, "sector[1]", "150")]
    assert "DAC sector code 15110" in found[(5, "sector[1]", "15110")]
    assert "ambiguous" in found[(7, "location[1]", "Tan An commune")]
    assert list(frames[schema.PROJECTS]["project_id"]) == ["XM-DAC-5-7-2024-VN-001"]
    digest = sha256(writable_workspace.path)
    argv = ["import", "iati", str(path), "--workspace", str(writable_workspace.path)]
    assert main(argv) == 2 and sha256(writable_workspace.path) == digest
    assert "NOT written" in capsys.readouterr().out
    assert main([*argv, "--keep-valid"]) == 0
    ids = set(writable_workspace.read(schema.PROJECTS)["project_id"])
    assert "XM-DAC-5-7-2024-VN-001" in ids and not ids & set(BAD)


def test_recipient_country_percentage_over_100_is_an_error(tmp_path, demo_workspace):
    over = HA_GIANG.replace('code="VN" percentage="50"', 'code="VN" percentage="120"')
    _, report = prepare(write(tmp_path, over), demo_workspace)
    assert [(p.row, p.column, p.value) for p in report.errors] == [(1, "recipient-country[@code='VN']", "120")]


def test_default_language_and_older_versions(tmp_path, demo_workspace):
    french = activity("FR-3-VN-1", lang="fr", title=((None, "Eau potable à Ca Mau"), ("en", "Drinking water")),
                      locations=location("a", "Dat Mui commune, Ngoc Hien District, Ca Mau Province"),
                      money=budget("2022-01-01", "2022-12-31", "1000"))
    vietnamese = activity("VN-NGO-7", lang="vi", title=((None, "Nước sạch cho trường học"), ("en", "Clean water")),
                          locations=location("a", "Xã Đất Mũi, Huyện Ngọc Hiển"),
                          money=budget("2022-01-01", "2022-12-31", "1000"))
    frames, report = prepare(write(tmp_path, french, vietnamese, version="2.02"), demo_workspace)
    assert report.ok and not report.problems, [str(p) for p in report.problems]
    kept = frames[schema.PROJECT_IATI].set_index("project_id")
    titles = frames[schema.PROJECTS].set_index("project_id")["title"].to_dict()
    assert titles == {"FR-3-VN-1": "Eau potable à Ca Mau", "VN-NGO-7": "Nước sạch cho trường học"}
    assert pd.isna(kept.loc["FR-3-VN-1", "title_vi"]) and kept.loc["VN-NGO-7", "title_vi"] == titles["VN-NGO-7"]
    assert set(kept["iati_version"]) == {"2.02"}
    assert list(frames[schema.PROJECT_LOCATIONS]["unit_code"]) == ["32248", "32248"]


def test_the_map_draws_an_exact_point_where_it_is_and_an_area_at_its_commune(tmp_path, writable_workspace):
    from web import create_app

    assert main(["import", "iati", str(write(tmp_path, MANGROVE)), "--workspace", str(writable_workspace.path)]) == 0
    layer = create_app(writable_workspace.path).test_client().get("/api/v1/projects.geojson?province=96").json
    drawn = {f["properties"]["commune_code"]: f for f in layer["features"]
             if f["properties"]["project_id"] == "XM-DAC-5-7-2024-VN-001"}
    assert drawn["32248"]["geometry"]["coordinates"] == [104.7854, 8.6093]       # the point the file gives
    assert drawn["32248"]["properties"]["precision"] == "exact point"
    communes = writable_workspace.read(schema.COMMUNES).set_index("code")
    middle = communes.geometry.representative_point()["32245"]
    assert drawn["32245"]["geometry"]["coordinates"] == [round(middle.x, 5), round(middle.y, 5)]
    assert drawn["32245"]["properties"]["precision"] == "approximate area"
    spreadsheet = [f for f in layer["features"] if not f["properties"]["project_id"].startswith("XM-")]
    assert spreadsheet and all(f["properties"]["precision"] is None for f in spreadsheet)
