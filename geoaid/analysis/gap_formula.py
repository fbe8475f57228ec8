"""The gap formula: how a commune's priority and the funding it gets give its gap score.

**Gap formula.** With R = ``gap_reference_vnd`` (setting, default
1,000,000,000 VND — about one small commune project) and a =
``gap_area_weight`` (setting, default ½), the effective funding is
F = commune-targeted VND + a × area-wide VND, and

    gap_score = priority_score × R / (R + F)

A commune with no coverage keeps its full priority score as its gap;
funding R halves it, 3R quarters it. The gap depends only on the commune's
own priority and funding, and falls as funding rises, so adding a project
can never increase any commune's gap (unlike a formula relative to a
median, which moves when others are funded).

**Per-person basis.** With the setting ``gap_funding_basis`` = "per_person"
the gap uses funding per inhabitant: with N the commune's population and
Rp = ``gap_reference_vnd_per_person`` (setting, default 100,000 VND — R
spread over a commune of 10,000 people),

    gap_score = priority_score × Rp / (Rp + F / N)
              = priority_score × (Rp × N) / (Rp × N + F)

so it is the same formula with a per-commune reference Rp × N: a large
commune needs more money than a small one to close the same gap. A commune
whose population is unknown (or 0) keeps the total basis (R, F in VND) and
its row says so in ``gap_basis`` ("total_no_population"); it is never
divided by zero nor counted as empty. ``gap_basis`` is "total" or
"per_person" on the other rows.

geoaid/analysis/coverage.py applies it to every commune; geoaid/planning/placement.py uses the
same functions, so a suggested placement closes exactly the gaps the ranking shows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geoaid.analysis.frames import Frames
from geoaid.store.settings import DEFAULTS

__all__ = ["describe_gap_formula", "effective_funding", "exact_priority", "gap_basis", "gap_parameters",
           "gap_references", "gap_value"]


def gap_parameters(frames: Frames | None = None) -> tuple[float, float]:
    """(R, a) of the gap formula from the workspace settings."""
    get = frames.setting if frames is not None else DEFAULTS.get
    return float(get("gap_reference_vnd") or DEFAULTS["gap_reference_vnd"]), float(
        get("gap_area_weight") if get("gap_area_weight") is not None else DEFAULTS["gap_area_weight"])


def effective_funding(commune_vnd, area_vnd, area_weight: float):
    """F of the gap formula: commune-targeted VND + a × area-wide VND."""
    return commune_vnd + area_weight * area_vnd


def exact_priority(priority_raw, priority: pd.DataFrame):
    """The unrounded priority score 0–100 of ``priority_raw`` values of a :func:`priority_index` frame."""
    denominator = priority.attrs.get("priority_max_raw") or 0.0
    return 100.0 * priority_raw / denominator if denominator > 0 else 0.0 * priority_raw


def gap_value(score, effective, reference: float):
    """The gap formula: priority × R / (R + F), unrounded (works on numbers and arrays alike).

    >>> gap_value(80.0, 1_000_000_000, 1_000_000_000)
    40.0
    """
    return score * reference / (reference + effective)


def gap_basis(frames: Frames | None = None) -> tuple[str, float]:
    """("total" | "per_person", Rp in VND per person) from the workspace settings."""
    get = frames.setting if frames is not None else DEFAULTS.get
    return (str(get("gap_funding_basis") or DEFAULTS["gap_funding_basis"]),
            float(get("gap_reference_vnd_per_person") or DEFAULTS["gap_reference_vnd_per_person"]))


def gap_references(frames: Frames | None, population) -> tuple[np.ndarray, np.ndarray]:
    """(reference R per commune, basis per commune) for the gap formula of the module doc.

    On the total basis every commune has R; on the per-person basis Rp × N, and R where
    the population N is unknown or 0 (basis "total_no_population").

    >>> frames = None  # the defaults: total basis
    >>> [a.tolist() for a in gap_references(frames, pd.Series([2_000, None]))]
    [[1000000000.0, 1000000000.0], ['total', 'total']]
    """
    reference, _ = gap_parameters(frames)
    basis, per_person_reference = gap_basis(frames)
    people = pd.to_numeric(pd.Series(population), errors="coerce").astype(float).to_numpy()
    n = len(people)
    if basis != "per_person":
        return np.full(n, reference), np.full(n, "total", dtype=object)
    known = np.isfinite(people) & (people > 0)
    references = np.where(known, per_person_reference * np.where(known, people, 0.0), reference)
    return references, np.where(known, "per_person", "total_no_population").astype(object)


def describe_gap_formula(frames: Frames | None = None) -> str:
    reference, area_weight = gap_parameters(frames)
    funding = f"F = commune-targeted VND + {area_weight:g} × area-wide VND"
    basis, per_person_reference = gap_basis(frames)
    if basis == "per_person":
        return (f"gap = priority × Rp / (Rp + F / population); {funding}; Rp = {per_person_reference:,.0f} VND "
                f"per person; communes without population: priority × R / (R + F), R = {reference:,.0f} VND")
    return f"gap = priority × R / (R + F); {funding}; R = {reference:,.0f} VND"
