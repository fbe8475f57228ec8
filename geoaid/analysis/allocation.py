"""Split each project's budget over communes, exactly, in whole VND.

Rules (the ``area_allocation_rule`` setting picks rule 4's weighting; it is
printed with every output that uses it, and ``allocate`` returns it in the
``allocation_rule`` column):

1. **Location shares.** A project's locations share its budget by their
   stated percentages (``share_pct``). Locations without a percentage share
   what the stated ones leave (100 % − the stated sum, never below 0)
   equally; when no location states one, every location gets an equal
   share. If the shares then do not add up to 100 % (e.g. stated 30 % + 30 %
   only) they are scaled to add up to 100 %, so budgets are never lost or
   invented. (The importer accepts only "all or none, adding up to 100", so
   with imported data the stated percentages are honoured as written.)
2. **Commune locations** keep their share (``scope = "commune"``).
3. **District and province locations** (``scope = "area"``) spread their
   share over all communes of that district/province in the workspace:
   ``even`` — the same fraction for every commune; ``area`` — in
   proportion to commune area (km², equal-area CRS); ``population`` — in
   proportion to the commune's population (census 2019, the ``population``
   column). If none of the area's communes has an area, ``area`` falls back
   to ``even``; if any of them has no population figure, ``population``
   does too for that location (a commune of unknown population is never
   given nothing for it).
4. A project with locations on several levels is handled by the same
   steps: a commune can receive a ``commune`` row and an ``area`` row from
   the same project; both are kept (coverage reports them separately).
5. **Whole VND.** Per project, the exact amounts share × budget are
   rounded down and the VND left over are handed out one by one to the rows
   with the largest fractional parts (largest-remainder / Hamilton
   apportionment), ties going to the lowest commune code. The rows of a
   project therefore add up to ``budget_vnd`` exactly — no rounding drift,
   no double counting.
6. **Outside the workspace.** A location whose commune/district/province
   is not in the workspace (e.g. boundaries re-imported for fewer
   provinces), or a project with no location, cannot be mapped: its part of
   the budget is apportioned like the others but reported by
   :func:`unallocated` rather than given to the communes that remain (which
   would inflate them). For every project,
   ``allocate`` rows + ``unallocated`` rows == ``budget_vnd`` exactly.

A missing ``budget_vnd`` counts as 0 VND: the project still covers its
communes (counts), with no money.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geoaid.analysis.frames import Frames

COLUMNS = ["project_id", "commune_code", "scope", "share", "amount_vnd", "allocation_rule"]
UNALLOCATED_COLUMNS = ["project_id", "level", "unit_code", "share", "amount_vnd", "reason"]
RULES = ("even", "area", "population")


def allocate(frames: Frames, rule: str | None = None) -> pd.DataFrame:
    """One row per (project, commune, scope) with its share of the project and integer VND.

    ``rule`` overrides the workspace's ``area_allocation_rule`` setting.
    Rows come in project order (as in the projects table), then commune code.
    Frames switched to another boundary version carry their allocations,
    already moved exactly along the crosswalk (geoaid.reform.versions):
    those are returned as they are, so area-wide money stays area-wide.
    """
    moved = getattr(frames, "allocations", None)
    if moved is not None and rule in (None, frames.allocation_rule):
        return moved.copy()
    return _split(frames, rule)[0]


def unallocated(frames: Frames, rule: str | None = None) -> pd.DataFrame:
    """The parts of budgets that no workspace commune can receive, with the reason."""
    return _split(frames, rule)[1]


def location_shares(locations: pd.DataFrame) -> pd.DataFrame:
    """Each location's share of its project as a fraction (rule 1 of the module doc)."""
    out = locations.copy()
    if out.empty:
        return out.assign(location_share=pd.Series(dtype=float))
    stated = pd.to_numeric(out["share_pct"], errors="coerce").clip(lower=0) / 100.0
    # Grouped on integer codes: grouping on the id text sorts every distinct id, again for each sum.
    pid = pd.Series(pd.factorize(np.asarray(out["project_id"], dtype=object))[0], index=out.index)
    unstated = stated.isna()
    stated_sum = stated.fillna(0).groupby(pid).transform("sum")
    unstated_count = unstated.groupby(pid).transform("sum")
    any_stated = (~unstated).groupby(pid).transform("any")
    rest = (1.0 - stated_sum).clip(lower=0) / unstated_count.where(unstated_count > 0, 1)
    share = np.where(~any_stated, 1.0, np.where(unstated, rest, stated.fillna(0)))
    share = pd.Series(share, index=out.index)
    total = share.groupby(pid).transform("sum")
    # Shares that add up to nothing (all stated 0 %): fall back to equal shares.
    count = pid.groupby(pid).transform("size")
    out["location_share"] = np.where(total > 0, share / total.where(total > 0, 1), 1.0 / count)
    out["unit_code"] = out["unit_code"].astype(str)
    out["level"] = out["level"].astype(str).str.strip().str.lower()
    return out


