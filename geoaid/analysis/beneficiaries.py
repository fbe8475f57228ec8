"""People targeted and reached per commune, spread like the projects' money, in whole persons.

A project states its people for the whole project or, in a 3W file, per
commune (``project_beneficiaries``). Per commune, for the projects passing
the period, donor, sector and money filters (the same projects as the
money; :func:`geoaid.analysis.filters.active_projects`):

* counts stated per commune are that commune's (on the 2025 boundaries they
  follow the crosswalk, a divided commune's count split by its weights);
* counts stated for the whole project are spread over its communes with the
  **same shares as its money** (:mod:`geoaid.analysis.allocation`: location
  percentages, then ``even``, ``area`` or ``population`` inside a district-
  or province-wide location), by largest remainder, so the communes' persons
  plus the part no workspace commune can receive add up to the stated count
  exactly — never half a person;
* ``people_reached_pct`` = people reached / population (census 2019) × 100,
  1 decimal; empty where the population is unknown. The census gives no
  children, women or ethnic-minority population per commune
  (boundaries/data/SOURCES.md), so those groups are counts only, with no
  rate: geoaid never invents a base.

A project counted by several communes' rows is counted once per commune;
summing ``people_reached`` over communes gives the people reached, not
"people reached per project".

>>> PEOPLE_COLUMNS[:3]
['people_targeted', 'people_reached', 'people_reached_pct']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geoaid.analysis.allocation import allocate, apportion
from geoaid.analysis.filters import Filters, active_projects
from geoaid.store import schema

GROUPS = ("total", "children", "women", "ethnic_minority")
KINDS = ("targeted", "reached")
_PREFIX = {"total": "people", "children": "children", "women": "women", "ethnic_minority": "ethnic_minority"}
COUNT_COLUMNS = [f"{_PREFIX[group]}_{kind}" for group in GROUPS for kind in KINDS]
PEOPLE_COLUMNS = ["people_targeted", "people_reached", "people_reached_pct", *COUNT_COLUMNS[2:]]


def stated(frames) -> pd.DataFrame:
    """The workspace's ``project_beneficiaries`` rows (empty, with its columns, when there are none)."""
    table = getattr(frames, "beneficiaries", None)
    if table is None or table.empty:
        return pd.DataFrame(columns=schema.PROJECT_BENEFICIARY_COLUMNS)
    table = table.assign(project_id=table["project_id"].astype(str),
                         count=pd.to_numeric(table["count"], errors="coerce").fillna(0).astype("int64"))
    code = table["commune_code"]
    return table.assign(commune_code=code.where(code.notna() & (code.astype(str) != "")).astype(object))


def people_per_commune(frames, filters: Filters = Filters(), allocations: pd.DataFrame | None = None,
                       projects: pd.DataFrame | None = None) -> pd.DataFrame:
    """Persons per commune code: the :data:`COUNT_COLUMNS`, integers (0 where none), communes with any only.

    ``allocations`` is :func:`geoaid.analysis.allocation.allocate`'s result (the
    shares of the money), ``projects`` the filtered projects if already known.
    """
    rows = stated(frames)
    projects = active_projects(frames, filters) if projects is None else projects
    rows = rows[rows["project_id"].isin(projects["project_id"].astype(str))]
    parts = []
    here = rows[rows["commune_code"].notna()]
    if len(here):
        here = _on_version(frames, here)
        parts.append((here["commune_code"].astype(str).to_numpy(), _column_of(here),
                      here["count"].to_numpy(dtype="int64")))
    whole = rows[rows["commune_code"].isna()]
    if len(whole):
        parts.append(_spread(whole, allocate(frames) if allocations is None else allocations))
    codes, column, count = (np.concatenate([part[i] for part in parts]) if parts else np.zeros(0, "int64")
                            for i in range(3))
    communes, position = np.unique(codes.astype(str), return_inverse=True)
    table = np.zeros((len(communes), len(COUNT_COLUMNS)), dtype="int64")
    np.add.at(table, (position, column.astype("int64")), count.astype("int64"))
    return pd.DataFrame(table, index=pd.Index(communes, name="commune_code"), columns=COUNT_COLUMNS)


def _column_of(rows: pd.DataFrame) -> np.ndarray:
    """Each row's position in :data:`COUNT_COLUMNS`."""
    return pd.Index(GROUPS).get_indexer(rows["group"]) * len(KINDS) + pd.Index(KINDS).get_indexer(rows["kind"])


