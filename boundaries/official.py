"""Official figures vendored in ``boundaries/data`` and their readers (no geoaid import).

| file                                   | reader                      |
|----------------------------------------|-----------------------------|
| census2019_commune_population.csv      | :func:`read_population`     |
| qd353_2022_poor_districts_hagiang.csv  | :func:`read_poor_districts` |
| qd891_2022_atk_communes_camau.csv      | :func:`read_atk_communes`   |
| province_level_facts.csv               | :func:`read_province_facts` |

The files stay exactly as published (see ``data/SOURCES.md``); readers only
give codes as text and figures as integers. Each :class:`OfficialFile` says
where its facts come from, so the build can write that into the workspace.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

DATA_DIR = Path(__file__).resolve().parent / "data"
CENSUS_REPOSITORY = "hgscarlette/vn-demographic"
CENSUS_COMMIT = "52f6d434cfb76f8d186247c997c2db91ae9017ea"


@dataclass(frozen=True)
class OfficialFile:
    key: str
    file: str
    what: str
    source: str
    terms: str

    def path(self) -> Path:
        return DATA_DIR / self.file

    def citation(self) -> str:
        return f"{self.what}. Source: {self.source}. Terms: {self.terms} (boundaries/data/{self.file})"


CENSUS_2019 = OfficialFile(
    key="population",
    file="census2019_commune_population.csv",
    what="Population 2019 (total, urban, rural) per commune, 1 April 2019 Population and Housing Census",
    source=f"GSO census portal export, as kept in {CENSUS_REPOSITORY} "
           f"('data/Population data/Population by Urban (Ward).xlsx', commit {CENSUS_COMMIT})",
    terms="official statistics of the General Statistics Office; the repository states no licence. "
          "Credit: GSO, 2019 Population and Housing Census",
)
POOR_DISTRICTS_353 = OfficialFile(
    key="poor_district",
    file="qd353_2022_poor_districts_hagiang.csv",
    what="Poor districts 2021–2025 of Hà Giang, Decision 353/QĐ-TTg of 15 March 2022, annex I",
    source="annex I as reproduced by a provincial government site (URL in each row); count confirmed "
           "by a second source",
    terms="a legal act (public)",
)
ATK_891 = OfficialFile(
    key="atk_commune",
    file="qd891_2022_atk_communes_camau.csv",
    what="ATK (An toàn khu, resistance-base) communes of Cà Mau, Decision 891/QĐ-TTg of 26 July 2022",
    source="a news report listing all 31 communes by district (URL in each row)",
    terms="a legal act (public)",
)
PROVINCE_FACTS = OfficialFile(
    key="province_facts",
    file="province_level_facts.csv",
    what="Published counts per decision and province (checks of imported lists, not lists)",
    source="official and news pages, named per row with a confidence note",
    terms="facts",
)
OFFICIAL_FILES = {f.key: f for f in (CENSUS_2019, POOR_DISTRICTS_353, ATK_891, PROVINCE_FACTS)}

POPULATION_COLUMNS = {"pop_total_2019": "population", "pop_urban_2019": "population_urban",
                      "pop_rural_2019": "population_rural"}


def _read(official: OfficialFile) -> pd.DataFrame:
    return pd.read_csv(official.path(), dtype=str, keep_default_na=False, encoding="utf-8")


def read_population(province_codes: Iterable[str] | None = None) -> pd.DataFrame:
    """Census 2019 rows: province_code, province_name, district_code, district_name_2019,
    commune_code ("" when the census row has none), commune_name_2019, population,
    population_urban, population_rural (integers; an urban or rural part the census
    leaves blank is 0, since total = urban + rural holds on every row).

    >>> int(read_population(["96"])["population"].sum())
    1194476
    """
    table = _read(CENSUS_2019)
    if province_codes is not None:
        table = table[table["province_code"].isin(list(province_codes))]
    table = table.rename(columns=POPULATION_COLUMNS)
    for column in POPULATION_COLUMNS.values():
        table[column] = pd.to_numeric(table[column].replace("", "0")).astype("int64")
    return table.reset_index(drop=True)


def read_poor_districts() -> pd.DataFrame:
    """Decision 353 rows: province_code, province_name, district_code, district_name, decision…"""
    return _read(POOR_DISTRICTS_353)


def read_atk_communes() -> pd.DataFrame:
    """Decision 891 rows: province_code, district_code, district_name, commune_code, commune_name…"""
    return _read(ATK_891)


def read_province_facts() -> pd.DataFrame:
    """Published counts: decision, scope, province_code, province_name, indicator, value (as
    published: "133", ">=1 (names not found)", "NOT FOUND"…), source, confidence_note."""
    return _read(PROVINCE_FACTS)
