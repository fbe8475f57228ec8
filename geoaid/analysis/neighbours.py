"""Neighbouring communes: those sharing a border (a spatial-index query, not a loop)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd


def neighbours(communes: gpd.GeoDataFrame, code: str) -> pd.DataFrame:
    """Communes that touch or overlap commune ``code`` (the source polygons may
    overlap slightly at shared borders, so "intersects" is used, minus itself)."""
    row = communes[communes["code"] == code]
    if row.empty:
        raise KeyError(code)
    hits = communes.sindex.query(row.geometry.iloc[0], predicate="intersects")
    found = communes.iloc[hits]
    return found[found["code"] != code]
