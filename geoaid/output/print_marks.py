"""What MapAction puts on every map: a map number and version, the projection, the data sources with
their dates, and a link (URL and QR code) back to the same view in the web app.

The map number is stable for a view and its filters ("GA-96-gap-3f1c2a") and carries the workspace
version: the number of changes in its audit log ("-v3"), so a reprint after an import shows a new
version. The link opens the web map of the same view and filters at the workspace's ``web_base_url``
setting (or ``--base-url``); the QR code encodes exactly that URL (segno, pure Python).

>>> map_number("gap", Filters(provinces=("96",)), 3)
'GA-96-gap-08c24a-v3'
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

import numpy as np
import pandas as pd
import segno
from pyproj import CRS

from geoaid.analysis.filters import Filters


def map_number(view: str, filters: Filters, version: int) -> str:
    """A stable id from the view and filters, plus the workspace version."""
    query = sorted((key, str(value)) for key, value in filters.to_query().items())
    digest = hashlib.sha1(repr(query).encode("utf-8")).hexdigest()[:6]
    area = "-".join(filters.provinces) if 0 < len(filters.provinces) <= 3 else "VN"
    return f"GA-{area}-{view}-{digest}-v{version}"


def projection_name(crs) -> str:
    """The projection in words, with its EPSG code when it has one: "WGS 84 / EPSG:4326".

    A projection without a code (the equal-area one print maps use) is named by its method,
    ellipsoid and parameters, so it can be set up again in a GIS.
    """
    crs = CRS.from_user_input(crs)
    code = crs.to_epsg()
    if code:
        return f"{crs.name} / EPSG:{code}"
    operation = crs.coordinate_operation
    parameters = ", ".join(f"{p.name} {p.value:g}" for p in operation.params if p.value) if operation else ""
    method = operation.method_name if operation else crs.name
    return f"{method} ({parameters}), {crs.ellipsoid.name}"


def view_url(base_url: str, view: str, filters: Filters, boundary_version: str = "2019") -> str:
    """The web map of ``view`` with ``filters`` as the query string (the same parameters the app reads)."""
    query = {"view": view, **filters.to_query()}
    if boundary_version != "2019":
        query["version"] = boundary_version
    return f"{base_url.rstrip('/')}/?{urlencode(query, doseq=True)}"


def qr_matrix(url: str) -> np.ndarray:
    """The QR code of ``url`` as a boolean module matrix (True = dark), quiet zone included."""
    return np.array([[bool(cell) for cell in row] for row in segno.make(url, error="m", micro=False).matrix_iter(
        scale=1, border=2)])


def import_dates(audit: pd.DataFrame) -> dict[str, str]:
    """File name → the day of its latest import, from the audit log."""
    rows = audit[audit["action"].astype(str).str.startswith("import") & audit["file"].fillna("").ne("")]
    rows = rows.sort_values("at")
    return {str(row.file): str(row.at)[:10] for row in rows.itertuples()}


def last_change(audit: pd.DataFrame, prefix: str) -> str:
    """The day of the latest audited action starting with ``prefix`` ("" when none)."""
    rows = audit[audit["action"].astype(str).str.startswith(prefix)]
    return str(rows["at"].max())[:10] if len(rows) else ""


def draw_qr(fig, box, url: str, layout) -> None:
    """The QR code of ``url`` in ``box`` (mm on the page), drawn as a vector image of its modules."""
    ax = fig.add_axes(layout.fraction(box))
    # "none": vector outputs embed the module matrix itself, one pixel per module, never resampled
    ax.imshow(~qr_matrix(url), cmap="gray", interpolation="none", vmin=0, vmax=1)
    ax.set_axis_off()
    ax.set_gid("geoaid-qr")
