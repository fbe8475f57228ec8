"""Load benchmark: geoaid under load from wrk, beside pygeoapi and nginx, in one run.

    .venv/bin/python bench/load.py                      # 15 s per server and URL group
    .venv/bin/python bench/load.py --seconds 30 --connections 50

Needs Debian's wrk and nginx-light, and for pygeoapi a Python ≥ 3.12 and
GDAL's headers (``apt-get install wrk nginx-light libgdal-dev``; ``./run.sh
bench`` installs them and runs this). pygeoapi gets its own virtual
environment under bench/.cache (made once), never the project's.

The load comes from wrk (bench/wrk_mix.lua), a C program outside every
server's process: 2 threads, 50 keep-alive connections sending
``Accept-Encoding: gzip`` as browsers do. The URL mix is what people using the
maps fetch (web/pages.py, web/api.py): the gap map page and its province
layer, priority view and project markers, the donors list and donor pages,
the planner ranking, commune pages with their API figures, and the map's
vendored Leaflet files. It is measured in four groups: the communes layer of
each demo province alone (the request every server here can answer), layers
and API, pages (with their Leaflet files), and the whole mix by weight.

Servers, each started, warmed (every URL once, which must answer 200, then
10 s of unmeasured load so that every worker has its caches) and stopped in
turn (bench/load_servers.py):

* geoaid on the demo GeoPackage, ``geoaid serve --production --workers N``, N = 2 and 4;
* geoaid on PostGIS: the demo copied into a throwaway cluster with ``geoaid
  workspace copy``, where this geoaid can open ``postgresql://`` workspaces;
* pygeoapi serving the same communes layer from the same GeoPackage (OGR
  provider, gunicorn with the same numbers of workers, gzip on);
* nginx serving geoaid's own response bodies, saved as files with their gzip
  copies: the ceiling for any server on this machine.

Nothing here is a pass/fail test: targets are printed beside the figures.
The load generator, the servers and whatever else runs on the machine share
its cores, so figures move from run to run.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import http.client
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import load_servers as servers  # noqa: E402
from bench.load_report import print_results  # noqa: E402
from bench.run import CACHE  # noqa: E402  (where every benchmark keeps its built workspaces)
from geoaid.analysis.donors import list_donors  # noqa: E402
from geoaid.analysis.frames import load_frames  # noqa: E402
from geoaid.store import schema  # noqa: E402
from geoaid.store.workspace import Workspace  # noqa: E402
from tests.server_process import free_port  # noqa: E402

DEMO = CACHE / "demo.gpkg"
PROVINCES = ("96", "95", "91", "02")
GROUPS = ("communes layer", "layers & API", "pages", "mixed")
LAYER_FIELDS = "name,district_name,province_name,area_km2"   # what geoaid's communes layer carries
WRK_LUA = ROOT / "bench" / "wrk_mix.lua"


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
                ("page", f"/planner?province={province}", 1),
                ("layer", communes_layer(province), 1)]
        codes = communes.loc[communes["province_code"] == province, "code"].tolist()
        for code in codes[:: max(1, len(codes) // 4)][:4]:  # four communes spread over the province
            mix += [("page", f"/communes/{code}", 1), ("api", f"/api/v1/communes/{code}", 1)]
    return mix


def communes_layer(province: str) -> str:
    return f"/api/v1/communes.geojson?province={province}"


def pygeoapi_layer(province: str) -> str:
    """The same communes as geoaid's layer, as pygeoapi's GeoJSON items (only the same properties)."""
    return f"/collections/communes/items?f=json&province_code={province}&limit=1000&properties={LAYER_FIELDS}"


def group_paths(mix, group: str) -> list[str]:
    """The request paths of one URL group, each repeated as often as its weight."""
    kinds = {"communes layer": {"layer"}, "layers & API": {"layer", "api"}, "pages": {"page", "asset"},
             "mixed": {"layer", "api", "page", "asset"}}[group]
    return [url for kind, url, weight in mix if kind in kinds for _ in range(weight)]


def write_mix_file(paths: list[str], folder: Path, name: str) -> Path:
    if not paths or any(not path.startswith("/") or "\n" in path for path in paths):
        raise ValueError(f"request paths must be non-empty, start with / and hold no line break: {paths[:3]}")
    target = folder / f"{name}.mix"
    target.write_text("\n".join(paths) + "\n", encoding="utf-8")
    return target


def fetch(port: int, path: str) -> tuple[int, str, bytes]:
    """(status, content type, decoded body) as a browser gets it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": "gzip", "Accept-Language": "vi,en;q=0.8"})
        response = connection.getresponse()
        body = response.read()
        if response.getheader("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        return response.status, response.getheader("Content-Type", ""), body
    finally:
        connection.close()


def warm_up(port: int, paths: list[str]) -> dict[str, tuple[str, bytes]]:
    """Every path once (the cold caches filled); each must answer 200. Their content types and bodies."""
    answers = {}
    for path in dict.fromkeys(paths):
        status, kind, body = fetch(port, path)
        if status != 200:
            raise servers.NotAvailable(f"{path} answered {status} when warming up")
        answers[path] = (kind, body)
    return answers


def save_static(answers: dict[str, tuple[str, bytes]], root: Path) -> dict[str, str]:
    """geoaid's bodies as files for nginx, each beside its gzip copy; geoaid path → file path."""
    extensions = {"text/html": "html", "application/geo+json": "geojson", "application/json": "json",
                  "text/javascript": "js", "application/javascript": "js", "text/css": "css"}
    root.mkdir(parents=True, exist_ok=True)
    files = {}
    for number, (path, (kind, body)) in enumerate(answers.items()):
        name = f"b{number}.{extensions.get(kind.split(';')[0].strip(), 'bin')}"
        (root / name).write_bytes(body)
        (root / f"{name}.gz").write_bytes(gzip.compress(body, 6))   # geoaid's level (web/api.py)
        files[path] = "/" + name
    return files


def run_wrk(port: int, mix_file: Path, seconds: float, connections: int) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "10s", "-s", str(WRK_LUA),
               f"http://127.0.0.1:{port}", "--", str(mix_file)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120)
    line = next((line for line in done.stdout.splitlines() if line.startswith("WRK_JSON ")), None)
    if line is None:
        raise servers.NotAvailable(f"wrk printed no summary: {(done.stderr or done.stdout)[-500:]}")
    result = json.loads(line.removeprefix("WRK_JSON "))
    result["errors"] = result["non_2xx"] + sum(result[k] for k in ("connect", "read", "write", "timeout"))
    result["rps"] = result["requests"] / result["seconds"]
    return result


