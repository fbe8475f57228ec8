"""Print maps under load: 8 clients asking for A3 300-dpi maps while other people browse.

    .venv/bin/python bench/print_load.py
    .venv/bin/python bench/print_load.py --map-clients 8 --page-clients 4 --paper A3 --dpi 300

Serves a copy of the demo workspace (built once by bench/load.py into
bench/.cache/demo.gpkg) with the real `geoaid serve --production` on
127.0.0.1; this script is the load generator, in its own process. After the
pages and one small map have been requested once (caches warm, the inset's
outline built, a drawing process started), three rounds of map
requests run while page clients request pages back to back:

1. same: every map client asks for the same map at once (gaps, all provinces);
2. different: each map client asks for a different view or province at once;
3. again: round 2 repeated, as people download the maps they just saw.

A map client that is told 503 (busy drawing other maps) waits the
Retry-After the server gives and asks again; its wait counts until the map
arrives. Printed: p50/p95/max waits per round for maps and for pages, 503
answers, errors, and the resident memory (peak VmHWM and at the end) of the
server and of its map-drawing child process.
"""

from __future__ import annotations

import argparse
import http.client
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import Server, demo_workspace, percentile  # noqa: E402
from bench.run import print_table, report  # noqa: E402

SAME = "view=gap"
DIFFERENT = ["view=gap", "view=priority", "view=coverage", "view=projects", "view=gap&province=96",
             "view=priority&province=02", "view=coverage&province=91", "view=gap&province=95"]
# Asked once before the load: what a server's first map starts (the inset's outline of
# Vietnam, built once per workspace folder; a drawing process) is not what is measured.
WARM_MAP = "/map.png?view=gap&province=95&paper=A4&dpi=72&lang=en"
PAGES = ["/?province=96", "/planner?province=96", "/api/v1/gaps?province=96", "/donors",
         "/api/v1/gaps.geojson?view=gap&province=96&lang=en", "/api/v1/communes.geojson?province=95"]


def fetch(connection: http.client.HTTPConnection, url: str) -> tuple[int, bytes, dict]:
    connection.request("GET", url, headers={"User-Agent": "geoaid-bench-print"})
    response = connection.getresponse()
    return response.status, response.read(), dict(response.getheaders())


def map_request(port: int, url: str, record: list, lock: threading.Lock) -> None:
    """Ask until the map arrives (following Retry-After on 503); record the whole wait."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    began, busy = time.perf_counter(), 0
    try:
        while True:
            status, body, headers = fetch(connection, url)
            if status == 503 and "Retry-After" in headers:
                busy += 1
                time.sleep(float(headers["Retry-After"]))
                continue
            break
        outcome = "ok" if status == 200 and body[:8] == b"\x89PNG\r\n\x1a\n" else f"HTTP {status}"
    except (OSError, http.client.HTTPException) as exc:
        outcome, body = type(exc).__name__, b""
    finally:
        connection.close()
    with lock:
        record.append((time.perf_counter() - began, busy, outcome, len(body)))


def page_client(port: int, state: dict, latencies: dict, errors: list, lock: threading.Lock, n: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    i = n
    while not state["done"]:
        url = PAGES[i % len(PAGES)]
        i += 1
        phase = state["phase"]
        began = time.perf_counter()
        try:
            status, _, _ = fetch(connection, url)
        except (OSError, http.client.HTTPException) as exc:
            with lock:
                errors.append(f"{type(exc).__name__} {url}")
            connection.close()
            continue
        with lock:
            if status == 200:
                latencies.setdefault(phase, []).append(time.perf_counter() - began)
            else:
                errors.append(f"HTTP {status} {url}")
    connection.close()


def drawing_process_mb(pid: int) -> tuple[float, float]:
    """(resident now, peak) summed over the server's child processes (its map-drawing process), MB."""
    children = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children += (task / "children").read_text().split()
    now = peak = 0.0
    for child in children:
        try:
            status = dict(line.split(":", 1) for line in Path(f"/proc/{child}/status").read_text().splitlines()
                          if ":" in line)
        except FileNotFoundError:
            continue
        now += int(status["VmRSS"].split()[0]) / 1024
        peak += int(status["VmHWM"].split()[0]) / 1024
    return now, peak


