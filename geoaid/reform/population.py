"""Carry census population from legacy communes to 2025 communes, to the person.

Sums along the crosswalk (``geoaid.reform.crosswalk``); a divided legacy
commune's urban and rural people are split by the crosswalk weight (the new
communes' published areas, normalised) in whole persons with the largest
remainder, so every legacy commune's people are all counted once, and the new
communes that receive such a part are marked ``population_approximate``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def population_to_2025(legacy: pd.DataFrame, crosswalk: pd.DataFrame) -> pd.DataFrame:
    """Population of legacy communes (code, population_urban, population_rural) on 2025 codes.

    Returns new_code, population, population_urban, population_rural,
    population_approximate. A new commune one of whose legacy communes (present
    in ``legacy``) has no figure gets none (<NA>), never an understated sum.

    >>> cw = pd.DataFrame({"old_code": ["1", "1", "2"], "new_code": ["A", "B", "B"],
    ...                    "weight": [0.75, 0.25, 1.0], "divided": [True, True, False]})
    >>> pop = pd.DataFrame({"code": ["1", "2"], "population_urban": [0, 100], "population_rural": [10, 0]})
    >>> population_to_2025(pop, cw)[["new_code", "population", "population_approximate"]].values.tolist()
    [['A', 8, True], ['B', 102, True]]
    """
    known = legacy.assign(code=legacy["code"].astype(str))
    parts = crosswalk[crosswalk["old_code"].isin(known["code"])].merge(
        known[["code", "population_urban", "population_rural"]], left_on="old_code", right_on="code")
    missing = parts["population_urban"].isna() | parts["population_rural"].isna()
    unknown = set(parts.loc[missing, "new_code"])
    parts = parts[~missing].sort_values(["old_code", "new_code"]).reset_index(drop=True)
    for column in ("population_urban", "population_rural"):
        parts[column] = _whole_split(parts, column)
    out = parts.groupby("new_code", as_index=False).agg(
        population_urban=("population_urban", "sum"), population_rural=("population_rural", "sum"),
        population_approximate=("divided", "any"))
    out["population"] = out["population_urban"] + out["population_rural"]
    for new in sorted(unknown - set(out["new_code"])):
        out.loc[len(out)] = {"new_code": new, "population_approximate": False}
    for column in ("population", "population_urban", "population_rural"):
        out[column] = out[column].astype("Int64").mask(out["new_code"].isin(unknown))
    out["population_approximate"] = out["population_approximate"].astype(bool)
    return out.sort_values("new_code").reset_index(drop=True)[
        ["new_code", "population", "population_urban", "population_rural", "population_approximate"]]


def _whole_split(parts: pd.DataFrame, column: str) -> np.ndarray:
    """Each old commune's ``column`` split over its rows by weight in whole persons."""
    exact = parts[column].astype("int64").to_numpy() * parts["weight"].to_numpy(dtype=float)
    floor = np.floor(exact + 1e-9).astype("int64")
    short = parts[column].astype("int64").groupby(parts["old_code"]).transform("first") \
        - pd.Series(floor).groupby(parts["old_code"]).transform("sum")
    order = pd.DataFrame({"old": parts["old_code"], "rest": exact - floor, "new": parts["new_code"]}) \
        .sort_values(["old", "rest", "new"], ascending=[True, False, True])
    rank = order.groupby("old").cumcount().reindex(parts.index)
    return floor + (rank.to_numpy() < short.to_numpy()).astype("int64")
