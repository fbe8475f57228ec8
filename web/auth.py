"""Sign-in, roles, CSRF protection and the sign-in rate limit.

Public visitors (no account) see maps, donor views, the API and exports.
Planners and admins sign in (accounts: :mod:`geoaid.store.accounts`). Libraries do
the security work: Flask-Login (sessions), Flask-WTF (CSRF token on every
form: every POST without a valid token is refused), Flask-Limiter (sign-in
attempts per client address, counted across every server process of the workspace:
:mod:`geoaid.store.rate_limits`), argon2-cffi (password hashes).

The session cookie is signed with a key that is never in the repository
(``$GEOAID_SECRET_KEY``, else a key generated beside the workspace), is
HttpOnly and SameSite=Lax, and Secure unless the app is told it serves the
loopback address only (``LOOPBACK_ONLY=True``, or ``SESSION_COOKIE_SECURE=False``
as ``geoaid serve`` passes on 127.0.0.1): ``create_app()`` alone, the
gunicorn path, always sets Secure cookies.

The cookie carries only a random session id; the sign-in itself is a record
on the server (:mod:`geoaid.store.sessions`), deleted at sign-out, ending at a
fixed time, tied to the account's epoch and to the browser's User-Agent.
"""

from __future__ import annotations

from datetime import timedelta
from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError, CSRFProtect

from geoaid.store import rate_limits
from geoaid.store.accounts import Account, AccountStore, secret_key
from geoaid.store.sessions import SessionStore
from web.errors import respond
from web.i18n import t

bp = Blueprint("auth", __name__)
LOGIN_LIMIT = "5 per minute; 30 per hour"


class User(UserMixin):
    """A signed-in account and the id of its server-side session record."""

    def __init__(self, account: Account, session_id: str):
        self.account = account
        self.session_id = session_id
        self.name = account.name
        self.role = account.role

    def get_id(self) -> str:
        return self.session_id

    def may(self, role: str) -> bool:
        return self.account.may(role)


def accounts() -> AccountStore:
    return AccountStore.for_workspace(current_app.config["WORKSPACE"])


def sessions() -> SessionStore:
    return SessionStore.for_workspace(current_app.config["WORKSPACE"])


def user_name() -> str:
    """Who is acting, for the audit log."""
    return current_user.name if current_user.is_authenticated else "public"


def require(role: str):
    """Allow a view to accounts with at least ``role``: others get 401 (sign in) or 403."""
    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                if request.method == "GET":
                    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
                abort(401, description=t("sign_in_required"))
            if not current_user.may(role):
                abort(403, description=t("forbidden_role").format(role=t(f"role_{role}")))
            return view(*args, **kwargs)
        return guarded
    return decorate


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an absolute URL an attacker chose."""
    parts = urlsplit(target or "")
    if not target or parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("manage.index")
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        account = accounts().authenticate(request.form.get("name", ""), request.form.get("password", ""))
        if account is not None:
            session.clear()          # a new session on sign-in (no session fixation)
            session_id = sessions().open(account, request.user_agent.string,
                                         current_app.config["PERMANENT_SESSION_LIFETIME"])
            login_user(User(account, session_id))
            session.permanent = True
            return redirect(_safe_next(request.args.get("next")))
        error = t("login_failed")
    return render_template("login.html", error=error, next=request.args.get("next", "")), (
        401 if error else 200)


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        sessions().close(current_user.session_id)     # a replayed copy of the cookie is refused
    logout_user()
    session.clear()
    return redirect(url_for("pages.home"))


def init_app(app) -> None:
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret_key(app.config["WORKSPACE"])
    if app.config.get("SESSION_COOKIE_SECURE") is None:       # not set by the caller
        app.config["SESSION_COOKIE_SECURE"] = not app.config.get("LOOPBACK_ONLY", False)
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=app.config["SESSION_COOKIE_SECURE"],
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
    )
    @app.before_request
    def refuse_oversized_body():
        # Before the CSRF check reads the form: a body over the limit is refused
        # from its Content-Length, unread.
        limit = app.config.get("MAX_CONTENT_LENGTH")
        if limit and (request.content_length or 0) > limit:
            abort(413)

    CSRFProtect(app)
    manager = LoginManager(app)
    manager.session_protection = "strong"

    @manager.user_loader
    def load_user(session_id: str):
        account = sessions().account(session_id, request.user_agent.string)
        return User(account, session_id) if account else None

    # The counters live with the workspace's accounts, so every server process of
    # this workspace counts together and a restart does not reset them.
    limiter = Limiter(get_remote_address, app=app, default_limits=[],
                      storage_uri=app.config.get("RATELIMIT_STORAGE_URI")
                      or rate_limits.storage_uri(app.config["WORKSPACE"]))
    app.view_functions["auth.login"] = limiter.limit(LOGIN_LIMIT, methods=["POST"])(
        app.view_functions["auth.login"])

    @app.errorhandler(CSRFError)
    def csrf_refused(exc):
        return respond(400, t("csrf_refused"))

    @app.errorhandler(429)
    def too_many(exc):
        return respond(429, t("too_many_attempts"))
