"""All of a workspace's tables in one object, read once, for the analysis functions."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from geoaid import schema
from geoaid.workspace import Workspace


@dataclass
class Frames:
    communes: gpd.GeoDataFrame
    schemes: pd.DataFrame
    classifications: pd.DataFrame
    projects: pd.DataFrame
    locations: pd.DataFrame
    settings: dict = field(default_factory=dict)
    metadata: dict = field(default_factory=dict)

    @property
    def usd_rate(self) -> float:
        return float(self.settings["exchange_rates_vnd"]["USD"])

    @property
    def is_sample(self) -> bool:
        return bool(self.metadata.get("sample_data")) or bool(
            (self.projects["sample"].astype(float) == 1).any()
            or (self.schemes["sample"].astype(float) == 1).any())


def load_frames(workspace: Workspace) -> Frames:
    """Read every table the analysis needs (the workspace caches per file version)."""
    projects = workspace.read(schema.PROJECTS)
    projects["project_id"] = projects["project_id"].astype(str)
    locations = workspace.read(schema.PROJECT_LOCATIONS)
    locations["project_id"] = locations["project_id"].astype(str)
    return Frames(
        communes=workspace.read(schema.COMMUNES),
        schemes=workspace.read(schema.SCHEMES),
        classifications=workspace.read(schema.CLASSIFICATIONS),
        projects=projects,
        locations=locations,
        settings=workspace.settings(),
        metadata=workspace.metadata(),
    )
