"""The web app's language: which one a request gets, and its words from geoaid's catalog.

The words are geoaid/locale/<lang>/LC_MESSAGES/geoaid.po (geoaid.text.catalog),
shared with print maps and exports. The language comes from ``?lang=vi|en``
(remembered in a cookie), else the cookie, else the browser's Accept-Language,
else Vietnamese: the planners who use geoaid most work in Vietnamese.
Templates call ``t("key")``.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import g, request, url_for

from geoaid.analysis.sectors import BY_KEY, SECTORS
from geoaid.text import catalog

DEFAULT = catalog.DEFAULT


def current_language() -> str:
    return getattr(g, "lang", DEFAULT)


def t(key: str, **values) -> str:
    """A catalog text in the request's language, e.g. ``t("rows_valid", valid=3, total=4)``."""
    return catalog.text(key, current_language(), **values)


def _choose_language() -> None:
    asked = request.args.get("lang")
    if asked in catalog.languages():
        g.lang, g.remember_lang = asked, True
        return
    cookie = request.cookies.get("lang")
    if cookie in catalog.languages():
        g.lang = cookie
        return
    best = request.accept_languages.best_match(catalog.languages())
    g.lang = best or DEFAULT


def _remember(response):
    # API responses are public and cached: they never set cookies (?lang= there only words legends).
    if getattr(g, "remember_lang", False) and not request.path.startswith("/api/"):
        response.set_cookie("lang", g.lang, max_age=365 * 24 * 3600, samesite="Lax",
                            secure=request.is_secure)
    return response


def next_language() -> str:
    """The language the switch button offers: the next installed one, round the list."""
    installed = catalog.languages()
    return installed[(installed.index(current_language()) + 1) % len(installed)]


def next_language_name() -> str:
    """The switch button's label: the offered language's own name ("English", "Tiếng Việt")."""
    return catalog.text("language_name", next_language())


def lang_switch_url() -> str:
    """The current page in the other language: same path, every query value kept, encoded.

    The query string is encoded here rather than passed to ``url_for`` as
    keywords: a query argument is then never taken for a path variable or for
    one of url_for's own options (``_external``, ``_scheme``, ``_anchor``).
    """
    other = next_language()
    query = urlencode([(k, v) for k, v in request.args.items(multi=True) if k != "lang"] + [("lang", other)])
    if request.endpoint is None:
        return f"?{query}"       # relative: the same path (e.g. a 404 page), in the other language
    return f"{url_for(request.endpoint, **(request.view_args or {}))}?{query}"


MAP_LABELS = {"province": "province", "district": "district", "area": "area_km2", "failed": "load_failed",
              "communes": "communes", "priority": "priority_score", "gap": "gap_score", "rank": "gap_rank",
              "classes": "classes", "projects": "projects", "funding": "funding_usd",
              "missing": "sectors_missing", "zoneEM": "zone_ethnic_minority", "zoneCoastal": "zone_coastal",
              "projectLocations": "project_locations", "donor": "donor", "sector": "sector",
              "zonesHeading": "zones_heading", "loadingPopup": "popup_loading", "openCommune": "open_commune",
              "openNeeds": "needs.layer", "needCost": "needs.cost", "needPriority": "needs.priority",
              "needOpen": "needs.status.open", "needPartly": "needs.status.partly",
              "population": "population", "perPerson": "funding_per_person",
              "precision": "location_precision", "exactPoint": "precision_exact",
              "approximateArea": "precision_approximate", "gapBasis": "gap_basis",
              "peopleTargeted": "people_targeted", "peopleReached": "people_reached",
              "peopleReachedPct": "people_reached_pct"}


def map_labels() -> dict:
    """The texts geoaid-map.js shows, in the current language (sector keys → labels too)."""
    labels = {name: t(key) for name, key in MAP_LABELS.items()}
    labels["sectors"] = {s.key: s.label(current_language()) for s in SECTORS}
    labels["gapBases"] = gap_basis_words()
    return labels


def people_group_words() -> dict:
    """The beneficiary groups (geoaid.analysis.beneficiaries.GROUPS) in words of the current language."""
    return {"total": t("people.total"), "children": t("people.children"), "women": t("people.women"),
            "ethnic_minority": t("people.ethnic_minority")}


def gap_basis_words() -> dict:
    """The ``gap_basis`` values of coverage rows, in words of the current language."""
    return {"total": t("gap_basis_total"), "per_person": t("gap_basis_per_person"),
            "total_no_population": t("gap_basis_total_no_population")}


def sector_label(key) -> str:
    """A sector key ("health") as its label in the current language; other text unchanged."""
    sector = BY_KEY.get(key) if isinstance(key, str) else None
    return sector.label(current_language()) if sector else ("" if key is None else str(key))


def sector_labels(keys) -> str:
    """A comma-separated list of sector keys ("education, health") as labels."""
    if not isinstance(keys, str) or not keys.strip():
        return ""
    return "; ".join(sector_label(k.strip()) for k in keys.split(",") if k.strip())


def register(app) -> None:
    app.before_request(_choose_language)
    app.after_request(_remember)
    app.jinja_env.globals.update(t=t, current_language=current_language,
                                 lang_switch_url=lang_switch_url, next_language_name=next_language_name,
                                 map_labels=map_labels)
    app.jinja_env.filters.update(sector_label=sector_label, sector_labels=sector_labels)