def project_totals(frames, project_ids: pd.Series) -> pd.DataFrame:
    """The :data:`COUNT_COLUMNS` each project states (summed over its communes), same index as ``project_ids``;
    empty (NA) where a project states nothing of that group and kind."""
    rows = stated(frames)
    out = pd.DataFrame(index=project_ids.index)
    sums = (rows.assign(column=rows["group"].map(_PREFIX) + "_" + rows["kind"])
            .groupby(["project_id", "column"])["count"].sum())
    for column in COUNT_COLUMNS:
        per_project = sums.xs(column, level="column") if column in sums.index.get_level_values(1) else pd.Series()
        out[column] = pd.array(project_ids.astype(str).map(per_project), dtype="Int64")
    return out


def _spread(whole: pd.DataFrame, allocations: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Whole-project counts over the communes by the money's shares: (commune codes, columns, persons).

    Each (project, group, kind) count is apportioned over its project's allocation rows and the
    part no commune receives (1 − their shares), by largest remainder, ties to the lowest commune
    code, so it adds up exactly (as :func:`geoaid.analysis.money.counted_allocations` does for
    money). Worked on integer positions: 50,000 counts over 50,000 locations take a fraction of a second.
    """
    width = len(COUNT_COLUMNS)
    ids = pd.Index(pd.unique(whole["project_id"]))
    key = ids.get_indexer(whole["project_id"]) * width + _column_of(whole)
    totals = np.bincount(key, weights=whole["count"].to_numpy(dtype=float), minlength=len(ids) * width)
    keys = np.flatnonzero(np.bincount(key, minlength=len(ids) * width))      # the stated (project, column)s
    owner = ids.get_indexer(allocations["project_id"].astype(str))
    inside = owner >= 0
    owner, share = owner[inside], allocations["share"].to_numpy(dtype=float)[inside]
    codes = allocations["commune_code"].astype(str).to_numpy()[inside]
    rank = pd.factorize(codes, sort=True)[0]
    order = np.lexsort((rank, owner))                                       # by project, then commune code
    per_project = np.bincount(owner, minlength=len(ids))
    start = np.concatenate([[0], np.cumsum(per_project)[:-1]])
    project = keys // width
    repeats = per_project[project]
    within = np.arange(repeats.sum()) - np.repeat(np.cumsum(repeats) - repeats, repeats)
    row = order[np.repeat(start[project], repeats) + within]
    rest = np.clip(1.0 - np.bincount(owner, weights=share, minlength=len(ids)), 0, None)[project]
    group = np.concatenate([np.repeat(np.arange(len(keys)), repeats), np.arange(len(keys))])
    persons = apportion(group, np.concatenate([share[row], rest]), np.round(totals[keys]).astype("int64")[group],
                        tiebreak=np.concatenate([rank[row], np.full(len(keys), len(codes))]))
    placed = len(row)
    return codes[row], np.repeat(keys % width, repeats), persons[:placed]


def with_people(rows: pd.DataFrame, frames, filters: Filters = Filters(),
                allocations: pd.DataFrame | None = None, projects: pd.DataFrame | None = None) -> pd.DataFrame:
    """``rows`` (one per ``commune_code``, with ``population``) with the :data:`PEOPLE_COLUMNS` added."""
    people = people_per_commune(frames, filters, allocations, projects)
    out = rows.copy()
    for column in COUNT_COLUMNS:
        out[column] = out["commune_code"].map(people[column]).fillna(0).astype("int64") if len(people) \
            else np.zeros(len(out), dtype="int64")
    out["people_reached_pct"] = reached_share(out["people_reached"], out["population"])
    return out


def reached_share(reached: pd.Series, population: pd.Series) -> pd.Series:
    """People reached as a percentage of the population, 1 decimal; NaN without a population.

    >>> reached_share(pd.Series([1_250, 0]), pd.Series([5_000, None])).tolist()
    [25.0, nan]
    """
    people = pd.to_numeric(population, errors="coerce").astype(float)
    return (100.0 * reached.astype(float) / people.where(people > 0)).round(1)


def _on_version(frames, rows: pd.DataFrame) -> pd.DataFrame:
    """Per-commune rows on the frames' boundary version: legacy codes moved along the crosswalk."""
    crosswalk = getattr(frames, "crosswalk", None)
    if getattr(frames, "version", "2019") == "2019" or crosswalk is None or crosswalk.empty:
        return rows
    moved = rows.reset_index(drop=True).reset_index(names="row").merge(
        crosswalk[["old_code", "new_code", "weight"]], left_on="commune_code", right_on="old_code")
    moved["count"] = apportion(moved["row"], moved["weight"].astype(float), moved["count"].astype("int64"),
                               tiebreak=moved["new_code"])
    return moved.assign(commune_code=moved["new_code"])
