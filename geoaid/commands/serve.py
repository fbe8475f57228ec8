"""``geoaid serve``: run the web app on the chosen workspace."""

from __future__ import annotations

from geoaid.cli import add_workspace_option, workspace_from


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "serve", help="serve the web app (maps, donor and planner views, API)",
        description="Serve the geoaid web app. Development server by default; --production uses "
                    "waitress. Another WSGI server works too: gunicorn 'web:create_app()' with "
                    "GEOAID_WORKSPACE set.")
    add_workspace_option(parser)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=5000, help="port (default 5000)")
    parser.add_argument("--production", action="store_true",
                        help="serve with waitress (multi-threaded WSGI server) instead of Flask's")
    parser.add_argument("--threads", type=int, default=8, help="waitress threads (default 8)")
    parser.set_defaults(func=run)


def run(args) -> int:
    from web import create_app  # Flask stays out of geoaid's import path

    workspace = workspace_from(args).require()
    # Session cookies travel only over HTTPS once the app is reachable from
    # other machines (behind a TLS proxy); on 127.0.0.1 plain HTTP is fine.
    loopback = args.host in ("127.0.0.1", "localhost", "::1")
    config = {"SESSION_COOKIE_SECURE": not loopback}
    if args.production:  # print maps may hold at most half of waitress's threads: the rest serve pages
        config["PRINT_MAX_WAITING"] = max(0, args.threads // 2 - 1)
    app = create_app(workspace.path, config)
    print(f"geoaid: serving {workspace.path} on http://{args.host}:{args.port}/")
    from geoaid.accounts import AccountStore

    if not AccountStore.for_workspace(workspace.path).list():
        print("geoaid: no planner accounts yet: maps are public, uploads need one. Create the first "
              f"admin with: geoaid user add NAME --role admin --workspace {workspace.path}")
    if args.production:
        from waitress import serve

        serve(app, host=args.host, port=args.port, threads=args.threads)
    else:
        app.run(host=args.host, port=args.port, debug=False, use_reloader=False)
    return 0
