"""Load benchmark: `geoaid serve --production` under many concurrent clients, beside Flask's server.

    .venv/bin/python bench/load.py                                  # 50 clients, 30 s (+ 10 s naive)
    .venv/bin/python bench/load.py --clients 50 --seconds 30 --naive-seconds 10

Builds the demo workspace once (bench/.cache/demo.gpkg, the four demo provinces
96, 95, 91, 02 with their SAMPLE data, as `geoaid demo` does), serves a
temporary copy of it with the real command on 127.0.0.1 at a free port, waits
until it answers, requests every URL of the mix once (cold caches, reported
separately), then lets N client threads send requests back to back for the
given time. Each client keeps one HTTP/1.1 keep-alive connection and sends
``Accept-Encoding: gzip``, as a browser does.

The mix is what people using the maps fetch (web/pages.py, web/api.py): the gap
map page and its province layer, priority view and project markers, the donors
list and donor pages, the planner ranking, commune pages with their API
figures, and the map's vendored Leaflet files.

Then the same load, for a shorter time, against the naive approach: the
development server (`geoaid serve` without --production). Nothing here is a
pass/fail test: targets are printed next to the figures, in bench/run.py's
table. Client and server share this machine's cores.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import math
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import CACHE, print_table, report  # noqa: E402  (one table format for every benchmark)
from geoaid.analysis.donors import list_donors  # noqa: E402
from geoaid.analysis.frames import load_frames  # noqa: E402
from geoaid.store.workspace import Workspace  # noqa: E402
from tests.test_web_serve import free_port  # noqa: E402

DEMO = CACHE / "demo.gpkg"
PROVINCES = ("96", "95", "91", "02")


def demo_workspace() -> Path:
    if not DEMO.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        print("building the demo workspace (once)…", flush=True)
        subprocess.run([sys.executable, "-m", "geoaid", "demo", "--workspace", str(DEMO)], check=True, cwd=ROOT,
                       stdout=subprocess.DEVNULL)
    return DEMO


def url_mix(workspace: Workspace) -> list[tuple[str, str, int]]:
    """(kind, URL, weight): what a session on the maps requests, with real donors and communes."""
    frames = load_frames(workspace)
    donors = list_donors(frames)["donor"].head(3).tolist()
    mix = [("page", "/", 2), ("page", "/donors", 2), ("page", "/planner", 2),
           ("page", "/planner?sector=health", 1), ("api", "/api/v1/donors", 2),
           ("asset", "/vendor/leaflet.js", 1), ("asset", "/vendor/leaflet.css", 1)]
    for donor in donors:
        mix += [("page", f"/donors/{quote(donor, safe='')}", 1),
                ("api", f"/api/v1/donors/{quote(donor + '.geojson', safe='')}?lang=en", 1)]
    communes = frames.communes.sort_values("code")
    for province in PROVINCES:
        mix += [("page", f"/?province={province}", 2),
                # the layer and markers the gap map page fetches (its data_url / projects_url)
                ("api", f"/api/v1/gaps.geojson?view=gap&province={province}&lang=en", 3),
                ("api", f"/api/v1/gaps.geojson?view=priority&province={province}&lang=en", 1),
                ("api", f"/api/v1/projects.geojson?province={province}", 2),
                ("api", f"/api/v1/gaps?province={province}", 1),
                ("page", f"/planner?province={province}", 1)]
        codes = communes.loc[communes["province_code"] == province, "code"].tolist()
        for code in codes[:: max(1, len(codes) // 4)][:4]:  # four communes spread over the province
            mix += [("page", f"/communes/{code}", 1), ("api", f"/api/v1/communes/{code}", 1)]
    return mix


class Server:
    """`geoaid serve` (with or without --production) on a free port; output goes to a log file."""

    def __init__(self, workspace: Path, production: bool, log: Path):
        self.port = free_port()
        self.log = log
        command = [sys.executable, "-m", "geoaid", "serve", "--workspace", str(workspace),
                   "--host", "127.0.0.1", "--port", str(self.port)] + (["--production"] if production else [])
        with open(log, "wb") as out:  # a file, not a pipe: the dev server logs every request
            self.process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = 120.0) -> float:
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if self.process.poll() is not None:
                raise SystemExit(f"server exited: {self.log.read_text(errors='replace')[-2000:]}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/v1/openapi.json", timeout=5).read()
                return time.monotonic() - start
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)  # polling a port that is not listening yet: nothing to wait on
        raise SystemExit(f"server did not answer in {timeout:.0f} s")

    def memory_mb(self) -> tuple[float, float]:
        """(resident now, peak resident) of the server process, MB."""
        status = dict(line.split(":", 1) for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines()
                      if ":" in line)
        return int(status["VmRSS"].split()[0]) / 1024, int(status["VmHWM"].split()[0]) / 1024

    def tracebacks(self) -> int:
        return self.log.read_text(errors="replace").count("Traceback (most recent call last)")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


HEADERS = {"Accept-Encoding": "gzip", "Accept-Language": "vi,en;q=0.8", "User-Agent": "geoaid-bench-load"}


def get(connection: http.client.HTTPConnection, url: str) -> tuple[int, int]:
    """One request on a keep-alive connection: (status, decoded body bytes)."""
    connection.request("GET", url, headers=HEADERS)
    response = connection.getresponse()
    body = response.read()
    if response.getheader("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return response.status, len(body)


def warm_up(port: int, mix) -> tuple[float, Counter]:
    """Every URL once, in order: the cold cost (per-version caches empty) and its errors."""
    errors: Counter = Counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    start = time.perf_counter()
    for _kind, url, _weight in mix:
        try:
            status, _ = get(connection, url)
            if not 200 <= status < 300:
                errors[f"HTTP {status} {url}"] += 1
        except (OSError, http.client.HTTPException) as exc:
            errors[f"{type(exc).__name__} {url}"] += 1
            connection.close()
    connection.close()
    return time.perf_counter() - start, errors


def run_load(port: int, mix, clients: int, seconds: float) -> dict:
    """``clients`` threads, each with one keep-alive connection, requesting back to back for ``seconds``."""
    weighted = [(kind, url) for kind, url, weight in mix for _ in range(weight)]
    results: list[list[tuple[str, str, float]]] = [[] for _ in range(clients)]
    errors: list[Counter] = [Counter() for _ in range(clients)]

    def client(n: int) -> None:
        order = random.Random(n)  # each client its own reproducible sequence
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while time.perf_counter() < deadline:
            kind, url = order.choice(weighted)
            began = time.perf_counter()
            try:
                status, _ = get(connection, url)
            except (OSError, http.client.HTTPException) as exc:
                errors[n][f"{type(exc).__name__} ({kind} {url.split('?')[0]})"] += 1
                connection.close()  # http.client reconnects on the next request
                continue
            if 200 <= status < 300:
                results[n].append((kind, url, time.perf_counter() - began))
            else:
                errors[n][f"HTTP {status} ({kind} {url.split('?')[0]})"] += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    began = time.perf_counter()
    deadline = began + seconds
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 180)
    elapsed = time.perf_counter() - began
    latencies = sorted(t for per_client in results for _, _, t in per_client)
    by_kind: dict[str, list[float]] = {}
    by_url: dict[str, list[float]] = {}
    for per_client in results:
        for kind, url, t in per_client:
            by_kind.setdefault(kind, []).append(t)
            by_url.setdefault(url, []).append(t)
    all_errors = sum(errors, Counter())
    total = len(latencies) + sum(all_errors.values())
    return {"total": total, "ok": len(latencies), "elapsed": elapsed, "rps": total / elapsed,
            "p": {q: percentile(latencies, q) for q in (50, 95, 99)}, "errors": all_errors,
            "kind_p95": {kind: (len(ts), percentile(sorted(ts), 95)) for kind, ts in sorted(by_kind.items())},
            "url_p50": sorted(((percentile(sorted(ts), 50), url) for url, ts in by_url.items()), reverse=True)}


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile of sorted ``values``, in ms."""
    if not values:
        return float("nan")
    rank = max(0, min(len(values) - 1, math.ceil(q / 100 * len(values)) - 1))
    return values[rank] * 1000


