"""Planner and admin pages: uploads (preview, then confirm), settings, audit log, accounts.

Every route here changes data or shows who did, so every one is guarded by
a role (:func:`web.auth.require`) and every POST carries a CSRF token.
Views parse the form, call :mod:`geoaid.imports.uploads` / :mod:`geoaid.store.accounts` /
:mod:`geoaid.store.settings`, and render; uploads follow the CLI's rules exactly
because they run the same importers, and their form fields are the importers'
declared options, checked by the same function as the CLI's flags.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for

from geoaid.imports import registry, uploads
from geoaid.imports.base import Importer, Option, OptionError, option_values
from geoaid.imports.classifications import KNOWN_SCHEMES
from geoaid.imports.safezip import Limits
from geoaid.store import schema
from geoaid.store.accounts import ROLES, AccountError, add_account, change_password, change_role, remove_account
from geoaid.store.settings import DEFAULTS, change_setting
from geoaid.text.values import parse_number
from web.auth import accounts, current_user, require, user_name
from web.context import workspace
from web.errors import public_text
from web.i18n import t

bp = Blueprint("manage", __name__)


def _staging() -> uploads.Staging:
    return uploads.Staging(workspace().staging_dir)


def _limits() -> Limits:
    return Limits(max_file_bytes=current_app.config["UPLOAD_MAX_BYTES"])


def _words(key: str, fallback: str | None = None) -> str:
    """The catalog's words for ``key``; text that is no catalog key is shown as it is."""
    text = t(key)
    return fallback if text == key and fallback else text


def _options(importer: Importer) -> dict:
    """The importer's option values from the form, checked as the CLI checks them."""
    try:
        return option_values(importer, request.form, web=True)
    except OptionError as exc:
        raise ValueError(t(exc.words)) from None


def _field(option: Option) -> dict:
    """One form field of an importer option, in words of the page's language."""
    label = _words(option.label or option.name, option.help)
    choices = option.web_choices or option.choices
    return {"name": option.name, "bool": option.type is bool, "label": label,
            "placeholder": f"{label} ({option.example})" if option.example else label,
            "choices": [(value, _words(option.choice_labels[value]) if value in option.choice_labels
                         else value) for value in choices],
            "default": option.default, "required": option.required, "group": option.group}


def _form(importer: Importer) -> dict:
    """An importer's upload form: the accepted files, then its options grouped as declared."""
    sections: list[dict] = []
    for option in importer.web_options:
        if option.group and sections and sections[-1]["group"] == option.group:
            sections[-1]["fields"].append(_field(option))
        else:
            sections.append({"group": option.group, "fields": [_field(option)],
                             "title": _words(f"{option.group}_optional") if option.group else ""})
    return {"key": importer.key, "title": _words(f"kind_{importer.key}", importer.label),
            "extensions": importer.uploads, "csv": ".csv" in importer.uploads, "sections": sections}