def apportion(group, share, total, tiebreak=None) -> np.ndarray:
    """Largest-remainder apportionment: integers close to ``share × total`` that add up exactly.

    ``group`` labels the rows of one total (a project); ``total`` is that
    group's integer total, repeated on each of its rows; ``share`` the row's
    fraction (a group's shares should add up to 1). Leftover units go to the
    largest fractional parts, ties to the smallest ``tiebreak``. Whatever
    floating-point error the shares carry, each group's results add up to
    its total exactly (surplus units are taken back from the smallest
    remainders).
    """
    share = np.asarray(share, dtype="float64")
    total = np.asarray(total, dtype="int64")
    n = len(share)
    if n == 0:
        return np.zeros(0, dtype="int64")
    gid = pd.factorize(np.asarray(group))[0]
    tb = np.arange(n) if tiebreak is None else np.asarray(tiebreak)
    if tb.dtype.kind not in "iu":
        tb = pd.factorize(tb, sort=True)[0]
    exact = share * total
    base = np.floor(exact).astype("int64")
    remainder = exact - base
    groups = gid.max() + 1
    floor_sum = np.zeros(groups, dtype="int64")
    np.add.at(floor_sum, gid, base)
    group_total = np.zeros(groups, dtype="int64")
    group_total[gid] = total
    size = np.bincount(gid, minlength=groups)
    need = (group_total - floor_sum)[gid]
    order = np.lexsort((tb, -remainder, gid))
    sorted_gid = gid[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_gid)) + 1]
    rank = np.empty(n, dtype="int64")
    rank[order] = np.arange(n) - np.repeat(starts, np.diff(np.r_[starts, n]))
    count = size[gid]
    # need // count + (rank < need % count) hands out any shortfall in rank
    # order; Python-style floor division also takes back a (float) surplus.
    return base + need // count + (rank < need % count).astype("int64")


def _weights(expanded: pd.DataFrame, rule: str) -> np.ndarray:
    """Each commune's weight inside its area location (rule 3 of the module doc)."""
    if rule == "area":
        return expanded["area_km2"].astype(float).fillna(0).clip(lower=0).to_numpy()
    if rule == "population":
        people = expanded["population"].astype(float)
        unknown = people.isna().groupby(expanded["location"]).transform("any").to_numpy()
        return np.where(unknown, 1.0, people.fillna(0).clip(lower=0).to_numpy())
    return np.ones(len(expanded))


