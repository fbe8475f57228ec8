"""Which money an analysis counts: the planned budget, commitments or disbursements.

A project's ``budget_vnd`` is its planned budget; ``project_flows`` holds what
was committed and disbursed, on their dates. With ``money="planned"`` (the
default) every analysis counts budgets exactly as before. With
``"committed"`` or ``"disbursed"`` a project counts the sum of its flows of
that kind: all of them, or, when a period is asked for, only those dated in
it (a project without such a flow in the period is left out; without a
period it stays, with 0 VND).

The commune allocation of that money uses the same shares as the budget's
(geoaid.analysis.allocation), re-apportioned in whole VND so that, per
project, the communes' amounts plus the part no commune can receive add up
to the project's money exactly.

Example::

    amounts = money_amounts(frames.projects, frames.flows, "disbursed", date(2024, 1, 1), date(2024, 12, 31))
    rows = counted_allocations(allocate(frames), amounts)   # sums to ≤ amounts per project
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from geoaid.analysis.allocation import apportion

MONEY_KINDS = ("planned", "committed", "disbursed")
FLOW_KINDS = ("planned", "committed", "disbursed", "expenditure")


def flow_dates(flows: pd.DataFrame) -> pd.Series:
    """The date a flow counts on: a transaction's date, else the start of its budget period."""
    when = flows["date"].where(flows["date"].notna() & (flows["date"].astype(str) != ""), flows["period_start"])
    return pd.to_datetime(when, errors="coerce", format="mixed")


def money_amounts(projects: pd.DataFrame, flows: pd.DataFrame | None, kind: str,
                  start: date | None = None, end: date | None = None) -> pd.Series:
    """Integer VND per project id of ``kind`` money (FLOW_KINDS); projects left out when a period has none.

    >>> money_amounts(projects, flows, "committed").loc["P1"]      # doctest: +SKIP
    3000000000
    """
    if kind not in FLOW_KINDS:
        raise ValueError(f"unknown money {kind!r}; use {' or '.join(MONEY_KINDS)}")
    ids = projects["project_id"].astype(str)
    if kind == "planned":
        budget = pd.to_numeric(projects["budget_vnd"], errors="coerce").fillna(0).round().astype("int64")
        return pd.Series(budget.to_numpy(), index=ids.to_numpy())
    flows = flows if flows is not None else pd.DataFrame(columns=["project_id", "kind", "date",
                                                                 "period_start", "amount_vnd"])
    chosen = flows[flows["kind"] == kind]
    if start or end:
        when = flow_dates(chosen)
        inside = when.notna()
        if start:
            inside &= when >= pd.Timestamp(start)
        if end:
            inside &= when <= pd.Timestamp(end)
        chosen = chosen[inside]
    sums = (pd.to_numeric(chosen["amount_vnd"], errors="coerce").fillna(0).round().astype("int64")
            .groupby(chosen["project_id"].astype(str)).sum())
    if start or end:
        sums = sums[sums.index.isin(ids)]
        return sums.reindex([i for i in ids.drop_duplicates() if i in sums.index]).astype("int64")
    return sums.reindex(ids.drop_duplicates().to_numpy(), fill_value=0).astype("int64")


def counted_allocations(allocations: pd.DataFrame, amounts: pd.Series) -> pd.DataFrame:
    """``allocations`` re-apportioned to ``amounts`` (project id → VND) by the same shares.

    Each project's rows keep their ``share``; the part of the project no
    commune receives (1 − the rows' shares) is apportioned too and left out,
    so rows + that part == the amount, to the đồng.
    """
    rows = allocations[allocations["project_id"].astype(str).isin(amounts.index)].reset_index(drop=True)
    if rows.empty:
        return rows.copy()
    share = rows["share"].astype(float).to_numpy()
    pid = rows["project_id"].astype(str).to_numpy()
    placed = pd.Series(share).groupby(pid).sum()
    rest = (1.0 - placed).clip(lower=0)
    group = np.concatenate([pid, rest.index.to_numpy()])
    weights = np.concatenate([share, rest.to_numpy()])
    totals = amounts.reindex(group).fillna(0).astype("int64").to_numpy()
    tiebreak = np.concatenate([np.arange(len(rows)), len(rows) + np.arange(len(rest))])
    amounts_vnd = apportion(group, weights, totals, tiebreak=tiebreak)
    return rows.assign(amount_vnd=amounts_vnd[:len(rows)])
