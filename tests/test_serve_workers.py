"""`geoaid serve --production --workers N`: several processes on one port, the real command."""

import http.client
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.server_process import free_port, wait_for


def children(pid: int) -> set[int]:
    return {int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}


def socket_inodes(pid: int) -> set[str]:
    """The sockets a process holds open (its listening socket and its accepted connections)."""
    found = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except FileNotFoundError:   # closed while listing
            continue
        if target.startswith("socket:"):
            found.add(target)
    return found


def wait_until(condition, timeout: float = 60.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)   # polling another process's state: nothing to wait on
    raise AssertionError(f"{what} not reached in {timeout:.0f} s")


def start(workspace, port: int, workers: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "geoaid", "serve", "--production", "--workers", str(workers),
                             "--workspace", str(workspace), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)


def get(port: int, path: str = "/api/v1/openapi.json") -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def test_two_workers_share_the_port_replace_a_dead_one_and_stop_on_sigterm(demo_workspace_path):
    port = free_port()
    server = start(demo_workspace_path, port, workers=2)
    try:
        workers = wait_until(lambda: len(children(server.pid)) == 2 and children(server.pid),
                             what="two workers")
        wait_for(f"http://127.0.0.1:{port}/api/v1/openapi.json", server)
        # Connections kept open, one after another, until each worker holds one it accepted.
        before = {pid: socket_inodes(pid) for pid in workers}
        connections = []
        while not all(socket_inodes(pid) - before[pid] for pid in workers):
            assert len(connections) < 200, "every connection went to one worker"
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", "/?lang=en")
            response = connection.getresponse()
            assert response.status == 200 and b"/vendor/leaflet.js" in response.read()
            connections.append(connection)
        for connection in connections:
            connection.close()

        victim, survivor = sorted(workers)
        os.kill(victim, signal.SIGKILL)
        assert [get(port) for _ in range(10)] == [200] * 10   # the other worker answers meanwhile
        replaced = wait_until(lambda: victim not in children(server.pid) and len(children(server.pid)) == 2
                              and children(server.pid), what="a replacement worker")
        assert survivor in replaced
        assert [get(port, "/donors?lang=en") for _ in range(4)] == [200] * 4

        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
        for pid in replaced:   # reaped by the parent before it exited: no such process any more
            with pytest.raises(ProcessLookupError):
                os.kill(pid, 0)
        log = server.stdout.read()
        assert f"worker 1 (pid {victim}) was killed by SIGKILL" in log or \
            f"worker 2 (pid {victim}) was killed by SIGKILL" in log
        assert "Traceback" not in log
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def test_ctrl_c_stops_every_worker(demo_workspace_path):
    port = free_port()
    server = start(demo_workspace_path, port, workers=2)
    try:
        workers = wait_until(lambda: len(children(server.pid)) == 2 and children(server.pid), what="two workers")
        wait_for(f"http://127.0.0.1:{port}/api/v1/openapi.json", server)
        os.killpg(server.pid, signal.SIGINT)   # what a terminal's Ctrl-C sends: the whole process group
        assert server.wait(timeout=30) == 0
        for pid in workers:
            with pytest.raises(ProcessLookupError):
                os.kill(pid, 0)
        assert "Traceback" not in server.stdout.read()
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def test_a_worker_that_keeps_dying_is_restarted_then_given_up_on():
    script = textwrap.dedent("""
        from geoaid.serving.workers import Supervisor
        def broken(listeners):
            raise RuntimeError("workspace unreadable")
        raise SystemExit(Supervisor(broken, [], 2).run())
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stdout.count("started (pid") == 6   # two, then four replacements until five deaths
    assert "5 workers died within 60 s: stopping" in result.stdout
    assert result.stderr.count("RuntimeError: workspace unreadable") >= 5


@pytest.mark.parametrize("arguments, message", [(["--workers", "2"], "--workers needs --production"),
                                                (["--production", "--workers", "0"], "must be at least 1")])
def test_workers_option_is_checked(demo_workspace_path, arguments, message):
    result = subprocess.run([sys.executable, "-m", "geoaid", "serve", "--workspace", str(demo_workspace_path),
                             "--port", str(free_port()), *arguments], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and message in result.stderr