def _index_context(**extra) -> dict:
    return {"forms": [_form(importer) for importer in registry.importers()],
            "limit_mb": current_app.config["UPLOAD_MAX_BYTES"] // 2**20, **extra}


@bp.route("/manage")
@require("planner")
def index():
    return render_template("manage.html", **_index_context())


@bp.route("/manage/import/<kind>", methods=["POST"])
@require("planner")
def upload(kind: str):
    if kind not in registry.IMPORTERS:
        abort(404)
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        return render_template("manage.html", **_index_context(error=t("no_file"), kind=kind)), 400
    staging = _staging()
    try:
        staged = staging.put(sent.stream, kind, sent.filename, user_name(), _options(registry.get(kind)),
                             _limits(), encoding=request.form.get("encoding", "utf-8"))
        prepared = uploads.preview(workspace(), staging, staged)   # a failed preview removes the file
    except ValueError as exc:        # a refused file (UnsafeFileError), or e.g. a period written wrongly
        return render_template("manage.html", **_index_context(
            error=public_text(f"{uploads.display_name(sent.filename)}: {exc}"), kind=kind)), 400
    return _preview_page(staged, prepared)


def _preview_page(staged: uploads.Staged, prepared):
    """The preview: report, columns with the field each was read as (a select to correct it), sample rows.
    Nothing importable: the report says why, and only the column mapping (if any) is left to change."""
    importer = registry.get(staged.kind)
    return render_template("import_preview.html", staged=staged, prepared=prepared, report=prepared.report,
                           kind_title=_kind_title(staged.kind), refused=not prepared.importable,
                           fields=importer.mappable_fields,
                           columns=uploads.mapping_columns(prepared),
                           sample=importer.sample(prepared, workspace()) if prepared.importable else []), \
        200 if prepared.importable else 422


@bp.route("/manage/import/columns", methods=["POST"])
@require("planner")
def remap():
    """The preview again with the columns read as the planner chose; nothing is written."""
    staged = _staged_or_404()
    names, chosen = request.form.getlist("column_name"), request.form.getlist("column_field")
    try:
        staged = _staging().remap(staged, [(name, fieldname) for name, fieldname in zip(names, chosen)
                                           if fieldname])
    except ValueError as exc:
        abort(400, description=public_text(str(exc)))
    return _preview_page(staged, uploads.prepare(workspace(), staged))


def _kind_title(kind: str) -> str:
    return _words(f"kind_{kind}", registry.get(kind).label)


def _staged_or_404():
    try:
        return _staging().get(request.form.get("token", ""), user_name())
    except KeyError:
        abort(404, description=t("upload_gone"))


@bp.route("/manage/import/confirm", methods=["POST"])
@require("planner")
def confirm():
    staged = _staged_or_404()
    # Prepared again: the workspace may have changed since the preview.
    prepared = uploads.prepare(workspace(), staged)
    report = uploads.commit(workspace(), staged, prepared, user_name(),
                            keep_valid=request.form.get("keep_valid") == "on")
    if report.written:
        _staging().discard(staged)
    return render_template("import_result.html", staged=staged, report=report, prepared=prepared,
                           kind_title=_kind_title(staged.kind)), 200 if report.written else 422


@bp.route("/manage/import/discard", methods=["POST"])
@require("planner")
def discard():
    _staging().discard(_staged_or_404())
    return redirect(url_for("manage.index"))


def _number(name: str) -> float:
    raw = request.form.get(name, "")
    try:
        value = parse_number(raw)
    except ValueError:
        raise ValueError(t("not_a_number").format(value=raw)) from None
    return int(value) if value.is_integer() else value


def _setting_from_form(key: str, current):
    """A setting's new value from its form: one field per currency or scheme, Vietnamese numbers."""
    form = request.form
    if key == "exchange_rates_vnd":
        rates = {"VND": 1}
        for code in current:
            if code != "VND" and form.get(f"rate_{code}", "").strip():  # an emptied rate removes it
                rates[code] = _number(f"rate_{code}")
        new_code = form.get("new_code", "").strip().upper()
        if new_code:
            rates[new_code] = _number("new_rate")
        return rates
    if key == "priority_weights":
        return {scheme: _number(f"weight_{scheme}") for scheme in current}
    if key in ("gap_reference_vnd", "gap_area_weight", "gap_reference_vnd_per_person"):
        return _number("value")
    return form.get("value", "")


@bp.route("/manage/settings", methods=["GET", "POST"])
@require("planner")
def settings():
    error, status = None, 200
    current = workspace().settings()
    if request.method == "POST":
        key = request.form.get("key", "")
        try:
            if key not in DEFAULTS:
                raise ValueError(t("bad_option"))
            change_setting(workspace(), user_name(), key, _setting_from_form(key, current[key]))
            return redirect(url_for("manage.settings"))
        except ValueError as exc:
            error, status = f"{key}: {exc}", 400
    labels = {key: spec[2] for key, spec in KNOWN_SCHEMES.items()}
    return render_template("manage_settings.html", settings=current, error=error,
                           scheme_labels=labels), status


@bp.route("/manage/audit")
@require("planner")
def audit():
    log = workspace().read(schema.AUDIT_LOG).iloc[::-1].head(500)
    return render_template("manage_audit.html", rows=log.to_dict("records"))


@bp.route("/manage/users", methods=["GET", "POST"])
@require("admin")
def users():
    error, status = None, 200
    if request.method == "POST":
        action, name = request.form.get("action", ""), request.form.get("name", "")
        form, by = request.form, user_name()
        try:
            if action == "add":
                add_account(workspace(), by, name, form.get("password", ""), form.get("role", ""))
            elif action == "role":
                change_role(workspace(), by, name, form.get("role", ""))
            elif action == "password":
                change_password(workspace(), by, name, form.get("password", ""))
            elif action == "remove":
                if name == current_user.name:
                    raise AccountError(t("cannot_remove_self"))
                remove_account(workspace(), by, name)
            else:
                raise AccountError(t("bad_option"))
            return redirect(url_for("manage.users"))
        except AccountError as exc:
            error, status = str(exc), 400
    return render_template("manage_users.html", accounts=accounts().list(), roles=ROLES,
                           error=error), status
