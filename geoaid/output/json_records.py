"""One JSON encoding for every JSON geoaid writes: the command line's ``--format json`` and the web API.

Analysis results are pandas frames holding numpy scalars, NaN, NA, NaT and
timestamps, none of which the json module takes as they are. :func:`plain`
turns any of them into a JSON value (missing → null, timestamps → ISO 8601,
anything else unknown → its text), so both front ends print a commune, a
project or a date the same way.

>>> records(pd.DataFrame({"code": ["00001"], "gap": [float("nan")], "n": [np.int64(3)]}))
[{'code': '00001', 'gap': None, 'n': 3}]
>>> dumps({"when": pd.Timestamp("2024-01-31")})
'{"when":"2024-01-31T00:00:00"}'
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime

import numpy as np
import pandas as pd


def plain(value):
    """``value`` as a JSON value: numpy scalars → Python, NaN/NA/NaT → None, dates → ISO 8601 text."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [plain(item) for item in value]
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, np.generic):
        return plain(value.item())
    return str(value)


def records(frame: pd.DataFrame) -> list[dict]:
    """The rows of ``frame`` as JSON-ready dicts (see :func:`plain`)."""
    return [{str(key): plain(value) for key, value in row.items()} for row in frame.to_dict("records")]


def point_features(frame: pd.DataFrame) -> dict:
    """A GeoJSON FeatureCollection of points from ``frame``'s ``lon``/``lat`` columns; the rest are properties.

    >>> point_features(pd.DataFrame({"name": ["Đất Mũi"], "lon": [104.78], "lat": [8.61]}))["features"][0]["geometry"]
    {'type': 'Point', 'coordinates': [104.78, 8.61]}
    """
    if frame.empty:
        return {"type": "FeatureCollection", "features": []}
    properties = records(frame.drop(columns=["lon", "lat"]))
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": values, "geometry": {"type": "Point", "coordinates": [plain(x), plain(y)]}}
        for values, x, y in zip(properties, frame["lon"], frame["lat"])]}


class JSONEncoder(json.JSONEncoder):
    """A json encoder that accepts what analysis results hold (numpy, pandas, dates)."""

    def default(self, o):
        return plain(o)


def dumps(payload, indent: int | None = None) -> str:
    """``payload`` as JSON text, UTF-8 characters kept; compact unless ``indent`` is given."""
    separators = (",", ":") if indent is None else (",", ": ")
    return json.dumps(plain(payload), ensure_ascii=False, indent=indent, separators=separators,
                      cls=JSONEncoder)
