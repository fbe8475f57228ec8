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
    app = Flask(__name__)
    app.config.update(
        WORKSPACE=str(resolve_workspace(workspace_path)),
        ASSET_MAX_AGE=7 * 24 * 3600,
        API_MAX_AGE=300,
        JSON_SORT_KEYS=False,
    )
    app.json.ensure_ascii = False  # Vietnamese stays readable in JSON
    if config:
        app.config.update(config)
    app.extensions["geoaid_workspace"] = Workspace(app.config["WORKSPACE"])

    from web import api, errors, i18n, pages, vendor

    vendor.check_installed()
    app.register_blueprint(vendor.bp)
    app.register_blueprint(api.bp, url_prefix="/api/v1")
    app.register_blueprint(pages.bp)
    errors.register(app)
    i18n.register(app)
    logging.getLogger(__name__).info("geoaid serving workspace %s", app.config["WORKSPACE"])
    return app


def workspace() -> Workspace:
    """The workspace of the current app."""
    from flask import current_app

    return current_app.extensions["geoaid_workspace"]
