"""Named scenarios kept in the workspace: save, list, compare side by side, commit as real projects.

A scenario is stored in the ``scenarios`` table (geoaid/store/schema.py) as its candidates'
JSON, so it is re-analysed on the workspace as it stands when it is looked at again. Saving and
committing are workspace transactions with their audit rows, like a settings change
(geoaid/store/settings.py): a refused change leaves the file as it was. Committing writes the
candidates as projects exactly as ``geoaid import projects`` would (the same rows the scenario
analysed) and marks the scenario committed; it cannot be committed twice.

Names are matched as typed, else ignoring case and diacritics when that is unambiguous
("y te 2025" finds "Y tế 2025").

>>> save_scenario(workspace, "thu", "Y tế 2025", candidates)        # doctest: +SKIP
>>> commit_scenario(workspace, "thu", "y te 2025")                  # doctest: +SKIP
['Y tế 2025-1', 'Y tế 2025-2']
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pandas as pd

from geoaid.analysis.filters import Filters
from geoaid.analysis.frames import Frames
from geoaid.planning.candidates import Candidate, candidates_from_records, project_rows
from geoaid.planning.scenario import ScenarioResult, run_scenario
from geoaid.store import schema
from geoaid.text.names import fold, nfc

MAX_NAME = 120
COMPARE_COLUMNS = ["scenario", "status", "candidates", "added_vnd", "total_gap_before", "total_gap_after",
                   "gap_reduction", "communes_changed", "unfunded_before", "unfunded_after", "new_overlaps"]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def clean_name(name: str) -> str:
    """A scenario name as stored: NFC, trimmed, 1–120 characters (ValueError otherwise)."""
    name = nfc(str(name or "")).strip()
    if not name or len(name) > MAX_NAME:
        raise ValueError(f"a scenario name has 1 to {MAX_NAME} characters")
    return name


def list_scenarios(workspace) -> pd.DataFrame:
    """The saved scenarios by name, with their status and who saved/committed them when."""
    table = workspace.read(schema.SCENARIOS)
    table = table.assign(candidate_count=table["candidates"].map(lambda text: len(json.loads(text or "[]"))))
    return table.sort_values("name").reset_index(drop=True)


def find_name(table: pd.DataFrame, name: str) -> str:
    """The stored name ``name`` refers to (exact, else without case/diacritics if unique); KeyError if none."""
    names = table["name"].astype(str).tolist()
    wanted = nfc(str(name)).strip()
    if wanted in names:
        return wanted
    loose = [n for n in names if fold(n) == fold(wanted)]
    if len(loose) == 1:
        return loose[0]
    raise KeyError(f"no scenario named {name!r}" + (f"; saved: {', '.join(names)}" if names else ""))


def scenario_candidates(workspace, name: str) -> tuple[str, str, list[Candidate]]:
    """(stored name, status, candidates) of a saved scenario; KeyError when there is none."""
    table = workspace.read(schema.SCENARIOS)
    stored = find_name(table, name)
    row = table[table["name"] == stored].iloc[0]
    return stored, str(row["status"]), candidates_from_records(json.loads(row["candidates"]))


def _checked_rows(workspace, name: str, candidates: list[Candidate]):
    communes = workspace.read(schema.COMMUNES)
    projects, locations, report = project_rows(candidates, communes, workspace.settings()["exchange_rates_vnd"],
                                               id_prefix=name, source_name=f"scenario {name}")
    if not candidates:
        raise ValueError("a scenario needs at least one candidate project")
    if not report.ok:
        raise ValueError("; ".join(str(p) for p in report.errors))
    return projects, locations


def save_scenario(workspace, user: str, name: str, candidates: list[Candidate]) -> str:
    """Save (or replace) a scenario; every candidate must be valid. Returns the stored name."""
    name = clean_name(name)
    projects, _ = _checked_rows(workspace, name, candidates)
    records = json.dumps([c.record() for c in candidates], ensure_ascii=False)
    with workspace.transaction() as tx:
        table = tx.read(schema.SCENARIOS)
        same = table["name"].astype(str) == name
        if (table.loc[same, "status"] == "committed").any():
            raise ValueError(f"scenario {name!r} is already committed: save it under another name")
        row = {"name": name, "candidates": records, "status": "saved", "saved_by": user, "saved_at": _now(),
               "committed_by": None, "committed_at": None}
        tx.write(schema.SCENARIOS, pd.concat([table[~same], pd.DataFrame([row])], ignore_index=True)
                 [schema.SCENARIO_COLUMNS])
        tx.audit(user, "scenario save", None, {"scenario": name, "candidates": len(candidates),
                                               "added_vnd": int(pd.to_numeric(projects["budget_vnd"]).sum()),
                                               "replaced": bool(same.any())})
    return name


def commit_scenario(workspace, user: str, name: str) -> list[str]:
    """Write a saved scenario's candidates as projects, mark it committed; return the new project ids.

    ValueError (nothing written) when it is already committed, a candidate no longer reads, or a
    project id is already in the workspace.
    """
    name, status, candidates = scenario_candidates(workspace, name)
    if status == "committed":
        raise ValueError(f"scenario {name!r} is already committed")
    projects, locations = _checked_rows(workspace, name, candidates)
    ids = projects["project_id"].astype(str).tolist()
    with workspace.transaction() as tx:
        current, current_locations = tx.read(schema.PROJECTS), tx.read(schema.PROJECT_LOCATIONS)
        clash = sorted(set(ids) & set(current["project_id"].astype(str)))
        if clash:
            raise ValueError(f"project id(s) already in the workspace: {', '.join(clash)}")
        tx.write(schema.PROJECTS, pd.concat([current, projects], ignore_index=True)[schema.PROJECT_COLUMNS])
        tx.write(schema.PROJECT_LOCATIONS, pd.concat([current_locations, locations], ignore_index=True)
                 [schema.PROJECT_LOCATION_COLUMNS])
        table = tx.read(schema.SCENARIOS)
        mine = table["name"].astype(str) == name
        table.loc[mine, ["status", "committed_by", "committed_at"]] = ["committed", user, _now()]
        tx.write(schema.SCENARIOS, table[schema.SCENARIO_COLUMNS])
        tx.audit(user, "scenario commit", None, {"scenario": name, "projects": len(ids), "project_ids": ids,
                                                 "added_vnd": int(pd.to_numeric(projects["budget_vnd"]).sum())})
    return ids


def saved_result(frames: Frames, workspace, name: str, filters: Filters = Filters()) -> ScenarioResult:
    """A saved scenario analysed on ``frames``; a committed one against the frames without its projects."""
    name, status, candidates = scenario_candidates(workspace, name)
    if status == "committed":
        ids = {c.project_id or f"{name}-{n}" for n, c in enumerate(candidates, start=1)}
        frames = replace(frames, projects=frames.projects[~frames.projects["project_id"].astype(str).isin(ids)],
                         locations=frames.locations[~frames.locations["project_id"].astype(str).isin(ids)])
    return run_scenario(frames, candidates, filters, id_prefix=name)


def compare_scenarios(frames: Frames, workspace, names: list[str], filters: Filters = Filters()) -> pd.DataFrame:
    """Saved scenarios side by side: money added, total gap before/after, communes changed, new overlaps."""
    rows = []
    for given in names:
        stored, status, _ = scenario_candidates(workspace, given)
        summary = saved_result(frames, workspace, stored, filters).summary()
        rows.append({"scenario": stored, "status": status, **summary,
                     "gap_reduction": round(summary["total_gap_before"] - summary["total_gap_after"], 2)})
    return pd.DataFrame(rows, columns=COMPARE_COLUMNS)