def measure(name: str, workspace: Path, production: bool, mix, clients: int, seconds: float, folder: Path) -> dict:
    server = Server(workspace, production, folder / f"{name}.log")
    try:
        started = server.wait_ready()
        cold, cold_errors = warm_up(server.port, mix)
        print(f"{name}: answering after {started:.1f} s; every URL once (cold): {cold:.1f} s"
              + (f"; errors {dict(cold_errors)}" if cold_errors else ""), flush=True)
        result = run_load(server.port, mix, clients, seconds)
        result["rss"], result["peak"] = server.memory_mb()
        result["cold"], result["cold_errors"] = cold, cold_errors
    finally:
        server.stop()
    result["tracebacks"] = server.tracebacks()
    p = result["p"]
    print(f"{name}: {result['total']:,} requests in {result['elapsed']:.1f} s = {result['rps']:.1f} req/s; "
          f"p50 {p[50]:.0f} ms, p95 {p[95]:.0f} ms, p99 {p[99]:.0f} ms; errors {sum(result['errors'].values())}; "
          f"server RSS {result['rss']:.0f} MB (peak {result['peak']:.0f} MB); tracebacks in its log: "
          f"{result['tracebacks']}", flush=True)
    for kind, (count, p95) in result["kind_p95"].items():
        print(f"    {kind:5}: {count:6,} ok, p95 {p95:.0f} ms", flush=True)
    print("    slowest URLs (median): " + "; ".join(f"{url} {p50:.0f} ms" for p50, url in result["url_p50"][:5]),
          flush=True)
    for what, count in result["errors"].most_common():
        print(f"    error: {count} × {what}", flush=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    parser.add_argument("--seconds", type=float, default=30, help="load duration, production server (default 30)")
    parser.add_argument("--naive-seconds", type=float, default=10,
                        help="load duration against the development server (default 10; 0 skips it)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="geoaid-load-") as tmp:
        folder = Path(tmp)
        workspace = folder / "demo.gpkg"  # a copy: the server writes its secret key and accounts beside it
        shutil.copy2(demo_workspace(), workspace)
        mix = url_mix(Workspace(workspace))
        print(f"workspace: demo provinces {', '.join(PROVINCES)}; {len(mix)} distinct URLs "
              f"({', '.join(f'{n} {k}' for k, n in sorted(Counter(k for k, _, _ in mix).items()))}); "
              f"{args.clients} clients", flush=True)
        ours = measure("waitress (geoaid serve --production)", workspace, True, mix, args.clients, args.seconds,
                       folder)
        naive = (measure("Flask development server (geoaid serve)", workspace, False, mix, args.clients,
                         args.naive_seconds, folder) if args.naive_seconds > 0 else None)

    def errors_text(result) -> str:
        count = sum(result["errors"].values())
        return f"{count}" + (f" ({'; '.join(f'{n} × {w}' for w, n in result['errors'].most_common(3))})"
                             if count else "")

    n = naive or {}
    report(f"requests ({args.clients} clients)", f"{ours['total']:,} in {ours['elapsed']:.0f} s",
           f"{n['total']:,} in {n['elapsed']:.0f} s" if naive else "")
    report("throughput", f"{ours['rps']:.1f} req/s", f"{n['rps']:.1f} req/s" if naive else "",
           f"ratio ×{ours['rps'] / n['rps']:.2f}" if naive and n["rps"] else "")
    report("latency p50 / p95 / p99", " / ".join(f"{ours['p'][q]:.0f}" for q in (50, 95, 99)) + " ms",
           (" / ".join(f"{n['p'][q]:.0f}" for q in (50, 95, 99)) + " ms") if naive else "",
           f"p95 ratio {ours['p'][95] / n['p'][95]:.2f}" if naive and n["p"][95] == n["p"][95] else "")
    report("errors (non-2xx or exceptions)", errors_text(ours), errors_text(naive) if naive else "", "target 0")
    report("server resident memory after the load", f"{ours['rss']:.0f} MB (peak {ours['peak']:.0f} MB)",
           f"{n['rss']:.0f} MB (peak {n['peak']:.0f} MB)" if naive else "", "target < 1 GB")
    report("every URL once, cold caches", f"{ours['cold']:.1f} s", f"{n['cold']:.1f} s" if naive else "",
           f"{len(mix)} URLs, one client")
    print_table()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
