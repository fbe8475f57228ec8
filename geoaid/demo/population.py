"""Census 2019 population on the built communes: by code, else by 2019 names.

    census rows ──┬─ code in the layer ────────────────────────────┐
                  └─ else (province, district, commune) 2019 names  ├─ summed per commune
                     = a coded source polygon's names ─────────────┘

The polygons follow the 2019 commune list, as the census does, so a census
row without a code (a unit merged or renamed before 2025, or a town and a
commune sharing a name) finds its polygon by names, compared with
``geoaid.text.names`` (a "Thị trấn"/"Xã" pair of one name is told apart by the
type word; then, for rows still without a commune, up to spelling variants such
as x/s and tr/ch, reported as ``by_variant``); the polygon's code gives the commune. A commune formed by merged
units gets the sum of their rows. A commune no row reaches keeps no figure
(never 0), and every such commune, every row placed by name, every summed
commune and every row left unplaced is listed in the ``population_report``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from boundaries.official import CENSUS_2019
from geoaid.store import schema
from geoaid.text.names import name_key, nfc, split_unit_type, variant_key

FIGURES = ["population", "population_urban", "population_rural"]


@dataclass
class PopulationJoin:
    communes: pd.DataFrame       # the layer with FIGURES added (missing: <NA>, never 0)
    report: pd.DataFrame         # schema.POPULATION_REPORT_COLUMNS
    figures: pd.DataFrame        # per province: communes, with_population, rows by code / by name…
    metadata: dict[str, str]


def unit_key(name: str) -> tuple[str, str | None]:
    """(name key, type key) of a 2019 unit name, whether the type leads or follows in brackets.

    >>> unit_key("Thới Bình (Thị trấn )"), unit_key("Thị trấn Thới Bình")
    (('thoibinh', 'thi tran'), ('thoibinh', 'thi tran'))
    """
    type_key, _ = split_unit_type(name)
    bare = nfc(name).split("(")[0]
    return name_key(bare), type_key


def join_population(communes: pd.DataFrame, sources: pd.DataFrame, census: pd.DataFrame) -> PopulationJoin:
    """Population figures on ``communes`` from ``census`` rows (``boundaries.official.read_population``).

    ``sources`` are the coded source polygons (province_code, src_district,
    src_name, code), the bridge from 2019 names to codes.
    """
    codes = set(communes["code"].astype(str))
    census = census[census["province_code"].isin(set(communes["province_code"]))].copy()
    census["code"] = census["commune_code"].where(census["commune_code"].isin(codes))
    census["method"] = census["code"].notna().map({True: "code", False: None})
    coded = sources[sources["code"].isin(codes)]
    # Exact name keys first; then spelling variants (Xốp Cộp / Sốp Cộp), for the rows still without a commune.
    for method, fold in (("name", lambda key: key), ("variant", variant_key)):
        by_names = _name_index(coded, fold)
        for idx, row in census[census["code"].isna()].iterrows():
            key, type_key = unit_key(row["commune_name_2019"])
            found = by_names.get((row["province_code"], name_key(row["district_name_2019"]), fold(key)), [])
            if len({code for code, _ in found}) > 1:
                found = [(code, t) for code, t in found if t == type_key]
            if len({code for code, _ in found}) == 1:
                census.at[idx, "code"] = found[0][0]
                census.at[idx, "method"] = method
    placed = census[census["code"].notna()]
    sums = placed.groupby("code")[FIGURES].sum()
    out = communes.copy()
    for column in FIGURES:
        out[column] = out["code"].astype(str).map(sums[column]).astype("Int64")
    report = _report(out, census, placed)
    figures = _figures(out, census)
    metadata = {"source.population": CENSUS_2019.citation(),
                **{f"population.match.{r.province_code}":
                   f"{r.with_population} of {r.communes} communes have a population; census rows "
                   f"{r.census_rows}: {r.by_code} by code, {r.by_name} by 2019 names, {r.unplaced} unplaced; "
                   f"{r.joined_total:,} of {r.census_total:,} people placed"
                   for r in figures.itertuples()}}
    return PopulationJoin(out, report, figures, metadata)


def _name_index(sources: pd.DataFrame, fold) -> dict[tuple, list[tuple[str, str | None]]]:
    index: dict[tuple, list[tuple[str, str | None]]] = {}
    for row in sources.itertuples():
        key, type_key = unit_key(row.src_name)
        index.setdefault((row.province_code, name_key(row.src_district), fold(key)), []).append((row.code, type_key))
    return index


def _report(communes: pd.DataFrame, census: pd.DataFrame, placed: pd.DataFrame) -> pd.DataFrame:
    names = communes.set_index(communes["code"].astype(str))
    rows = []

    def note(status, row=None, code=None, population=None, detail=""):
        rows.append({"province_code": row["province_code"] if row is not None else names.at[code, "province_code"],
                     "province_name": row["province_name"] if row is not None else names.at[code, "province_name"],
                     "district_name": row["district_name_2019"] if row is not None
                     else names.at[code, "district_name"],
                     "census_name": row["commune_name_2019"] if row is not None else None,
                     "status": status, "code": code,
                     "code_name": names.at[code, "name"] if code in names.index else None,
                     "population": population, "detail": detail})

    for _, row in census[census["method"] == "name"].iterrows():
        note("by_name", row, row["code"], row["population"], "census row without a code; joined by 2019 names")
    for _, row in census[census["method"] == "variant"].iterrows():
        note("by_variant", row, row["code"], row["population"],
             "census row without a code; joined by 2019 names spelled differently (x/s, tr/ch, y/i, d/gi)")
    for code, parts in placed.groupby("code"):
        if len(parts) > 1:
            note("summed", None, code, int(parts["population"].sum()),
                 f"{len(parts)} census units form this commune: "
                 + ", ".join(f"{n} ({p:,})" for n, p in zip(parts["commune_name_2019"], parts["population"])))
    for _, row in census[census["code"].isna()].iterrows():
        note("unplaced", row, None, row["population"], "no commune of the layer has this code or 2019 name")
    for code in communes.loc[communes["population"].isna(), "code"].astype(str):
        note("no_figure", None, code, None, "no census row reaches this commune: population unknown (not 0)")
    return pd.DataFrame(rows, columns=schema.POPULATION_REPORT_COLUMNS)


def _figures(communes: pd.DataFrame, census: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for province, here in communes.groupby("province_code"):
        rows_here = census[census["province_code"] == province]
        rows.append({"province_code": province, "communes": len(here),
                     "with_population": int(here["population"].notna().sum()),
                     "census_rows": len(rows_here), "by_code": int((rows_here["method"] == "code").sum()),
                     "by_name": int(rows_here["method"].isin(["name", "variant"]).sum()),
                     "unplaced": int(rows_here["code"].isna().sum()),
                     "census_total": int(rows_here["population"].sum()),
                     "joined_total": int(here["population"].sum())})
    return pd.DataFrame(rows)
