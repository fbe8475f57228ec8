"""A hand-computed targeting case on real communes of Cà Mau (province 96, 100 communes).

Built with geoaid.demo.build.build_workspace(..., ["96"], samples=False), then
the schemes, classifications and projects below are written through a
workspace transaction, so the tests also cover load_frames. The lists are
TEST data (not official lists); the communes and codes are real.

Communes used (Huyện Ngọc Hiển = district 973, 7 communes; Năm Căn 971):
  32248 Xã Đất Mũi, 32242 Xã Viên An, 32239 Xã Viên An Đông, 32236 Xã Tân Ân Tây,
  32233 Xã Tam Giang Tây, 32244 Thị trấn Rạch Gốc, 32245 Xã Tân Ân (all 973);
  32194 Xã Hàm Rồng (971); 31999 = lowest commune code of the province.

Classifications (default weights):
  region_iii (w 3): 32248            region_ii (w 1): 32242
  dbkk (w 2.5): 32248, 32242         dbkk_coastal (w 3): 32248, 32239
  poor_district (w 2, district level): 973 → its 7 communes
  p135_hamlets (w 1, count, cap 5): 32248: 6 → 1.0; 32242: 2 → 0.4
  ethnic_minority_share (w 2, share, SAMPLE list): 32248: 55 %; 32236: 20 %; 32194: 80 %
Denominator Σ_groups max w = regions max(3, 1) + ĐBKK max(2.5, 3) + 2 + 1 + 2 = 11
  32248: 3 + max(2.5, 3) + 2 + 1 + 2·0.55 = 10.1   → 100·10.1/11 = 91.82
  32242: 1 + 2.5 + 2 + 0.4            = 5.9    → 53.64
  32239: 3 + 2                        = 5      → 45.45
  32236: 2 + 2·0.20                   = 2.4    → 21.82
  32233, 32244, 32245: 2                       → 18.18
  32194: 2·0.80                       = 1.6    → 14.55
  every other commune                          → 0

Projects (USD at 25,000 VND):
  P1 Donor A, health, 1,000,000,001 VND, 32248 60 % + 32242 40 %, 2024-01-01 – 2024-12-31
     → 32248: 600,000,000.6 → 600,000,001 (largest remainder); 32242: 400,000,000
  P2 Donor B, health, 700,000,000, district 973 (7 communes), 2024-01-01 – 2025-12-31
     → even: 100,000,000 each (scope area)
  P3 Donor B, education, 2,000,000,000, 32194, 2020-01-01 – 2020-12-31
  P4 Donor C, health, 500,000,000, 32248, 2024-06-01 – 2025-06-01   (overlaps P1 in 32248)
  P5 "donor a" (= Donor A), health, 300,000,000, 32242, from 2024-03-01, no end date
  P6 "Hội Chữ thập đỏ Cà Mau" written in NFD, agriculture, 900,000,001, province 96
     (100 communes), 2023-01-01 – 2023-12-31 → 9,000,000 each, 31999 gets the extra 1
  P8 Donor D, social, SAMPLE project, 1,000,000,000, 32233 50 % + 01001 50 % (Hà Nội,
     not in this workspace) → 32233: 500,000,000; 500,000,000 unallocated
"""

from __future__ import annotations

import unicodedata

import pandas as pd

from geoaid.store import schema
from geoaid.store.workspace import Workspace

NGOC_HIEN = ["32233", "32236", "32239", "32242", "32244", "32245", "32248"]
RED_CROSS = "Hội Chữ thập đỏ Cà Mau"
RED_CROSS_NFD = unicodedata.normalize("NFD", RED_CROSS)


def _scheme(key, kind, level="commune", sample=0):
    return {"scheme": key, "label": f"TEST – {key}", "legal_source": "test case", "period_start": 2021,
            "period_end": 2025, "level": level, "kind": kind, "sample": sample, "source_file": "analysis_case"}


def _class(scheme, code, value, level="commune", sample=0):
    return {"scheme": scheme, "unit_code": code, "level": level, "value": f"{value:g}",
            "value_num": float(value), "sample": sample}


