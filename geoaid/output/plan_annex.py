"""``geoaid annex``: what goes into a provincial aid-mobilisation plan, as tables.

The plan annex holds the priority-commune list with its gaps, the open local needs
with the donors that fit them best (:mod:`geoaid.analysis.donor_fit`), and the list of
sectors that get a map page. :func:`plan_annex` computes them once; :func:`annex_xlsx`
writes them as a workbook (one sheet per table, plus notes) and
:func:`geoaid.output.plan_annex_pdf.annex_pdf` as a multi-page A4 PDF with the gap map
and one map per sector, drawn by the one print map renderer.

Example::

    annex = plan_annex(analysis, Filters(provinces=("96",)), "vi")
    Path("plan.xlsx").write_bytes(annex_xlsx(annex))
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import pandas as pd

from geoaid import __version__
from geoaid.analysis.donor_fit import donor_fits, money
from geoaid.analysis.filters import Filters, active_projects
from geoaid.analysis.frames import Frames, sample_mask
from geoaid.analysis.memoised import Analysis, analysed
from geoaid.analysis.needs import need_status, open_needs
from geoaid.analysis.sectors import BY_KEY
from geoaid.output.formula_injection import neutralise_frame
from geoaid.output.print_data import data_sources
from geoaid.output.print_words import WORDS
from geoaid.text.catalog import text

PRIORITY_COLUMNS = ("rank", "commune", "district", "classes", "priority", "funding", "gap")
NEED_COLUMNS = ("place", "sector", "need", "cost", "status", "donors")
DONORS_PER_NEED = 3


@dataclass
class Annex:
    lang: str
    filters: Filters
    priority: pd.DataFrame     # PRIORITY_COLUMNS (+ sample), most urgent first; numbers stay numbers
    needs: pd.DataFrame        # NEED_COLUMNS (+ cost_vnd, sample), by priority then cost
    sectors: list[str]         # sector keys with projects or open needs in scope: one map page each
    sample: bool
    boundary_version: str
    made: date
    scope: str                 # the filters in words
    sources: list[str]         # boundaries, classifications (legal sources) and project files, in words


def plan_annex(frames: Frames | Analysis, filters: Filters = Filters(), lang: str = "vi",
               status: pd.DataFrame | None = None, fits: pd.DataFrame | None = None,
               today: date | None = None) -> Annex:
    """The annex's tables for ``filters`` (``status``/``fits`` may come from a cache)."""
    analysis = analysed(frames)
    frames = analysis.frames
    today = today or date.today()
    ranking = analysis.coverage(filters).sort_values("gap_rank")
    classes = ranking["classes_vi" if lang == "vi" else "classes"]
    priority = pd.DataFrame({"rank": ranking["gap_rank"].astype(int), "commune": ranking["commune_name"],
                             "district": ranking["district"].fillna(""), "classes": classes.fillna(""),
                             "priority": ranking["priority_score"].round(2),
                             "funding": ranking["funding_vnd"].round().astype("int64"),
                             "gap": ranking["gap_score"].round(2),
                             "sample": sample_mask(ranking["sample"]).to_numpy()}).reset_index(drop=True)
    status = need_status(frames) if status is None else status
    wanted = _in_scope(open_needs(status), filters)
    fits = donor_fits(frames, wanted, today=today) if fits is None else fits
    needs = _need_rows(wanted, fits, lang)
    in_scope_codes = set(ranking["commune_code"])
    projects = active_projects(frames, filters)
    placed = analysis.allocations()
    placed = placed[placed["commune_code"].isin(in_scope_codes) & (placed["amount_vnd"] > 0)]
    funded = set(projects.loc[projects["project_id"].isin(placed["project_id"]), "sector"].dropna())
    sectors = [key for key in BY_KEY if key in funded or key in set(wanted["sector"])]
    version = str(frames.metadata.get("boundary_version", "2019"))
    names = dict(zip(frames.communes["province_code"], frames.communes["province_name"]))
    sample = bool(frames.is_sample or priority["sample"].any() or needs["sample"].any())
    return Annex(lang, filters, priority, needs, sectors, sample, version, today, filters.describe(lang, names),
                 _sources(frames, version, wanted, lang))


