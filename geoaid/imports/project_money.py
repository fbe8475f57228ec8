"""Money flows written in a project list: commitments, disbursements and planned capital, by year.

Provincial lists add columns beside the budget ("Kinh phí"):

| header (case, diacritics, a "(triệu đồng)" unit do not matter) | flow |
|---|---|
| Vốn cam kết, Giá trị cam kết, Committed | committed, undated |
| Đã giải ngân, Lũy kế giải ngân (đến nay, đến 31/12/2024), Giải ngân, Disbursed | disbursed, undated (cumulative) |
| Giải ngân năm 2024, Đã giải ngân 2024 (also a merged "Giải ngân" over "Năm 2024") | disbursed in 2024 |
| Vốn cam kết năm 2025 | committed in 2025 |
| Kế hoạch vốn năm 2025, Kế hoạch vốn 2025 | planned for 2025 |
| Kế hoạch vốn | planned, undated |

A year in the header dates the amount to that year (1 January–31 December).
An amount without a year is kept without a date: it counts in every total
but in no year (geoaid never guesses when money moved). A cumulative
disbursement beside yearly ones holds them: only what it adds to them is
kept undated (it may not be smaller than their sum). The amounts are in the
column's own unit, else the sheet's ("Đơn vị tính: triệu đồng"), in the
project's currency, converted with the workspace's rates.

>>> money_field("Giải ngân năm 2024 (triệu đồng)")
'disbursed_2024'
>>> money_field("Lũy kế giải ngân"), money_field("Vốn cam kết")
('disbursed', 'committed')
"""

from __future__ import annotations

import re
from collections.abc import Callable

from geoaid.imports.layout import Record, unit_in
from geoaid.text.names import fold
from geoaid.text.values import parse_number

_KINDS = {"giai ngan": "disbursed", "da giai ngan": "disbursed", "luy ke giai ngan": "disbursed",
          "gia tri giai ngan": "disbursed", "so da giai ngan": "disbursed", "disbursed": "disbursed",
          "disbursement": "disbursed", "disbursements": "disbursed", "von cam ket": "committed",
          "cam ket": "committed", "gia tri cam ket": "committed", "tong von cam ket": "committed",
          "committed": "committed", "commitment": "committed", "commitments": "committed",
          "ke hoach von": "planned", "ke hoach von giao": "planned", "ke hoach giai ngan": "planned"}
# "<what>", "<what> năm 2024", "<what> 2024"; "<what> đến nay" / "đến 31/12/2024" / "to date" is cumulative.
_HEADER = re.compile(r"^(?P<what>[a-z ]+?)(?:(?: (?:nam|trong nam|year|in))? (?P<year>(?:19|20)\d\d)"
                     r"| (?:den|to|until) [a-z0-9 ]+)?$")


def money_field(text: str) -> str | None:
    """The flow field a header names ("disbursed", "disbursed_2024", "committed", "planned_2025"…), or None."""
    head = fold(str(text).split("(")[0]).strip(" :-")
    found = _HEADER.match(head)
    if not found or found["what"].strip() not in _KINDS:
        return None
    kind = _KINDS[found["what"].strip()]
    return f"{kind}_{found['year']}" if found["year"] else kind


def with_money_fields(match: Callable[[str], str | None]) -> Callable[[str], str | None]:
    """``match`` that also recognises the money columns of :func:`money_field`."""
    def read(text: str) -> str | None:
        return money_field(text) or match(text)
    return read


def is_money_field(name: str) -> bool:
    return name.split("_")[0] in ("planned", "committed", "disbursed")


def record_flows(record: Record, sheet, project_id: str, currency: str) -> list[dict]:
    """``project_flows`` rows of one project record (amounts summed over its rows); problems to ``sheet``."""
    line = record.lines[0]
    amounts: dict[str, float] = {}
    for row_line, own in zip(record.lines, record.own):
        for name, raw in own.items():
            if not is_money_field(name) or raw is None or str(raw).strip() in ("", "-"):
                continue
            try:
                value = parse_number(raw)
            except ValueError:
                sheet.bad(row_line, name, raw, "not a number")
                continue
            if value < 0:
                sheet.bad(row_line, name, raw, "negative amount")
                continue
            unit = unit_in(sheet.columns.get(name, "")) or sheet.unit
            amounts[name] = amounts.get(name, 0.0) + value * (unit.factor if unit else 1)
    rows = []
    for kind in ("planned", "committed", "disbursed"):
        yearly = {name: amount for name, amount in amounts.items() if name.startswith(kind + "_")}
        undated = amounts.get(kind)
        if undated is not None and yearly:
            rest = undated - sum(yearly.values())
            if rest < -0.005:
                sheet.bad(line, kind, undated, f"the total {kind} amount is smaller than the yearly ones "
                                              f"({sum(yearly.values()):,.0f}) it should hold")
                continue
            undated = rest
        for name, amount in sorted(yearly.items()):
            year = name.split("_")[1]
            rows.append(_flow(project_id, kind, f"{year}-01-01", f"{year}-12-31", amount, currency, sheet))
        if undated:
            rows.append(_flow(project_id, kind, None, None, undated, currency, sheet))
    return rows


def _flow(project_id, kind, start, end, amount, currency, sheet) -> dict:
    vnd = int(round(amount * sheet.rates[currency]))
    return {"project_id": project_id, "kind": kind, "date": None, "period_start": start, "period_end": end,
            "sector": None, "amount": round(amount, 2), "currency": currency, "amount_vnd": vnd,
            "amount_usd": round(vnd / sheet.rates["USD"], 2), "source_file": sheet.report.file}
