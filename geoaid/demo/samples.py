"""SAMPLE classifications and projects for the demo workspace.

Nothing here is official. The lists are generated reproducibly (fixed seed)
so that maps, analyses and exports have something realistic to show; every
scheme label starts with "SAMPLE –", every row carries ``sample = 1``, donors
are called "Sample Donor … (fictitious)", and the workspace metadata says so.
The generation leans on real geography only where it is harmless: region
III/ĐBKK samples are drawn more often in Hà Giang's mountain districts, and
"coastal" samples only among communes on the outer edge of the southern
provinces.
"""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geoaid.analysis.sectors import SECTORS
from geoaid.store import schema

SEED = 20251124
DONORS = [f"Sample Donor {c} (fictitious)" for c in "ABCDEF"]
IMPLEMENTERS = ["Sample Provincial Association (fictitious)", "Sample Local NGO (fictitious)",
                "Sample District People's Committee (fictitious)"]
HOSTILE_TITLE = 'SAMPLE – <script>window.__xss=1</script> "><img src=x onerror="window.__xss=2">'
SAMPLE_SOURCE = "geoaid/samples.py (SAMPLE, not official)"

SCHEMES = [
    ("region_iii", "Region III communes, ethnic-minority and mountainous areas", "commune", "flag"),
    ("region_ii", "Region II communes, ethnic-minority and mountainous areas", "commune", "flag"),
    ("region_i", "Region I communes, ethnic-minority and mountainous areas", "commune", "flag"),
    ("dbkk", "Extremely difficult communes (ĐBKK)", "commune", "flag"),
    ("dbkk_coastal", "Extremely difficult coastal and island communes", "commune", "flag"),
    ("poor_district", "Poor districts", "district", "flag"),
    ("p135_hamlets", "Communes with Program 135 extremely difficult hamlets (count)", "commune", "count"),
    ("ethnic_minority_share", "Share of ethnic-minority population (%)", "commune", "share"),
]


def write_samples(tx, communes: gpd.GeoDataFrame, official: tuple[pd.DataFrame, pd.DataFrame] | None = None
                  ) -> dict[str, int]:
    """Generate and write sample schemes, classifications and projects in ``tx``.

    ``official`` (schemes, classifications) are written beside the samples; a
    sample scheme with an official list of the same key is left out.
    """
    rng = np.random.default_rng(SEED)
    schemes, classes = sample_classifications(communes, rng)
    # Projects are drawn after every sample list, so dropping a list keeps them the same.
    projects, locations = sample_projects(communes, rng)
    if official is not None:
        replaced = set(official[0]["scheme"])
        schemes = pd.concat([official[0], schemes[~schemes["scheme"].isin(replaced)]], ignore_index=True)
        classes = pd.concat([official[1], classes[~classes["scheme"].isin(replaced)]], ignore_index=True)
    tx.write(schema.SCHEMES, schemes)
    tx.write(schema.CLASSIFICATIONS, classes)
    tx.write(schema.PROJECTS, projects)
    tx.write(schema.PROJECT_LOCATIONS, locations)
    return {"schemes": len(schemes), "classifications": len(classes), "projects": len(projects),
            "project_locations": len(locations)}


def _edge_communes(communes: gpd.GeoDataFrame, province_codes) -> set[str]:
    """Communes on the outer edge of the given provinces (coast, islands, borders)."""
    chosen = communes[communes["province_code"].isin(province_codes)]
    if chosen.empty:
        return set()
    # Distances in degrees on purpose: "about 50 m / 200 m from the edge" only needs
    # to be roughly right at Vietnam's latitudes, and keeps the sample data reproducible.
    shapes = chosen.geometry.values
    outline = shapely.union_all(shapely.buffer(shapes, 0.0005)).boundary
    touching = chosen[shapely.intersects(shapely.buffer(shapes, 0.002), outline)]
    return set(touching["code"])


