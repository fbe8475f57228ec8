"""3W files ("who does what where") with an HXL hashtag row: which hashtag is which project field.

Humanitarian partners send one row per activity and place; the columns are
read by their hashtags (:mod:`geoaid.imports.layout.hxl`), whatever the
header text says, and the rows of one activity (same ``#activity+code``, or
same donor and title) become one project with several places, the amounts
on its rows added (each row's amount is that place's part).

| hashtag | field |
|---|---|
| ``#org+funder`` | donor |
| ``#org+impl`` | implementer |
| ``#org`` (``+prog``, ``+name``…) | donor when no ``#org+funder``, else implementer |
| ``#sector`` (``+cluster``) | sector (cluster names: :data:`geoaid.analysis.sectors.CLUSTERS`) |
| ``#adm1+name`` / ``#adm2+name`` / ``#adm3+name`` | province / district / commune |
| ``#adm1+code`` / ``#adm2+code`` / ``#adm3+code`` | their GSO codes or VN P-codes |
| ``#activity+code``, ``#activity+id`` | project id |
| ``#activity+project``, ``#activity+name``, ``#activity`` | title |
| ``#date+start`` / ``#date+end`` | start / end date |
| ``#value+usd`` | budget in USD |
| ``#value+budget``, ``#value+funding``, ``#value`` | budget, in ``#currency`` (else VND) |
| ``#currency``, ``#status`` | currency, status |
| ``#loc`` | locations, written as in the template (geoaid's own ``--hxl`` export) |
| ``#meta+sample`` | the SAMPLE flag (geoaid's own exports) |
| ``#targeted`` / ``#reached`` (``+children``, ``+f``…) | people (:mod:`geoaid.imports.people_hashtags`) |

``#value+converted`` columns (amounts geoaid converted, in its exports) are not read. Other hashtags
(``#contact``…) are left out.
"""

from __future__ import annotations

from geoaid.imports.layout import HashtagSpec, Header, Record, SheetTable, Unit, parse_hashtag
from geoaid.imports.people_hashtags import PEOPLE_HASHTAGS
from geoaid.imports.project_records import derived_project_id
from geoaid.text.names import fold

PROJECT_HASHTAGS = HashtagSpec([
    ("value", {"converted"}, ()),        # geoaid's own exports: an amount converted from the stated one
    ("org", {"funder"}, ("donor",)),
    ("org", {"impl"}, ("implementer",)),
    ("org", set(), ("donor", "implementer")),
    ("sector", {"code"}, ("sector",)),
    ("sector", set(), ("sector",)),
    ("adm1", {"code"}, ("province_code",)),
    ("adm1", {"name"}, ("province",)),
    ("adm2", {"code"}, ("district_code",)),
    ("adm2", {"name"}, ("district",)),
    ("adm3", {"code"}, ("commune_code",)),
    ("adm3", {"name"}, ("commune",)),
    ("activity", {"code"}, ("project_id",)),
    ("activity", {"id"}, ("project_id",)),
    ("activity", {"project"}, ("title",)),
    ("activity", {"name"}, ("title",)),
    ("activity", set(), ("title",)),
    ("date", {"start"}, ("start_date",)),
    ("date", {"end"}, ("end_date",)),
    ("value", {"usd"}, ("budget",)),
    ("value", {"budget"}, ("budget",)),
    ("value", {"funding"}, ("budget",)),
    ("value", set(), ("budget",)),
    ("currency", set(), ("currency",)),
    ("status", set(), ("status",)),
    ("loc", set(), ("locations",)),
    ("meta", {"sample"}, ("sample",)),
    *PEOPLE_HASHTAGS,
])
CODES = ("commune_code", "district_code", "province_code")


def hashtag_unit(header: Header) -> Unit | None:
    """USD for a ``#value+usd`` budget column."""
    parsed = parse_hashtag(header.hashtags.get("budget"))
    return Unit("USD", 1, "USD (#value+usd)") if parsed and "usd" in parsed[1] else None


def join_activities(table: SheetTable) -> None:
    """The rows of one activity (one row per place) as one record; totals then check the whole sheet."""
    joined: dict[str, Record] = {}
    records = []
    for record in table.body.records:
        key = _activity(record)
        if key is None or key not in joined:
            records.append(record)
            if key is not None:
                joined[key] = record
            continue
        first = joined[key]
        first.lines += record.lines
        first.cells += record.cells
        first.own += record.own
    if len(records) < len(table.body.records):
        table.body.totals = [total for total in table.body.totals if total.grand]
        for total in table.body.totals:
            total.records = range(len(records))
    table.body.records = records


def _activity(record: Record) -> str | None:
    stated = record.first("project_id")
    if stated is not None:
        return "id " + fold(str(stated))
    donor, title = record.first("donor"), record.first("title")
    return derived_project_id(str(donor), str(title)) if donor and title else None
