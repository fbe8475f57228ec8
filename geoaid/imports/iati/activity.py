"""One IATI activity's descriptive fields: identifier, narratives, organisations, sectors, status, dates.

Sectors: a ``sector`` of vocabulary 1 (DAC 5-digit purpose code) or 2 (DAC
3-digit sector), the default when ``@vocabulary`` is absent, is mapped to the
plan's sectors by :func:`geoaid.analysis.sectors.resolve_sector`; the most
specific DAC prefix wins:

| plan sector | DAC codes (3-digit sector or 5-digit purpose, matched as prefixes) |
|---|---|
| education | 110, 111, 112, 113, 114 (but 11330 → vocational) |
| health | 120, 121, 122, 123 |
| vocational | 11330 |
| agriculture | 311, 312, 313, 43040 |
| social | 160 (but 16061 → culture) |
| environment | 410, 43060, 720, 730, 740 |
| culture | 16061, 33210 |

Any other code (15110 public sector policy, 140 water supply…) is reported
with its code: the plan has no sector for it. Other vocabularies are ignored.

Status: ``activity-status`` 1 pipeline → planned; 2 implementation, 3
finalisation → ongoing; 4 closed → completed; 5 cancelled and 6 suspended
have no plan status (the IATI code is kept). Dates: start = actual start
(``activity-date`` type 2) else planned start (1); end = actual end (4)
else planned end (3).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from functools import lru_cache

from geoaid.analysis.sectors import resolve_sector
from geoaid.imports.iati.parse import XML_LANG
from geoaid.text.names import nfc

STATUSES = {"1": "planned", "2": "ongoing", "3": "ongoing", "4": "completed"}
DAC_VOCABULARIES = ("1", "2")
FUNDING, IMPLEMENTING = "1", "4"


@dataclass
class Described:
    """What an activity says about itself; ``problems`` are (element, value, reason)."""

    identifier: str | None
    title: str | None = None
    title_vi: str | None = None
    title_default: str | None = None
    description_vi: str | None = None
    description_default: str | None = None
    donor: str | None = None
    implementer: str | None = None
    reporting_org: str | None = None
    reporting_org_ref: str | None = None
    status: str | None = None
    status_code: str | None = None
    scope: str | None = None
    start: str | None = None
    end: str | None = None
    sectors: dict[str, float] = field(default_factory=dict)   # plan sector → share (sums to 1)
    dac_codes: dict[str, str] = field(default_factory=dict)   # plan sector → first DAC code mapped to it
    problems: list[tuple[str, str | None, str]] = field(default_factory=list)


def narratives(element: ET.Element | None, default_lang: str) -> dict[str, str]:
    """Language → text of an element's ``narrative`` children (IATI 2.x), first of each language."""
    found: dict[str, str] = {}
    if element is None:
        return found
    for narrative in element.findall("narrative"):
        text = nfc(narrative.text or "")
        if text:
            found.setdefault((narrative.get(XML_LANG) or default_lang).lower(), text)
    return found


def chosen(texts: dict[str, str], default_lang: str) -> str | None:
    """The Vietnamese text when there is one, else the default language's, else the first."""
    return texts.get("vi") or texts.get(default_lang.lower()) or next(iter(texts.values()), None)


def organisation(element: ET.Element | None, default_lang: str) -> str | None:
    """An organisation's name: its narrative, else its ``@ref``."""
    if element is None:
        return None
    return chosen(narratives(element, default_lang), default_lang) or (element.get("ref") or "").strip() or None


def percentage(element: ET.Element, problems: list, where: str) -> float | None:
    """``@percentage`` as a number; None when absent; a problem when not a number or over 100."""
    raw = element.get("percentage")
    if raw is None or not raw.strip():
        return None
    try:
        value = float(raw)
    except ValueError:
        problems.append((where, raw, "percentage is not a number"))
        return None
    if value < 0 or value > 100:
        problems.append((where, raw, "percentage over 100 (or below 0)"))
        return None
    return value


