"""Print maps under load: cached per workspace version, drawn one at a time, with a bounded queue.

Real demo communes; maps at low dpi so the file stays quick. Most tests draw
in the test process (no drawing process: the queue and the cache are the
same), so that a drawing can be held "in progress" by holding the print
lock (geoaid.output.printmap.render_lock) that every drawing takes: the drawing
thread really waits, as it would behind a long A3 map. The last tests check
the separate drawing process the server uses.
"""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace

import pytest
from matplotlib.figure import Figure

from geoaid.analysis.filters import Filters
from geoaid.output import printmap
from geoaid.output.print_process import DrawingProcess
from geoaid.output.print_service import PrintBusy, PrintRequest, PrintService
from web import create_app

MAP = "/map.png?view=gap&province=95&dpi=72&paper=A4&lang=en"


@pytest.fixture(scope="module")
def base(demo_workspace):
    return PrintRequest(str(demo_workspace.path), demo_workspace.version(), "2019", "gap",
                        Filters(provinces=("95",)), fmt="png", paper="A4", dpi=60, lang="en")


def wait_until(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.02)


def in_thread(fn, results: list) -> threading.Thread:
    def run():
        try:
            results.append(fn())
        except Exception as exc:  # noqa: BLE001 - the test inspects what was raised
            results.append(exc)
    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_map_asked_again_is_served_from_memory(frames, base, tmp_path):
    service = PrintService()
    first = service.render(base, frames, tmp_path)
    began = time.perf_counter()
    again = service.render(replace(base, view="gaps").normalised(), frames, tmp_path)  # same map, other spelling
    assert again == first and first[:8] == b"\x89PNG\r\n\x1a\n"
    assert service.renders == 1 and time.perf_counter() - began < 0.05
    assert service.cached_bytes() == len(first)


CHANGES = [{"view": "priority"}, {"filters": Filters(provinces=("96",))},
           {"filters": Filters(provinces=("95",), year=2024)}, {"fmt": "svg"}, {"paper": "A3"},
           {"orientation": "portrait"}, {"dpi": 61}, {"lang": "vi"}, {"title": "Another title"},
           {"boundary_version": "2025"}, {"file_version": (0, 0, 0)}]


def test_every_option_that_changes_the_map_is_its_own_entry(frames, base, tmp_path):
    service = PrintService()
    body = service.render(base, frames, tmp_path)
    for n, change in enumerate(CHANGES, start=2):
        other = service.render(replace(base, **change), frames, tmp_path)
        assert service.renders == n, change
        assert service.render(replace(base, **change), frames, tmp_path) is other
    # The last change was another file version: the first version's maps were dropped from memory.
    assert service.render(base, frames, tmp_path) == body and service.renders == len(CHANGES) + 2


def test_identical_requests_at_once_are_drawn_once(frames, base, tmp_path):
    service = PrintService(max_waiting=7)
    results: list = []
    with printmap.render_lock:  # the first drawing waits here until all requests have arrived
        threads = [in_thread(lambda: service.render(base, frames, tmp_path), results) for _ in range(8)]
        wait_until(lambda: service.in_progress() == (1, 8))
    for thread in threads:
        thread.join(timeout=120)
    assert len(results) == 8 and all(isinstance(r, bytes) for r in results)
    assert len(set(results)) == 1 and service.renders == 1


def test_a_full_queue_answers_busy_at_once_and_frees_when_drawn(frames, base, tmp_path):
    service = PrintService(render_threads=1, max_waiting=1)
    maps = [replace(base, dpi=60 + i) for i in range(3)]
    results: list = []
    with printmap.render_lock:
        drawing = in_thread(lambda: service.render(maps[0], frames, tmp_path), results)
        queued = in_thread(lambda: service.render(maps[1], frames, tmp_path), results)
        wait_until(lambda: service.in_progress() == (2, 2))
        # Another map, or one more request for a map being drawn (it would hold a server
        # thread as long): told at once when to come back.
        for asked in (maps[2], maps[0]):
            began = time.perf_counter()
            with pytest.raises(PrintBusy) as busy:
                service.render(asked, frames, tmp_path)
            assert time.perf_counter() - began < 0.5 and busy.value.retry_after >= 1
    for thread in (drawing, queued):
        thread.join(timeout=120)
    assert [type(r) for r in results] == [bytes, bytes] and service.renders == 2
    assert service.in_progress() == (0, 0)
    assert service.render(maps[0], frames, tmp_path) == results[0] or service.renders == 2  # from the cache
    assert service.render(maps[2], frames, tmp_path)[:4] == b"\x89PNG"  # room again


def test_maps_are_drawn_by_one_dedicated_thread_and_figures_are_freed(frames, base, tmp_path):
    service = PrintService()
    results: list = []
    threads = [in_thread(lambda i=i: service.render(replace(base, dpi=60 + i), frames, tmp_path), results)
               for i in range(3)]
    for thread in threads:
        thread.join(timeout=120)
    assert all(isinstance(r, bytes) for r in results) and service.renders == 3
    drawers = [t for t in threading.enumerate() if t.name.startswith(service.thread_prefix)]
    assert len(drawers) == 1
    assert not [o for o in gc.get_objects() if isinstance(o, Figure)]  # no drawn figure kept alive


