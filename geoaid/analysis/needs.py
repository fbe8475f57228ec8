"""Whether each local need is met, partly met or open, from the projects in the workspace.

**The rule.** A project *counts for* a need when

1. it is in the **same sector**;
2. its **period overlaps** the need's (a side without dates overlaps everything);
3. it puts money in the **need's place**: the need's communes for a commune need; every
   commune of the district for a district-wide need (so projects in its communes and
   district-wide projects both count); every commune of the province for a province-wide one.

The money a project puts in the place is its allocation to those communes
(:mod:`geoaid.analysis.allocation`: a project over two communes gives each half;
a district-wide project gives a commune need its commune's part of the district),
so one project is never counted twice, nor in full for a place it only partly covers.

``funded_vnd`` adds up those amounts; ``covered_pct`` = 100 · funded / estimated cost.
The need is **met** when covered_pct ≥ 100, **partly met** when 0 < covered_pct < 100,
**open** when no project puts money there. A need listed without a cost is met by any
project that counts, and open otherwise.

Example::

    table = need_status(load_frames(workspace))
    table.loc[table["status"] == "partly", ["need_id", "covered_pct", "matched"]]
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from geoaid.analysis.allocation import allocate
from geoaid.analysis.filters import project_periods
from geoaid.analysis.frames import Frames
from geoaid.store import schema

STATUSES = ("met", "partly", "open")
POINT_PROPERTIES = ("need_id", "description", "place_name", "sector", "cost_vnd", "priority", "status",
                    "covered_pct", "source", "sample")
COLUMNS = ["need_id", "description", "sector", "cost", "currency", "cost_vnd", "priority", "priority_text",
           "start_date", "end_date", "source", "place_text", "sample", "level", "communes", "district_code",
           "province_code", "place_name", "status", "funded_vnd", "covered_pct", "matched_ids", "matched"]


@dataclass
class Needs:
    """The needs table and its places, as stored."""

    needs: pd.DataFrame
    locations: pd.DataFrame

    @property
    def empty(self) -> bool:
        return self.needs.empty


def load_needs(workspace) -> Needs:
    """The workspace's needs (empty tables when none was imported)."""
    return _normalised(workspace.read(schema.NEEDS), workspace.read(schema.NEED_LOCATIONS))


def needs_of(frames: Frames) -> Needs:
    """The needs read with ``frames`` (:func:`geoaid.analysis.frames.load_frames`)."""
    return _normalised(frames.needs.copy(), frames.need_locations.copy())


def _normalised(needs: pd.DataFrame, locations: pd.DataFrame) -> Needs:
    for frame in (needs, locations):
        frame["need_id"] = frame["need_id"].astype(str)
    locations["unit_code"] = locations["unit_code"].astype(str)
    return Needs(needs, locations)


def need_communes(frames: Frames, locations: pd.DataFrame) -> dict[str, list[str]]:
    """need_id → the commune codes its place covers, in code order."""
    communes = frames.communes
    by_level = {"commune": communes["code"], "district": communes["district_code"],
                "province": communes["province_code"]}
    found: dict[str, set[str]] = {}
    for row in locations.itertuples(index=False):
        column = by_level.get(str(row.level))
        if column is not None:
            found.setdefault(row.need_id, set()).update(communes.loc[column == str(row.unit_code), "code"])
    return {need_id: sorted(codes) for need_id, codes in found.items()}


