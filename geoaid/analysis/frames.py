"""All of a workspace's tables in one object, read once, for the analysis functions.

Every analysis function takes a :class:`Frames` so that a caller (the CLI,
the web app, a test) reads the workspace once and can run several analyses
on the same snapshot. Tests build a ``Frames`` directly from small frames.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import geopandas as gpd
import pandas as pd

from geoaid.store import schema
from geoaid.store.settings import DEFAULTS
from geoaid.store.workspace import Workspace


def sample_mask(values) -> pd.Series:
    """True where a ``sample`` cell marks sample data (1, "1", True), False on blanks."""
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if series.dtype == bool:
        return series.fillna(False)
    return pd.to_numeric(series, errors="coerce").fillna(0) == 1


@dataclass
class Frames:
    communes: gpd.GeoDataFrame
    schemes: pd.DataFrame
    classifications: pd.DataFrame
    projects: pd.DataFrame
    locations: pd.DataFrame
    settings: dict = field(default_factory=dict)
    metadata: dict = field(default_factory=dict)
    # Local needs (geoaid.analysis.needs), read with the rest so a snapshot pins them too.
    needs: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=schema.NEED_COLUMNS))
    need_locations: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=schema.NEED_LOCATION_COLUMNS))
    flows: pd.DataFrame | None = None   # project_flows: planned/committed/disbursed money on dates
    iati: pd.DataFrame | None = None    # project_iati: the IATI fields kept (identifier, reporting org…)
    iati_locations: pd.DataFrame | None = None   # project_iati_locations: precision of each location
    beneficiaries: pd.DataFrame | None = None    # project_beneficiaries: people targeted and reached
    # The audit log: print maps date their sources and number their version from it.
    audit: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["at", "user", "action", "file"]))

    def setting(self, key: str):
        """A setting's workspace value, else its documented default."""
        return self.settings.get(key, DEFAULTS.get(key))

    @property
    def usd_rate(self) -> float:
        """VND per USD from the ``exchange_rates_vnd`` setting."""
        rates = self.setting("exchange_rates_vnd") or {}
        return float(rates.get("USD") or DEFAULTS["exchange_rates_vnd"]["USD"])

    @property
    def allocation_rule(self) -> str:
        """How district/province-wide budgets are spread: "even", "area" or "population"."""
        return str(self.setting("area_allocation_rule") or "even")

    @property
    def is_sample(self) -> bool:
        """True when any classification list or project is sample (not official) data."""
        return bool(self.metadata.get("sample_data")) or bool(
            sample_mask(self.projects["sample"]).any() or sample_mask(self.schemes["sample"]).any())

    @property
    def province_names(self) -> dict[str, str]:
        """Province code → name, for the provinces in the workspace."""
        return dict(zip(self.communes["province_code"].astype(str), self.communes["province_name"]))

    def with_settings(self, **changes) -> Frames:
        """A copy with some settings changed (e.g. a one-off allocation rule)."""
        return replace(self, settings={**self.settings, **changes})


def load_frames(workspace: Workspace) -> Frames:
    """Read every table the analysis needs (the workspace caches per file version).

    Codes and ids are normalised to text so that joins never fail on
    "32002" vs 32002.
    """
    communes = workspace.read(schema.COMMUNES)
    for column in ("code", "district_code", "province_code"):
        communes[column] = communes[column].astype("str").where(communes[column].notna())
    projects = workspace.read(schema.PROJECTS)
    projects["project_id"] = projects["project_id"].astype(str)
    locations = workspace.read(schema.PROJECT_LOCATIONS)
    locations["project_id"] = locations["project_id"].astype(str)
    locations["unit_code"] = locations["unit_code"].astype(str)
    flows = workspace.read(schema.PROJECT_FLOWS)
    if "project_id" in flows.columns:
        flows["project_id"] = flows["project_id"].astype(str)
    classifications = workspace.read(schema.CLASSIFICATIONS)
    classifications["unit_code"] = classifications["unit_code"].astype(str)
    return Frames(
        communes=communes,
        schemes=workspace.read(schema.SCHEMES),
        classifications=classifications,
        projects=projects,
        locations=locations,
        settings=workspace.settings(),
        metadata=workspace.metadata(),
        needs=workspace.read(schema.NEEDS),
        need_locations=workspace.read(schema.NEED_LOCATIONS),
        flows=flows,
        iati=workspace.read(schema.PROJECT_IATI),
        iati_locations=workspace.read(schema.PROJECT_IATI_LOCATIONS),
        beneficiaries=workspace.read(schema.PROJECT_BENEFICIARIES),
        audit=workspace.read(schema.AUDIT_LOG).drop(columns="details", errors="ignore"),
    )
