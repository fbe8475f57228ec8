"""Error pages and JSON errors: clear messages, never a stack trace, never a server path.

API routes (``/api/…``) answer ``{"error": message}``; pages render the
error template. Unexpected exceptions are logged server-side with their
traceback and shown to the user as a plain 500 message. Every message shown
(and every import report line, through the ``public`` template filter)
names files, not the server folders they are in: the workspace's folder,
the temporary folder and the app's own are cut from it (the log keeps them).
"""

from __future__ import annotations

import logging
import sys
import tempfile
from pathlib import Path

from flask import current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from geoaid.analysis.donor_names import UnknownDonor
from geoaid.output.print_service import PrintBusy
from geoaid.store.workspace import WorkspaceError
from geoaid.text.redact import hide_server_paths
from web.i18n import t

log = logging.getLogger(__name__)


class BadParameter(ValueError):
    """A query parameter the user got wrong; becomes a 400 with this message."""


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def public_text(message) -> str:
    """A message as users may read it: no folder of this server in it."""
    folders = (current_app.extensions["geoaid_workspace"].cache_dir, tempfile.gettempdir(),
               Path(__file__).resolve().parent.parent, sys.prefix)
    return hide_server_paths("" if message is None else str(message), folders)


def respond(status: int, message: str, suggestions: list[str] | None = None):
    message = public_text(message)
    if _wants_json():
        body = {"error": message}
        if suggestions:
            body["suggestions"] = suggestions
        return jsonify(body), status
    return render_template("error.html", status=status, message=message,
                           suggestions=suggestions or []), status


def register(app) -> None:
    app.jinja_env.filters["public"] = public_text

    @app.errorhandler(BadParameter)
    def bad_parameter(exc):
        return respond(400, str(exc))

    @app.errorhandler(UnknownDonor)
    def unknown_donor(exc):
        return respond(404, str(exc), exc.suggestions)

    @app.errorhandler(WorkspaceError)
    def no_workspace(exc):
        # The full message names server paths: it goes to the log, the visitor gets the public one.
        log.error("workspace unavailable: %s", exc)
        return respond(503, exc.public)

    @app.errorhandler(PrintBusy)
    def print_busy(exc):
        body, status = respond(503, t("print_busy").format(seconds=exc.retry_after))
        return body, status, {"Retry-After": str(exc.retry_after)}

    @app.errorhandler(413)
    def too_large(exc):
        limit = app.config["UPLOAD_MAX_BYTES"] // 2**20
        return respond(413, t("upload_too_large").format(mb=limit))

    @app.errorhandler(HTTPException)
    def http_error(exc):
        return respond(exc.code or 500, exc.description or exc.name)

    @app.errorhandler(Exception)
    def unexpected(exc):
        log.exception("unhandled error on %s", request.path)
        return respond(500, "Internal server error. It has been logged.")