def _split(frames: Frames, rule: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(allocations, unallocated), apportioned together per project (see the module doc).

    Projects and communes are handled as integer positions so that a national
    workspace (10,000 communes × 50,000 locations, area-wide ones expanding to
    hundreds of thousands of rows) is grouped and sorted on numbers, not text.
    """
    rule = rule or frames.allocation_rule
    if rule not in RULES:
        raise ValueError(f"unknown allocation rule {rule!r}; use {' or '.join(RULES)}")
    projects = frames.projects
    budgets = pd.Series(pd.to_numeric(projects["budget_vnd"], errors="coerce").fillna(0).round()
                        .astype("int64").to_numpy(), index=projects["project_id"].astype(str).to_numpy())
    budgets = budgets[~budgets.index.duplicated()]
    locations = frames.locations.assign(project_id=frames.locations["project_id"].astype(str))
    shares = location_shares(locations[locations["project_id"].isin(budgets.index)])
    shares["pid"] = budgets.index.get_indexer(shares["project_id"])
    # Communes by code order: a commune's position doubles as the tie-break of rule 5.
    columns = ["code", "district_code", "province_code", "area_km2"]
    columns += ["population"] if "population" in frames.communes.columns else []
    communes = frames.communes[columns].astype({"code": str}).sort_values("code").drop_duplicates("code") \
        .reset_index(drop=True)
    # Imported boundaries carry no population: every figure unknown.
    communes["population"] = (pd.to_numeric(communes["population"], errors="coerce").astype(float)
                              if "population" in communes.columns else np.nan)
    communes["com"] = np.arange(len(communes))
    code_index = pd.Index(communes["code"])

    inside, outside = [], []
    targeted = shares[shares["level"] == "commune"]
    com = code_index.get_indexer(targeted["unit_code"])
    inside.append((targeted["pid"].to_numpy()[com >= 0], com[com >= 0], np.zeros((com >= 0).sum(), "int64"),
                   targeted["location_share"].to_numpy()[com >= 0]))
    outside.append(targeted[com < 0].assign(reason="commune not in the workspace"))
    for level, column in (("district", "district_code"), ("province", "province_code")):
        wide = shares[shares["level"] == level]
        if wide.empty:
            continue
        wide = wide.assign(location=np.arange(len(wide)))
        expanded = wide[["pid", "location", "unit_code", "location_share"]].merge(
            communes, left_on="unit_code", right_on=column)
        loc = expanded["location"].to_numpy()
        weight = _weights(expanded, rule)
        total = np.bincount(loc, weights=weight, minlength=len(wide))[loc]
        size = np.bincount(loc, minlength=len(wide))[loc]
        fraction = np.where(total > 0, weight / np.where(total > 0, total, 1), 1.0 / np.maximum(size, 1))
        inside.append((expanded["pid"].to_numpy(), expanded["com"].to_numpy(), np.ones(len(expanded), "int64"),
                       expanded["location_share"].to_numpy() * fraction))
        outside.append(wide[~wide["location"].isin(expanded["location"])]
                       .assign(reason=f"{level} has no commune in the workspace"))
    outside.append(shares[~shares["level"].isin(["commune", "district", "province"])]
                   .assign(reason="unknown location level"))
    nowhere = np.flatnonzero(~budgets.index.isin(shares["project_id"]))
    outside.append(pd.DataFrame({"pid": nowhere, "level": "", "unit_code": "", "location_share": 1.0,
                                 "reason": "project has no location"}))

    # Inside: one row per (project, commune, scope), as a single int64 key.
    pid, com, scope, share = (np.concatenate([part[i] for part in inside]) for i in range(4))
    key = (pid.astype("int64") * (len(communes) + 1) + com) * 2 + scope
    summed = pd.Series(share).groupby(key).sum()
    summed = summed[summed > 0]
    key = summed.index.to_numpy()
    pid_in, com_in, scope_in = key // 2 // (len(communes) + 1), key // 2 % (len(communes) + 1), key % 2
    # Outside: one row per (project, level, unit), tie-broken after every commune.
    out = pd.concat([o[["pid", "level", "unit_code", "location_share", "reason"]] for o in outside if len(o)]
                    or [pd.DataFrame(columns=["pid", "level", "unit_code", "location_share", "reason"])])
    out = out.groupby(["pid", "level", "unit_code"], as_index=False, sort=True).agg(
        share=("location_share", "sum"), reason=("reason", "first"))
    out = out[out["share"] > 0]
    pid_out = out["pid"].to_numpy(dtype="int64")

    groups = np.concatenate([pid_in, pid_out])
    amounts = apportion(groups, np.concatenate([summed.to_numpy(), out["share"].to_numpy(dtype=float)]),
                        budgets.to_numpy()[groups],
                        tiebreak=np.concatenate([com_in, len(communes) + np.arange(len(out))]))
    ids = budgets.index.to_numpy()
    allocations = pd.DataFrame({"project_id": pd.array(ids[pid_in], dtype="str"),
                                "commune_code": pd.array(code_index.to_numpy()[com_in], dtype="str"),
                                "scope": np.where(scope_in == 1, "area", "commune"),
                                "share": summed.to_numpy(), "amount_vnd": amounts[:len(pid_in)],
                                "allocation_rule": rule}, columns=COLUMNS)
    unplaced = pd.DataFrame({"project_id": pd.array(ids[pid_out], dtype="str"),
                             "level": out["level"].to_numpy(), "unit_code": out["unit_code"].to_numpy(),
                             "share": out["share"].to_numpy(dtype=float), "amount_vnd": amounts[len(pid_in):],
                             "reason": out["reason"].to_numpy()}, columns=UNALLOCATED_COLUMNS)
    return allocations, unplaced
