"""The preview's sample of projects as they would be written: communes with code and name, VND, period."""

from __future__ import annotations

import pandas as pd


def sample_rows(projects: pd.DataFrame, locations: pd.DataFrame, communes: pd.DataFrame, limit: int = 5
                ) -> list[dict]:
    """The first ``limit`` projects read, each with its places resolved and its amount in VND.

    >>> sample_rows(projects, locations, communes)[0]["places"]  # doctest: +SKIP
    ['32242 Xã Viên An (Huyện Ngọc Hiển)']
    """
    names = {
        "commune": {c: f"{c} {n} ({d})" for c, n, d in zip(communes["code"], communes["name"],
                                                          communes["district_name"])},
        "district": dict(zip(communes["district_code"], communes["district_code"] + " " + communes["district_name"])),
        "province": dict(zip(communes["province_code"], communes["province_code"] + " " + communes["province_name"])),
    }
    rows = []
    for project in projects.head(limit).itertuples():
        here = locations[locations["project_id"] == project.project_id]
        places = [names.get(level, {}).get(code, code) + (f" ({share:g}%)" if pd.notna(share) else "")
                  for level, code, share in zip(here["level"], here["unit_code"], here["share_pct"])]
        rows.append({"sheet": project.source_sheet, "row": project.source_row, "project_id": project.project_id,
                     "title": project.title, "donor": project.donor, "sector": project.sector,
                     "budget_vnd": int(project.budget_vnd), "period": " – ".join(
                         str(day) for day in (project.start_date, project.end_date) if isinstance(day, str)),
                     "places": places})
    return rows
