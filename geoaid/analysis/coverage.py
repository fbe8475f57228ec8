"""Coverage and gaps per commune: where aid is needed but absent.

Per commune (of the filtered provinces and zones), for the projects that pass
the sector, donor and period filters (geoaid/filters.py):

* ``project_count``, ``donor_count`` — projects/donors with any allocation
  there; ``commune_project_count`` / ``area_project_count`` split the
  projects into commune-targeted and district/province-wide ones;
* ``funding_vnd`` — all allocated VND (geoaid/allocation.py);
  ``commune_funding_vnd`` the commune-targeted part and
  ``area_funding_vnd`` the part from district- or province-wide projects,
  reported separately because it is thinner, less certain coverage;
  ``funding_usd`` at the workspace's USD rate (whole USD);
* ``sectors_present`` / ``sectors_missing`` — sector keys, of the plan's
  seven sectors (or of the filtered sectors);
* ``population`` — census 2019 (official; on 2025 communes carried along the
  crosswalk), and ``funding_vnd_per_person`` = funding_vnd / population,
  ``funding_usd_per_person`` the same in USD (2 decimals): missing where the
  population is unknown or 0, never a division by a guess;
* ``people_targeted`` / ``people_reached`` (and children, women, ethnic-minority
  people) the projects state, spread like their money, and
  ``people_reached_pct`` of the population (geoaid/analysis/beneficiaries.py).

**Gap formula** (geoaid/analysis/gap_formula.py): gap_score = priority_score × R / (R + F),
on the total or the per-person basis (``gap_basis`` per row). ``gap_rank`` 1 is the most
urgent: highest gap, then highest priority, then commune code; an uncovered
commune therefore ranks above every covered commune of equal or lower
priority. ``gap_score`` is shown rounded to 2 decimals.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from geoaid.analysis.allocation import allocate
from geoaid.analysis.beneficiaries import PEOPLE_COLUMNS, with_people
from geoaid.analysis.donor_names import donor_keys
from geoaid.analysis.filters import Filters, active_projects, counted
from geoaid.analysis.frames import Frames, sample_mask
from geoaid.analysis.gap_formula import (
    describe_gap_formula,
    effective_funding,
    exact_priority,
    gap_parameters,
    gap_references,
    gap_value,
)
from geoaid.analysis.priority import priority_index
from geoaid.analysis.sectors import SECTORS

__all__ = ["coverage", "gap_ranking", "commune_projects", "active_projects", "COLUMNS"]

COLUMNS = ["commune_code", "commune_name", "district", "province", "province_code", "district_code",
           "priority_score", "classes", "classes_vi", "ethnic_minority", "coastal",
           "project_count", "commune_project_count", "area_project_count", "donor_count",
           "funding_vnd", "commune_funding_vnd", "area_funding_vnd", "funding_usd",
           "population", "funding_vnd_per_person", "funding_usd_per_person",
           "sectors_present", "sectors_missing", "gap_score", "gap_rank", "sample", "allocation_rule", "gap_basis",
           *PEOPLE_COLUMNS]


def filtered_communes(frames: Frames, filters: Filters, priority: pd.DataFrame) -> pd.DataFrame:
    """Communes of the filtered provinces and zones (a commune in any chosen zone is kept)."""
    communes = frames.communes
    keep = pd.Series(True, index=communes.index)
    if filters.provinces:
        keep &= communes["province_code"].isin(filters.provinces)
    if filters.zones:
        zones = priority.set_index("commune_code")
        in_zone = pd.Series(False, index=communes.index)
        for zone in filters.zones:
            in_zone |= communes["code"].map(zones[zone]).fillna(False).astype(bool)
        keep &= in_zone
    return communes[keep]


def coverage(frames: Frames, filters: Filters = Filters(), allocations: pd.DataFrame | None = None
             ) -> gpd.GeoDataFrame:
    """One row per commune with priority, coverage and gap (see the module doc), gap_rank order.

    ``allocations`` (from :func:`geoaid.analysis.allocation.allocate`) may be passed
    to reuse them across calls. ``attrs`` carry the allocation rule and gap
    formula.
    """
    priority = priority_index(frames, schemes=filters.schemes or None)
    communes = filtered_communes(frames, filters, priority)
    projects = active_projects(frames, filters)
    raw_allocations = allocate(frames) if allocations is None else allocations
    allocations = counted(frames, filters, raw_allocations)
    rule = (str(allocations["allocation_rule"].iloc[0]) if "allocation_rule" in allocations.columns
            and len(allocations) else frames.allocation_rule)
    alloc = allocations[allocations["project_id"].isin(projects["project_id"])
                        & allocations["commune_code"].isin(communes["code"])]
    alloc = alloc.merge(projects[["project_id", "donor", "sector", "sample"]], on="project_id")

    out = pd.DataFrame({"commune_code": communes["code"].to_numpy(),
                        "commune_name": communes["name"].to_numpy(),
                        "district": communes["district_name"].to_numpy(),
                        "province": communes["province_name"].to_numpy(),
                        "province_code": communes["province_code"].to_numpy(),
                        "district_code": communes["district_code"].to_numpy()})
    out = out.merge(priority, on="commune_code", how="left")
    code = out["commune_code"]
    # Per-commune sums and distinct counts on integer positions (no per-commune Python loop).
    n = len(out)
    pos = pd.Index(code).get_indexer(alloc["commune_code"])
    area = (alloc["scope"] == "area").to_numpy()
    project = pd.factorize(alloc["project_id"])[0]
    donor = pd.factorize(donor_keys(alloc["donor"]))[0]
    amount = alloc["amount_vnd"].to_numpy(dtype="int64")
    out["project_count"] = _distinct(pos, project, n)
    out["commune_project_count"] = _distinct(pos[~area], project[~area], n)
    out["area_project_count"] = _distinct(pos[area], project[area], n)
    out["donor_count"] = _distinct(pos, donor, n)
    out["commune_funding_vnd"] = _sum(pos[~area], amount[~area], n)
    out["area_funding_vnd"] = _sum(pos[area], amount[area], n)
    out["funding_vnd"] = out["commune_funding_vnd"] + out["area_funding_vnd"]
    out["funding_usd"] = (out["funding_vnd"] / frames.usd_rate).round(0).astype("int64")
    people = communes["population"] if "population" in communes.columns else pd.Series(pd.NA, index=communes.index)
    out["population"] = pd.array(people.to_numpy(), dtype="Int64")
    out["funding_vnd_per_person"], out["funding_usd_per_person"] = per_person(out["funding_vnd"], out["population"],
                                                                              frames.usd_rate)
    wanted = list(filters.sectors) or [s.key for s in SECTORS]
    out["sectors_present"], out["sectors_missing"] = _sector_lists(pos, alloc["sector"], n, wanted)
    project_sample = np.zeros(n, dtype=bool)
    project_sample[pos[sample_mask(alloc["sample"]).to_numpy()]] = True
    out["project_sample"] = project_sample

    _, area_weight = gap_parameters(frames)
    effective = effective_funding(out["commune_funding_vnd"], out["area_funding_vnd"], area_weight)
    reference, out["gap_basis"] = gap_references(frames, out["population"])
    # Rank on the unrounded score: rounding must not reorder communes.
    exact_score = exact_priority(out["priority_raw"], priority)
    gap = gap_value(exact_score, effective, reference)
    out["gap_score"] = gap.round(2)
    # Ties (a project of 0 VND leaves the gap as it was): an uncovered commune ranks first.
    covered = out["project_count"].to_numpy() > 0
    order = np.lexsort((code.to_numpy(), covered, -exact_score.to_numpy(), -gap.to_numpy()))
    out = out.iloc[order].reset_index(drop=True)
    out["gap_rank"] = np.arange(1, len(out) + 1)
    out["sample"] = out["priority_sample"].astype(bool) | out["project_sample"]
    out["allocation_rule"] = rule
    out = with_people(out, frames, filters, raw_allocations, projects)[COLUMNS]
    geometry = communes.set_index("code").geometry
    result = gpd.GeoDataFrame(out, geometry=out["commune_code"].map(geometry).values, crs=frames.communes.crs)
    result.attrs.update(allocation_rule=rule, gap_formula=describe_gap_formula(frames),
                        sample=bool(result["sample"].any()))
    return result


def per_person(funding_vnd: pd.Series, population: pd.Series, usd_rate: float) -> tuple[pd.Series, pd.Series]:
    """(VND, USD) per inhabitant: whole VND and USD with 2 decimals; NaN without a population.

    >>> [list(s) for s in per_person(pd.Series([50_000_000, 0]), pd.Series([2_000, 0]), 25_000)]
    [[25000.0, nan], [1.0, nan]]
    """
    people = pd.to_numeric(population, errors="coerce").astype(float)
    people = people.where(people > 0)
    vnd = funding_vnd.astype(float) / people
    return vnd.round(0), (vnd / usd_rate).round(2)


def gap_ranking(frames: Frames, filters: Filters = Filters(),
                allocations: pd.DataFrame | None = None) -> pd.DataFrame:
    """The coverage rows, most urgent first, without geometry."""
    return ranking_of(coverage(frames, filters, allocations))


def ranking_of(rows: gpd.GeoDataFrame) -> pd.DataFrame:
    """The gap ranking from coverage rows already computed (they come in gap_rank order)."""
    out = pd.DataFrame(rows.drop(columns="geometry"))
    out.attrs.update(rows.attrs)
    return out


def commune_projects(frames: Frames, filters: Filters = Filters(),
                     allocations: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each filtered project's allocation to each commune, with the project's details."""
    projects = active_projects(frames, filters)
    allocations = counted(frames, filters, allocate(frames) if allocations is None else allocations)
    rows = allocations.merge(projects[["project_id", "title", "donor", "sector", "start_date", "end_date",
                                       "budget_vnd", "sample"]], on="project_id")
    if filters.provinces or filters.zones:
        priority = priority_index(frames) if filters.zones else None
        rows = rows[rows["commune_code"].isin(filtered_communes(frames, filters, priority)["code"])]
    return rows.sort_values(["commune_code", "amount_vnd"], ascending=[True, False]).reset_index(drop=True)


