"""waitress with geoaid's serving limits (:mod:`geoaid.serving.limits`), plus two things it has no setting for.

* **A deadline for each request to arrive.** waitress closes a connection only
  after ``channel_timeout`` seconds without a byte. Its channel is subclassed
  here to close one whose request misses the deadlines of
  :class:`geoaid.serving.limits.RequestDeadlines`, through the hooks
  ``HTTPChannel.received`` (bytes added to the request being parsed) and
  ``HTTPChannel.readable`` (asked by the event loop on every pass, at least
  once a second).
* **The app's own page for a request refused as too large.** waitress refuses
  a body over ``max_request_body_size`` before reading it, with a plain-text
  413; here the app answers instead, from the request's headers alone, in the
  user's language (``HTTPChannel.error_task_class``). Nor does it invite the
  body with "100 Continue" first (``HTTPChannel.send_continue``).

``tests/test_server_limits.py`` and ``tests/test_server_body_limits.py`` check them against
the pinned waitress.
"""

from __future__ import annotations

import io
import logging
import time

from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.server import MultiSocketServer, TcpWSGIServer
from waitress.task import ErrorTask, ThreadedTaskDispatcher, WSGITask
from waitress.utilities import RequestEntityTooLarge

from geoaid.serving.limits import ServingLimits


class TooLargeTask(WSGITask):
    """A request waitress refused for its size, answered by the app from its headers alone.

    The app sees no body and a Content-Length over its limit (the two limits
    agree: ServingLimits.waitress_settings), so it refuses with its own 413 page."""

    def get_environment(self):
        environ = super().get_environment()
        request = self.request
        environ["wsgi.input"] = io.BytesIO()
        # A chunked body has no Content-Length: what arrived of it is already over the limit.
        environ["CONTENT_LENGTH"] = str(max(request.content_length, request.body_bytes_received))
        return environ

    def build_response_header(self):
        # The rest of the body is never read, so the connection cannot carry another request.
        self.set_close_on_finish()
        return super().build_response_header()


def error_task(channel, request):
    task_class = TooLargeTask if isinstance(request.error, RequestEntityTooLarge) else ErrorTask
    return task_class(channel, request)


class DeadlineChannel(HTTPChannel):
    """A connection that is closed when its current request arrives too slowly."""

    error_task_class = staticmethod(error_task)

    request_began = 0.0   # time.monotonic() of the current request's first byte
    headers_done = None   # time.monotonic() when its headers were complete; None until then

    def received(self, data):
        pending = self.request
        result = super().received(data)
        request = self.request   # None once every byte so far belongs to complete requests
        if request is not None:
            now = time.monotonic()
            if request is not pending:
                self.request_began, self.headers_done = now, None
            if request.headers_finished and self.headers_done is None:
                self.headers_done = now
        return result

    def send_continue(self):
        # waitress would invite the body of a request it has already refused for
        # its size, and reopen the request to read that body up to the limit:
        # a client that asked "Expect: 100-continue" gets the refusal instead.
        if self.request.error is not None:
            self.request.expect_continue = False
            return
        super().send_continue()

    def readable(self):
        request = self.request
        # Only while nothing is being served on this connection: a request queued
        # behind a running one waits for the server, not for its client.
        if (request is not None and not self.requests and not self.will_close
                and self.server.deadlines.expired(self.request_began, self.headers_done,
                                                  request.body_bytes_received, time.monotonic())):
            # writable() is true from now on, so the loop closes the connection
            # on this pass, as waitress's own idle timeout does.
            self.will_close = True
            return False
        return super().readable()


class DeadlineServer(TcpWSGIServer):
    channel_class = DeadlineChannel

    def __init__(self, application, *, deadlines, **kwargs):
        self.deadlines = deadlines
        super().__init__(application, **kwargs)


def create_server(app, limits: ServingLimits, host: str, port: int, listeners=None):
    """A waitress server for ``app`` on ``host:port`` with ``limits``: waitress's own
    create_server for TCP addresses, with the deadline server. ``listeners``: sockets
    already bound to that address (by geoaid.serving.workers), used instead of binding."""
    address = {"sockets": listeners} if listeners else {"host": host, "port": port}
    adjustments = Adjustments(**address, **limits.waitress_settings())
    dispatcher = ThreadedTaskDispatcher()
    dispatcher.set_thread_count(adjustments.threads)
    socket_map: dict = {}
    # A host name can resolve to several addresses (localhost: 127.0.0.1 and ::1).
    bound = [{"_sock": sock, "bind_socket": False,
              "sockinfo": (sock.family, sock.type, sock.proto, sock.getsockname())} for sock in listeners or ()]
    servers = [DeadlineServer(app, map=socket_map, dispatcher=dispatcher, adj=adjustments,
                              deadlines=limits.deadlines, **where)
               for where in bound or [{"sockinfo": sockinfo} for sockinfo in adjustments.listen]]
    if len(servers) == 1:
        return servers[0]
    return MultiSocketServer(socket_map, adjustments,
                             [(server.effective_host, server.effective_port) for server in servers],
                             dispatcher, servers[-1].log_info)


def serve(app, limits: ServingLimits, host: str, port: int, listeners=None) -> None:
    """Serve until interrupted (what waitress.serve does, with these limits)."""
    logging.basicConfig()   # waitress logs its warnings (connection limit reached…) through logging
    server = create_server(app, limits, host, port, listeners)
    server.print_listen("Serving on http://{}:{}")
    server.run()
