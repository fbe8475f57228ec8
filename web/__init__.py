"""geoaid's Flask app: thin views over the geoaid library.

``create_app`` is the app factory (Flask tutorial style). The app is
configured by the workspace location only (a GeoPackage path or a
``postgresql://`` database, opened by geoaid.store.opener); views parse
requests, call ``geoaid``, and render. Run it with ``geoaid serve`` or, in
production, ``gunicorn 'web:create_app()'`` (the workspace comes from
GEOAID_WORKSPACE; on PostGIS, every worker shares data, accounts and sign-ins).
"""

from __future__ import annotations

import logging
import os

from flask import Flask

from geoaid.output.print_process import DrawingProcess
from geoaid.output.print_service import DEFAULT_MAX_WAITING, PrintService
from geoaid.serving.limits import request_limit_bytes, upload_limit_bytes
from geoaid.store.base import WorkspaceBase
from geoaid.store.config import resolve_workspace
from geoaid.store.opener import open_workspace
from geoaid.store.temp_copies import clean_if_no_writer
from geoaid.store.workspace import Workspace
from web import (
    api,
    api_money,  # noqa: F401  (importing it hangs the money and donor routes on api.bp)
    auth,
    documents,  # noqa: F401  (importing it hangs the brief and plan annex downloads on pages.bp)
    errors,
    i18n,
    manage,
    pages,
    scenarios,
    security,
    tiles,
    vendor,
)
from web.query import PathFirstRequest


def create_app(workspace_path: str | os.PathLike | None = None, config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.request_class = PathFirstRequest   # a path variable repeated in the query string is ignored
    app.config.update(
        WORKSPACE=str(resolve_workspace(workspace_path)),
        ASSET_MAX_AGE=7 * 24 * 3600,
        API_MAX_AGE=300,
        JSON_SORT_KEYS=False,
        # Secure session cookies unless the caller sets SESSION_COOKIE_SECURE or
        # says the app serves the loopback address only (LOOPBACK_ONLY): web/auth.py.
        SESSION_COOKIE_SECURE=None,
        LOOPBACK_ONLY=False,
        # Uploads: the file limit (GEOAID_UPLOAD_MAX_MB, default 50 MB); the
        # request limit below follows it (geoaid.serving.limits, which also gives it to
        # waitress).
        UPLOAD_MAX_BYTES=upload_limit_bytes(),
    )
    app.json.ensure_ascii = False  # Vietnamese stays readable in JSON
    if config:
        app.config.update(config)
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        # Flask's defaults hold MAX_CONTENT_LENGTH = None, so setdefault() would
        # leave requests unlimited. With a limit, Werkzeug refuses a larger
        # request from its Content-Length before reading the body, and cuts a
        # body without one off at the limit.
        app.config["MAX_CONTENT_LENGTH"] = request_limit_bytes(app.config["UPLOAD_MAX_BYTES"])
    app.extensions["geoaid_workspace"] = ws = open_workspace(app.config["WORKSPACE"])
    _check_workspace_at_start(ws)
    # Print maps: cached per workspace version, drawn one at a time by a drawing process, bounded queue.
    app.config.setdefault("PRINT_CACHE_MB", float(os.environ.get("GEOAID_PRINT_CACHE_MB", "64")))
    app.config.setdefault("PRINT_MAX_WAITING", DEFAULT_MAX_WAITING)
    app.config.setdefault("PRINT_SEPARATE_PROCESS", True)
    app.extensions["geoaid_print"] = PrintService(
        int(app.config["PRINT_CACHE_MB"] * 2**20), max_waiting=app.config["PRINT_MAX_WAITING"],
        process=DrawingProcess() if app.config["PRINT_SEPARATE_PROCESS"] else None)

    vendor.check_installed()
    app.register_blueprint(vendor.bp)
    app.register_blueprint(api.bp, url_prefix="/api/v1")
    app.register_blueprint(pages.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(manage.bp)
    app.register_blueprint(scenarios.bp)
    app.register_blueprint(tiles.bp)
    i18n.register(app)      # first: the language of every page, error pages included
    auth.init_app(app)
    errors.register(app)
    security.register(app)  # headers on every response, error pages included
    logging.getLogger(__name__).info("geoaid serving workspace %s", ws.display)
    return app


def _check_workspace_at_start(ws: WorkspaceBase) -> None:
    """Refuse to start on a damaged workspace (it would answer every page with an error), and
    remove the temporary copies of writers that were killed, unless a writer is running now."""
    removed = clean_if_no_writer(ws.path) if isinstance(ws, Workspace) else []
    if removed:
        logging.getLogger(__name__).warning("removed %d temporary file(s) left by interrupted writes: %s",
                                            len(removed), ", ".join(p.name for p in removed))
    if ws.exists():     # a missing one is reported on every page until it is built
        ws.require()
