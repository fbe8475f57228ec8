"""An activity's money: budgets per period and transactions by type, in VND and USD, per sector.

* ``budget``: one per period (``period-start``/``period-end``); a revised
  budget (``@type`` 2) replaces the original (1) of the same period; of two
  budgets of one type and period the later in the file counts. Kind
  ``planned``.
* ``transaction``: ``transaction-type`` 2 → ``committed``, 3 →
  ``disbursed``, 4 → ``expenditure`` (other types, such as incoming funds,
  are not this activity's spending and are left out). Each needs its
  ``transaction-date/@iso-date``.
* A value is in its ``@currency``, else the activity's ``@default-currency``,
  converted with the workspace's ``exchange_rates_vnd``; an unknown currency
  is an error naming the element. Amounts are scaled by Viet Nam's
  ``recipient-country`` percentage and split over the activity's sectors:
  whole VND by largest remainder, so the sector rows add up to the đồng.

Example::

    >>> split_vnd(1_000_001, {"health": 0.5, "education": 0.5})
    {'health': 500001, 'education': 500000}
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

KINDS = {"2": "committed", "3": "disbursed", "4": "expenditure"}


@dataclass
class Money:
    flows: list[dict] = field(default_factory=list)     # project_flows rows without project_id/source
    problems: list[tuple[str, str | None, str]] = field(default_factory=list)
    planned: list[tuple[str, float]] = field(default_factory=list)  # (currency, scaled amount)
    committed_vnd: int = 0


def split_vnd(total: int, shares: dict[str, float]) -> dict[str, int]:
    """Whole VND per key by largest remainder (ties: order given), adding up to ``total``."""
    exact = {key: total * share for key, share in shares.items()}
    whole = {key: math.floor(value) for key, value in exact.items()}
    left = total - sum(whole.values())
    for key in sorted(exact, key=lambda k: whole[k] - exact[k])[:left]:
        whole[key] += 1
    return whole


def activity_money(activity: ET.Element, rates: dict[str, float], scale: float,
                   sectors: dict[str, float]) -> Money:
    """Budgets and transactions of ``activity`` as flow rows (``scale``: Viet Nam's share, 0–1)."""
    money = Money()
    default_currency = (activity.get("default-currency") or "").strip().upper() or None
    budgets: dict[tuple[str, str], tuple[str, dict]] = {}
    for number, budget in enumerate(activity.findall("budget"), 1):
        where = f"budget[{number}]"
        start = _iso(budget.find("period-start"))
        end = _iso(budget.find("period-end"))
        if not start or not end:
            money.problems.append((where, None, "budget without period-start/period-end @iso-date"))
            continue
        value = _value(budget.find("value"), default_currency, rates, money, where)
        if value is None:
            continue
        kind = budget.get("type") or "1"
        held = budgets.get((start, end))
        if held is None or kind == "2" or held[0] != "2":
            budgets[(start, end)] = (kind, {"kind": "planned", "date": None, "period_start": start,
                                            "period_end": end, **value})
    for _, row in sorted(budgets.values(), key=lambda item: item[1]["period_start"]):
        money.planned.append((row["currency"], row["amount"]))
        _add(money, row, rates, scale, sectors)
    for number, transaction in enumerate(activity.findall("transaction"), 1):
        where = f"transaction[{number}]"
        type_element = transaction.find("transaction-type")
        kind = KINDS.get(type_element.get("code") if type_element is not None else "")
        if kind is None:
            continue
        date = _iso(transaction.find("transaction-date"))
        if not date:
            money.problems.append((f"{where}/transaction-date", None, "transaction without a date"))
            continue
        value = _value(transaction.find("value"), default_currency, rates, money, where)
        if value is not None:
            _add(money, {"kind": kind, "date": date, "period_start": date, "period_end": date, **value},
                 rates, scale, sectors)
    return money


def _iso(element: ET.Element | None) -> str | None:
    return ((element.get("iso-date") or "").strip()[:10] or None) if element is not None else None


def _value(element, default_currency, rates, money: Money, where: str) -> dict | None:
    if element is None or not (element.text or "").strip():
        money.problems.append((f"{where}/value", None, "no value"))
        return None
    try:
        amount = float(element.text.strip())
    except ValueError:
        money.problems.append((f"{where}/value", element.text.strip(), "value is not a number"))
        return None
    currency = (element.get("currency") or "").strip().upper() or default_currency
    if currency is None:
        money.problems.append((f"{where}/value/@currency", None,
                               "no @currency and no default-currency on the activity"))
        return None
    if currency not in rates:
        money.problems.append((f"{where}/value/@currency", currency,
                               f"unknown currency; known: {', '.join(rates)} (add a rate with "
                               "`geoaid settings set exchange_rates_vnd …`)"))
        return None
    return {"amount": amount, "currency": currency}


def _add(money: Money, row: dict, rates: dict, scale: float, sectors: dict[str, float]) -> None:
    """The row scaled to Viet Nam's share, as one row per sector with its VND and USD amounts."""
    amount = row["amount"] * scale
    total_vnd = int(round(amount * rates[row["currency"]]))
    if row["kind"] == "committed":
        money.committed_vnd += total_vnd
    by_sector = split_vnd(total_vnd, sectors) if sectors else {None: total_vnd}
    usd = rates.get("USD")
    for sector, vnd in by_sector.items():
        share = sectors.get(sector, 1.0) if sectors else 1.0
        money.flows.append({**row, "sector": sector, "amount": round(amount * share, 2),
                            "amount_vnd": vnd, "amount_usd": round(vnd / usd, 2) if usd else None})
