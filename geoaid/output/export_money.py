"""The money and IATI columns of the projects export: planned, committed, disbursed and spent
money in VND and USD, and the IATI fields kept (identifier, reporting organisation, precision).

Commitments, disbursements and expenditure are those dated in the filters' year or period
(all of them without one); the planned amount is the project's budget.
"""

from __future__ import annotations

import pandas as pd

from geoaid.analysis.filters import Filters
from geoaid.analysis.frames import Frames
from geoaid.analysis.money import FLOW_KINDS, money_amounts

MONEY_COLUMNS = [*(f"{kind}_vnd" for kind in FLOW_KINDS), "planned_usd", "committed_usd", "disbursed_usd",
                 "disbursement_rate_pct"]
IATI_COLUMNS = ["iati_identifier", "reporting_org", "precision"]


def money_columns(frames: Frames, project_ids: pd.Series, filters: Filters = Filters()) -> pd.DataFrame:
    """One row per id in ``project_ids`` (same index) with MONEY_COLUMNS and IATI_COLUMNS."""
    ids = project_ids.astype(str)
    start, end = filters.period
    out = pd.DataFrame(index=project_ids.index)
    for kind in FLOW_KINDS:
        amounts = money_amounts(frames.projects, frames.flows, kind, *((None, None) if kind == "planned"
                                                                       else (start, end)))
        out[f"{kind}_vnd"] = ids.map(amounts).fillna(0).astype("int64")
    for kind in ("planned", "committed", "disbursed"):
        out[f"{kind}_usd"] = (out[f"{kind}_vnd"] / frames.usd_rate).round(0).astype("int64")
    committed = out["committed_vnd"].where(out["committed_vnd"] > 0)
    out["disbursement_rate_pct"] = (100.0 * out["disbursed_vnd"] / committed).round(1)
    iati = frames.iati if frames.iati is not None and len(frames.iati) else pd.DataFrame(
        columns=["project_id", "iati_identifier", "reporting_org"])
    kept = iati.drop_duplicates("project_id").set_index(iati.drop_duplicates("project_id")["project_id"].astype(str))
    out["iati_identifier"] = ids.map(kept["iati_identifier"])
    out["reporting_org"] = ids.map(kept["reporting_org"])
    places = frames.iati_locations if frames.iati_locations is not None and len(frames.iati_locations) else None
    if places is not None:
        precision = places.groupby(places["project_id"].astype(str))["precision"].agg(
            lambda values: "; ".join(sorted({str(v) for v in values.dropna()})))
        out["precision"] = ids.map(precision)
    else:
        out["precision"] = None
    return out
