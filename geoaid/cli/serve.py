"""``geoaid serve``: run the web app on the chosen workspace."""

from __future__ import annotations

import argparse
import os
import sys

from geoaid.cli import add_workspace_option, workspace_from
from geoaid.serving.limits import (
    RequestDeadlines,
    ServingLimits,
    raise_open_file_limit,
    request_limit_bytes,
    upload_limit_bytes,
)
from geoaid.store.accounts import AccountStore


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "serve", help="serve the web app (maps, donor and planner views, API)",
        description="Serve the geoaid web app. Development server by default; --production uses "
                    "waitress with connection limits and request deadlines (printed at start), "
                    "in --workers processes. "
                    "Another WSGI server works too: gunicorn 'web:create_app()' with "
                    "GEOAID_WORKSPACE set. Uploads are limited by GEOAID_UPLOAD_MAX_MB (default 50).")
    add_workspace_option(parser)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=5000, help="port (default 5000)")
    parser.add_argument("--production", action="store_true",
                        help="serve with waitress (multi-threaded WSGI server) instead of Flask's")
    parser.add_argument("--workers", type=positive_int, default=1,
                        help="--production: server processes sharing the port, each with its own threads "
                             "(default 1; about one per core)")
    parser.add_argument("--threads", type=int, default=ServingLimits.threads,
                        help=f"waitress threads (default {ServingLimits.threads})")
    parser.add_argument("--connection-limit", type=int, default=ServingLimits.connection_limit,
                        help="waitress: most connections open at once; the open-file limit is raised to "
                             f"fit when allowed (default {ServingLimits.connection_limit})")
    parser.add_argument("--header-timeout", type=float, default=RequestDeadlines.header_timeout,
                        help="waitress: seconds a request's headers may take to arrive "
                             f"(default {RequestDeadlines.header_timeout:g})")
    parser.add_argument("--body-timeout", type=float, default=RequestDeadlines.body_timeout,
                        help="waitress: seconds of grace for a request body, after which it must "
                             f"average {RequestDeadlines.body_min_rate / 1024:g} KiB/s "
                             f"(default {RequestDeadlines.body_timeout:g})")
    parser.set_defaults(func=run)


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def run(args) -> int:
    from web import create_app  # Flask stays out of geoaid's import path

    workspace = workspace_from(args).require()
    if args.workers > 1 and not args.production:
        print("geoaid: --workers needs --production", file=sys.stderr)
        return 2
    if args.workers > 1 and not hasattr(os, "fork"):
        print("geoaid: --workers needs a POSIX system (fork); use one worker here", file=sys.stderr)
        return 2
    # Session cookies travel only over HTTPS once the app is reachable from
    # other machines (behind a TLS proxy); on 127.0.0.1 plain HTTP is fine.
    loopback = args.host in ("127.0.0.1", "localhost", "::1")
    config = {"SESSION_COOKIE_SECURE": not loopback}
    if args.production:  # print maps may hold at most half of waitress's threads: the rest serve pages
        config["PRINT_MAX_WAITING"] = max(0, args.threads // 2 - 1)
    # Several workers each build their own app after the fork: none shares the parent's open files.
    app = create_app(workspace.location, config) if args.workers == 1 else None
    limits = ServingLimits(max_request_bytes=request_limit_bytes(upload_limit_bytes()), threads=args.threads,
                           connection_limit=args.connection_limit,
                           deadlines=RequestDeadlines(header_timeout=args.header_timeout,
                                                      body_timeout=args.body_timeout))
    print(f"geoaid: serving {workspace.display} on http://{args.host}:{args.port}/")
    if not AccountStore.for_workspace(workspace.location).list():
        print("geoaid: no planner accounts yet: maps are public, uploads need one. Create the first "
              f"admin with: geoaid user add NAME --role admin --workspace {workspace.display}")
    if not args.production:
        print(f"geoaid: development server: request bodies over {limits.max_request_bytes:,} bytes are "
              "refused; no connection limits or deadlines: use --production beyond this machine", flush=True)
        app.run(host=args.host, port=args.port, debug=False, use_reloader=False)
        return 0
    from geoaid.serving import channel as waitress_server  # waitress only for --production

    open_files = raise_open_file_limit(limits.open_files_needed())
    fitted = limits.within_open_files(open_files)
    if fitted.connection_limit < limits.connection_limit:
        print(f"geoaid: warning: the open-file limit ({open_files}) allows only "
              f"{fitted.connection_limit} connections; raise it (ulimit -n, systemd LimitNOFILE) "
              f"for {limits.connection_limit}")
    for line in fitted.describe(open_files):
        print(f"geoaid: {line}" + (" per worker" if args.workers > 1 and line.startswith("waitress") else ""))
    sys.stdout.flush()   # before the server loop: a service log shows the limits at once
    if args.workers == 1:
        waitress_server.serve(app, fitted, args.host, args.port)
        return 0
    from geoaid.serving import workers  # only for several processes

    def serve_worker(listeners) -> None:
        waitress_server.serve(create_app(workspace.location, config), fitted, args.host, args.port, listeners)

    print(f"geoaid: {args.workers} worker processes share the port; one that dies is replaced", flush=True)
    listeners = workers.bind_listeners(args.host, args.port)
    return workers.Supervisor(serve_worker, listeners, args.workers,
                              log=lambda line: print(f"geoaid: {line}", flush=True)).run()
