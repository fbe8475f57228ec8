"""IATI result indicators counting people become people targeted and reached; other indicators are counted."""

import doctest

from geoaid.cli import main
from geoaid.imports.iati import importer as iati
from geoaid.imports.iati import results
from geoaid.store import schema
from tests.iati_files import activity, budget, document, location


def indicator(title: str, periods: str, measure: str = "1", extra: str = "") -> str:
    return (f'<indicator measure="{measure}" ascending="1"{extra}><title><narrative>{title}</narrative></title>'
            f'<baseline year="2023" value="0"/>{periods}</indicator>')


def period(start: str, end: str, target: str | None = None, actual: str | None = None) -> str:
    return (f'<period><period-start iso-date="{start}"/><period-end iso-date="{end}"/>'
            + (f'<target value="{target}"/>' if target else "")
            + (f'<actual value="{actual}"/>' if actual else "") + "</period>")


def result(*indicators: str) -> str:
    return ('<result type="1" aggregation-status="1"><title><narrative>Outputs</narrative></title>'
            + "".join(indicators) + "</result>")


WASH = activity(
    "XM-DAC-41122-VN-WASH", currency="USD", title=((None, "School WASH in Dat Mui"),),
    locations=location("L", "Dat Mui commune, Ca Mau Province", designation="ADM3"),
    money=budget("2024-01-01", "2024-12-31", "40000") + result(
        indicator("Number of people with access to safe drinking water",
                  period("2024-01-01", "2024-06-30", "2000", "900")
                  + period("2024-07-01", "2024-12-31", "2500", "1800")),
        # 2.03: a target disaggregated by sex is not the period's total
        indicator("Số trẻ em được học về vệ sinh",
                  '<period><period-start iso-date="2024-01-01"/><period-end iso-date="2024-12-31"/>'
                  '<target value="600"/><target value="320"><dimension name="sex" value="female"/></target>'
                  '<actual value="640.0"/></period>'),
        indicator("Percentage of women satisfied with the service", period("2024-01-01", "2024-12-31", "80", "75")),
        indicator("Households reached", period("2024-01-01", "2024-12-31", "500", "450")),
        indicator("Women trained", period("2024-01-01", "2024-12-31", "300", "12.5"), measure="1")))
MANGROVE = activity(
    "XM-DAC-5-7-VN-MANGROVE", title=((None, "Mangrove restoration"),),
    locations=location("L", "Dat Mui commune, Ca Mau Province", designation="ADM3"),
    money=budget("2024-01-01", "2024-12-31", "10000") + result(
        indicator("Hectares of mangrove replanted", period("2024-01-01", "2024-12-31", "120", "96"))))


def test_the_modules_examples_hold():
    assert doctest.testmod(results).failed == 0


def test_people_indicators_become_people_and_others_are_counted(tmp_path, demo_workspace):
    path = tmp_path / "activities.xml"
    path.write_bytes(document(WASH, MANGROVE))
    frames, report, _ = iati.prepare(path, demo_workspace.read(schema.COMMUNES),
                                     demo_workspace.settings()["exchange_rates_vnd"])
    people = frames[schema.PROJECT_BENEFICIARIES]
    # the latest period of each indicator; the undisaggregated target; 640.0 is 640 whole persons
    assert sorted(zip(people["project_id"], people["group"], people["kind"], people["count"])) == [
        ("XM-DAC-41122-VN-WASH", "children", "reached", 640), ("XM-DAC-41122-VN-WASH", "children", "targeted", 600),
        ("XM-DAC-41122-VN-WASH", "total", "reached", 1800), ("XM-DAC-41122-VN-WASH", "total", "targeted", 2500),
        ("XM-DAC-41122-VN-WASH", "women", "targeted", 300)]
    assert people["commune_code"].isna().all()
    # read: people, children, women trained; ignored: a percentage, households, hectares
    assert (report.counts["people_indicators"], report.counts["indicators_ignored"]) == (3, 3)
    assert [(p.severity, p.row, p.column, p.value) for p in report.problems] == [
        ("warning", 1, "result[1]/indicator[5]/period/actual/@value", "12.5")]
    assert report.ok and len(frames[schema.PROJECTS]) == 2


def test_the_import_writes_them_and_a_newer_file_replaces_them(tmp_path, writable_workspace):
    path = tmp_path / "activities.xml"
    path.write_bytes(document(WASH, MANGROVE))
    where = ["--workspace", str(writable_workspace.path)]
    assert main(["import", "iati", str(path), *where]) == 0
    table = writable_workspace.read(schema.PROJECT_BENEFICIARIES)
    assert len(table) == 5 and int(table.loc[table["kind"] == "reached", "count"].sum()) == 1800 + 640
    path.write_bytes(document(WASH.replace('"2500"', '"2600"')))
    assert main(["import", "iati", str(path), *where]) == 0
    table = writable_workspace.read(schema.PROJECT_BENEFICIARIES)
    assert len(table) == 5 and 2600 in set(table["count"]) and 2500 not in set(table["count"])
