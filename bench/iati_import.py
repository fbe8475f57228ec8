"""IATI import of a generated 100,000-activity publisher file: time and peak memory, beside a naive parse.

    .venv/bin/python bench/iati_import.py                      # 100,000 activities (~340 MB)
    .venv/bin/python bench/iati_import.py --activities 20000 --no-commit

Writes the file with tests/iati_files.py (activities as a donor system writes
them: narratives in two languages, organisations, two DAC sectors, a point in
a demo commune, an original and a revised budget, a commitment, a
disbursement and an expenditure, policy markers…). Each measure runs in a
fresh process on the demo workspace (bench/load.py builds it once), so its
peak resident memory (``ru_maxrss``) is its own:

1. geoaid: ``geoaid.imports.iati.importer.prepare`` (stream, check, build the
   projects, locations and money-flow rows), then optionally the commit into a
   copy of the workspace.
2. geoaid's parse alone (``read_activities``, no rows kept): the memory the
   streaming costs, whatever the file's size.
3. naive: ``xml.etree.ElementTree.parse`` of the whole file, then a walk over
   its activities (no rows built).

Prints one table (bench/run.py's); README.md carries the figures.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import demo_workspace  # noqa: E402
from bench.run import print_table, report  # noqa: E402
from tests.iati_files import write_generated  # noqa: E402

MEASURE = """
import json, resource, sys, time
from geoaid.store import schema
from geoaid.store.workspace import Workspace
workspace = Workspace(sys.argv[1])
communes, rates = workspace.read(schema.COMMUNES), workspace.settings()["exchange_rates_vnd"]
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
began = time.perf_counter()
if sys.argv[3] == "naive":
    import xml.etree.ElementTree as ET
    activities = sum(1 for _ in ET.parse(sys.argv[2]).getroot().iter("iati-activity"))
    result = {"activities": activities}
elif sys.argv[3] == "stream":
    from geoaid.imports.iati.parse import read_activities
    seen = []
    with open(sys.argv[2], "rb") as source:
        read_activities(source, "activities.xml", lambda activity: seen.append(activity.number))
    result = {"activities": len(seen)}
else:
    from geoaid.imports.iati.importer import IatiImporter, prepare
    frames, report, count = prepare(sys.argv[2], communes, rates)
    result = {"activities": count, "projects": len(frames[schema.PROJECTS]),
              "flows": len(frames[schema.PROJECT_FLOWS]), "errors": len(report.errors)}
result["seconds"] = time.perf_counter() - began
result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
result["baseline_mb"] = baseline / 1024
if sys.argv[3] == "commit":
    from geoaid.imports.base import Prepared
    importer = IatiImporter()
    importer.key = "iati"
    prepared = Prepared.counted("iati", frames, report, {"sample": False}, frames[schema.PROJECTS]["source_row"])
    began = time.perf_counter()
    importer.commit(prepared, workspace)
    result["commit_seconds"] = time.perf_counter() - began
print(json.dumps(result))
"""


def measure(workspace: Path, source: Path, mode: str) -> dict:
    done = subprocess.run([sys.executable, "-c", MEASURE, str(workspace), str(source), mode], cwd=ROOT,
                          capture_output=True, text=True, check=True, env={"PYTHONPATH": str(ROOT)})
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--activities", type=int, default=100_000)
    parser.add_argument("--no-commit", action="store_true", help="only read and check, write nothing")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive whole-file parse")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="geoaid-iati-") as tmp:
        workspace = Path(tmp) / "demo.gpkg"
        shutil.copy2(demo_workspace(), workspace)
        source = Path(tmp) / "activities.xml"
        began = time.perf_counter()
        write_generated(source, args.activities)
        report("IATI file", f"{args.activities:,} activities, {source.stat().st_size / 1e6:.0f} MB",
               note=f"written in {time.perf_counter() - began:.0f} s")
        ours = measure(workspace, source, "read" if args.no_commit else "commit")
        stream = measure(workspace, source, "stream")
        naive = None if args.no_naive else measure(workspace, source, "naive")
        report("parse only: every activity as an element tree", f"{stream['seconds']:.1f} s, "
               f"+{stream['peak_mb'] - stream['baseline_mb']:.0f} MB peak",
               f"{naive['seconds']:.1f} s, +{naive['peak_mb'] - naive['baseline_mb']:.0f} MB peak" if naive else "",
               "geoaid: streamed, one activity at a time; naive: ElementTree.parse of the whole file")
        report("import: parse + check + build rows", f"{ours['seconds']:.1f} s, "
               f"+{ours['peak_mb'] - ours['baseline_mb']:.0f} MB peak", "",
               f"{ours['projects']:,} projects, {ours['flows']:,} flow rows, {ours['errors']} errors; "
               "the memory is the rows kept")
        if "commit_seconds" in ours:
            report("commit into the workspace (one transaction)", f"{ours['commit_seconds']:.1f} s")
    print_table()
    return 0


if __name__ == "__main__":
    sys.exit(main())
