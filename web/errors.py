"""Error pages and JSON errors: clear messages, never a stack trace.

API routes (``/api/…``) answer ``{"error": message}``; pages render the
error template. Unexpected exceptions are logged server-side with their
traceback and shown to the user as a plain 500 message.
"""

from __future__ import annotations

import logging

from flask import jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from geoaid.donors import UnknownDonor
from geoaid.print_service import PrintBusy
from geoaid.workspace import WorkspaceError

log = logging.getLogger(__name__)


class BadParameter(ValueError):
    """A query parameter the user got wrong; becomes a 400 with this message."""


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def respond(status: int, message: str, suggestions: list[str] | None = None):
    if _wants_json():
        body = {"error": message}
        if suggestions:
            body["suggestions"] = suggestions
        return jsonify(body), status
    return render_template("error.html", status=status, message=message,
                           suggestions=suggestions or []), status


def register(app) -> None:
    @app.errorhandler(BadParameter)
    def bad_parameter(exc):
        return respond(400, str(exc))

    @app.errorhandler(UnknownDonor)
    def unknown_donor(exc):
        return respond(404, str(exc), exc.suggestions)

    @app.errorhandler(WorkspaceError)
    def no_workspace(exc):
        log.error("workspace unavailable: %s", exc)
        return respond(503, str(exc))

    @app.errorhandler(PrintBusy)
    def print_busy(exc):
        from web.i18n import t

        body, status = respond(503, t("print_busy").format(seconds=exc.retry_after))
        return body, status, {"Retry-After": str(exc.retry_after)}

    @app.errorhandler(413)
    def too_large(exc):
        from web.i18n import t

        limit = app.config["UPLOAD_MAX_BYTES"] // 2**20
        return respond(413, t("upload_too_large").format(mb=limit))

    @app.errorhandler(HTTPException)
    def http_error(exc):
        return respond(exc.code or 500, exc.description or exc.name)

    @app.errorhandler(Exception)
    def unexpected(exc):
        log.exception("unhandled error on %s", request.path)
        return respond(500, "Internal server error. It has been logged.")
