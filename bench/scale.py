"""Scale: a national workspace with 200,000 projects over ten years, imported and analysed for real.

    .venv/bin/python bench/scale.py                       # 200,000 projects
    .venv/bin/python bench/scale.py --projects 20000      # a smaller run

Builds (once) the national workspace of bench/run.py, writes a generated
national project list (bench/scale_data.py: 63 provinces, 150 donors, the
plan's sectors, 2016–2025, 1–5 communes or a district or the province,
yearly disbursements) and imports it into a fresh copy with the real
command, ``geoaid import projects --sample``, in its own process. Then, each
in a fresh process: the cold snapshot read, the first national gap analysis
(every commune) and a warm repeat, beside the naive way (load the tables and
analyse for every request); and ``geoaid serve --production``'s resident
memory after its first national map. Peak memory is the child's maximum
resident set (``wait4``). Prints the table in bench/run.py's format.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import CACHE, ROOT, national_workspace, print_table, report  # noqa: E402

from tests.server_process import (  # noqa: E402  (the tests' server start-up; run put ROOT on the path)
    rss_bytes,
    running_server,
)

WORK = CACHE / "scale"


def measured(command: list[str], **kwargs) -> tuple[float, int, str]:
    """(wall seconds, peak resident MB, stdout) of one child process; fails loudly if it fails."""
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True, **kwargs)
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command[:6])}… failed")
    return seconds, usage.ru_maxrss // 1024, out


def table_sizes(path: Path) -> dict[str, tuple[int, int, int]]:
    """Per table: (rows, bytes of the table, bytes of its indexes), from SQLite's dbstat."""
    with sqlite3.connect(path) as db:
        owner = {name: table for name, table in db.execute("SELECT name, tbl_name FROM sqlite_master")}
        pages = dict(db.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name"))
        sizes: dict[str, list[int]] = {}
        for name, size in pages.items():
            table = owner.get(name, name)
            entry = sizes.setdefault(table, [0, 0, 0])
            entry[1 if name == table else 2] += size
        for table, entry in sizes.items():
            if table in owner and not table.startswith("sqlite_"):
                entry[0] = db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
    return {table: tuple(entry) for table, entry in sizes.items()}


def child_analysis(path: str, naive: bool) -> None:
    """In a fresh process: the measured steps, as JSON on stdout."""
    sys.path.insert(0, str(ROOT))
    from geoaid.analysis.coverage import coverage
    from geoaid.analysis.filters import Filters
    from geoaid.analysis.frames import load_frames
    from geoaid.snapshot import Snapshot
    from geoaid.store.workspace import Workspace

    figures = {}
    if naive:
        start = time.perf_counter()
        frames = load_frames(Workspace(path))
        rows = coverage(frames, Filters())
        figures["fresh_load_and_analysis"] = time.perf_counter() - start
    else:
        start = time.perf_counter()
        snapshot = Snapshot.read(Workspace(path))
        figures["cold_snapshot"] = time.perf_counter() - start
        start = time.perf_counter()
        rows = snapshot.on("2019").coverage(Filters())
        figures["first_analysis"] = time.perf_counter() - start
        start = time.perf_counter()
        snapshot.on("2019").coverage(Filters())
        figures["warm_analysis"] = time.perf_counter() - start
        figures["projects"] = len(snapshot.frames().projects)
        figures["locations"] = len(snapshot.frames().locations)
    figures["communes"] = len(rows)
    print(json.dumps(figures))


def serve_first_map(path: Path) -> tuple[float, int]:
    """(seconds for the first national map layer, resident MB of the server after it)."""
    with running_server(path, WORK / "server-tmp") as server:
        start = time.perf_counter()
        urllib.request.urlopen(f"http://127.0.0.1:{server.port}/api/v1/gaps.geojson?detail=national",
                               timeout=600).read()
        seconds = time.perf_counter() - start
        return seconds, rss_bytes(server.process.pid) // 2**20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=200_000)
    parser.add_argument("--child", choices=("naive", "snapshot"), help=argparse.SUPPRESS)
    parser.add_argument("--workspace", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_analysis(args.workspace, args.child == "naive")
        return 0
    os.chdir(ROOT)
    national = national_workspace()
    WORK.mkdir(parents=True, exist_ok=True)
    listing = WORK / f"national-{args.projects}.csv"
    if not listing.exists():
        from scale_data import write_national_list

        from geoaid.store import schema
        start = time.perf_counter()
        generated = write_national_list(national.read(schema.COMMUNES), listing, args.projects)
        report("generated project list", f"{generated.projects:,} projects, {listing.stat().st_size / 1e6:.0f} MB CSV",
               note=f"{generated.commune_places:,} commune places, {generated.district_places:,} district-wide, "
                    f"{generated.province_places:,} province-wide, {generated.flows:,} money flows; "
                    f"written in {time.perf_counter() - start:.0f} s")
    path = WORK / f"national-{args.projects}.gpkg"
    for stale in WORK.glob(path.stem + ".*"):
        if stale.suffix != ".csv":
            stale.unlink()
    shutil.copy2(national.path, path)
    before = path.stat().st_size
    seconds, peak, _ = measured([sys.executable, "-m", "geoaid", "import", "projects", str(listing),
                                 "--workspace", str(path), "--sample"], env={**os.environ, "PYTHONPATH": str(ROOT)})
    report(f"import of {args.projects:,} projects (geoaid import projects)", f"{seconds:.0f} s, peak {peak} MB",
           note=f"{args.projects / seconds:,.0f} projects/s; target ≤ 10 min, ≤ 4 GB")
    after = path.stat().st_size
    report("workspace size", f"{after / 1e6:.0f} MB", f"{before / 1e6:.0f} MB before the import",
           note=f"{(after - before) / args.projects:.0f} bytes per project")
    sizes = table_sizes(path)
    for table in sorted(sizes, key=lambda t: -(sizes[t][1] + sizes[t][2]))[:10]:
        rows, data, index = sizes[table]
        report(f"table {table}", f"{rows:,} rows, {data / 1e6:.1f} MB + indexes {index / 1e6:.1f} MB")
    me = [sys.executable, str(Path(__file__).resolve()), "--workspace", str(path)]
    seconds, naive_peak, out = measured(me + ["--child", "naive"])
    naive = json.loads(out)
    seconds, snap_peak, out = measured(me + ["--child", "snapshot"])
    snap = json.loads(out)
    report(f"cold snapshot read ({snap['projects']:,} projects, {snap['locations']:,} locations)",
           f"{snap['cold_snapshot']:.1f} s")
    report(f"first national gap analysis ({snap['communes']:,} communes)", f"{snap['first_analysis']:.2f} s",
           f"{naive['fresh_load_and_analysis']:.1f} s load + analyse per request",
           note=f"peak {snap_peak} MB (naive {naive_peak} MB)")
    report("gap analysis, warm repeat (memoised snapshot)", f"{snap['warm_analysis'] * 1000:.1f} ms",
           f"{naive['fresh_load_and_analysis']:.1f} s")
    first_map, rss = serve_first_map(path)
    report("first national map layer (geoaid serve --production)", f"{first_map:.1f} s",
           note="includes the cold snapshot read")
    report("server resident memory after the first map (one worker)", f"{rss} MB", note="target < 1 GB")
    print_table()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
