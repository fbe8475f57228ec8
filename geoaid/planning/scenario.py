"""What if these candidate projects were added? The analysis before and after, nothing written.

"After" is never a second formula: the candidates become project rows exactly as the project
importer would write them (:mod:`geoaid.planning.candidates`), are appended to the frames'
projects and locations, and the same :func:`~geoaid.analysis.coverage.coverage` and
:func:`~geoaid.analysis.overlaps.find_overlaps` run on both. The result therefore equals the
analysis of a workspace where the candidates were really imported (tests/test_scenario.py
checks it exactly), and the workspace file is not touched.

Per commune the comparison shows gap score, rank and funding before and after, and funding per
inhabitant when the communes carry a ``population`` column. Overlap alerts that a candidate
takes part in are listed as new alerts.

>>> result = run_scenario(frames, candidates, Filters(sectors=("health",)))  # doctest: +SKIP
>>> result.changes[["commune_code", "gap_before", "gap_after", "rank_before", "rank_after"]]  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import geopandas as gpd
import pandas as pd

from geoaid.analysis.coverage import coverage
from geoaid.analysis.filters import Filters
from geoaid.analysis.frames import Frames
from geoaid.analysis.overlaps import find_overlaps
from geoaid.imports.problems import ImportReport
from geoaid.planning.candidates import Candidate, project_rows

POPULATION = "population"    # a commune column, when the workspace has population figures
CHANGE_COLUMNS = ["commune_code", "commune_name", "district", "province", "priority_score",
                  "gap_before", "gap_after", "gap_change", "rank_before", "rank_after",
                  "funding_before_vnd", "funding_after_vnd", "added_vnd"]
PER_PERSON_COLUMNS = ["population", "per_person_before_vnd", "per_person_after_vnd"]


@dataclass
class ScenarioResult:
    """Before and after of one scenario (every frame is the analysis functions' own output)."""

    before: gpd.GeoDataFrame          # coverage rows without the candidates
    after: gpd.GeoDataFrame           # coverage rows with them
    overlaps_before: pd.DataFrame
    overlaps_after: pd.DataFrame
    projects: pd.DataFrame            # the candidates as project rows
    locations: pd.DataFrame
    report: ImportReport              # problems of candidates that could not be placed
    population: pd.Series | None = None   # inhabitants by commune code, when the workspace has them

    @property
    def candidate_ids(self) -> list[str]:
        return self.projects["project_id"].astype(str).tolist()

    @property
    def changes(self) -> pd.DataFrame:
        """Communes whose funding, gap or rank changed, the largest gap reduction first."""
        rows = comparison(self.before, self.after, self.population)
        moved = (rows["funding_before_vnd"] != rows["funding_after_vnd"]) | (rows["rank_before"] != rows["rank_after"])
        return rows[moved].sort_values(["gap_change", "rank_after", "commune_code"]).reset_index(drop=True)

    @property
    def new_overlaps(self) -> pd.DataFrame:
        """Overlap alerts a candidate takes part in."""
        ids = set(self.candidate_ids)
        involved = self.overlaps_after["project_ids"].map(lambda text: bool(ids & set(str(text).split("; "))))
        return self.overlaps_after[involved.astype(bool)].reset_index(drop=True)

    def summary(self) -> dict:
        """Totals before/after: the sum of gaps, communes with no funding, money added, alerts."""
        return {
            "candidates": len(self.projects),
            "added_vnd": int(pd.to_numeric(self.projects["budget_vnd"]).sum()) if len(self.projects) else 0,
            "total_gap_before": round(float(self.before["gap_score"].sum()), 2),
            "total_gap_after": round(float(self.after["gap_score"].sum()), 2),
            "unfunded_before": int((self.before["funding_vnd"] == 0).sum()),
            "unfunded_after": int((self.after["funding_vnd"] == 0).sum()),
            "communes_changed": int((comparison(self.before, self.after)["added_vnd"] != 0).sum()),
            "overlaps_before": len(self.overlaps_before),
            "overlaps_after": len(self.overlaps_after),
            "new_overlaps": len(self.new_overlaps),
        }


def with_candidates(frames: Frames, projects: pd.DataFrame, locations: pd.DataFrame) -> Frames:
    """The frames with the candidate projects appended, as an import appends new projects."""
    if getattr(frames, "allocations", None) is not None:
        # Frames switched to 2025 boundaries carry allocations moved along the crosswalk; candidates
        # are placed on the boundaries the project lists use.
        raise ValueError("scenarios are computed on the 2019 boundaries (the ones project lists use)")
    clash = set(projects["project_id"].astype(str)) & set(frames.projects["project_id"].astype(str))
    if clash:
        raise ValueError(f"project id(s) already in the workspace: {', '.join(sorted(clash))}")
    return replace(frames, projects=pd.concat([frames.projects, projects], ignore_index=True),
                   locations=pd.concat([frames.locations, locations], ignore_index=True))


def run_scenario(frames: Frames, candidates: list[Candidate], filters: Filters = Filters(),
                 id_prefix: str = "candidate", include_area: bool = False) -> ScenarioResult:
    """The analysis of ``frames`` without and with ``candidates`` under ``filters``; nothing is written.

    Candidates with problems (an unknown commune, a bad amount) are left out and listed in
    ``report``; the others are analysed.
    """
    rates = frames.setting("exchange_rates_vnd")
    projects, locations, report = project_rows(candidates, frames.communes, rates, id_prefix=id_prefix)
    after_frames = with_candidates(frames, projects, locations)
    return ScenarioResult(
        before=coverage(frames, filters), after=coverage(after_frames, filters),
        overlaps_before=find_overlaps(frames, filters, include_area=include_area),
        overlaps_after=find_overlaps(after_frames, filters, include_area=include_area),
        projects=projects, locations=locations, report=report, population=population_of(frames))


def population_of(frames: Frames) -> pd.Series | None:
    """Inhabitants by commune code, when the communes layer has a ``population`` column."""
    communes = frames.communes
    if POPULATION not in communes.columns:
        return None
    return pd.Series(pd.to_numeric(communes[POPULATION], errors="coerce").to_numpy(),
                     index=communes["code"].astype(str).to_numpy())


def comparison(before: pd.DataFrame, after: pd.DataFrame, population: pd.Series | None = None) -> pd.DataFrame:
    """Every commune's gap, rank and funding before and after (and per inhabitant, when known)."""
    keep = ["commune_code", "commune_name", "district", "province", "priority_score", "gap_score", "gap_rank",
            "funding_vnd"]
    rows = pd.DataFrame(before[keep]).merge(
        pd.DataFrame(after[["commune_code", "gap_score", "gap_rank", "funding_vnd"]]), on="commune_code",
        suffixes=("_before", "_after"))
    rows = rows.rename(columns={"gap_score_before": "gap_before", "gap_score_after": "gap_after",
                                "gap_rank_before": "rank_before", "gap_rank_after": "rank_after"})
    rows["gap_change"] = (rows["gap_after"] - rows["gap_before"]).round(2)
    rows["added_vnd"] = rows["funding_vnd_after"] - rows["funding_vnd_before"]
    rows = rows.rename(columns={"funding_vnd_before": "funding_before_vnd", "funding_vnd_after": "funding_after_vnd"})
    columns = list(CHANGE_COLUMNS)
    if population is not None:
        people = pd.to_numeric(rows["commune_code"].map(population), errors="coerce")
        rows["population"] = people
        known = people > 0
        rows["per_person_before_vnd"] = (rows["funding_before_vnd"] / people).where(known).round(0)
        rows["per_person_after_vnd"] = (rows["funding_after_vnd"] / people).where(known).round(0)
        columns += PER_PERSON_COLUMNS
    return rows[columns]
