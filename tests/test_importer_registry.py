"""One importer interface and registry: the CLI's flags and the web form's fields come from it.

A tiny importer defined here is registered with one registry line and shows up
in `geoaid import --help`, gets its own flags, its own upload form on /manage,
and imports through both, with its audit row, on a copy of the real demo workspace.
"""

from __future__ import annotations

import csv
import re

import pytest

from geoaid.cli import main
from geoaid.imports import registry
from geoaid.imports.base import Importer, Option, OptionError, Prepared, option_values
from geoaid.imports.problems import ImportReport
from geoaid.store import schema
from geoaid.store.accounts import AccountStore
from tests.accounts import PASSWORD, sign_in
from tests.web_uploads import confirm, upload
from web import create_app


class TinyImporter(Importer):
    """Commune codes, one a row: the smallest importer there is (a stand-in for IATI or needs lists)."""

    label = "a tiny list of commune codes"
    suffixes = (".csv",)
    options = (
        Option("note", "a note written to the audit log", web=True, label="tiny_note", example="why"),
        Option("strict", "refuse codes that are not in the workspace", type=bool, default=False, web=True),
        Option("dialect", "CSV dialect (CLI only)", choices=("excel", "unix"), default="excel"),
    )

    def read(self, path, options, workspace, source_name=None) -> Prepared:
        report = ImportReport(source_name or str(path).rsplit("/", 1)[-1])
        known = set(workspace.read(schema.COMMUNES)["code"])
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle, dialect=options["dialect"]))
        found = []
        for line, row in enumerate(rows, start=2):
            if options["strict"] and row["code"] not in known:
                report.add(line, "code", row["code"], "unknown commune code")
            found.append((line, row["code"]))
        report.counts = {"rows": len(rows)}
        return Prepared.counted(self.key, found, report, options, [line for line, _ in found])

    def commit(self, prepared, workspace, user="cli", keep_valid=False) -> ImportReport:
        report = prepared.report
        if report.errors and not keep_valid:
            return report
        with workspace.transaction() as tx:
            tx.audit(user, "import tiny", report.file,
                     {"codes": prepared.valid, "note": prepared.options["note"]})
        report.written = True
        return report


@pytest.fixture
def tiny(monkeypatch):
    """The tiny importer registered: one line in the registry, nothing else."""
    monkeypatch.setitem(registry.IMPORTERS, "tiny", "tests.test_importer_registry:TinyImporter")
    return registry.get("tiny")


@pytest.fixture
def planner(writable_workspace):
    AccountStore.for_workspace(writable_workspace.path).add("planner1", PASSWORD, "planner")
    client = create_app(writable_workspace.path).test_client()
    assert sign_in(client, "planner1").status_code == 302
    return client


def forms(page: str) -> dict[str, str]:
    """Each upload form's HTML on /manage, by importer key."""
    return dict(re.findall(r'<form [^>]*id="upload-(\w+)"[^>]*>(.*?)</form>', page, re.S))


def field_names(html: str) -> set[str]:
    return set(re.findall(r'<(?:input|select)[^>]* name="(\w+)"', html)) - {"csrf_token", "file"}


def test_the_registry_lists_every_importer_with_its_declared_options():
    assert list(registry.IMPORTERS) == ["boundaries", "classifications", "projects", "iati"]
    for importer in registry.importers():
        assert importer.key in registry.IMPORTERS and importer.label and importer.suffixes
        assert set(importer.uploads) <= set(importer.suffixes)
        names = [option.name for option in importer.options]
        assert len(names) == len(set(names)) and all(option.help for option in importer.options)
    with pytest.raises(KeyError):
        registry.get("needs")


def test_cli_flags_are_the_declared_options(capsys):
    for importer in registry.importers():
        with pytest.raises(SystemExit):
            main(["import", importer.key, "--help"])
        help_text = capsys.readouterr().out
        for option in importer.options:
            assert option.flag in help_text, (importer.key, option.flag)
        assert "--keep-valid" in help_text
    with pytest.raises(SystemExit):
        main(["import", "boundaries", "--help"])
    assert "--replace" in capsys.readouterr().out            # a declared way to turn --merge off


