"""Where to draw each commune-targeted project location, and how precisely it is known.

A spreadsheet names a commune: the project is drawn at the commune's
representative point, precision unknown. An IATI file may give the point
itself (``exactness`` 1, "exact point"): it is drawn there, so a map reader
sees a school or a health station, not the middle of the commune; an IATI
location known only as an area (a named commune, "approximate area") stays at
the commune's point. The precision travels with every point (AidData's
practice), so maps and exports can tell the two apart.

Example::

    points = project_points(frames, rows)   # rows: Analysis.project_rows(filters)
    points[["precision", "lon", "lat"]]
"""

from __future__ import annotations

import pandas as pd

from geoaid.analysis.frames import Frames

EXACT = "exact point"
POINT_COLUMNS = ["project_id", "commune_code", "title", "donor", "sector", "amount_vnd", "start_date", "end_date"]


def _iati_points(frames: Frames) -> pd.DataFrame:
    """(project_id, commune code) → lon, lat, precision of the IATI locations in communes."""
    places = frames.iati_locations
    if places is None or places.empty:
        return pd.DataFrame(columns=["project_id", "commune_code", "lon", "lat", "precision"])
    places = places[places["level"].astype(str) == "commune"]
    places = places.assign(project_id=places["project_id"].astype(str), commune_code=places["unit_code"].astype(str))
    # One point per project and commune: an exact point wins over an area named in the same commune.
    places = places.assign(exact=places["precision"] == EXACT).sort_values("exact", ascending=False)
    return places.drop_duplicates(["project_id", "commune_code"])[["project_id", "commune_code", "lon", "lat",
                                                                    "precision"]]


def project_points(frames: Frames, rows: pd.DataFrame) -> pd.DataFrame:
    """The commune-targeted rows of ``rows`` with the commune's name, ``lon``/``lat`` and ``precision``."""
    rows = rows[rows["scope"] == "commune"][POINT_COLUMNS]
    rows = rows.assign(project_id=rows["project_id"].astype(str), commune_code=rows["commune_code"].astype(str))
    rows = rows.merge(_iati_points(frames), on=["project_id", "commune_code"], how="left")
    communes = frames.communes.set_index("code")
    representative = communes.geometry.representative_point()
    exact = (rows["precision"] == EXACT) & rows["lon"].notna() & rows["lat"].notna()
    at_commune = representative.reindex(rows["commune_code"])
    rows["lon"] = rows["lon"].astype(float).where(exact, at_commune.x.to_numpy()).round(5)
    rows["lat"] = rows["lat"].astype(float).where(exact, at_commune.y.to_numpy()).round(5)
    rows["precision"] = rows["precision"].where(rows["precision"].notna(), None)
    rows.insert(2, "commune_name", communes["name"].reindex(rows["commune_code"]).to_numpy())
    return rows