def measure(name: str, service: servers.Service, groups: dict[str, list[str]], args, folder: Path,
            results: list, ready: str = "/api/v1/openapi.json") -> dict[str, tuple[str, bytes]]:
    """Start, warm and load one server with each group of paths; a row per group in ``results``."""
    try:
        started = service.wait_ready(ready)
        answers = warm_up(service.port, [path for paths in groups.values() for path in paths])
        # Each worker keeps its own caches: a short load on every URL warms all of them, not just the
        # one that answered above (the cold cost is paid once per worker; it is not measured here).
        run_wrk(service.port, write_mix_file(list(answers), folder, "warm-up"), args.warm_seconds, args.connections)
        print(f"{name}: answering after {started:.1f} s; {len(answers)} distinct URLs answer 200; "
              f"{args.warm_seconds:g} s of warm-up load", flush=True)
        for group, paths in groups.items():
            result = run_wrk(service.port, write_mix_file(paths, folder, f"{name}-{group}".replace(" ", "_")),
                             args.seconds, args.connections)
            result["memory_mb"] = service.memory_mb()
            results.append((name, group, result))
            print(f"  {group}: {result['rps']:.0f} req/s, p50 {result['p50_ms']:.0f} ms, p95 "
                  f"{result['p95_ms']:.0f} ms, p99 {result['p99_ms']:.0f} ms, errors {result['errors']}", flush=True)
        return answers
    except servers.NotAvailable as why:
        results.append((name, None, str(why)))
        print(f"{name}: not available: {why}", flush=True)
        return {}
    finally:
        service.stop()
        if service.tracebacks():
            print(f"{name}: {service.tracebacks()} traceback(s) in {service.log.name}", flush=True)