def _sources(frames: Frames, version: str, needs: pd.DataFrame, lang: str) -> list[str]:
    words, meta = WORDS[lang], frames.metadata
    lines = [words["boundaries"].format(geometry=meta.get("source.geometry", "—"), version=version)]
    listed = data_sources(frames)
    lines += [words[key].format(items=listed[key]) for key in ("classifications", "projects") if listed.get(key)]
    plans = sorted({str(s) for s in needs["source"].dropna() if str(s).strip()})
    if plans:
        lines.append(text("annex.needs_source", lang, plans=", ".join(plans)))
    return lines


def _in_scope(needs: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    if filters.provinces:
        needs = needs[needs["province_code"].isin(filters.provinces)]
    if filters.sectors:
        needs = needs[needs["sector"].isin(filters.sectors)]
    return needs


def _need_rows(needs: pd.DataFrame, fits: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per open need: its best-fitting donors with their scores, most urgent need first."""
    best = {need_id: "; ".join(f"{row.donor} ({row.score:g})" for row in rows.head(DONORS_PER_NEED).itertuples())
            for need_id, rows in fits.groupby("need_id", sort=False)}
    rows = []
    for need in needs.itertuples():
        rows.append({"place": need.place_name, "sector": BY_KEY[need.sector].label(lang),
                     "need": need.description,
                     "cost": money(need.cost_vnd, lang) if pd.notna(need.cost_vnd) else "",
                     "status": text(f"needs.status.{need.status}", lang),
                     "donors": best.get(need.need_id, ""),
                     "cost_vnd": need.cost_vnd, "_priority": 99 if pd.isna(need.priority) else int(need.priority),
                     "sample": bool(sample_mask(pd.Series([need.sample])).iloc[0])})
    table = pd.DataFrame(rows, columns=[*NEED_COLUMNS, "cost_vnd", "_priority", "sample"])
    table = table.sort_values(["_priority", "cost_vnd"], ascending=[True, False], kind="stable")
    return table.drop(columns="_priority").reset_index(drop=True)


def headers(annex: Annex, columns) -> dict[str, str]:
    return {key: text(f"annex.col.{key}", annex.lang) for key in columns}


def notes(annex: Annex) -> list[str]:
    """The lines printed under the tables and on the workbook's notes sheet."""
    lang = annex.lang
    lines = [text("annex.title", lang), text("annex.scope", lang, scope=annex.scope), *annex.sources,
             text("annex.boundary", lang, version=annex.boundary_version),
             text("annex.made", lang, day=annex.made.strftime("%d/%m/%Y"), version=__version__),
             text("annex.method", lang)]
    if annex.sample:
        lines.append(text("annex.sample_note", lang))
    return lines


def annex_xlsx(annex: Annex) -> bytes:
    """The tables as sheets (every row; numbers as numbers) and a notes sheet, through the formula neutraliser."""
    lang = annex.lang
    priority = annex.priority.drop(columns="sample").rename(columns=headers(annex, PRIORITY_COLUMNS))
    needs = annex.needs.drop(columns=["sample", "cost_vnd"]).rename(columns=headers(annex, NEED_COLUMNS))
    if annex.sample:
        mark = text("annex.col.sample", lang)
        priority[mark] = annex.priority["sample"].map({True: "SAMPLE", False: ""})
        needs[mark] = annex.needs["sample"].map({True: "SAMPLE", False: ""})
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, table in ((text("annex.sheet.priority", lang), priority),
                            (text("annex.sheet.needs", lang), needs),
                            ("notes", pd.DataFrame({"": notes(annex)}))):
            neutralise_frame(table).to_excel(writer, sheet_name=name, index=False)
            for column in writer.sheets[name].columns:
                widest = max(len(str(cell.value or "")) for cell in column)
                writer.sheets[name].column_dimensions[column[0].column_letter].width = min(60, widest + 2)
    return buffer.getvalue()
