"""Hostile workbooks through the real entry points: the CLI importers and the web upload preview.

A refused workbook is one line naming the file and the reason (exit code 2 on
the command line, the preview's problem table on the web), never a traceback
or a server error, and the workspace is left byte-for-byte as it was.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.hostile_xlsx import HOSTILE
from tests.web_uploads import sha256, upload

ROOT = Path(__file__).resolve().parents[1]
ENTRY_POINT_CASES = ["billion laughs in shared strings", "external entity in the sheet",
                     "DOCTYPE in the workbook part", "far value cell XFD1048576", "merged range over the sheet",
                     "100,000 merged ranges", "bomb member (50 MB of zeros)"]


def geoaid(*argv) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "geoaid", *argv], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=300)


# Both importers read through geoaid.imports.tabular: the classification importer gets the entity cases.
CLI_CASES = ([("projects", [], name) for name in ENTRY_POINT_CASES]
             + [("classifications", ["--scheme", "region_iii"], name) for name in ENTRY_POINT_CASES[:2]])


@pytest.mark.parametrize("kind, options, name", CLI_CASES)
def test_cli_import_refuses_a_hostile_workbook_in_one_line(writable_workspace, tmp_path, kind, options, name):
    expected, build = HOSTILE[name]
    path = build(tmp_path / "evil.xlsx")
    before = sha256(writable_workspace.path)
    done = geoaid("import", kind, str(path), "--workspace", str(writable_workspace.path), *options)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout
    errors = [line for line in done.stdout.splitlines() if line.startswith("ERROR:")]
    assert len(errors) == 1 and errors[0].startswith("ERROR: evil.xlsx: cannot read the file: ")
    assert expected in errors[0]
    assert sha256(writable_workspace.path) == before


@pytest.mark.parametrize("name", ENTRY_POINT_CASES)
def test_web_upload_shows_why_a_hostile_workbook_is_refused(app, planner, writable_workspace, tmp_path, name):
    expected, build = HOSTILE[name]
    data = build(tmp_path / "evil.xlsx").read_bytes()
    before = sha256(writable_workspace.path)
    start = time.perf_counter()
    page = upload(planner, "projects", "kế hoạch.xlsx", data)
    seconds = time.perf_counter() - start
    text = page.get_data(as_text=True)
    assert page.status_code in (400, 422)           # refused at upload, or a preview with nothing to confirm
    assert "kế hoạch.xlsx" in text
    assert expected.replace("'", "&#39;") in text or expected in text
    if page.status_code == 200:                     # the preview: one file-wide error, nothing to import
        assert re.search(r'id="import-report".*cannot read the file', text, re.S)
    assert seconds < 5, seconds
    assert sha256(writable_workspace.path) == before


def test_a_csv_cell_over_the_field_limit_is_refused_with_its_line(writable_workspace, tmp_path):
    """A 200 KiB cell (over the csv module's limit) is a clear refusal, not a traceback."""
    from geoaid.imports.problems import ImportReport
    from geoaid.imports.tabular import read_table

    path = tmp_path / "huge-cell.csv"
    path.write_text("project_id,title\nP1,ok\nP2," + "x" * 200_000 + "\n", encoding="utf-8")
    report = ImportReport(str(path))
    assert read_table(path, lambda text: text, report) is None
    assert len(report.errors) == 1
    assert report.errors[0].row == 3 and "field larger than field limit" in report.errors[0].reason