def need_status(frames: Frames, needs: Needs | None = None) -> pd.DataFrame:
    """One row per need (:data:`COLUMNS`): its place, status, funded VND and the projects that count.

    ``needs``: the frames' own (:func:`needs_of`) unless given.
    """
    needs = needs_of(frames) if needs is None else needs
    if needs.empty:
        return pd.DataFrame(columns=COLUMNS)
    places = need_communes(frames, needs.locations)
    allocations = allocate(frames)
    projects = frames.projects.set_index("project_id")
    p_start, p_end = project_periods(frames.projects)
    p_start.index = p_end.index = frames.projects["project_id"]
    names = frames.communes.set_index("code")
    rows = []
    for need in needs.needs.to_dict("records"):
        codes = places.get(need["need_id"], [])
        level = _level(needs.locations, need["need_id"])
        start = pd.to_datetime(need.get("start_date"), errors="coerce")
        end = pd.to_datetime(need.get("end_date"), errors="coerce")
        same = projects.index[(projects["sector"] == need["sector"]).to_numpy()]
        overlapping = [pid for pid in same
                       if (pd.isna(end) or pd.isna(p_start[pid]) or p_start[pid] <= end)
                       and (pd.isna(start) or pd.isna(p_end[pid]) or p_end[pid] >= start)]
        here = allocations[allocations["project_id"].isin(overlapping) & allocations["commune_code"].isin(codes)]
        per_project = here.groupby("project_id", sort=False)["amount_vnd"].sum()
        per_project = per_project[per_project > 0]
        funded = int(per_project.sum())
        cost = need.get("cost_vnd")
        cost = None if pd.isna(cost) else int(cost)
        covered = round(100.0 * funded / cost, 1) if cost else (100.0 if funded else 0.0)
        status = "open" if funded == 0 else "met" if covered >= 100 else "partly"
        matched = sorted(per_project.index, key=lambda pid: (-int(per_project[pid]), pid))
        first = names.loc[codes[0]] if codes else None
        rows.append({**{c: need.get(c) for c in COLUMNS if c in need}, "level": level, "communes": codes,
                     "district_code": _one(names, codes, "district_code"),
                     "province_code": first["province_code"] if first is not None else None,
                     "place_name": _place_name(names, codes, level, needs.locations, need["need_id"]),
                     "status": status, "funded_vnd": funded, "covered_pct": covered, "matched_ids": matched,
                     "matched": [f"{projects.at[pid, 'title']} ({projects.at[pid, 'donor']})" for pid in matched]})
    return pd.DataFrame(rows, columns=COLUMNS)


def open_needs(status: pd.DataFrame) -> pd.DataFrame:
    """Needs still asking for money: open, and partly met (for what is left)."""
    return status[status["status"] != "met"]


def open_need_points(frames: Frames, status: pd.DataFrame, filters=None) -> list[tuple[dict, tuple[float, float]]]:
    """(properties, (lon, lat)) of each open or partly met need within the filters' provinces and sectors:
    a point inside the union of its communes (a district-wide need: inside its district), for the map."""
    status = open_needs(status)
    if filters is not None and filters.provinces:
        status = status[status["province_code"].isin(filters.provinces)]
    if filters is not None and filters.sectors:
        status = status[status["sector"].isin(filters.sectors)]
    shapes = frames.communes.set_index("code").geometry
    points = []
    for need in status.to_dict("records"):
        codes = [code for code in need["communes"] if code in shapes.index]
        if codes:
            point = shapes.loc[codes].union_all().representative_point()
            points.append(({key: need[key] for key in POINT_PROPERTIES}, (point.x, point.y)))
    return points


def _level(locations: pd.DataFrame, need_id: str) -> str:
    levels = set(locations.loc[locations["need_id"] == need_id, "level"].astype(str))
    return next((level for level in ("province", "district", "commune") if level in levels), "commune")


def _one(names: pd.DataFrame, codes: list[str], column: str):
    values = set(names.loc[codes, column].dropna()) if codes else set()
    return values.pop() if len(values) == 1 else None


def _place_name(names, codes, level, locations, need_id) -> str:
    """ "Xã Khánh Hòa (Huyện U Minh)", "Huyện Trần Văn Thời (toàn huyện)", several communes joined."""
    if not codes:
        return ""
    if level == "district":
        return f"{names.at[codes[0], 'district_name']} (toàn huyện)"
    if level == "province":
        return f"{names.at[codes[0], 'province_name']} (toàn tỉnh)"
    district = _one(names, codes, "district_name")          # communes of several districts: none named
    return ", ".join(names.loc[codes, "name"]) + (f" ({district})" if district else "")
