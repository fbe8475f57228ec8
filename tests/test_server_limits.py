"""Slow and numerous clients against `geoaid serve --production` (geoaid.serving.limits, geoaid.serving.limits.channel).

waitress hands only complete requests to its threads, so slow clients cost
connections: with waitress's defaults (100 connections, no deadline for a
request that keeps trickling in) 110 slowloris clients stopped the server.
These tests hold a few hundred slow clients open on loopback while ordinary
requests must still be answered, and check that a request that arrives too
slowly is cut off while a slow but steady one is not.
"""

from __future__ import annotations

import http.client
import resource
import subprocess
import sys
import time

import pytest

from geoaid.serving.limits import (
    FDS_PER_CONNECTION,
    RESERVED_FDS,
    RequestDeadlines,
    ServingLimits,
    raise_open_file_limit,
)
from tests.server_process import closed_after, connect, is_open, printed, running_server, timed_get

PAGE, API = "/?lang=en", "/api/v1/gaps?province=96"
PROMPT = 5.0            # seconds an ordinary request may take while slow clients hold on


@pytest.fixture(scope="module")
def default_server(demo_workspace_path, tmp_path_factory):
    """The production server as a user starts it: default limits."""
    with running_server(demo_workspace_path, tmp_path_factory.mktemp("default-server")) as server:
        for path in (PAGE, API):    # the first computation of a view is slow on shared cores
            timed_get(server.port, path, timeout=120)
        yield server


@pytest.fixture(scope="module")
def impatient_server(demo_workspace_path, tmp_path_factory):
    """The production server with 2-second request deadlines and room for 1500 connections."""
    with running_server(demo_workspace_path, tmp_path_factory.mktemp("impatient-server"), "--header-timeout", "2",
                        "--body-timeout", "2", "--connection-limit", "1500") as server:
        timed_get(server.port, PAGE, timeout=120)
        yield server


def test_the_server_prints_its_limits_at_start(default_server, impatient_server):
    log = printed(default_server, "idle connections")
    assert "up to 1000 connections" in log and "headers must arrive within 20 s" in log, log
    assert "after 30 s; idle connections close after 30 s" in log, log
    log = printed(impatient_server, "idle connections")
    assert "up to 1500 connections" in log and "within 2 s" in log and "after 2 s" in log, log


def test_ordinary_requests_are_answered_while_300_slow_clients_hold_on(default_server):
    port = default_server.port
    slow_headers, silent, slow_bodies = [], [], []
    try:
        for n in range(200):    # slowloris: a request that never ends, one more header line now and then
            sock = connect(port)
            sock.sendall(b"GET /?slow=%d HTTP/1.1\r\nHost: 127.0.0.1\r\n" % n)
            slow_headers.append(sock)
        for _ in range(50):     # connections that say nothing at all
            silent.append(connect(port))
        for _ in range(50):     # a form post whose body trickles in
            sock = connect(port)
            sock.sendall(b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded"
                         b"\r\nContent-Length: 100000\r\n\r\nname=")
            slow_bodies.append(sock)
        answers = []
        for round_ in range(5):   # about 12 s: well inside the 20 s header and 30 s body deadlines
            time.sleep(2)
            for sock in slow_headers:
                sock.sendall(b"X-Still-Here-%d: yes\r\n" % round_)
            for sock in slow_bodies:
                sock.sendall(b"aaaa")
            answers += [(path, *timed_get(port, path, timeout=3 * PROMPT)[:2]) for path in (PAGE, API)]
        # The server really held every slow client all along: they were not shed to make room.
        held = sum(is_open(sock) for sock in slow_headers + silent + slow_bodies)
    finally:
        for sock in slow_headers + silent + slow_bodies:
            sock.close()
    late = [answer for answer in answers if answer[1] != 200 or answer[2] > PROMPT]
    assert not late, f"{len(late)} of {len(answers)} ordinary requests failed or took over {PROMPT} s: {late}"
    assert held == 300, held
    assert "Traceback" not in "".join(default_server.log), "".join(default_server.log)[-3000:]


def test_a_thousand_open_connections_do_not_stop_the_server(impatient_server):
    # Connection descriptors numbered past 1024, which select() cannot watch.
    assert raise_open_file_limit(1100 + RESERVED_FDS) >= 1100 + RESERVED_FDS, "this test needs 1356 open files"
    connections = []
    try:
        for _ in range(1100):
            connections.append(connect(impatient_server.port))
        time.sleep(1)
        status, seconds, _ = timed_get(impatient_server.port, API, timeout=3 * PROMPT)
        assert (status, seconds < PROMPT) == (200, True), (status, seconds)
        assert sum(is_open(sock) for sock in connections) == 1100
    finally:
        for sock in connections:
            sock.close()
    assert impatient_server.process.poll() is None, "".join(impatient_server.log)[-3000:]


