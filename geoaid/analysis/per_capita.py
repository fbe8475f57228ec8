"""Population and funding per inhabitant over districts and provinces.

From the coverage rows (``geoaid.analysis.coverage.coverage``: one per commune,
with ``population`` and ``funding_vnd``), per district or province:

* ``population`` — the sum of its communes' census 2019 population; unknown
  (<NA>) when any of them has no figure, never an understated sum
  (``communes_without_population`` says how many);
* ``funding_vnd`` / ``funding_usd`` — the money allocated to its communes;
* ``funding_vnd_per_person`` = funding_vnd / population (whole VND),
  ``funding_usd_per_person`` in USD (2 decimals);
* ``uncovered_priority_communes`` and ``people_in_uncovered_priority_communes``
  — communes with a priority score above 0 that no selected project reaches,
  and the people living there;
* the people the projects target and reach there (:mod:`geoaid.analysis.beneficiaries`, summed over
  its communes) and ``people_reached_pct`` of its population.

:func:`per_sector_summary` gives the same rows once per sector (a commune is
uncovered in a sector when no project of that sector reaches it), so
"people living in uncovered priority communes" can be read per province and
sector.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import geopandas as gpd
import pandas as pd

from geoaid.analysis.beneficiaries import COUNT_COLUMNS, reached_share
from geoaid.analysis.coverage import per_person

LEVELS = {"district": ["province_code", "province", "district_code", "district"],
          "province": ["province_code", "province"]}


def per_capita_summary(rows: gpd.GeoDataFrame, level: str, usd_rate: float) -> gpd.GeoDataFrame:
    """One row per district or province (see the module doc), with the dissolved geometry.

    >>> per_capita_summary(coverage(frames), "province", 25_000)  # doctest: +SKIP
    """
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; use {' or '.join(LEVELS)}")
    keys = LEVELS[level]
    if level == "district" and rows["district_code"].isna().all() and len(rows):
        raise ValueError("2025 communes have no districts: summarise by province")
    people = pd.to_numeric(rows["population"], errors="coerce")
    uncovered = (rows["priority_score"].fillna(0) > 0) & (rows["project_count"] == 0)
    work = pd.DataFrame(rows[keys]).assign(
        communes=1, unknown=people.isna().astype(int), population=people.fillna(0),
        funding_vnd=rows["funding_vnd"].astype("int64"), uncovered=uncovered.astype(int),
        uncovered_people=people.where(uncovered, 0).fillna(0), sample=rows["sample"].astype(bool),
        **{column: rows[column].astype("int64") for column in COUNT_COLUMNS if column in rows})
    counts = [column for column in COUNT_COLUMNS if column in work]
    out = work.groupby(keys, as_index=False, dropna=False).agg(
        communes=("communes", "sum"), communes_without_population=("unknown", "sum"),
        population=("population", "sum"), funding_vnd=("funding_vnd", "sum"),
        uncovered_priority_communes=("uncovered", "sum"),
        people_in_uncovered_priority_communes=("uncovered_people", "sum"), sample=("sample", "any"),
        **{column: (column, "sum") for column in counts})
    out["population"] = out["population"].astype("Int64").mask(out["communes_without_population"] > 0)
    out["people_in_uncovered_priority_communes"] = out["people_in_uncovered_priority_communes"].astype("Int64")
    out["funding_usd"] = (out["funding_vnd"] / usd_rate).round(0).astype("int64")
    out["funding_vnd_per_person"], out["funding_usd_per_person"] = per_person(out["funding_vnd"], out["population"],
                                                                              usd_rate)
    if "people_reached" in counts:
        out["people_reached_pct"] = reached_share(out["people_reached"], out["population"])
        counts.insert(2, "people_reached_pct")
    shapes = gpd.GeoDataFrame(rows[keys[:1] + keys[2:3]], geometry=rows.geometry.values, crs=rows.crs)
    shapes = shapes.dissolve(by=keys[2] if level == "district" else keys[0], as_index=False)
    geometry = shapes.set_index(keys[2] if level == "district" else keys[0]).geometry
    out = out.sort_values(keys).reset_index(drop=True)
    columns = keys + ["communes", "communes_without_population", "population", "funding_vnd", "funding_usd",
                      "funding_vnd_per_person", "funding_usd_per_person", "uncovered_priority_communes",
                      "people_in_uncovered_priority_communes", *counts, "sample"]
    return gpd.GeoDataFrame(out[columns], geometry=out[keys[2] if level == "district" else keys[0]]
                            .map(geometry).values, crs=rows.crs)


def per_sector_summary(coverage_of: Callable[[str], gpd.GeoDataFrame], level: str, usd_rate: float,
                       sectors: Iterable[str]) -> gpd.GeoDataFrame:
    """:func:`per_capita_summary` per sector: ``coverage_of(sector)`` gives that sector's coverage rows.

    Rows are ordered by unit, then by ``sectors``' order; a ``sector`` column follows the unit columns.

    >>> per_sector_summary(lambda s: coverage(frames, Filters(sectors=(s,))), "province", 25_000,
    ...                    ["health", "education"])  # doctest: +SKIP
    """
    keys = LEVELS.get(level, [])
    parts = []
    for order, sector in enumerate(sectors):
        part = per_capita_summary(coverage_of(sector), level, usd_rate)
        part.insert(len(keys), "sector", sector)
        parts.append(part.assign(_order=order))
    if not parts:
        raise ValueError("no sector to summarise")
    out = pd.concat(parts, ignore_index=True).sort_values([*keys, "_order"]).drop(columns="_order")
    return gpd.GeoDataFrame(out.reset_index(drop=True), geometry="geometry", crs=parts[0].crs)
