"""Suggested placement: where a budget for one sector and period reduces the total weighted gap most.

**Problem.** The budget B is placed in steps of the minimum amount per commune m (default:
the ``gap_reference_vnd`` setting, about one small commune project): K = ⌊B / m⌋ steps, the
remainder below one step is reported as not placed. A commune receives whole steps, all as one
commune-targeted project (one project per commune). With the commune's priority score P and its
effective funding F in that sector and period (gap_formula.py: commune-targeted VND + a × area-wide
VND), its gap after receiving x VND is the analysis' own formula

    gap(x) = P × R / (R + F + x)

with R the commune's reference (gap_formula.py :func:`gap_references`: ``gap_reference_vnd``, or on
the per-person basis ``gap_reference_vnd_per_person`` × population, so x is counted per inhabitant).

The objective is the total weighted gap Σ wᵢ gapᵢ over the eligible communes, with wᵢ = 1 or,
per capita, wᵢ = the commune's population (people-weighted gap).

**Rule (greedy marginal gain).** Give the next step to the commune whose weighted gap falls
most by it, wᵢ (gapᵢ(xᵢ) − gapᵢ(xᵢ + m)); ties go to the lower commune code; stop when the
steps are spent or no step reduces any gap. Because gap(x) is convex and decreasing in x, each
commune's successive gains never grow, so the objective is a separable concave function of the
steps and this greedy rule is optimal (Gross 1956; Fox 1966, "marginal analysis"): it reaches
the smallest total gap of any distribution of the K steps. tests/test_placement.py checks it
against brute force on small cases (the objective, and the chosen communes where the optimum
is unique).

**Constraints.** Province(s) and district(s); one project per commune; the minimum amount per
commune m; optionally no commune where another donor already has a commune-targeted project in
that sector active in the period (those are listed as excluded, with the donors).

**Reasoning.** Per chosen commune: its priority and classes, the sector's funding already
there, gap and rank before, gap after, the amount and the gain of its first and last step.

>>> proposal = propose(frames, PlacementRequest(budget_vnd=5_000_000_000, sector="health",
...                                             start=date(2025, 1, 1), end=date(2025, 12, 31)))  # doctest: +SKIP
>>> proposal.chosen[["commune_code", "amount_vnd", "gap_before", "gap_after"]]  # doctest: +SKIP
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import date

import pandas as pd

from geoaid.analysis.coverage import commune_projects, coverage
from geoaid.analysis.donor_names import donor_key, donor_keys
from geoaid.analysis.filters import Filters
from geoaid.analysis.frames import Frames
from geoaid.analysis.gap_formula import effective_funding, exact_priority, gap_parameters, gap_references, gap_value
from geoaid.analysis.priority import priority_index
from geoaid.planning.candidates import Candidate
from geoaid.planning.scenario import POPULATION
from geoaid.text.catalog import text

MAX_STEPS = 10_000     # K: more steps than this means the minimum amount is far too small for the budget
CHOSEN_COLUMNS = ["commune_code", "commune_name", "district", "province", "priority_score", "classes", "classes_vi",
                  "sector_funding_vnd", "gap_rank", "gap_before", "gap_after", "steps", "amount_vnd",
                  "first_gain", "last_gain"]


@dataclass(frozen=True)
class PlacementRequest:
    budget_vnd: int
    sector: str
    start: date | None = None
    end: date | None = None
    provinces: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()          # district codes
    min_amount_vnd: int | None = None        # default: the gap_reference_vnd setting
    avoid_other_donors: bool = False
    donor: str | None = None                 # the donor of the budget (its own projects are no obstacle)
    per_capita: bool = False                 # weight each commune's gap by its population

    def filters(self) -> Filters:
        return Filters(provinces=self.provinces, sectors=(self.sector,), start=self.start, end=self.end)


@dataclass
class Placement:
    request: PlacementRequest
    step_vnd: int
    chosen: pd.DataFrame                      # CHOSEN_COLUMNS, largest amount first
    excluded: pd.DataFrame                    # communes left out because another donor works there
    objective_before: float                   # Σ wᵢ gapᵢ over the eligible communes (unrounded)
    objective_after: float
    unplaced_vnd: int
    eligible: int = 0

    def candidates(self, title: str = "") -> list[Candidate]:
        """The proposal as scenario candidates (one commune-targeted project per chosen commune)."""
        request = self.request
        return [Candidate(place=row.commune_code, sector=request.sector, amount=str(int(row.amount_vnd)),
                          currency="VND", start=request.start.isoformat() if request.start else "",
                          end=request.end.isoformat() if request.end else "", donor=request.donor or "",
                          title=f"{title} {row.commune_name}".strip(), row=number)
                for number, row in enumerate(self.chosen.itertuples(index=False), start=1)]

    def reasons(self, lang: str = "en") -> list[str]:
        """One sentence per chosen commune, in ``lang``."""
        return [text("planning.reason", lang, commune=row.commune_name, priority=f"{row.priority_score:.2f}",
                     classes=(row.classes_vi if lang == "vi" else row.classes) or text("none", lang),
                     funding=f"{row.sector_funding_vnd:,.0f}",
                     rank=row.gap_rank, before=f"{row.gap_before:.2f}", after=f"{row.gap_after:.2f}",
                     amount=f"{row.amount_vnd:,.0f}", steps=row.steps, first=f"{row.first_gain:.2f}",
                     last=f"{row.last_gain:.2f}")
                for row in self.chosen.itertuples(index=False)]


def propose(frames: Frames, request: PlacementRequest) -> Placement:
    """The greedy marginal-gain placement of ``request`` (see the module doc); nothing is written."""
    reference, area_weight = gap_parameters(frames)
    step = int(request.min_amount_vnd or reference)
    if step <= 0 or request.budget_vnd <= 0:
        raise ValueError("the budget and the minimum amount per commune must be positive")
    steps = request.budget_vnd // step
    if steps == 0:
        raise ValueError(f"the budget ({request.budget_vnd:,} VND) is below the minimum amount per commune "
                         f"({step:,} VND)")
    if steps > MAX_STEPS:
        raise ValueError(f"{steps:,} steps of {step:,} VND: raise the minimum amount per commune")
    filters = request.filters()
    rows = pd.DataFrame(coverage(frames, filters).drop(columns="geometry"))
    if request.districts:
        rows = rows[rows["district_code"].isin(request.districts)]
    excluded = _other_donors(frames, filters, request, rows)
    rows = rows[~rows["commune_code"].isin(excluded["commune_code"])].reset_index(drop=True)
    priority = priority_index(frames)
    score = exact_priority(priority.set_index("commune_code")["priority_raw"], priority)
    rows["score"] = rows["commune_code"].map(score).fillna(0.0)
    rows["effective"] = effective_funding(rows["commune_funding_vnd"], rows["area_funding_vnd"], area_weight)
    rows["weight"] = _weights(frames, rows, request.per_capita)
    rows["reference"] = gap_references(frames, rows["population"])[0]

    def weighted_gap(i: int, units: int) -> float:
        return rows.at[i, "weight"] * gap_value(rows.at[i, "score"], rows.at[i, "effective"] + units * step,
                                                rows.at[i, "reference"])

    given = [0] * len(rows)
    gains: dict[int, list[float]] = {}
    heap = [(-(weighted_gap(i, 0) - weighted_gap(i, 1)), rows.at[i, "commune_code"], i) for i in range(len(rows))]
    heapq.heapify(heap)
    spent = 0
    while spent < steps and heap and -heap[0][0] > 0:
        gain, code, i = heapq.heappop(heap)
        given[i] += 1
        gains.setdefault(i, []).append(-gain)
        spent += 1
        heapq.heappush(heap, (-(weighted_gap(i, given[i]) - weighted_gap(i, given[i] + 1)), code, i))

    before = sum(weighted_gap(i, 0) for i in range(len(rows)))
    after = sum(weighted_gap(i, given[i]) for i in range(len(rows)))
    chosen = pd.DataFrame([{
        "commune_code": rows.at[i, "commune_code"], "commune_name": rows.at[i, "commune_name"],
        "district": rows.at[i, "district"], "province": rows.at[i, "province"],
        "priority_score": rows.at[i, "priority_score"], "classes": rows.at[i, "classes"],
        "classes_vi": rows.at[i, "classes_vi"],
        "sector_funding_vnd": int(rows.at[i, "funding_vnd"]), "gap_rank": int(rows.at[i, "gap_rank"]),
        "gap_before": round(float(gap_value(rows.at[i, "score"], rows.at[i, "effective"],
                                            rows.at[i, "reference"])), 2),
        "gap_after": round(float(gap_value(rows.at[i, "score"], rows.at[i, "effective"] + given[i] * step,
                                           rows.at[i, "reference"])), 2),
        "steps": given[i], "amount_vnd": given[i] * step,
        "first_gain": gains[i][0], "last_gain": gains[i][-1]} for i in gains], columns=CHOSEN_COLUMNS)
    chosen = chosen.sort_values(["amount_vnd", "gap_rank"], ascending=[False, True]).reset_index(drop=True)
    return Placement(request, step, chosen, excluded, before, after,
                     unplaced_vnd=request.budget_vnd - spent * step, eligible=len(rows))


def _weights(frames: Frames, rows: pd.DataFrame, per_capita: bool) -> pd.Series:
    if not per_capita:
        return pd.Series(1.0, index=rows.index)
    if POPULATION not in frames.communes.columns:
        raise ValueError("per-capita placement needs commune population figures in the workspace")
    people = frames.communes.set_index("code")[POPULATION]
    return pd.to_numeric(rows["commune_code"].map(people), errors="coerce").fillna(0.0).astype(float)


def _other_donors(frames: Frames, filters: Filters, request: PlacementRequest, rows: pd.DataFrame) -> pd.DataFrame:
    """Communes where another donor has a commune-targeted project in the sector and period."""
    columns = ["commune_code", "commune_name", "donors"]
    if not request.avoid_other_donors:
        return pd.DataFrame(columns=columns)
    projects = commune_projects(frames, filters)
    projects = projects[(projects["scope"] == "commune") & projects["commune_code"].isin(rows["commune_code"])]
    if request.donor:
        projects = projects[donor_keys(projects["donor"]) != donor_key(request.donor)]
    donors = projects.groupby("commune_code")["donor"].agg(lambda d: "; ".join(sorted(set(d))))
    names = rows.set_index("commune_code")["commune_name"]
    return pd.DataFrame({"commune_code": donors.index, "commune_name": donors.index.map(names),
                         "donors": donors.to_numpy()}, columns=columns)
