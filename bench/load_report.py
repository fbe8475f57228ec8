"""bench/load.py's results as the Markdown tables the README carries, with the targets beside them."""

from __future__ import annotations

import gzip
import json

TARGET_LAYER_RATIO = 5.0        # geoaid's map layers and API against pygeoapi's, same layer, same workers
TARGET_MIXED_RPS = 300.0
TARGET_MIXED_P95_MS = 250.0


def print_results(results: list, bodies: dict[str, tuple[str, bytes]], province: str) -> None:
    """``results``: (server, group, figures) rows, or (server, None, why) for a server not available."""
    print_body_sizes(bodies, province)
    print("\n| server | URL group | req/s | latency p50 / p95 / p99 | errors | memory (PSS, all processes) |")
    print("|---|---|---|---|---|---|")
    for server, group, figures in results:
        if group is None:
            print(f"| {server} | — | not available: {figures} | | | |")
            continue
        print(f"| {server} | {group} | {figures['rps']:,.1f} | {latency_text(figures)} | {errors_text(figures)} | "
              f"{figures['memory_mb']:.0f} MB |")
    print("\n| target | measured | met |\n|---|---|---|")
    for target, measured, met in targets(results):
        print(f"| {target} | {measured} | {'yes' if met else 'no'} |")


def latency_text(figures: dict) -> str:
    # wrk times only the responses that came within its timeout (10 s); the others are errors.
    if figures["p50_ms"] == 0 and figures["timeout"]:
        return "none within 10 s"
    return f"{figures['p50_ms']:.0f} / {figures['p95_ms']:.0f} / {figures['p99_ms']:.0f} ms"


def errors_text(figures: dict) -> str:
    if not figures["errors"]:
        return "0"
    parts = [f"{figures[k]} {k}" for k in ("non_2xx", "connect", "read", "write", "timeout") if figures[k]]
    return f"{figures['errors']} ({', '.join(parts)})"


def print_body_sizes(bodies: dict[str, tuple[str, bytes]], province: str) -> None:
    """The communes layer of one province as each server sends it: features, raw and gzip bytes."""
    for path, (_kind, body) in sorted(bodies.items()):
        if f"province={province}" in path and "communes.geojson" in path or \
                f"province_code={province}" in path:
            features = len(json.loads(body)["features"])
            print(f"communes layer of province {province}: {path}: {features} features, {len(body):,} bytes, "
                  f"{len(gzip.compress(body, 6)):,} gzip", flush=True)


def targets(results: list) -> list[tuple[str, str, bool]]:
    """(target, measured, met) for every geoaid row the targets apply to."""
    figures = {(server, group): f for server, group, f in results if group is not None}
    rows = []
    for (server, group), f in figures.items():
        if server.startswith("geoaid"):
            rows.append((f"{server}, {group}: 0 errors", str(f["errors"]), f["errors"] == 0))
    for (server, group), f in figures.items():
        if not server.startswith("geoaid") or group not in ("communes layer", "layers & API"):
            continue
        workers = server.rsplit(", ", 1)[1]
        theirs = next((g for (s, grp), g in figures.items()
                       if s.startswith("pygeoapi") and s.endswith(workers) and grp == "communes layer"), None)
        if theirs:
            ratio = f["rps"] / theirs["rps"]
            rows.append((f"{server}, {group} ≥ {TARGET_LAYER_RATIO:g}× pygeoapi's communes layer ({workers})",
                         f"×{ratio:.1f} ({f['rps']:,.0f} / {theirs['rps']:,.0f} req/s)",
                         ratio >= TARGET_LAYER_RATIO))
    for (server, group), f in figures.items():
        if server.startswith("geoaid") and group == "mixed":
            rows.append((f"{server}, mixed ≥ {TARGET_MIXED_RPS:g} req/s, p95 ≤ {TARGET_MIXED_P95_MS:g} ms",
                         f"{f['rps']:,.0f} req/s, p95 {f['p95_ms']:.0f} ms",
                         f["rps"] >= TARGET_MIXED_RPS and f["p95_ms"] <= TARGET_MIXED_P95_MS))
    return rows