def test_cache_is_bounded_by_bytes_and_keeps_only_the_current_workspace_version(frames, base, tmp_path):
    one = len(PrintService().render(base, frames, tmp_path))
    service = PrintService(max_bytes=int(one * 2.5))
    for dpi in (60, 61, 62, 63):
        service.render(replace(base, dpi=dpi), frames, tmp_path)
    assert service.cached_bytes() <= one * 2.5
    newer = replace(base, file_version=(1, 2, 3))
    service.render(newer, frames, tmp_path)
    assert service.cached_bytes() == len(service.render(newer, frames, tmp_path))  # older versions dropped


def test_bad_options_are_refused_before_queueing(base):
    for change in ({"view": "rainbow"}, {"paper": "A0"}, {"fmt": "gif"}, {"dpi": 5000}, {"lang": "fr"}):
        with pytest.raises(ValueError):
            replace(base, **change).normalised()


# --- the web app ------------------------------------------------------------------

def test_web_map_download_is_cached_and_a_busy_server_says_when_to_retry(demo_workspace_path):
    app = create_app(demo_workspace_path, {"PRINT_MAX_WAITING": 0, "PRINT_SEPARATE_PROCESS": False})
    service = app.extensions["geoaid_print"]
    client = app.test_client()
    first = client.get(MAP)
    assert first.status_code == 200 and first.mimetype == "image/png"
    began = time.perf_counter()
    assert client.get(MAP).data == first.data and time.perf_counter() - began < 1.0
    assert service.renders == 1
    results: list = []
    with printmap.render_lock:
        drawing = in_thread(lambda: app.test_client().get(MAP.replace("province=95", "province=96")), results)
        wait_until(lambda: service.in_progress() == (1, 1))
        busy = client.get(MAP.replace("view=gap", "view=priority"))
        assert busy.status_code == 503 and int(busy.headers["Retry-After"]) >= 1
        assert "drawing other maps" in busy.get_data(as_text=True)
        # Pages and the API keep answering while the map is being drawn.
        began = time.perf_counter()
        assert client.get("/api/v1/gaps?province=96").status_code == 200
        assert client.get("/planner?province=96").status_code == 200
        assert time.perf_counter() - began < 10
        assert client.get(MAP).status_code == 200  # a cached map needs no drawing thread
    drawing.join(timeout=120)
    assert results[0].status_code == 200 and service.renders == 2
    assert client.get(MAP.replace("paper=A4", "paper=A0")).status_code == 400


# --- the drawing process -----------------------------------------------------------

def test_a_separate_process_draws_the_same_map_and_stops_when_idle(frames, base, tmp_path,
                                                                  demo_workspace_path):
    service = PrintService(process=DrawingProcess(idle_seconds=2.0))
    here = PrintService()
    try:
        body = service.render(base, frames, tmp_path)
        assert service.drawn_by not in (None, os.getpid())            # another process drew it
        assert body == here.render(base, frames, tmp_path) and here.drawn_by == os.getpid()
        svg = service.render(replace(base, fmt="svg", lang="vi"), frames, tmp_path)
        assert "Thiếu hụt viện trợ theo xã" in svg.decode("utf-8")    # text stays text, in Vietnamese
        with pytest.raises(ValueError, match="donor"):                 # its errors come back as they are
            service.render(replace(base, view="donor"), frames, tmp_path)
        assert service.renders == 2 and service.process.running()
        wait_until(lambda: not service.process.running(), timeout=60)  # idle: its memory goes back
    finally:
        service.close()
    assert create_app(demo_workspace_path).extensions["geoaid_print"].process is not None  # the app's default


SERVER = """
import sys, time
from dataclasses import replace
from pathlib import Path
from geoaid.analysis.filters import Filters
from geoaid.analysis.frames import load_frames
from geoaid.output.print_process import DrawingProcess
from geoaid.output.print_service import PrintRequest
from geoaid.store.workspace import Workspace
workspace = Workspace(sys.argv[1])
request = PrintRequest(sys.argv[1], workspace.version(), "2019", "donor", Filters())
try:   # a map refused at once (no donor given): the drawing process starts and stays
    DrawingProcess().draw(request, load_frames(workspace), None)
except ValueError:
    pass
print(" ".join(c for task in Path("/proc/self/task").iterdir() for c in (task / "children").read_text().split()),
      flush=True)
time.sleep(600)
"""


def test_the_drawing_process_ends_when_its_server_is_killed(demo_workspace_path):
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(demo_workspace_path)], stdout=subprocess.PIPE,
                              text=True)
    try:
        children = [int(pid) for pid in server.stdout.readline().split()]
        assert children and all(os.path.exists(f"/proc/{pid}") for pid in children)
    finally:
        server.send_signal(signal.SIGKILL)   # no clean-up runs in the server
        server.wait(timeout=30)
    wait_until(lambda: all(zombie(pid) for pid in children), timeout=30)


def zombie(pid: int) -> bool:
    """Gone, or exited and waiting to be reaped."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True
