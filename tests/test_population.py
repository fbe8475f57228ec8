"""Census 2019 population on the demo communes, on the 2025 communes, and the official lists beside it."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from boundaries.official import read_population
from geoaid.analysis.filters import Filters
from geoaid.cli import main
from geoaid.demo.population import join_population
from geoaid.output.exports import export_table
from geoaid.output.print_data import prepare
from geoaid.output.print_sheet import lists_line
from geoaid.reform.population import population_to_2025
from geoaid.store import schema

CENSUS_TOTALS = {"96": 1_194_476, "95": 907_236, "91": 1_723_067, "02": 854_679}   # GSO, census 2019


@pytest.fixture(scope="module")
def legacy(demo_workspace):
    return demo_workspace.read(schema.COMMUNES).set_index("code")


@pytest.fixture(scope="module")
def reformed(demo_workspace):
    return demo_workspace.read(schema.COMMUNES_2025).set_index("code")


def test_every_demo_commune_has_its_census_population_and_provinces_add_up(legacy):
    assert legacy["population"].notna().all()
    assert legacy.groupby("province_code")["population"].sum().to_dict() == CENSUS_TOTALS
    assert (legacy["population"] == legacy["population_urban"] + legacy["population_rural"]).all()
    assert legacy.loc["31867", ["name", "population", "population_urban"]].tolist() == \
        ["Thị trấn Phước Long", 21273, 21273]


def test_merged_units_are_summed_and_same_named_units_told_apart_by_type(legacy, demo_workspace):
    # Phường 2 absorbed Phường 4 (no code of its own in the 2025 table): 4,561 + 10,031.
    assert legacy.at["32002", "population"] == 14_592
    assert legacy.at["31081", "population"] == 30_773 + 1_957          # Thị trấn An Thới + Xã Hòn Thơm
    # A town and a commune called Thới Bình: the census rows have no code, the type word decides.
    assert legacy.at["32065", "population"] == 10_032 and legacy.at["32077", "population"] == 18_017
    report = demo_workspace.read(schema.POPULATION_REPORT)
    assert report.groupby("status").size().to_dict() == {"by_name": 13, "summed": 5}
    row = report[(report["status"] == "summed") & (report["code"] == "32002")].iloc[0]
    assert row["population"] == 14_592 and "Phường 4 (10,031)" in row["detail"]
    meta = demo_workspace.metadata()
    assert "GSO, 2019 Population and Housing Census" in meta["source.population"]
    assert "52f6d434cfb76f8d186247c997c2db91ae9017ea" in meta["source.population"]
    assert meta["population.match.96"].startswith("100 of 100 communes have a population; census rows 101: "
                                                  "96 by code, 5 by 2019 names, 0 unplaced")


def test_a_commune_without_a_census_row_has_no_figure_and_is_reported(legacy):
    communes = legacy.loc[["32002", "32005"]].reset_index()
    communes.loc[1, "code"] = "32999"            # a code the census does not know
    sources = pd.DataFrame({"province_code": ["96"], "src_district": ["Cà Mau"], "src_name": ["Phường 4"],
                            "code": ["32002"]})
    joined = join_population(communes, sources, read_population(["96"]))
    assert joined.communes["population"].tolist()[0] == 14_592
    assert pd.isna(joined.communes["population"].iloc[1])                      # unknown, not 0
    statuses = joined.report.groupby("status").size().to_dict()
    assert statuses["no_figure"] == 1 and statuses["unplaced"] == 99       # Cà Mau's other census rows


def test_population_is_carried_to_2025_communes_and_totals_hold(reformed):
    assert reformed["population"].notna().all()
    totals = reformed.groupby("province_code")["population"].sum().to_dict()
    # New Cà Mau = old Cà Mau + Bạc Liêu; new An Giang here = Kiên Giang; new Tuyên Quang here = Hà Giang.
    assert totals == {"96": 1_194_476 + 907_236, "91": 1_723_067, "08": 854_679}
    assert int(reformed["population"].sum()) == sum(CENSUS_TOTALS.values())


def test_a_divided_commune_is_split_by_area_in_whole_persons_and_marked_approximate(reformed, demo_workspace):
    # Xã Yên Định (00988, 3,580 people) went 0.381 to Ngọc Đường and 0.619 to Minh Ngọc (published areas):
    # 1,363.94 → 1,364 and 2,216.06 → 2,216.
    assert reformed.at["00700", "population"] == 3_720 + 1_364
    assert reformed.at["00994", "population"] == 4_110 + 2_569 + 2_216
    assert reformed.loc[["00700", "00994"], "population_approximate"].all()
    crosswalk = demo_workspace.read(schema.CROSSWALK)
    touched = set(crosswalk.loc[crosswalk["divided"].astype(bool), "new_code"])
    assert set(reformed.index[reformed["population_approximate"].astype(bool)]) == touched & set(reformed.index)


def test_carry_keeps_every_person_and_never_understates():
    crosswalk = pd.DataFrame({"old_code": ["1", "1", "2", "3"], "new_code": ["A", "B", "B", "C"],
                              "weight": [0.6, 0.4, 1.0, 1.0], "divided": [True, True, False, False]})
    people = pd.DataFrame({"code": ["1", "2", "3"], "population_urban": [1_001, 50, None],
                           "population_rural": [0, 7, None]})
    out = population_to_2025(people, crosswalk).set_index("new_code")
    assert out.loc["A", "population"] == 601 and out.loc["B", "population"] == 400 + 57
    assert out.loc["A", "population_approximate"] and not out.loc["C", "population_approximate"]
    assert pd.isna(out.loc["C", "population"])


def test_official_lists_replace_the_sample_poor_districts(demo_workspace, frames):
    schemes = demo_workspace.read(schema.SCHEMES).set_index("scheme")
    assert schemes.loc[["poor_district", "atk_commune"], "sample"].tolist() == [0, 0]
    assert schemes.at["poor_district", "legal_source"] == "Decision 353/QĐ-TTg of 15 March 2022, annex I"
    classes = demo_workspace.read(schema.CLASSIFICATIONS)
    poor = classes[classes["scheme"] == "poor_district"]
    assert sorted(poor["unit_code"]) == ["026", "027", "028", "029", "031", "032", "033"]
    assert (classes.loc[classes["scheme"] == "atk_commune", "unit_code"].str.startswith("32")).sum() == 31
    table = export_table(frames, "communes", Filters(provinces=("02",)), "csv")[0].decode("utf-8-sig")
    rows = {row["code"]: row for row in csv.DictReader(io.StringIO(table))}
    lung_cu = rows["00715"]            # Xã Lũng Cú, Đồng Văn: a poor district under Decision 353
    assert lung_cu["population"] == "4885"
    assert "Poor district;" in lung_cu["classes"] + ";"
    assert "Poor district (sample)" not in table and "Region I (sample)" in lung_cu["classes"]


def test_exports_and_print_legend_say_which_lists_are_official(frames):
    body = export_table(frames, "communes", Filters(provinces=("96",)), "xlsx")[0]
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(body))
    notes = {row[0].value: row[1].value for row in book["notes"].iter_rows(min_row=2)}
    assert notes["Classification: poor_district"].startswith(
        "Poor districts 2021–2025 (Decision 353/QĐ-TTg) [official / chính thức] — Decision 353/QĐ-TTg")
    assert notes["Classification: region_iii"].startswith(
        "SAMPLE – Region III communes, ethnic-minority and mountainous areas [SAMPLE / MẪU] — none (sample data)")
    assert "GSO, 2019 Population and Housing Census" in notes["Population / Dân số (official / chính thức)"]
    data = prepare(frames, "priority", Filters(provinces=("02",)), lang="en")
    assert lists_line(data) == ("Official lists: Poor district, ATK commune. SAMPLE lists (not official): "
                                "Region III, Region II, Region I, ĐBKK, ĐBKK coastal/island, P135 hamlets, "
                                "Ethnic minority.")
    vi = lists_line(prepare(frames, "priority", Filters(provinces=("02",)), lang="vi"))
    assert vi.startswith("Danh sách chính thức: Huyện nghèo, Xã ATK. Danh sách MẪU (không chính thức): Khu vực III")


def test_check_classifications_compares_with_published_counts(demo_workspace_path, writable_workspace, capsys):
    assert main(["check", "classifications", "--workspace", str(demo_workspace_path)]) == 0
    out = capsys.readouterr().out
    lines = {" ".join(line.split()[-5:]) for line in out.splitlines()}
    assert "poor_districts official 7 7 same" in lines
    assert "ATK_communes official 31 31 same" in lines
    assert "region_III_communes SAMPLE 133 95 differs" in lines
    assert "11 published count(s) compared: 8 agree, 3 differ (3 of them sample lists" in out
    # An official list one district longer than the decision: reported, exit code 1.
    classes = writable_workspace.read(schema.CLASSIFICATIONS)
    extra = classes[classes["scheme"] == "poor_district"].iloc[:1].assign(unit_code="030")
    with writable_workspace.transaction() as tx:
        tx.write(schema.CLASSIFICATIONS, pd.concat([classes, extra], ignore_index=True))
    assert main(["check", "classifications", "--workspace", str(writable_workspace.path)]) == 1
    assert "poor_districts official 7 8 differs" in {" ".join(line.split()[-5:])
                                                     for line in capsys.readouterr().out.splitlines()}


def test_funding_per_inhabitant_on_the_2025_communes(frames, demo_workspace):
    from geoaid.analysis.coverage import coverage
    from geoaid.reform.versions import frames_for_version

    rows = coverage(frames_for_version(frames, demo_workspace, "2025"))
    assert int(rows["population"].sum()) == sum(CENSUS_TOTALS.values())
    legacy = coverage(frames)
    assert rows["funding_vnd"].sum() == legacy["funding_vnd"].sum()        # money moved exactly
    funded = rows[rows["funding_vnd"] > 0].iloc[0]
    assert funded["funding_vnd_per_person"] == round(funded["funding_vnd"] / funded["population"])