@contextlib.contextmanager
def postgis_copy(demo: Path):
    """The demo copied into a throwaway PostGIS database; its location. NotAvailable where this geoaid
    has no PostgreSQL backend or the cluster cannot start."""
    copy_help = subprocess.run([sys.executable, "-m", "geoaid", "workspace", "copy", "--help"], cwd=ROOT,
                               capture_output=True, text=True)
    if copy_help.returncode != 0:
        raise servers.NotAvailable("this geoaid has no `geoaid workspace copy`: geoaid.store opens GeoPackage "
                                   "files only")
    from tests.postgres_cluster import ClusterUnavailable, throwaway_cluster  # only when the backend exists

    try:
        with throwaway_cluster() as cluster:
            location = cluster.new_database()
            copied = subprocess.run([sys.executable, "-m", "geoaid", "workspace", "copy", str(demo), location],
                                    cwd=ROOT, capture_output=True, text=True)
            if copied.returncode != 0:
                raise servers.NotAvailable(f"geoaid workspace copy failed: {(copied.stderr or copied.stdout)[-400:]}")
            yield location
    except ClusterUnavailable as why:
        raise servers.NotAvailable(str(why)) from None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=15, help="load duration per server and group (15)")
    parser.add_argument("--warm-seconds", type=float, default=10,
                        help="unmeasured load on every URL first, warming every worker's caches (10)")
    parser.add_argument("--connections", type=int, default=50, help="wrk's keep-alive connections (50)")
    parser.add_argument("--workers", type=int, nargs="+", default=[2, 4], help="worker counts (2 4)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("bench/load.py needs wrk: apt-get install wrk nginx-light libgdal-dev")
    results: list = []
    with tempfile.TemporaryDirectory(prefix="geoaid-load-") as tmp:
        folder = Path(tmp)
        workspace = folder / "demo.gpkg"  # a copy: the server writes its secret key and accounts beside it
        shutil.copy2(demo_workspace(), workspace)
        mix = url_mix(Workspace(workspace))
        groups = {group: group_paths(mix, group) for group in GROUPS}
        print(f"demo provinces {', '.join(PROVINCES)}; {len(mix)} distinct URLs; wrk: 2 threads, "
              f"{args.connections} connections, {args.seconds:g} s per group", flush=True)
        bodies: dict[str, tuple[str, bytes]] = {}
        for workers in args.workers:
            name = f"geoaid GeoPackage, {workers} workers"
            answers = measure(name, servers.geoaid(str(workspace), workers, free_port(), folder, name),
                              groups, args, folder, results)
            bodies = bodies or answers
        name = f"geoaid PostGIS, {args.workers[0]} workers"
        try:
            with postgis_copy(workspace) as location:
                measure(name, servers.geoaid(location, args.workers[0], free_port(), folder, name), groups, args,
                        folder, results)
        except servers.NotAvailable as why:
            results.append((name, None, str(why)))
            print(f"{name}: not available: {why}", flush=True)
        layer = {"communes layer": [pygeoapi_layer(p) for p in PROVINCES]}
        for workers in args.workers:
            name = f"pygeoapi {servers.PYGEOAPI.split('==')[1]}, {workers} workers"
            try:
                service = servers.pygeoapi(workspace, list(Workspace(workspace).read(schema.COMMUNES).total_bounds),
                                           workers, free_port(), folder)
            except servers.NotAvailable as why:
                results.append((name, None, str(why)))
                continue
            answers = measure(name, service, layer, args, folder, results, ready=layer["communes layer"][0])
            bodies.update(answers)
        if bodies:
            files = save_static({path: bodies[path] for path in bodies if not path.startswith("/collections")},
                                folder / "static")
            folder.chmod(0o755)   # nginx's workers read the files
            static = {group: [files[path] for path in paths] for group, paths in groups.items()}
            measure("nginx, static files", servers.nginx(folder / "static", free_port(), 2, folder), static,
                    args, folder, results, ready=static["pages"][0])
        print_results(results, bodies, PROVINCES[0])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
