"""A generated national project list for bench/scale.py: every province, ten years, as provinces write it.

The list is the project template (geoaid/templates/projects_template.csv)
with yearly disbursement columns ("Giải ngân năm 2016" … 2025) and a
commitment column, as provincial reports add them. Places are written by
name, the way a provincial office writes them ("Xã A, xã B, Huyện Y, Tỉnh Z",
"Huyện Y, Tỉnh Z" for a whole district, "Toàn tỉnh, Tỉnh Z" for the province), so the
importer resolves names as it does for real lists. Everything is
fictitious and imported with ``--sample``: donors are "Generated donor 001"…,
titles "Generated project …".
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

FIRST_YEAR, LAST_YEAR = 2016, 2025
DONORS = [f"Generated donor {number:03d}" for number in range(1, 151)]
SECTORS = ("education", "health", "vocational", "agriculture", "social", "environment", "culture")
HEADER = ["project_id", "title", "donor", "implementer", "sector", "budget", "currency", "start_date",
          "end_date", "status", "locations", "Vốn cam kết"] + [
          f"Giải ngân năm {year}" for year in range(FIRST_YEAR, LAST_YEAR + 1)]
USD_VND = 25_000     # the workspace's default planning rate


@dataclass
class Generated:
    projects: int
    commune_places: int
    district_places: int
    province_places: int
    flows: int


def _place_names(communes: pd.DataFrame) -> dict[str, list[tuple[str, str, str]]]:
    """Per province: (commune, district, province) names of its communes."""
    table = communes[["province_code", "name", "district_name", "province_name"]]
    return {code: list(rows[["name", "district_name", "province_name"]].itertuples(index=False, name=None))
            for code, rows in table.groupby("province_code")}


def _by_district(rows: list[tuple[str, str, str]]) -> dict[str, list[tuple[str, str, str]]]:
    grouped: dict[str, list[tuple[str, str, str]]] = {}
    for row in rows:
        grouped.setdefault(row[1], []).append(row)
    return grouped


def _communes_cell(picked: list[tuple[str, str, str]]) -> str:
    """Communes grouped by district: "Xã A, Xã B, Huyện Y, Tỉnh Z; Xã C, Huyện W, Tỉnh Z"."""
    by_district: dict[tuple[str, str], list[str]] = {}
    for commune, district, province in picked:
        by_district.setdefault((district, province), []).append(commune)
    return "; ".join(", ".join([*names, district, province]) for (district, province), names in by_district.items())


def write_national_list(communes: pd.DataFrame, path: Path, projects: int = 200_000, seed: int = 19) -> Generated:
    """Write ``projects`` generated projects over ``communes`` to the CSV ``path``.

    Each project: one province (weighted by its communes), 85 % in 1–5 of its
    communes (mostly one district), 10 % a whole district, 5 % the whole
    province; a donor of 150 and a sector of the plan; a start between 2016
    and 2025 lasting 1–5 years; 80 % in VND, 20 % in USD; 60 % with a
    commitment and yearly disbursements within the period.
    """
    rng = np.random.default_rng(seed)
    places = _place_names(communes)
    districts = {code: _by_district(rows) for code, rows in places.items()}
    provinces = sorted(places)
    weights = np.array([len(places[code]) for code in provinces], dtype=float)
    province_of = rng.choice(len(provinces), size=projects, p=weights / weights.sum())
    kind = rng.choice(3, size=projects, p=[0.85, 0.10, 0.05])
    start_year = rng.integers(FIRST_YEAR, LAST_YEAR + 1, size=projects)
    start_month = rng.integers(1, 13, size=projects)
    years = rng.integers(1, 6, size=projects)
    budget_vnd = np.round(np.exp(rng.uniform(np.log(1e8), np.log(5e10), size=projects)), -6)
    in_usd = rng.random(projects) < 0.2
    with_flows = rng.random(projects) < 0.6
    counts = Generated(projects, 0, 0, 0, 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        for i in range(projects):
            province_code = provinces[province_of[i]]
            rows = places[province_code]
            if kind[i] == 0:
                anchor = rows[rng.integers(len(rows))]
                same_district = districts[province_code][anchor[1]]
                pool = same_district if rng.random() < 0.8 else rows
                size = min(int(rng.integers(1, 6)), len(pool))
                picked = [pool[j] for j in rng.choice(len(pool), size=size, replace=False)]
                cell = _communes_cell(picked)
                counts.commune_places += len(picked)
            elif kind[i] == 1:
                _, district, province = rows[rng.integers(len(rows))]
                cell = f"{district}, {province}"
                counts.district_places += 1
            else:
                cell = f"Toàn tỉnh, {rows[0][2]}"
                counts.province_places += 1
            first, last = int(start_year[i]), int(start_year[i] + years[i])
            month = int(start_month[i])
            currency = "USD" if in_usd[i] else "VND"
            budget = budget_vnd[i] / USD_VND if in_usd[i] else budget_vnd[i]
            flows = [""] * (LAST_YEAR - FIRST_YEAR + 2)
            if with_flows[i]:
                flows[0] = f"{budget:.0f}"
                spent = list(range(first, min(last, LAST_YEAR) + 1))
                shares = rng.dirichlet(np.ones(len(spent))) * rng.uniform(0.5, 1.0)
                for year, share in zip(spent, shares, strict=True):
                    flows[1 + year - FIRST_YEAR] = f"{np.floor(budget * share):.0f}"
                    counts.flows += 1
                counts.flows += 1
            out.writerow([
                f"GEN-{i + 1:06d}", f"Generated project {i + 1}", DONORS[rng.integers(len(DONORS))],
                "Generated implementer", SECTORS[rng.integers(len(SECTORS))], f"{budget:.0f}", currency,
                f"01/{month:02d}/{first}", (date(last, month, 1) - timedelta(days=1)).strftime("%d/%m/%Y"),
                "completed" if last <= LAST_YEAR else "ongoing", cell, *flows])
    return counts
