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
from geoaid.workspace import Workspace


def create_app(workspace_path: str | os.PathLike | None = None, config: dict | None = None) -> Flask:
    from web.query import PathFirstRequest

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

    from web import api, auth, errors, i18n, manage, pages, security, vendor

    vendor.check_installed()
    app.register_blueprint(vendor.bp)
    app.register_blueprint(api.bp, url_prefix="/api/v1")
    app.register_blueprint(pages.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(manage.bp)
    i18n.register(app)      # first: the language of every page, error pages included
    auth.init_app(app)
    errors.register(app)
    security.register(app)  # headers on every response, error pages included
    logging.getLogger(__name__).info("geoaid serving workspace %s", app.config["WORKSPACE"])
    return app


def workspace() -> Workspace:
    """The workspace of the current app."""
    from flask import current_app

    return current_app.extensions["geoaid_workspace"]
