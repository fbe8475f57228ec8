"""IATI 2.03 activity files written the way publishers' systems write them.

Activities carry several narratives (English default, Vietnamese), organisation
refs, DAC purpose codes with percentages, dated transactions with value-dates,
revised budgets, points in real demo communes and English place names without
diacritics. ``activity(...)`` builds one ``iati-activity``; ``document(...)``
wraps activities in ``iati-activities`` as the file a publisher uploads.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr


def narratives(*texts: tuple[str | None, str]) -> str:
    """``narrative`` elements: (lang or None for the default, text)."""
    return "".join(f"<narrative{'' if lang is None else ' xml:lang=' + quoteattr(lang)}>{escape(text)}</narrative>"
                   for lang, text in texts)


def location(ref: str, name: str | None = None, pos: str | None = None, designation: str | None = None,
             exactness: str = "2", location_class: str = "1", reach: str = "1", admin: str = "") -> str:
    parts = [f'<location ref="{ref}">', f'<location-reach code="{reach}"/>',
             '<location-id vocabulary="G1" code="1580578"/>']
    if name:
        parts.append(f"<name>{narratives((None, name))}</name>")
    parts.append("<description>" + narratives((None, "Project site")) + "</description>")
    parts.append(admin)
    if pos:
        parts.append(f'<point srsName="http://www.opengis.net/def/crs/EPSG/0/4326"><pos>{pos}</pos></point>')
    parts.append(f'<exactness code="{exactness}"/><location-class code="{location_class}"/>')
    if designation:
        parts.append(f'<feature-designation code="{designation}"/>')
    return "".join(parts) + "</location>"


def budget(start: str, end: str, value: str, kind: str = "1", currency: str | None = None) -> str:
    cur = f' currency="{currency}"' if currency else ""
    return (f'<budget type="{kind}" status="1"><period-start iso-date="{start}"/><period-end iso-date="{end}"/>'
            f'<value{cur} value-date="{start}">{value}</value></budget>')


def transaction(kind: str, date: str | None, value: str, currency: str | None = None) -> str:
    cur = f' currency="{currency}"' if currency else ""
    when = f'<transaction-date iso-date="{date}"/>' if date else ""
    return (f'<transaction ref="T-{kind}-{date}"><transaction-type code="{kind}"/>{when}'
            f'<description>{narratives((None, "Tranche"))}</description>'
            f'<value{cur} value-date="{date or "2024-01-01"}">{value}</value>'
            '<provider-org ref="XM-DAC-5"><narrative>BMZ</narrative></provider-org></transaction>')


def activity(identifier: str, *, title: tuple = ((None, "Project"),), currency: str = "EUR",
             countries: str = '<recipient-country code="VN" percentage="100"/>',
             sectors: str = '<sector vocabulary="1" code="12220" percentage="100"/>',
             funder: str | None = "Federal Ministry for Economic Cooperation and Development",
             implementer: tuple = ((None, "Ca Mau Department of Health"), ("vi", "Sở Y tế Cà Mau")),
             status: str = "2",
             dates: str = '<activity-date type="1" iso-date="2024-01-01"/>'
                          '<activity-date type="3" iso-date="2025-12-31"/>',
             scope: str = "", locations: str = "", money: str = "", lang: str = "en") -> str:
    orgs = ""
    if funder:
        orgs += f'<participating-org ref="XM-DAC-5" role="1" type="10">{narratives((None, funder))}</participating-org>'
    orgs += '<participating-org ref="XM-DAC-5-7" role="3" type="10"><narrative>GIZ</narrative></participating-org>'
    if implementer:
        orgs += f'<participating-org role="4" type="22">{narratives(*implementer)}</participating-org>'
    return (f'<iati-activity last-updated-datetime="2024-06-30T08:00:00Z" xml:lang="{lang}" '
            f'default-currency="{currency}" hierarchy="1" humanitarian="0">'
            f"<iati-identifier>{identifier}</iati-identifier>"
            f'<reporting-org ref="XM-DAC-5" type="10">{narratives((None, "Germany - Deutsche Gesellschaft"))}'
            "</reporting-org>"
            f"<title>{narratives(*title)}</title>"
            f'<description type="1">{narratives((None, "What the project does."))}</description>'
            f'<description type="2">{narratives((None, "Objectives."))}</description>'
            f'{orgs}<activity-status code="{status}"/>{dates}{scope}'
            '<contact-info type="1"><organisation><narrative>GIZ Office</narrative></organisation></contact-info>'
            f"{countries}{locations}{sectors}"
            '<policy-marker vocabulary="1" code="2" significance="1"/>'
            '<collaboration-type code="1"/><default-flow-type code="10"/><default-finance-type code="110"/>'
            f'<default-aid-type code="C01" vocabulary="1"/>{money}</iati-activity>')


def document(*activities: str, version: str = "2.03") -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<iati-activities version="{version}" generated-datetime="2024-07-01T00:00:00Z" '
            'xmlns:akvo="http://akvo.org/iati-activities">\n'
            + "\n".join(activities) + "\n</iati-activities>\n").encode("utf-8")


BILLION_LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + b"".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
                             for i in range(1, 10))
                  + b']>\n<iati-activities version="2.03"><iati-activity><iati-identifier>&lol9;'
                    b"</iati-identifier></iati-activity></iati-activities>\n")
EXTERNAL_ENTITY = (b'<?xml version="1.0"?>\n<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
                   b'<iati-activities version="2.03"><iati-activity><iati-identifier>&x;</iati-identifier>'
                   b"</iati-activity></iati-activities>\n")

# Points inside demo communes (Cà Mau, Bạc Liêu, Kiên Giang, Hà Giang) and the commune each falls in.
DEMO_POINTS = {"32245": "8.6523 105.0889", "32248": "8.6093 104.7854", "31822": "9.3011 105.718",
               "30871": "10.1187 105.1922", "00790": "23.1552 105.3581"}


def results_padding(size: int) -> str:
    """A ``result`` of about ``size`` characters: what publishers add and geoaid does not keep."""
    text = "Hectares of mangrove replanted and protected by the commune's forest teams. " * (size // 76 + 1)
    return ('<result type="1" aggregation-status="1"><title><narrative>Mangrove area</narrative></title>'
            f"<description><narrative>{text}</narrative></description>"
            '<indicator measure="1" ascending="1"><title><narrative>Area</narrative></title>'
            '<baseline year="2023" value="0"/><period><period-start iso-date="2024-01-01"/>'
            '<period-end iso-date="2024-12-31"/><target value="120"/><actual value="96"/></period>'
            "</indicator></result>") if size else ""


def write_generated(path, count: int, padding: int = 0) -> None:
    """A publisher file of ``count`` activities, written as it is built (never whole in memory)."""
    points = list(DEMO_POINTS.values())
    with open(path, "wb") as out:
        out.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="2.03">\n')
        for number in range(count):
            year = 2020 + number % 6
            body = activity(
                f"XM-DAC-5-7-GEN-{number:06d}", title=((None, f"Generated activity {number}"),
                                                       ("vi", f"Hoạt động {number}")),
                sectors='<sector vocabulary="1" code="12220" percentage="70"/>'
                        '<sector vocabulary="2" code="311" percentage="30"/>',
                locations=location("L", pos=points[number % len(points)], exactness="1", designation="PPL"),
                money=budget(f"{year}-01-01", f"{year}-12-31", "100000")
                + budget(f"{year}-01-01", f"{year}-12-31", "110000", kind="2")
                + transaction("2", f"{year}-02-01", "110000") + transaction("3", f"{year}-06-01", "40000")
                + transaction("4", f"{year}-09-01", "30000") + results_padding(padding))
            out.write(body.encode("utf-8") + b"\n")
        out.write(b"</iati-activities>\n")
