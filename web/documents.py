"""Documents made for a page, downloaded from it: the donor brief and the plan annex (PDF or XLSX).

Both routes hang on the pages blueprint (web/pages.py), so their names stay ``pages.brief`` and
``pages.plan_annex_file``; they take the same ``fmt`` and ``?lang=`` and answer the same way.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, request

from geoaid.output.brief import brief_pdf, brief_xlsx, donor_brief
from geoaid.output.exports import FORMATS
from geoaid.output.plan_annex import annex_xlsx, plan_annex
from geoaid.output.plan_annex_pdf import annex_pdf
from web import data
from web.context import workspace
from web.errors import BadParameter
from web.i18n import current_language
from web.pages import bp

MEDIA_TYPES = {"pdf": "application/pdf", "xlsx": FORMATS["xlsx"]}


def _document_language(fmt: str, what: str) -> str:
    """The language asked for a ``what`` document in ``fmt``: ``?lang=`` (vi or en), else the page's."""
    if fmt not in MEDIA_TYPES:
        raise BadParameter(f"the {what} is a pdf or an xlsx")
    lang = request.args.get("lang") or current_language()
    if lang not in ("vi", "en"):
        raise BadParameter("lang must be vi or en")
    return lang


def _attachment(body: bytes, fmt: str, name_parameter: str) -> Response:
    """``body`` as a download; ``name_parameter`` is the Content-Disposition's file name part."""
    return Response(body, mimetype=MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": f"attachment; {name_parameter}"})


@bp.route("/donors/<path:donor>/brief.<fmt>")
def brief(donor: str, fmt: str):
    """The donor brief (one-page PDF or XLSX) in ``?lang=`` (vi or en; default the page's language)."""
    lang = _document_language(fmt, "brief")
    made = donor_brief(data.frames(), data.need_status(), donor, lang)      # UnknownDonor → 404
    body = brief_pdf(made) if fmt == "pdf" else brief_xlsx(made)
    # RFC 5987 form: a donor's name may be Vietnamese.
    return _attachment(body, fmt, f"filename*=UTF-8''brief-{quote(made.donor, safe='')}.{fmt}")


@bp.route("/planner/annex.<fmt>")
def plan_annex_file(fmt: str):
    """The plan annex (PDF with maps, or XLSX) for the planner page's filters, in ``?lang=``."""
    lang = _document_language(fmt, "plan annex")
    filters = data.filters_from_request()
    annex = plan_annex(data.analysis(), filters, lang, status=data.need_status(), fits=data.need_fits())
    body = annex_pdf(data.analysis(), annex, cache_dir=workspace().cache_dir) if fmt == "pdf" else annex_xlsx(annex)
    return _attachment(body, fmt, f"filename=geoaid-plan-annex.{fmt}")
