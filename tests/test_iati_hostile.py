"""Hostile, broken and huge IATI files: refused quickly or read in bounded memory; nothing written."""

from __future__ import annotations

import hashlib
import time
import tracemalloc

import pytest

from geoaid.cli import main
from geoaid.imports.iati import importer as iati
from geoaid.store import schema
from tests.iati_files import BILLION_LAUGHS, EXTERNAL_ENTITY, activity, document, location, write_generated
from tests.test_web_manage import confirm, upload

GOOD = activity("XM-DAC-5-7-OK", locations=location("a", "Dat Mui commune, Ca Mau Province"))
TRUNCATED = document(GOOD, GOOD.replace("XM-DAC-5-7-OK", "XM-DAC-5-7-OK-2"))[:-200]
NOT_IATI = (b'<?xml version="1.0"?><iati-organisations version="2.03"><iati-organisation>'
            b"<organisation-identifier>XM-DAC-5</organisation-identifier></iati-organisation>"
            b"</iati-organisations>")
CASES = {
    "billion laughs": (BILLION_LAUGHS, "DOCTYPE declaration; refused"),
    "external entity": (EXTERNAL_ENTITY, "DOCTYPE declaration; refused"),
    "malformed XML": (TRUNCATED, "not well-formed XML"),
    "malformed after an activity": (TRUNCATED, "after activity 1, XM-DAC-5-7-OK)"),
    "not IATI": (NOT_IATI, "not an IATI activity file: its root element is <iati-organisations>"),
    "IATI 1.x": (document(GOOD, version="1.05"), "IATI 1.05: geoaid reads versions 2.01, 2.02, 2.03"),
    "HTML named .xml": (b"<!DOCTYPE html><html><body>Not found</body></html>", "DOCTYPE declaration"),
}


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("name", CASES)
def test_a_broken_or_hostile_file_is_refused_quickly_and_nothing_is_written(name, tmp_path, writable_workspace,
                                                                             capsys):
    data, reason = CASES[name]
    path = tmp_path / "activities.xml"
    path.write_bytes(data)
    digest = sha256(writable_workspace.path)
    began = time.perf_counter()
    assert main(["import", "iati", str(path), "--workspace", str(writable_workspace.path), "--keep-valid"]) == 2
    assert time.perf_counter() - began < 5                 # the whole CLI run, the workspace read included
    out = capsys.readouterr().out
    assert reason in out and "NOT written" in out and "Traceback" not in out
    assert sha256(writable_workspace.path) == digest


def test_billion_laughs_is_refused_before_any_expansion(demo_workspace, tmp_path):
    path = tmp_path / "activities.xml"
    path.write_bytes(BILLION_LAUGHS)
    began = time.perf_counter()
    frames, report, count = iati.prepare(path, demo_workspace.read(schema.COMMUNES), {"VND": 1})
    assert time.perf_counter() - began < 0.5 and count == 0
    assert [(p.row, p.column) for p in report.errors] == [(None, None)]
    assert "lollol" not in report.errors[0].reason and len(report.errors[0].reason) < 300


def test_web_upload_previews_then_imports_an_iati_file(planner, writable_workspace):
    preview = upload(planner, "iati", "donor-activities.xml", document(GOOD))
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "XM-DAC-5-7-OK" not in set(writable_workspace.read(schema.PROJECTS)
                                                                      ["project_id"])
    assert 'name="token"' in page
    confirm(planner, preview)
    projects = writable_workspace.read(schema.PROJECTS).set_index("project_id")
    assert projects.loc["XM-DAC-5-7-OK", "title"] == "Project"
    locations = writable_workspace.read(schema.PROJECT_LOCATIONS)
    assert list(locations.loc[locations["project_id"] == "XM-DAC-5-7-OK", "unit_code"]) == ["32248"]
    assert writable_workspace.read(schema.AUDIT_LOG).iloc[-1]["action"] == "import iati"
    refused = upload(planner, "iati", "lol.xml", BILLION_LAUGHS).get_data(as_text=True)
    assert "DOCTYPE" in refused and 'name="token"' not in refused


def test_a_large_file_is_read_in_bounded_memory(demo_workspace, tmp_path):
    path = tmp_path / "large.xml"
    write_generated(path, 600, padding=80_000)          # ~48 MB, most of it results geoaid does not keep
    size_mb = path.stat().st_size / 2**20
    communes, rates = demo_workspace.read(schema.COMMUNES), demo_workspace.settings()["exchange_rates_vnd"]
    tracemalloc.start()
    try:
        frames, report, count = iati.prepare(path, communes, rates)
        peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    assert (count, len(frames[schema.PROJECTS]), len(report.errors)) == (600, 600, 0)
    # ElementTree.parse of the same file peaks above its size (~1.4×); streaming stays far below.
    assert size_mb > 45 and peak_mb < size_mb / 4, f"{peak_mb:.1f} MB traced reading a {size_mb:.0f} MB file"