def run_round(port: int, urls: list[str]) -> list:
    record: list = []
    lock = threading.Lock()
    threads = [threading.Thread(target=map_request, args=(port, url, record, lock)) for url in urls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return record


def summary(values: list[float]) -> str:
    ordered = sorted(values)
    if not ordered:
        return "none"
    return (f"p50 {percentile(ordered, 50) / 1000:.1f} s, p95 {percentile(ordered, 95) / 1000:.1f} s, "
            f"max {ordered[-1]:.1f} s")


def page_summary(values: list[float]) -> str:
    ordered = sorted(values)
    if not ordered:
        return "none"
    return (f"{len(ordered)} pages: p50 {percentile(ordered, 50):.0f} ms, p95 {percentile(ordered, 95):.0f} ms, "
            f"max {ordered[-1] * 1000:.0f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--map-clients", type=int, default=8, help="concurrent map downloads (default 8)")
    parser.add_argument("--page-clients", type=int, default=4, help="clients browsing pages meanwhile (default 4)")
    parser.add_argument("--paper", default="A3")
    parser.add_argument("--dpi", type=int, default=300)
    parser.add_argument("--label", default="geoaid", help="column heading of the printed table")
    args = parser.parse_args()
    options = f"&paper={args.paper}&dpi={args.dpi}&lang=en"
    rounds = [("same", [f"/map.png?{SAME}{options}"] * args.map_clients),
              ("different", [f"/map.png?{DIFFERENT[i % len(DIFFERENT)]}{options}" for i in range(args.map_clients)]),
              ("again", [f"/map.png?{DIFFERENT[i % len(DIFFERENT)]}{options}" for i in range(args.map_clients)])]
    with tempfile.TemporaryDirectory(prefix="geoaid-print-load-") as tmp:
        workspace = Path(tmp) / "demo.gpkg"
        shutil.copy2(demo_workspace(), workspace)
        server = Server(workspace, True, Path(tmp) / "server.log")
        try:
            server.wait_ready()
            warm = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
            for url in PAGES + [WARM_MAP]:
                fetch(warm, url)
            warm.close()
            idle_rss, _ = server.memory_mb()
            state = {"phase": "idle", "done": False}
            latencies: dict = {}
            errors: list = []
            lock = threading.Lock()
            browsers = [threading.Thread(target=page_client, args=(server.port, state, latencies, errors, lock, n))
                        for n in range(args.page_clients)]
            for thread in browsers:
                thread.start()
            time.sleep(3)  # pages alone first: the baseline latency
            results = {}
            for name, urls in rounds:
                state["phase"] = name
                began = time.perf_counter()
                results[name] = run_round(server.port, urls)
                print(f"round {name}: {len(urls)} maps in {time.perf_counter() - began:.1f} s", flush=True)
            state["done"] = True
            for thread in browsers:
                thread.join(timeout=600)
            rss, peak = server.memory_mb()
            child_rss, child_peak = drawing_process_mb(server.process.pid)
        finally:
            server.stop()
        tracebacks = server.tracebacks()

    report(f"pages alone ({args.page_clients} clients)", page_summary(latencies.get("idle", [])))
    for name, _urls in rounds:
        record = results[name]
        waits = [wait for wait, _, _, _ in record]
        busy = sum(b for _, b, _, _ in record)
        failed = [outcome for _, _, outcome, _ in record if outcome != "ok"]
        size = max((n for *_, n in record), default=0)
        report(f"{args.paper} {args.dpi}-dpi maps, round {name} ({len(record)} at once)", summary(waits),
               note=f"{busy} × 503 busy; {len(failed)} failed; PNG {size / 1e6:.1f} MB")
        report(f"pages during round {name}", page_summary(latencies.get(name, [])))
    report("server resident memory", f"peak {peak:.0f} MB, at the end {rss:.0f} MB", note=f"idle {idle_rss:.0f} MB")
    report("map-drawing process memory", f"peak {child_peak:.0f} MB, at the end {child_rss:.0f} MB",
           note="the server's child processes (none before the drawing process)")
    report("errors", f"{len(errors)} page errors, {tracebacks} tracebacks in the server log",
           note="; ".join(errors[:3]))
    print_table()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
