"""The official lists vendored in ``boundaries/data``, written as schemes (never sample).

* ``poor_district`` — poor districts 2021–2025 under Decision 353/QĐ-TTg. The
  vendored annex rows are Hà Giang's 7; Kiên Giang, Bạc Liêu and Cà Mau have
  none under the decision, so for the demo provinces the list is complete; in a
  national build the other provinces' poor districts are not loaded (the
  metadata says so). It replaces the sample list of the same key.
* ``atk_commune`` — the 31 ATK communes of Cà Mau under Decision 891/QĐ-TTg.
  A recognition rather than a poverty criterion: its priority weight is 0
  unless a planner sets one (``geoaid.analysis.priority.FALLBACK_WEIGHTS``).
"""

from __future__ import annotations

import pandas as pd

from boundaries.official import ATK_891, POOR_DISTRICTS_353, read_atk_communes, read_poor_districts
from geoaid.store import schema

POOR_DISTRICT_PROVINCES_WITHOUT = {"91", "95", "96"}   # none under Decision 353 (province_level_facts.csv)


def official_lists(communes: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    """(schemes, classifications, metadata) of the official lists for the communes' provinces."""
    poor = read_poor_districts()
    poor = poor[poor["district_code"].isin(set(communes["district_code"].dropna().astype(str)))]
    atk = read_atk_communes()
    atk = atk[atk["commune_code"].isin(set(communes["code"].astype(str)))]
    provinces = set(communes["province_code"].astype(str))
    # A list is written only where it speaks: an empty list would claim "none here".
    schemes = [
        _scheme("poor_district", "Poor districts 2021–2025 (Decision 353/QĐ-TTg)",
                "Decision 353/QĐ-TTg of 15 March 2022, annex I", 2021, 2025, "district", POOR_DISTRICTS_353)
    ] if provinces & ({"02"} | POOR_DISTRICT_PROVINCES_WITHOUT) else []
    schemes += [
        _scheme("atk_commune", "ATK (resistance-base) communes (Decision 891/QĐ-TTg)",
                "Decision 891/QĐ-TTg of 26 July 2022", 2022, None, "commune", ATK_891)
    ] if "96" in provinces else []
    rows = ([_row("poor_district", code, "district") for code in sorted(poor["district_code"])]
            + [_row("atk_commune", code, "commune") for code in sorted(atk["commune_code"])])
    unknown = sorted(provinces - {"02"} - POOR_DISTRICT_PROVINCES_WITHOUT)
    metadata = {}
    if any(s["scheme"] == "poor_district" for s in schemes):
        metadata["official.poor_district"] = POOR_DISTRICTS_353.citation()
        metadata["official.poor_district.coverage"] = (
            f"{len(poor)} poor district(s) loaded (Hà Giang's annex rows); Kiên Giang, Bạc Liêu and Cà Mau have "
            "none under the decision" + (f"; provinces {', '.join(unknown)}: not loaded (list not vendored)"
                                         if unknown else ""))
    if any(s["scheme"] == "atk_commune" for s in schemes):
        metadata["official.atk_commune"] = ATK_891.citation()
        metadata["official.atk_commune.coverage"] = \
            f"{len(atk)} ATK commune(s) of Cà Mau loaded; other provinces not listed"
    return (pd.DataFrame(schemes, columns=schema.SCHEME_COLUMNS),
            pd.DataFrame(rows, columns=schema.CLASSIFICATION_COLUMNS), metadata)


def write_official_lists(tx, communes: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Write the official schemes and rows in ``tx`` (and their sources as metadata)."""
    schemes, rows, metadata = official_lists(communes)
    tx.write(schema.SCHEMES, schemes)
    tx.write(schema.CLASSIFICATIONS, rows)
    tx.set_metadata(**metadata)
    return schemes, rows


def _scheme(key, label, legal_source, start, end, level, official) -> dict:
    return {"scheme": key, "label": label, "legal_source": legal_source, "period_start": start,
            "period_end": end, "level": level, "kind": "flag", "sample": 0,
            "source_file": f"boundaries/data/{official.file}"}


def _row(scheme: str, code: str, level: str) -> dict:
    return {"scheme": scheme, "unit_code": code, "level": level, "value": "1", "value_num": 1.0, "sample": 0}