def _sum(pos: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Exact int64 sums of ``values`` per position 0..n-1."""
    out = np.zeros(n, dtype="int64")
    np.add.at(out, pos, values)
    return out


def _distinct(pos: np.ndarray, ids: np.ndarray, n: int) -> np.ndarray:
    """Number of distinct non-negative ``ids`` per position 0..n-1 (-1 = missing)."""
    pairs = pd.DataFrame({"pos": pos, "id": ids})
    pairs = pairs[pairs["id"] >= 0].drop_duplicates()
    return np.bincount(pairs["pos"].to_numpy(), minlength=n).astype("int64")


def _sector_lists(pos: np.ndarray, sectors: pd.Series, n: int, wanted: list[str]) -> tuple[pd.Series, pd.Series]:
    """Comma-separated sector keys present and missing per commune, in the plan's order."""
    known = [s.key for s in SECTORS]
    # Factorised first: the sector column has a row per project and commune (millions nationally),
    # the distinct sectors are a handful.
    codes, distinct = pd.factorize(np.asarray(sectors, dtype=object))
    names = known + sorted(set(distinct) - set(known))
    index = pd.Index(names).get_indexer(distinct)[codes]
    index[codes < 0] = -1
    has = np.zeros((n, len(names)), dtype=bool)
    has[pos[index >= 0], index[index >= 0]] = True

    def join(columns) -> pd.Series:
        text = pd.Series("", index=range(n), dtype="str")
        for name, flags in columns:
            text = text + np.where(flags, name + ", ", "")
        return text.str.removesuffix(", ")
    present = join((name, has[:, i]) for i, name in enumerate(names))
    missing = join((name, ~has[:, i]) for i, name in enumerate(names) if name in wanted)
    return present, missing
