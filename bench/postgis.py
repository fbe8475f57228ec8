"""PostGIS against GeoPackage: copying a workspace in, and a cold snapshot read on each backend.

Starts a throwaway PostgreSQL/PostGIS server (tests/postgres_cluster.py: Debian's
packages, a temporary folder, removed afterwards), copies the given GeoPackage
workspaces into it with ``geoaid workspace copy``'s code (copy + full
comparison), then times a cold :class:`Snapshot` read (a new workspace object,
nothing cached: every table read and the analysis frames built) on both
backends, best of three.

    python bench/postgis.py bench/.cache/demo.gpkg bench/.cache/national.gpkg
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geoaid.snapshot.snapshot import Snapshot  # noqa: E402
from geoaid.store import schema  # noqa: E402
from geoaid.store.copying import copy_workspace  # noqa: E402
from geoaid.store.opener import open_workspace  # noqa: E402
from tests.postgres_cluster import throwaway_cluster  # noqa: E402


def cold_read(location: str, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        workspace = open_workspace(location)
        started = time.perf_counter()
        Snapshot.read(workspace).frames()
        best = min(best, time.perf_counter() - started)
    return best


def main(paths: list[str]) -> None:
    with throwaway_cluster() as cluster:
        print(f"{'workspace':<16} {'communes':>9} {'copy into PG':>13} {'cold read GPKG':>15} {'cold read PG':>13}")
        for path in paths:
            source = open_workspace(path)
            dsn = cluster.new_database()
            started = time.perf_counter()
            copy_workspace(source, open_workspace(dsn), log=lambda _line: None)
            copied = time.perf_counter() - started
            communes = len(source.read(schema.COMMUNES))
            print(f"{Path(path).name:<16} {communes:>9,} {copied:>12.1f}s {cold_read(path):>14.2f}s "
                  f"{cold_read(dsn):>12.2f}s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:] or [str(ROOT / "bench" / ".cache" / "demo.gpkg")])