def test_web_form_fields_are_the_declared_web_options(planner):
    page = planner.get("/manage").get_data(as_text=True)
    shown = forms(page)
    assert list(shown) == list(registry.IMPORTERS)
    for importer in registry.importers():
        csv_encoding = {"encoding"} if ".csv" in importer.uploads else set()
        assert field_names(shown[importer.key]) == {o.name for o in importer.web_options} | csv_encoding
    # The CLI-only options stay off the form: layer and Shapefile encoding, a scheme's level and kind.
    assert {"layer", "encoding"}.isdisjoint(field_names(shown["boundaries"]))
    assert {"level", "kind"}.isdisjoint(field_names(shown["classifications"]))
    assert 'placeholder="Legal source (Decision 861/QĐ-TTg)"' in shown["classifications"]


def test_cli_and_web_check_options_with_the_same_rules():
    boundaries, classifications = registry.get("boundaries"), registry.get("classifications")
    # The same function for both; the form is narrower where the server must be protected.
    assert option_values(boundaries, {"crs": "+proj=longlat +datum=WGS84"})["crs"] == "+proj=longlat +datum=WGS84"
    with pytest.raises(OptionError) as refused:
        option_values(boundaries, {"crs": "+proj=longlat +nadgrids=/etc/passwd"}, web=True)
    assert refused.value.words == "crs_forms"
    assert option_values(boundaries, {"crs": " VN2000-TM3:province=96 "}, web=True)["crs"] == (
        "VN2000-TM3:province=96")
    for given in ({"codes": "guess"}, {"version": "2030"}, {"name_field": "a;b"}):
        with pytest.raises(OptionError):
            option_values(boundaries, given, web=True)
    with pytest.raises(OptionError) as no_scheme:
        option_values(classifications, {"scheme": ""}, web=True)
    assert no_scheme.value.words == "choose_scheme"
    assert option_values(classifications, {"scheme": "custom", "level": "commune", "kind": "flag"}) == {
        "scheme": "custom", "label": None, "legal_source": "", "period": "", "level": "commune",
        "kind": "flag", "sample": False}
    with pytest.raises(OptionError):
        option_values(classifications, {"scheme": "custom"}, web=True)   # the form offers known schemes
    # The form cannot set what it does not offer, whatever it sends.
    assert option_values(classifications, {"scheme": "dbkk", "level": "district"}, web=True)["level"] is None


def test_a_new_importer_is_one_module_and_one_registry_line(tiny, writable_workspace, planner, tmp_path,
                                                             capsys):
    path = tmp_path / "tiny.csv"
    path.write_text("code\n32026\n00736\n", encoding="utf-8")

    with pytest.raises(SystemExit):
        main(["import", "--help"])
    assert "a tiny list of commune codes" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["import", "tiny", "--help"])
    help_text = capsys.readouterr().out
    assert "--note NOTE" in help_text and "--strict" in help_text and "{excel,unix}" in help_text

    assert main(["import", "tiny", str(path), "--note", "from the CLI", "--dialect", "unix",
                 "--workspace", str(writable_workspace.path)]) == 0
    last = writable_workspace.read(schema.AUDIT_LOG).iloc[-1]
    assert (last["user"], last["action"], last["file"]) == ("cli", "import tiny", "tiny.csv")
    assert '"codes": 2' in last["details"] and "from the CLI" in last["details"]

    form = forms(planner.get("/manage").get_data(as_text=True))["tiny"]
    assert field_names(form) == {"note", "strict", "encoding"}             # CSV: the encoding check too
    assert 'placeholder="a note written to the audit log (why)"' in form and 'accept=".csv"' in form
    preview = upload(planner, "tiny", "mã xã.csv", b"code\n32026\n99999\n", strict="on",
                     note="from the web", dialect="unix")
    assert preview.status_code == 200 and "unknown commune code" in preview.get_data(as_text=True)
    assert confirm(planner, preview).status_code == 422                   # an error: nothing written
    assert confirm(planner, preview, keep_valid="on").status_code == 200
    last = writable_workspace.read(schema.AUDIT_LOG).iloc[-1]
    assert (last["user"], last["action"], last["file"]) == ("planner1", "import tiny", "mã xã.csv")
    assert "from the web" in last["details"]
    wrong = upload(planner, "tiny", "codes.xlsx", b"PK\x03\x04")
    assert wrong.status_code == 400 and "the tiny import takes .csv files" in wrong.get_data(as_text=True)
