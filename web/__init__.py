"""geoaid's Flask app: thin views over the geoaid library.

``create_app`` is the app factory (Flask tutorial style). The app is
configured by the workspace path only; views parse requests, call
``geoaid``, and render. Run it with ``geoaid serve`` or, in production,
``gunicorn 'web:create_app()'`` (the workspace comes from GEOAID_WORKSPACE).
"""

from __future__ import annotations

import logging
import os

from flask import Flask

from geoaid.config import resolve_workspace
from geoaid.print_process import DrawingProcess
from geoaid.print_service import DEFAULT_MAX_WAITING, PrintService
from geoaid.workspace import Workspace


def create_app(workspace_path: str | os.PathLike | None = None, config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(
        WORKSPACE=str(resolve_workspace(workspace_path)),
        ASSET_MAX_AGE=7 * 24 * 3600,
        API_MAX_AGE=300,
        JSON_SORT_KEYS=False,
        # Uploads: the file limit (GEOAID_UPLOAD_MAX_MB, default 50 MB) and a
        # request limit a little above it for the form fields; Werkzeug refuses
        # a bigger request from its Content-Length before reading the body.
        UPLOAD_MAX_BYTES=int(float(os.environ.get("GEOAID_UPLOAD_MAX_MB", "50")) * 2**20),
    )
    app.json.ensure_ascii = False  # Vietnamese stays readable in JSON
    if config:
        app.config.update(config)
    app.config.setdefault("MAX_CONTENT_LENGTH", app.config["UPLOAD_MAX_BYTES"] + 2**20)
    app.extensions["geoaid_workspace"] = Workspace(app.config["WORKSPACE"])
    # Print maps: cached per workspace version, drawn one at a time by a drawing process, bounded queue.
    app.config.setdefault("PRINT_CACHE_MB", float(os.environ.get("GEOAID_PRINT_CACHE_MB", "64")))
    app.config.setdefault("PRINT_MAX_WAITING", DEFAULT_MAX_WAITING)
    app.config.setdefault("PRINT_SEPARATE_PROCESS", True)
    app.extensions["geoaid_print"] = PrintService(
        int(app.config["PRINT_CACHE_MB"] * 2**20), max_waiting=app.config["PRINT_MAX_WAITING"],
        process=DrawingProcess() if app.config["PRINT_SEPARATE_PROCESS"] else None)

    from web import api, auth, errors, i18n, manage, pages, vendor

    vendor.check_installed()
    app.register_blueprint(vendor.bp)
    app.register_blueprint(api.bp, url_prefix="/api/v1")
    app.register_blueprint(pages.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(manage.bp)
    i18n.register(app)      # first: the language of every page, error pages included
    auth.init_app(app)
    errors.register(app)
    logging.getLogger(__name__).info("geoaid serving workspace %s", app.config["WORKSPACE"])
    return app


def workspace() -> Workspace:
    """The workspace of the current app."""
    from flask import current_app

    return current_app.extensions["geoaid_workspace"]
