"""What every workspace backend offers: the one interface the rest of geoaid uses.

Two backends implement it: the GeoPackage file (geoaid.store.workspace, the
embedded default) and a PostgreSQL/PostGIS database (geoaid.store.postgis).
geoaid.store.opener picks one from the workspace location. A backend
provides reading (``version``, ``layers``, ``read``), one way of changing
(``transaction``) and where things beside the data live (``location``,
``display``, ``cache_dir``); what follows from those (metadata, settings, the
audit log, empty layers) is written once, here.

Example::

    workspace = open_workspace("postgresql://geoaid@db/aid")   # or "workspace/demo.gpkg"
    with workspace.transaction() as tx:
        tx.write("projects", projects)
        tx.audit("thu", "import projects", "du_an.xlsx", {"rows": len(projects)})
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from geoaid.store import column_types, schema
from geoaid.store.settings import DEFAULTS

_EMPTY_COLUMNS = {
    schema.SCHEMES: schema.SCHEME_COLUMNS,
    schema.CLASSIFICATIONS: schema.CLASSIFICATION_COLUMNS,
    schema.PROJECTS: schema.PROJECT_COLUMNS,
    schema.PROJECT_LOCATIONS: schema.PROJECT_LOCATION_COLUMNS,
    schema.PROJECT_FLOWS: schema.PROJECT_FLOW_COLUMNS,
    schema.PROJECT_BENEFICIARIES: schema.PROJECT_BENEFICIARY_COLUMNS,
    schema.PROJECT_IATI: schema.PROJECT_IATI_COLUMNS,
    schema.PROJECT_IATI_LOCATIONS: schema.PROJECT_IATI_LOCATION_COLUMNS,
    schema.NEEDS: schema.NEED_COLUMNS,
    schema.NEED_LOCATIONS: schema.NEED_LOCATION_COLUMNS,
    schema.MATCH_REPORT: schema.MATCH_REPORT_COLUMNS,
    schema.POPULATION_REPORT: schema.POPULATION_REPORT_COLUMNS,
    schema.METADATA: ["key", "value"],
    schema.SETTINGS: ["key", "value"],
    schema.AUDIT_LOG: ["at", "user", "action", "file", "details"],
    schema.SCENARIOS: schema.SCENARIO_COLUMNS,
}


def empty_layer(layer: str) -> pd.DataFrame | gpd.GeoDataFrame:
    """How a layer that was never written reads: its declared columns, no rows."""
    columns = _EMPTY_COLUMNS.get(layer)
    if columns is None and layer in (schema.COMMUNES, schema.COMMUNES_2025, schema.UNMATCHED_POLYGONS):
        return gpd.GeoDataFrame(columns=schema.COMMUNE_COLUMNS, geometry=[], crs=schema.CRS)
    return pd.DataFrame(columns=columns or [])


class WorkspaceBase:
    """The interface of a workspace; subclasses provide the methods that raise NotImplementedError.

    ``location`` is what opened it (a path or a connection string, used as a
    key); ``display`` is the same without any password, for messages;
    ``cache_dir`` is a folder for files made from it (print-map caches);
    ``staging_dir`` holds uploads waiting for a planner's confirmation.
    """

    location: str
    display: str
    cache_dir: Path
    staging_dir: Path

    def exists(self) -> bool:
        raise NotImplementedError

    def version(self) -> tuple:
        """An identifier of the current version (changes on every committed change)."""
        raise NotImplementedError

    def layers(self) -> list[str]:
        raise NotImplementedError

    def read(self, layer: str) -> pd.DataFrame | gpd.GeoDataFrame:
        raise NotImplementedError

    def transaction(self, create: bool = False):
        """A context manager giving a :class:`TransactionBase`: all its writes, or none."""
        raise NotImplementedError

    def check_writable(self) -> None:
        """Raise WorkspaceNotWritten now when a change could not be saved (before slow work)."""
        raise NotImplementedError

    def require(self) -> WorkspaceBase:
        """Raise a clear error when there is no workspace, or it is not a sound one."""
        self.version()
        return self

    def metadata(self) -> dict[str, str]:
        table = self.read(schema.METADATA)
        return dict(zip(table["key"].astype(str), table["value"].astype(str)))

    def settings(self) -> dict[str, Any]:
        """User-editable settings (JSON values), over the documented defaults."""
        table = self.read(schema.SETTINGS)
        values = dict(DEFAULTS)
        for key, raw in zip(table["key"], table["value"]):
            values[str(key)] = json.loads(raw)
        return values

    def record(self, user: str, action: str, details: dict, file: str | None = None) -> None:
        """Add an audit-log row for a change made outside the workspace (an account)."""
        with self.transaction() as tx:
            tx.audit(user, action, file, details)


class TransactionBase:
    """Pending writes of one change; subclasses provide ``write`` and ``read``."""

    def __init__(self):
        self._metadata: dict[str, str] = {}
        self._settings: dict[str, Any] = {}
        self.written: dict[str, int] = {}    # layer -> rows written

    def write(self, layer: str, frame: pd.DataFrame) -> None:
        raise NotImplementedError

    def read(self, layer: str) -> pd.DataFrame | gpd.GeoDataFrame:
        raise NotImplementedError

    def set_metadata(self, **values: str) -> None:
        self._metadata.update({k: str(v) for k, v in values.items()})

    def set_settings(self, **values: Any) -> None:
        self._settings.update(values)

    def audit(self, user: str, action: str, file: str | None, details: dict) -> None:
        """Append an audit-log row: who changed what, from which file, with counts."""
        log = self.read(schema.AUDIT_LOG)
        row = pd.DataFrame([{
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "user": user, "action": action, "file": file or "",
            "details": json.dumps(details, ensure_ascii=False, sort_keys=True),
        }])
        self.write(schema.AUDIT_LOG, pd.concat([log, row], ignore_index=True))

    def _merge_kv(self, layer: str, updates: dict[str, str]) -> None:
        current = self.read(layer)
        merged = dict(zip(current["key"].astype(str), current["value"].astype(str)))
        merged.update(updates)
        self.write(layer, pd.DataFrame({"key": list(merged), "value": list(merged.values())}))

    def flush(self) -> None:
        if self._metadata:
            self._merge_kv(schema.METADATA, self._metadata)
        if self._settings:
            self._merge_kv(schema.SETTINGS, {k: json.dumps(v, ensure_ascii=False)
                                             for k, v in self._settings.items()})


def as_read(layer: str, frame: pd.DataFrame) -> pd.DataFrame:
    """A layer as every backend hands it out: declared numbers as numbers, commune codes as strings."""
    frame = column_types.repaired_on_read(layer, frame)
    if "code" in frame.columns:
        frame["code"] = frame["code"].astype("string")
    return frame