def project(pid, donor, sector, budget, start, end, sample=0):
    return {"project_id": pid, "title": f"Project {pid}", "donor": donor, "implementer": None,
            "sector": sector, "dac_code": None, "budget": None if budget is None else float(budget), "currency": "VND",
            "budget_vnd": budget, "start_date": start, "end_date": end, "status": "ongoing",
            "sample": sample, "source_file": "analysis_case"}


def location(pid, level, code, share=None):
    return {"project_id": pid, "level": level, "unit_code": code, "share_pct": share, "lon": None,
            "lat": None, "location_text": code}


SCHEMES = [_scheme("region_iii", "flag"), _scheme("region_ii", "flag"), _scheme("dbkk", "flag"),
           _scheme("dbkk_coastal", "flag"), _scheme("poor_district", "flag", level="district"),
           _scheme("p135_hamlets", "count"), _scheme("ethnic_minority_share", "share", sample=1)]
CLASSES = [_class("region_iii", "32248", 1), _class("region_ii", "32242", 1),
           _class("dbkk", "32248", 1), _class("dbkk", "32242", 1),
           _class("dbkk_coastal", "32248", 1), _class("dbkk_coastal", "32239", 1),
           _class("poor_district", "973", 1, level="district"),
           _class("p135_hamlets", "32248", 6), _class("p135_hamlets", "32242", 2),
           _class("ethnic_minority_share", "32248", 55, sample=1),
           _class("ethnic_minority_share", "32236", 20, sample=1),
           _class("ethnic_minority_share", "32194", 80, sample=1)]
PROJECTS = [project("P1", "Donor A", "health", 1_000_000_001, "2024-01-01", "2024-12-31"),
            project("P2", "Donor B", "health", 700_000_000, "2024-01-01", "2025-12-31"),
            project("P3", "Donor B", "education", 2_000_000_000, "2020-01-01", "2020-12-31"),
            project("P4", "Donor C", "health", 500_000_000, "2024-06-01", "2025-06-01"),
            project("P5", "donor a", "health", 300_000_000, "2024-03-01", None),
            project("P6", RED_CROSS_NFD, "agriculture", 900_000_001, "2023-01-01", "2023-12-31"),
            project("P8", "Donor D", "social", 1_000_000_000, "2024-01-01", "2024-12-31", sample=1)]
LOCATIONS = [location("P1", "commune", "32248", 60.0), location("P1", "commune", "32242", 40.0),
             location("P2", "district", "973"), location("P3", "commune", "32194"),
             location("P4", "commune", "32248"), location("P5", "commune", "32242"),
             location("P6", "province", "96"),
             location("P8", "commune", "32233", 50.0), location("P8", "commune", "01001", 50.0)]


def build_case_workspace(path) -> Workspace:
    """Cà Mau communes from the demo build plus the case's tables, written in one transaction."""
    from geoaid.demo.build import build_workspace

    workspace = Workspace(path)
    build_workspace(workspace, ["96"], samples=False, log=lambda _msg: None)
    with workspace.transaction() as tx:
        tx.write(schema.SCHEMES, pd.DataFrame(SCHEMES, columns=schema.SCHEME_COLUMNS))
        tx.write(schema.CLASSIFICATIONS, pd.DataFrame(CLASSES, columns=schema.CLASSIFICATION_COLUMNS))
        tx.write(schema.PROJECTS, pd.DataFrame(PROJECTS, columns=schema.PROJECT_COLUMNS))
        tx.write(schema.PROJECT_LOCATIONS, pd.DataFrame(LOCATIONS, columns=schema.PROJECT_LOCATION_COLUMNS))
    return workspace


def with_projects(base, projects: list[dict], locations: list[dict]):
    """``base`` Frames with its projects and locations replaced (for property tests)."""
    from dataclasses import replace

    return replace(base, projects=pd.DataFrame(projects, columns=schema.PROJECT_COLUMNS),
                   locations=pd.DataFrame(locations, columns=schema.PROJECT_LOCATION_COLUMNS))