def sample_classifications(communes, rng) -> tuple[pd.DataFrame, pd.DataFrame]:
    codes = communes["code"].to_numpy()
    mountain = communes["province_code"].eq("02").to_numpy()
    draw = rng.random(len(codes))
    region = np.where(mountain, np.select([draw < 0.5, draw < 0.75], ["iii", "ii"], "i"),
                      np.select([draw < 0.04, draw < 0.12], ["iii", "ii"], ""))
    rows = []

    def add(scheme, unit, value, value_num, level="commune"):
        rows.append({"scheme": scheme, "unit_code": unit, "level": level, "value": value,
                     "value_num": value_num, "sample": 1})

    for code, r in zip(codes, region):
        if r:
            add(f"region_{r}", code, "1", 1.0)
        if r == "iii":
            add("dbkk", code, "1", 1.0)
            add("p135_hamlets", code, str(n := int(rng.integers(1, 9))), float(n))
        share = rng.uniform(70, 99) if mountain[list(codes).index(code)] else rng.beta(0.6, 4) * 100
        add("ethnic_minority_share", code, f"{share:.1f}", round(float(share), 1))
    edge = sorted(_edge_communes(communes, ["96", "95", "91"]))
    for code in rng.choice(edge, size=min(len(edge), max(1, len(edge) // 3)), replace=False) if edge else []:
        add("dbkk_coastal", str(code), "1", 1.0)
    districts = sorted(communes["district_code"].dropna().unique())
    for district in rng.choice(districts, size=min(4, len(districts)), replace=False):
        add("poor_district", str(district), "1", 1.0, level="district")
    schemes = pd.DataFrame([{
        "scheme": key, "label": f"SAMPLE – {label}", "legal_source": "none (sample data)",
        "period_start": 2021, "period_end": 2025, "level": level, "kind": kind, "sample": 1,
        "source_file": SAMPLE_SOURCE} for key, label, level, kind in SCHEMES])
    return schemes[schema.SCHEME_COLUMNS], pd.DataFrame(rows)[schema.CLASSIFICATION_COLUMNS]


def sample_projects(communes, rng, count: int = 60) -> tuple[pd.DataFrame, pd.DataFrame]:
    projects, locations = [], []
    by_province = {p: g for p, g in communes.groupby("province_code")}
    provinces = sorted(by_province)
    for n in range(1, count + 1):
        pid = f"SAMPLE-{n:03d}"
        sector = SECTORS[int(rng.integers(len(SECTORS)))]
        province = provinces[int(rng.integers(len(provinces)))]
        here = by_province[province]
        start = date(int(rng.integers(2021, 2026)), int(rng.integers(1, 13)), 1)
        end = date(start.year + int(rng.integers(1, 4)), start.month, 1)
        currency = "USD" if rng.random() < 0.5 else "VND"
        budget = (float(rng.integers(20, 800)) * 1000 if currency == "USD"
                  else float(rng.integers(5, 300)) * 100_000_000)
        rate = {"USD": 25000, "VND": 1}[currency]
        title = HOSTILE_TITLE if n == 7 else f"SAMPLE – {sector.en} project {n}"
        projects.append({
            "project_id": pid, "title": title, "donor": DONORS[int(rng.integers(len(DONORS)))],
            "implementer": IMPLEMENTERS[int(rng.integers(len(IMPLEMENTERS)))], "sector": sector.key,
            "dac_code": sector.dac[0], "budget": budget, "currency": currency,
            "budget_vnd": int(round(budget * rate)), "start_date": start.isoformat(),
            "end_date": end.isoformat(), "status": "completed" if end < date(2026, 1, 1) else "ongoing",
            "sample": 1, "source_file": SAMPLE_SOURCE})
        kind = rng.random()
        if kind < 0.12:
            locations.append(_location(pid, "province", province, None, "whole province"))
        elif kind < 0.3:
            district = str(rng.choice(sorted(here["district_code"].unique())))
            locations.append(_location(pid, "district", district, None, "whole district"))
        else:
            k = int(rng.integers(1, 5))
            chosen = rng.choice(here["code"].to_numpy(), size=min(k, len(here)), replace=False)
            shares = _shares(rng, len(chosen)) if rng.random() < 0.4 and len(chosen) > 1 else [None] * len(chosen)
            for code, share in zip(chosen, shares):
                locations.append(_location(pid, "commune", str(code), share, str(code)))
    # Two donors in the same sector, commune and period: an overlap to flag.
    first_commune = next(loc for loc in locations if loc["level"] == "commune")
    overlap = dict(projects[0], project_id="SAMPLE-061", donor=DONORS[-1],
                   title=f"SAMPLE – overlapping {projects[0]['sector']} project")
    match = next(p for p in projects if p["project_id"] == first_commune["project_id"])
    overlap.update(sector=match["sector"], dac_code=match["dac_code"], start_date=match["start_date"],
                   end_date=match["end_date"], donor=next(d for d in DONORS if d != match["donor"]))
    projects.append(overlap)
    locations.append(_location("SAMPLE-061", "commune", first_commune["unit_code"], None,
                               first_commune["unit_code"]))
    return (pd.DataFrame(projects)[schema.PROJECT_COLUMNS],
            pd.DataFrame(locations)[schema.PROJECT_LOCATION_COLUMNS])


def _shares(rng, k: int) -> list[float]:
    cuts = np.sort(rng.choice(np.arange(5, 100, 5), size=k - 1, replace=False))
    return [float(x) for x in np.diff(np.concatenate([[0], cuts, [100]]))]


def _location(pid, level, code, share, text):
    return {"project_id": pid, "level": level, "unit_code": code, "share_pct": share,
            "lon": None, "lat": None, "location_text": text}