def describe(activity: ET.Element, default_lang: str) -> Described:
    """The descriptive fields of one ``iati-activity`` element."""
    found = Described(nfc(activity.findtext("iati-identifier") or "") or None)
    if found.identifier is None:
        found.problems.append(("iati-identifier", None, "the activity has no iati-identifier"))
    titles = narratives(activity.find("title"), default_lang)
    found.title_vi, found.title_default = titles.get("vi"), titles.get(default_lang.lower())
    found.title = chosen(titles, default_lang) or found.identifier
    general = [d for d in activity.findall("description") if d.get("type") in (None, "1")]
    descriptions = narratives(general[0], default_lang) if general else {}
    found.description_vi, found.description_default = (descriptions.get("vi"),
                                                        descriptions.get(default_lang.lower()))
    reporting = activity.find("reporting-org")
    found.reporting_org = organisation(reporting, default_lang)
    found.reporting_org_ref = reporting.get("ref") if reporting is not None else None
    roles: dict[str, list[str]] = {}
    for org in activity.findall("participating-org"):
        name = organisation(org, default_lang)
        if name:
            roles.setdefault(org.get("role") or "", []).append(name)
    found.donor = (roles.get(FUNDING) or [found.reporting_org])[0]
    found.implementer = "; ".join(dict.fromkeys(roles.get(IMPLEMENTING, []))) or None
    if not found.donor:
        found.problems.append(("participating-org", None,
                               "no funding participating-org (role 1) and no reporting-org name"))
    status = activity.find("activity-status")
    found.status_code = status.get("code") if status is not None else None
    found.status = STATUSES.get(found.status_code or "")
    scope = activity.find("activity-scope")
    found.scope = scope.get("code") if scope is not None else None
    _dates(activity, found)
    _sectors(activity, found)
    return found


@lru_cache(maxsize=4096)
def _plan_sector(code: str) -> str | None:
    """A DAC code's plan sector; a file repeats a handful of codes thousands of times."""
    return resolve_sector(code)


def _dates(activity: ET.Element, found: Described) -> None:
    dates = {}
    for date in activity.findall("activity-date"):
        iso = (date.get("iso-date") or "").strip()[:10]
        if iso:
            dates.setdefault(date.get("type"), iso)
    found.start = dates.get("2") or dates.get("1")
    found.end = dates.get("4") or dates.get("3")
    if found.start and found.end and found.end < found.start:
        found.problems.append(("activity-date", found.end, "the end date is before the start date"))


def _sectors(activity: ET.Element, found: Described) -> None:
    given: list[tuple[str, float | None]] = []
    for number, sector in enumerate(activity.findall("sector"), 1):
        if (sector.get("vocabulary") or "1") not in DAC_VOCABULARIES:
            continue
        where = f"sector[{number}]"
        code = (sector.get("code") or "").strip()
        key = _plan_sector(code) if code.isdigit() else None
        share = percentage(sector, found.problems, where)
        if key is None:
            found.problems.append((where, code, f"DAC sector code {code or '(none)'} has no plan sector "
                                                "(see the mapping table in geoaid/imports/iati/activity.py)"))
            continue
        found.dac_codes.setdefault(key, code)
        given.append((key, share))
    if not given:
        if not any(p[0].startswith("sector") for p in found.problems):
            found.problems.append(("sector", None, "no DAC sector (vocabulary 1 or 2)"))
        return
    stated = [share for _, share in given if share is not None]
    if stated and len(stated) < len(given):
        found.problems.append(("sector", None, "some sectors state a percentage and some do not"))
        return
    if stated and abs(sum(stated) - 100) > 0.01 and len(given) > 1:
        found.problems.append(("sector", f"{sum(stated):g}", "sector percentages do not add up to 100"))
        return
    total = sum(stated) if stated else len(given)
    for key, share in given:
        found.sectors[key] = found.sectors.get(key, 0.0) + (share if stated else 1) / total
