"""People targeted and reached from an IATI activity's ``result/indicator`` elements (standard 2.03).

An indicator is read as people when, and only when:

* ``@measure="1"`` (unit: a count; percentages, nominal, ordinal and
  qualitative measures are not);
* its title (any language) names people: English "people", "persons",
  "individuals", "beneficiaries", "children", "women", "ethnic minority";
  Vietnamese "người", "trẻ em", "phụ nữ", "dân tộc thiểu số" — and no
  households ("households", "hộ") or shares ("%", "percentage", "rate",
  "proportion", "tỷ lệ");
* it is not marked ``@aggregation-status="0"`` (the publisher says its values
  must not be added up, and geoaid adds them up per commune).

The group is children, women or ethnic-minority people when the title says
so, else the total. ``period/target/@value`` is the people targeted and
``period/actual/@value`` the people reached, taken from the **latest period**
(by ``period-end/@iso-date``) that states one: IATI does not say whether
periods are cumulative, so adding them could count the same people twice.
Of several ``target``/``actual`` elements of one period (2.03 disaggregates
them by ``dimension`` or ``location``) the one without a dimension or location
counts. When several indicators count one group, the largest is kept, for
the same reason. A value that is not a whole number of people is a warning
and is left out. Every other indicator is ignored and counted.

>>> people_group("Number of children reached with school WASH"), people_group("% of women trained")
('children', None)
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from geoaid.imports.iati.activity import narratives
from geoaid.text.names import fold

_PEOPLE = ("people", "persons", "person", "individuals", "beneficiaries", "beneficiary", "children", "women",
           "ethnic minority", "ethnic minorities", "nguoi", "tre em", "phu nu", "dan toc thieu so")
_NOT_PEOPLE = ("households", "household", "ho gia dinh", "so ho", "ho ngheo", "percentage", "percent", "rate",
               "proportion", "ty le", "share")
_GROUPS = (("children", ("children", "tre em")), ("women", ("women", "phu nu")),
           ("ethnic_minority", ("ethnic minority", "ethnic minorities", "dan toc thieu so", "indigenous")))


@dataclass
class People:
    rows: list[dict] = field(default_factory=list)        # {"group", "kind", "count"}
    read: int = 0                                         # indicators read as people
    ignored: int = 0                                      # other indicators
    problems: list[tuple[str, str | None, str]] = field(default_factory=list)


def people_group(title: str) -> str | None:
    """The group an indicator title counts ("total", "children", "women", "ethnic_minority"), or None."""
    if "%" in title:
        return None
    words = f" {fold(title)} "
    if not any(f" {w} " in words for w in _PEOPLE) or any(f" {w} " in words for w in _NOT_PEOPLE):
        return None
    return next((group for group, names in _GROUPS if any(f" {n} " in words for n in names)), "total")


def activity_people(element: ET.Element, lang: str) -> People:
    """The people rows of one activity's results (see the module doc)."""
    found = People()
    best: dict[tuple[str, str], int] = {}
    for r, result in enumerate(element.findall("result"), start=1):
        for i, indicator in enumerate(result.findall("indicator"), start=1):
            titles = narratives(indicator.find("title"), lang)
            group = next((g for text in titles.values() if (g := people_group(text))), None)
            if (indicator.get("measure") or "").strip() != "1" or group is None \
                    or (indicator.get("aggregation-status") or "").strip() in ("0", "false"):
                found.ignored += 1
                continue
            found.read += 1
            where = f"result[{r}]/indicator[{i}]"
            for kind, tag in (("targeted", "target"), ("reached", "actual")):
                value = _latest(indicator, tag)
                if value is None:
                    continue
                count = _whole(value)
                if count is None:
                    found.problems.append((f"{where}/period/{tag}/@value", value,
                                           "not a whole number of people: left out"))
                    continue
                best[(group, kind)] = max(best.get((group, kind), 0), count)
    found.rows = [{"group": group, "kind": kind, "count": count} for (group, kind), count in best.items()]
    return found


def _whole(value: str) -> int | None:
    """An xsd:decimal count ("1250", "1250.0") as whole persons; None for a fraction, a negative or text."""
    try:
        number = float(value)
    except ValueError:
        return None
    return int(number) if number >= 0 and number == int(number) else None


def _latest(indicator: ET.Element, tag: str) -> str | None:
    """The value of ``tag`` in the latest period stating one (an undisaggregated element)."""
    dated = []
    for period in indicator.findall("period"):
        end = period.find("period-end")
        for element in period.findall(tag):
            value = (element.get("value") or "").strip()
            if value and element.find("dimension") is None and element.find("location") is None:
                dated.append(((end.get("iso-date") or "") if end is not None else "", value))
                break
    return max(dated, key=lambda pair: pair[0])[1] if dated else None

