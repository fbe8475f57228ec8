"""Helpers for tests of the real server: ``python -m geoaid serve`` on a loopback port, raw sockets,
and what the server process holds (/proc: resident memory, temporary files).

Everything stays on 127.0.0.1; every loop here is bounded in count and time.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import select
import socket
import subprocess
import sys
import threading
import time
from types import SimpleNamespace

from tests.test_web_serve import free_port, wait_for

HOST = "127.0.0.1"


@contextlib.contextmanager
def running_server(workspace_path, temp_dir, *options: str, env: dict | None = None, production: bool = True,
                   preexec_fn=None):
    """``geoaid serve`` on a free port, answering; its temporary files go to ``temp_dir``.
    Yields port, process and log (the lines the server printed so far)."""
    port = free_port()
    os.makedirs(temp_dir, exist_ok=True)
    command = [sys.executable, "-m", "geoaid", "serve", "--workspace", str(workspace_path), "--host", HOST,
               "--port", str(port), *(["--production"] if production else []), *options]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, "TMPDIR": str(temp_dir), **(env or {})}, preexec_fn=preexec_fn)
    log: list[str] = []
    try:
        wait_for(f"http://{HOST}:{port}/api/v1/openapi.json", process, timeout=120)

        def drain():   # a full pipe would block the server; the lines explain failures
            for line in process.stdout:
                log.append(line)
        threading.Thread(target=drain, daemon=True).start()
        yield SimpleNamespace(port=port, process=process, log=log, temp_dir=str(temp_dir))
    finally:
        process.terminate()
        process.wait(timeout=15)


def printed(server, text: str, timeout: float = 10.0) -> str:
    """The server's output once it contains ``text`` (all of it, for the failure message)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and text not in "".join(server.log):
        time.sleep(0.1)
    return "".join(server.log)


def connect(port: int) -> socket.socket:
    return socket.create_connection((HOST, port), timeout=10)


def timed_get(port: int, path: str, timeout: float = 10.0, headers: dict | None = None):
    """(status or the error, seconds, body) of one GET on a new connection."""
    start = time.monotonic()
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, time.monotonic() - start, response.read()
    except OSError as exc:
        return f"{type(exc).__name__}: {exc}", time.monotonic() - start, b""
    finally:
        connection.close()


def is_open(sock: socket.socket) -> bool:
    """Whether the server still holds this connection (it has neither closed nor reset it)."""
    sock.setblocking(False)
    try:
        return sock.recv(1, socket.MSG_PEEK) != b""
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        sock.setblocking(True)


def closed_after(sock: socket.socket, refill: bytes | None, interval: float, limit: float) -> float | None:
    """Send ``refill`` every ``interval`` seconds (a slow client) until the server closes the
    connection; the seconds that took, or None if it was still open after ``limit`` seconds."""
    start = time.monotonic()
    while time.monotonic() - start < limit:
        if not is_open(sock):
            return time.monotonic() - start
        if refill:
            try:
                sock.sendall(refill)
            except OSError:
                return time.monotonic() - start
        time.sleep(interval)
    return None


def rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError(f"no VmRSS for process {pid}")


def temp_file_bytes(pid: int, folder: str) -> int:
    """Bytes in the files under ``folder`` that the process has open (its unlinked temporary files too)."""
    total = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        path = f"/proc/{pid}/fd/{fd}"
        with contextlib.suppress(FileNotFoundError):
            if os.readlink(path).startswith(folder):
                total += os.stat(path).st_size
    return total


def post_body(server, path: str, declared: int | None, body_bytes: int, *, limit: float = 30.0,
              headers: str = "") -> SimpleNamespace:
    """POST ``body_bytes`` of form data to ``path``, with a Content-Length of ``declared`` (None: a
    chunked body), stopping as soon as the server answers or closes. Returns the status line, the
    answer (after any "100 Continue", noted in ``continued``), how much was sent and how long it
    took, and the most the server held meanwhile in temporary files and in resident memory above what it held before."""
    pid, folder = server.process.pid, server.temp_dir
    rss_before, peak_temp, peak_rss = rss_bytes(pid), 0, 0
    framing = "Transfer-Encoding: chunked" if declared is None else f"Content-Length: {declared}"
    sock = connect(server.port)
    sent, start, answer, continued = 0, time.monotonic(), b"", False
    block = b"a" * 65536
    try:
        sock.sendall(f"POST {path} HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: application/x-www-form-urlencoded"
                     f"\r\n{framing}\r\n{headers}\r\n".encode())
        while sent < body_bytes and time.monotonic() - start < limit:
            readable, writable, _ = select.select([sock], [sock], [], 1.0)
            if readable:
                try:
                    answer += sock.recv(65536)
                except OSError:
                    break
                continued, answer = _without_continue(answer, continued)
                if answer or not continued:
                    break                   # an answer (or the close) came before the whole body
                continue
            if not writable:
                continue
            piece = block[:body_bytes - sent]
            try:
                sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece) if declared is None else piece)
            except OSError:
                break
            sent += len(piece)
            if sent % (16 * 65536) == 0:    # every MiB: what the server holds now
                peak_temp = max(peak_temp, temp_file_bytes(pid, folder))
                peak_rss = max(peak_rss, rss_bytes(pid) - rss_before)
        else:
            if declared is None and sent >= body_bytes:
                with contextlib.suppress(OSError):
                    sock.sendall(b"0\r\n\r\n")
        sock.settimeout(10)
        with contextlib.suppress(OSError):
            while len(answer) < 1_000_000:
                data = sock.recv(65536)
                if not data:
                    break
                continued, answer = _without_continue(answer + data, continued)
                if _complete(answer):
                    break
    finally:
        sock.close()
    peak_temp = max(peak_temp, temp_file_bytes(pid, folder))
    peak_rss = max(peak_rss, rss_bytes(pid) - rss_before)
    status = answer.split(b"\r\n", 1)[0].decode("latin-1")
    code = int(status.split()[1]) if status.count(" ") >= 2 else None
    return SimpleNamespace(status=status, continued=continued, code=code,
                           answer=answer, sent=sent, seconds=time.monotonic() - start,
                           peak_temp=peak_temp, peak_rss=peak_rss)


def _without_continue(answer: bytes, continued: bool) -> tuple[bool, bytes]:
    """The answer without leading "100 Continue"s (the server's go-ahead to send the body; Flask's
    development server sends two)."""
    while answer.startswith(b"HTTP/1.1 100 ") and b"\r\n\r\n" in answer:
        continued, answer = True, answer.partition(b"\r\n\r\n")[2]
    return continued, answer


def _complete(answer: bytes) -> bool:
    head, _, body = answer.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(body) >= int(line.split(b":")[1])
    return False