@pytest.mark.parametrize("start, refill", [
    (b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n", b"X-Slow: 1\r\n"),     # one header line every half second
    (b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n", None),                 # headers begun, then nothing
    (b"GET / HTT", b"P"),                                             # the request line itself trickling
    (b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\n", b"a=1&"),  # a body at 8 B/s
])
def test_a_request_that_arrives_too_slowly_is_cut_off(impatient_server, start, refill):
    clients = [connect(impatient_server.port) for _ in range(10)]
    try:
        for sock in clients:
            sock.sendall(start)
        # Deadline 2 s (and, for the body, 4 bytes a second more); the loop checks at least every second.
        closed = [closed_after(sock, refill, 0.5, limit=8.0) for sock in clients[:1]]
        closed += [closed_after(sock, None, 0.1, limit=4.0) for sock in clients[1:]]
    finally:
        for sock in clients:
            sock.close()
    assert None not in closed, closed
    assert closed[0] > 1.5, closed   # not before its deadline
    status, _, _ = timed_get(impatient_server.port, PAGE)
    assert status == 200


def test_requests_that_arrive_in_time_are_served(impatient_server):
    port = impatient_server.port
    # Headers in three pieces within the 2 s deadline.
    sock = connect(port)
    try:
        for piece in (b"GET /api/v1/gaps?province=96 HT", b"TP/1.1\r\nHost: 127.0.0.1\r\n", b"Accept: */*\r\n\r\n"):
            sock.sendall(piece)
            time.sleep(0.5)
        assert sock.recv(100).startswith(b"HTTP/1.1 200")
    finally:
        sock.close()
    # A 48 KiB body sent steadily for 3 s: longer than the 2 s grace, but at 16 KiB/s, far over 1 KiB/s.
    sock = connect(port)
    try:
        sock.sendall(b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded"
                     b"\r\nContent-Length: 49152\r\n\r\n")
        for _ in range(12):
            sock.sendall(b"a" * 4096)
            time.sleep(0.25)
        answer = sock.recv(100)
        assert answer.startswith(b"HTTP/1.1 400"), answer   # the form has no CSRF token: read and answered
    finally:
        sock.close()
    # A kept-alive connection idle for 3 s between requests is not taken for a slow request.
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        sockets = []
        for pause in (3, 0):
            connection.request("GET", "/api/v1/openapi.json")
            response = connection.getresponse()
            response.read()
            assert response.status == 200
            sockets.append(connection.sock)
            time.sleep(pause)
        assert sockets[0] is sockets[1]
    finally:
        connection.close()


def test_the_open_file_limit_is_raised_for_the_connections_or_the_connections_fitted_to_it(
        demo_workspace_path, tmp_path):
    def tight_limits():   # a system that allows 600 open files at most, 300 unless raised
        resource.setrlimit(resource.RLIMIT_NOFILE, (300, 600))

    with running_server(demo_workspace_path, tmp_path / "tmp", preexec_fn=tight_limits) as server:
        fitting = (600 - RESERVED_FDS) // FDS_PER_CONNECTION
        log = printed(server, "idle connections")
        assert f"allows only {fitting} connections" in log and f"up to {fitting} connections" in log, log
        with open(f"/proc/{server.process.pid}/limits") as limits:
            line = next(line for line in limits if line.startswith("Max open files"))
        assert line.split()[3:5] == ["600", "600"], line
    # Where the hard limit allows, the soft limit is raised just to what the connections need.
    script = ("import resource; from geoaid.serving.limits import ServingLimits, raise_open_file_limit as r; "
              "hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]; "
              "resource.setrlimit(resource.RLIMIT_NOFILE, (300, hard)); "
              "need = ServingLimits(max_request_bytes=1).open_files_needed(); "
              "print(need, r(need), resource.getrlimit(resource.RLIMIT_NOFILE)[0], r(100))")
    output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    need = ServingLimits(max_request_bytes=1).open_files_needed()
    assert output.stdout.split() == [str(need)] * 4, output   # and never lowered (r(100))


@pytest.mark.parametrize("open_files, connections", [(None, 1000), (100000, 1000), (2256, 1000), (2255, 999),
                                                      (600, 172), (300, 50)])
def test_connections_fit_the_open_file_limit(open_files, connections):
    assert ServingLimits(max_request_bytes=1).within_open_files(open_files).connection_limit == connections


@pytest.mark.parametrize("began, headers_done, body_bytes, now, expired", [
    (0, None, 0, 19.9, False), (0, None, 0, 20.1, True),           # headers: 20 s, whatever came
    (0, 5, 0, 34.9, False), (0, 5, 0, 35.1, True),                 # body: 30 s grace after the headers
    (0, 5, 10 * 1024, 44.9, False), (0, 5, 10 * 1024, 45.1, True),  # then 1 KiB a second
    (0, 5, 50 * 2**20, 3600, False),                               # a 50 MiB upload may take 14 h at 1 KiB/s
])
def test_request_deadlines(began, headers_done, body_bytes, now, expired):
    assert RequestDeadlines().expired(began, headers_done, body_bytes, now) is expired


@pytest.mark.parametrize("field, value", [("header_timeout", 0), ("body_timeout", -1), ("body_min_rate", float("nan")),
                                          ("header_timeout", float("inf"))])
def test_deadlines_must_be_positive(field, value):
    with pytest.raises(ValueError, match=field.replace("_", " ")):
        RequestDeadlines(**{field: value})


def test_serve_refuses_meaningless_limits(demo_workspace_path):
    for option, value in (("--header-timeout", "0"), ("--connection-limit", "0"), ("--threads", "-2")):
        result = subprocess.run([sys.executable, "-m", "geoaid", "serve", "--production", "--workspace",
                                 str(demo_workspace_path), "--port", "1", option, value],
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 2 and "must be" in result.stderr and "Traceback" not in result.stderr, result
