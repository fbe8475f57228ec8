"""HXL hashtags for exported tables, so HDX tools (and ``geoaid import projects``) read them by tag.

``--hxl`` (CLI) / ``?hxl=1`` (web) puts a row of these hashtags under the
header of a CSV or XLSX export. Columns not listed get ``#meta+<column>``,
so every column is tagged. Amounts converted by geoaid carry ``+converted``:
a reader takes the budget as stated (``#value+budget`` with ``#currency``).

>>> hashtag_row(["project_id", "budget", "budget_usd", "allocated_vnd"])
['#activity+code', '#value+budget', '#value+usd+converted', '#meta+allocated_vnd']
"""

from __future__ import annotations

import re

HXL_TAGS = {
    # projects
    "project_id": "#activity+code", "title": "#activity+project", "donor": "#org+funder",
    "implementer": "#org+impl", "sector": "#sector+code", "sector_label": "#sector+name+en",
    "sector_label_vi": "#sector+name+vi", "dac_code": "#sector+dac", "budget": "#value+budget",
    "currency": "#currency", "budget_vnd": "#value+vnd+converted", "budget_usd": "#value+usd+converted",
    "start_date": "#date+start", "end_date": "#date+end", "status": "#status", "locations": "#loc+name",
    "communes": "#meta+communes+num", "source_file": "#meta+source", "sample": "#meta+sample",
    # gaps, allocations, communes
    "commune_code": "#adm3+code", "commune_name": "#adm3+name", "district": "#adm2+name",
    "district_code": "#adm2+code", "province": "#adm1+name", "province_code": "#adm1+code",
    "code": "#adm3+code", "name": "#adm3+name", "district_name": "#adm2+name", "province_name": "#adm1+name",
    "gap_rank": "#indicator+gap+rank", "gap_score": "#indicator+gap+num",
    "priority_score": "#indicator+priority+num", "classes": "#meta+classes",
    "funding_vnd": "#value+funding+vnd", "funding_usd": "#value+funding+usd+converted",
    "project_count": "#indicator+projects+num", "donor_count": "#indicator+donors+num",
    "sectors_present": "#sector+present+list", "sectors_missing": "#sector+missing+list",
    "amount_vnd": "#value+allocated+vnd", "amount_usd": "#value+allocated+usd+converted",
    # people the projects state (geoaid/imports/people_hashtags.py reads them back)
    "people_targeted": "#targeted", "people_reached": "#reached", "people_reached_pct": "#reached+pct",
    "children_targeted": "#targeted+children", "children_reached": "#reached+children",
    "women_targeted": "#targeted+f", "women_reached": "#reached+f",
    "ethnic_minority_targeted": "#targeted+ethnic", "ethnic_minority_reached": "#reached+ethnic",
}


def hashtag_row(columns) -> list[str]:
    """The hashtag of each column, in order."""
    return [HXL_TAGS.get(column) or "#meta+" + re.sub(r"[^a-z0-9_]+", "_", str(column).lower()).strip("_")
            for column in columns]
