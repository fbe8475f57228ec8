"""Split each project's budget over communes, exactly, in whole VND.

Rules (the ``area_allocation_rule`` setting picks the last one and is
printed with every output that uses it):

1. A project's locations share its budget by their stated percentages; when
   none is stated, each listed location gets an equal share.
2. A commune location keeps its share (scope ``commune``).
3. A district or province location (scope ``area``) spreads its share over
   that area's communes in the workspace: evenly (``even``) or in proportion
   to commune area (``area``).
4. Amounts are integer VND. Per project the fractional parts are apportioned
   by the largest-remainder (Hamilton) method, so the allocations always add
   up to ``budget_vnd`` exactly, with ties broken by commune code.

A project none of whose locations lies in the workspace is not allocated;
:func:`unallocated` lists such projects.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geoaid.frames import Frames

COLUMNS = ["project_id", "commune_code", "scope", "share", "amount_vnd"]


def allocate(frames: Frames, rule: str | None = None) -> pd.DataFrame:
    """One row per (project, commune, scope) with its share and integer VND amount."""
    rule = rule or frames.settings.get("area_allocation_rule", "even")
    if rule not in ("even", "area"):
        raise ValueError(f"unknown allocation rule {rule!r}")
    shares = location_shares(frames.locations)
    if shares.empty:
        return pd.DataFrame(columns=COLUMNS)
    communes = frames.communes[["code", "district_code", "province_code", "area_km2"]]
    parts = []
    targeted = shares[shares["level"] == "commune"]
    columns = ["project_id", "location_share", "commune_code", "scope", "weight", "unit"]
    parts.append(targeted.assign(commune_code=targeted["unit_code"], scope="commune", weight=1.0,
                                 unit=targeted["unit_code"])[columns]
                 .loc[lambda f: f["commune_code"].isin(communes["code"])])
    for level, column in (("district", "district_code"), ("province", "province_code")):
        wide = shares[shares["level"] == level]
        if wide.empty:
            continue
        expanded = wide.merge(communes, left_on="unit_code", right_on=column)
        expanded["weight"] = expanded["area_km2"].fillna(0.0) if rule == "area" else 1.0
        parts.append(expanded.assign(commune_code=expanded["code"], scope="area",
                                     unit=level + ":" + expanded["unit_code"])[columns])
    rows = pd.concat(parts, ignore_index=True)
    if rows.empty:
        return pd.DataFrame(columns=COLUMNS)
    # Within each area location, weights become fractions of that location's share.
    total_weight = rows.groupby(["project_id", "scope", "unit"])["weight"].transform("sum")
    fraction = np.where(total_weight > 0, rows["weight"] / total_weight.where(total_weight > 0, 1), 0.0)
    rows["share"] = rows["location_share"] * fraction
    rows = rows.groupby(["project_id", "commune_code", "scope"], as_index=False)["share"].sum()
    # Locations outside the workspace drop out: renormalise over what remains.
    rows["share"] = rows["share"] / rows.groupby("project_id")["share"].transform("sum")
    budgets = frames.projects.set_index("project_id")["budget_vnd"].astype("int64")
    rows = rows[rows["project_id"].isin(budgets.index)].copy()
    rows["amount_vnd"] = _apportion(rows, budgets)
    return rows.sort_values(["project_id", "commune_code", "scope"]).reset_index(drop=True)[COLUMNS]


def location_shares(locations: pd.DataFrame) -> pd.DataFrame:
    """Each location's share of its project (stated % / 100, else equal)."""
    if locations.empty:
        return locations.assign(location_share=pd.Series(dtype=float))
    out = locations.copy()
    stated = pd.to_numeric(out["share_pct"], errors="coerce")
    count = out.groupby("project_id")["project_id"].transform("size")
    any_stated = stated.notna().groupby(out["project_id"]).transform("any")
    out["location_share"] = np.where(any_stated, stated.fillna(0) / 100.0, 1.0 / count)
    out["unit_code"] = out["unit_code"].astype(str)
    return out


def _apportion(rows: pd.DataFrame, budgets: pd.Series) -> np.ndarray:
    """Largest-remainder apportionment of each project's budget over its rows."""
    budget = rows["project_id"].map(budgets).to_numpy(dtype="int64")
    exact = rows["share"].to_numpy() * budget
    floor = np.floor(exact).astype("int64")
    remainder = exact - floor
    frame = pd.DataFrame({"pid": rows["project_id"].to_numpy(), "code": rows["commune_code"].to_numpy(),
                          "rem": remainder, "floor": floor, "budget": budget})
    missing = frame.groupby("pid")["budget"].transform("first") - frame.groupby("pid")["floor"].transform("sum")
    order = frame.sort_values(["pid", "rem", "code"], ascending=[True, False, True])
    rank = order.groupby("pid").cumcount().reindex(frame.index)
    return (floor + (rank.to_numpy() < missing.to_numpy()).astype("int64"))


def unallocated(frames: Frames, allocations: pd.DataFrame) -> pd.DataFrame:
    """Projects with no allocation (none of their locations is in the workspace)."""
    return frames.projects[~frames.projects["project_id"].isin(allocations["project_id"])]
