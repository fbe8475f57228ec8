"""``geoaid brief DONOR``: the open local needs that fit one donor, as a one-page A4 PDF or an XLSX.

What a provincial office sends a donor before a meeting: the needs (open or partly met)
for which the donor ranks among the fitting donors (:mod:`geoaid.analysis.donor_fit`),
best fit first, with the reasons in Vietnamese or English, the sources and the date.
Sample data is marked SAMPLE on the page and in the workbook. The PDF draws with
matplotlib in DejaVu Sans (every Vietnamese glyph); user text is drawn as text, never
parsed as markup or math.

Example::

    brief = donor_brief(frames, need_status(frames, load_needs(workspace)), "UNICEF", "vi")
    Path("unicef.pdf").write_bytes(brief_pdf(brief))
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import pandas as pd
from matplotlib.figure import Figure

from geoaid import __version__
from geoaid.analysis.donor_fit import donor_fits, money, reason_words
from geoaid.analysis.donors import resolve_donor_name
from geoaid.analysis.frames import Frames, sample_mask
from geoaid.analysis.needs import open_needs
from geoaid.analysis.sectors import BY_KEY
from geoaid.output.formula_injection import neutralise_frame
from geoaid.output.print_elements import FONT, wrap_to
from geoaid.text.catalog import text

PAGE_MM = (210, 297)
MARGIN_MM = 14
ROWS_ON_PAGE = 10
# (column key, width mm) of the PDF table; the XLSX has the same columns.
COLUMNS = (("place", 30), ("sector", 20), ("need", 36), ("cost", 22), ("priority", 10), ("score", 8),
           ("reasons", 56))


@dataclass
class Brief:
    donor: str
    lang: str
    rows: pd.DataFrame        # place, sector, need, cost, priority, status, score, reasons
    sample: bool
    sources: list[str]
    made: date


def donor_brief(frames: Frames, status: pd.DataFrame, donor: str, lang: str = "vi",
                today: date | None = None) -> Brief:
    """The needs that fit ``donor`` (UnknownDonor when no project names it), best fit first."""
    name = resolve_donor_name(frames, donor)
    today = today or date.today()
    candidates = open_needs(status)
    fits = donor_fits(frames, candidates, today=today)
    fits = fits[fits["donor"] == name]
    needs = candidates.set_index("need_id")
    rows = []
    for fit in fits.itertuples():
        need = needs.loc[fit.need_id]
        left = "" if need["status"] == "open" else f" ({text('brief.covered', lang, pct=need['covered_pct'])})"
        rows.append({"place": need["place_name"], "sector": BY_KEY[need["sector"]].label(lang),
                     "need": f"{need['description']}{left}",
                     "cost": money(need["cost_vnd"], lang) if pd.notna(need["cost_vnd"]) else "",
                     "priority": "" if pd.isna(need["priority"]) else str(int(need["priority"])),
                     "score": f"{fit.score:g}", "reasons": "; ".join(reason_words(r, lang) for r in fit.reasons),
                     "_priority": 99 if pd.isna(need["priority"]) else int(need["priority"]),
                     "sample": bool(sample_mask(pd.Series([need["sample"]])).iloc[0])})
    table = pd.DataFrame(rows, columns=[key for key, _ in COLUMNS] + ["_priority", "sample"])
    table = table.sort_values(["_priority", "score"], ascending=[True, False], key=_numeric, kind="stable")
    own = frames.projects[frames.projects["donor"].map(lambda d: d == name)]
    sample = bool(table["sample"].any() or sample_mask(own["sample"]).any())
    plans = sorted({str(s) for s in candidates.loc[candidates["need_id"].isin(fits["need_id"]), "source"].dropna()})
    sources = [text("brief.source_needs", lang, plans=", ".join(plans) or "—"),
               text("brief.source_projects", lang, count=len(own))]
    return Brief(name, lang, table.drop(columns="_priority").reset_index(drop=True), sample, sources, today)


def _numeric(column: pd.Series) -> pd.Series:
    return pd.to_numeric(column, errors="coerce")


def brief_xlsx(brief: Brief) -> bytes:
    """The same table as the PDF (every row), with the sources and date on a notes sheet."""
    lang = brief.lang
    headers = {key: text(f"brief.col.{key}", lang) for key, _ in COLUMNS}
    table = brief.rows.drop(columns="sample").rename(columns=headers)
    if brief.sample:
        table[text("brief.sample", lang)] = brief.rows["sample"].map({True: "SAMPLE", False: ""})
    notes = [(text("brief.title", lang, donor=brief.donor), ""), *((s, "") for s in brief.sources),
             (text("brief.made", lang, day=brief.made.strftime("%d/%m/%Y"), version=__version__), "")]
    if brief.sample:
        notes.append((text("brief.sample_note", lang), ""))
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        neutralise_frame(table).to_excel(writer, sheet_name="Brief", index=False)
        sheet = writer.sheets["Brief"]
        for letter, (_key, width) in zip("ABCDEFG", COLUMNS):
            sheet.column_dimensions[letter].width = width * 0.9
        neutralise_frame(pd.DataFrame(notes, columns=["", " "])).to_excel(writer, sheet_name="notes", index=False)
    return buffer.getvalue()


def brief_pdf(brief: Brief) -> bytes:
    """One A4 page: title, the best-fitting needs (at most :data:`ROWS_ON_PAGE`), sources, date, SAMPLE marks."""
    lang = brief.lang
    figure = Figure(figsize=(PAGE_MM[0] / 25.4, PAGE_MM[1] / 25.4))   # no pyplot: safe in the web server's threads
    ax = figure.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, PAGE_MM[0])
    ax.set_ylim(PAGE_MM[1], 0)
    ax.axis("off")
    y = _block(ax, MARGIN_MM, text("brief.title", lang, donor=brief.donor), 13, 180, "bold")
    y = _block(ax, y + 1, text("brief.lead", lang), 8, 180)
    if brief.sample:
        y = _block(ax, y + 1, text("brief.sample_note", lang), 9, 180, "bold", colour="#b2182b")
        ax.text(PAGE_MM[0] / 2, PAGE_MM[1] / 2, "SAMPLE", fontsize=90, color="#b2182b", alpha=0.12,
                ha="center", va="center", rotation=35, family=FONT, parse_math=False)
    footer = [*brief.sources, text("brief.made", lang, day=brief.made.strftime("%d/%m/%Y"), version=__version__),
              text("brief.method", lang)]
    footer_top = PAGE_MM[1] - MARGIN_MM - 6 * len(footer)
    y = _row(ax, y + 3, {key: text(f"brief.col.{key}", lang) for key, _ in COLUMNS}, footer_top, "bold")
    shown = 0
    for row in brief.rows.head(ROWS_ON_PAGE).to_dict("records"):
        below = _row(ax, y, row, footer_top - 8)
        if below is None:           # one page: the rest is in the XLSX
            break
        y, shown = below, shown + 1
    if brief.rows.empty:
        y = _block(ax, y + 1, text("brief.none", lang), 8, 180)
    if len(brief.rows) > shown:
        y = _block(ax, y + 1, text("brief.more", lang, count=len(brief.rows) - shown), 7, 180)
    _block(ax, footer_top, "\n".join(footer), 6.5, 182, colour="#525252")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="pdf", metadata={"Title": text("brief.title", lang, donor=brief.donor),
                                                   "Creator": f"geoaid {__version__}"})
    return buffer.getvalue()


def _block(ax, y, words, size, width_mm, weight="normal", colour="#1a1a1a") -> float:
    wrapped = wrap_to(words, width_mm, size, weight)
    ax.text(MARGIN_MM, y, wrapped, fontsize=size, weight=weight, color=colour, va="top", family=FONT,
            parse_math=False, linespacing=1.25)
    return y + wrapped.count("\n") * size * 0.44 + size * 0.44


def _row(ax, y, row: dict, limit: float, weight="normal") -> float | None:
    """One table row, each cell wrapped to its column: the y below it, or None (not drawn) past ``limit``."""
    size = 6.5
    cells = [wrap_to(str(row.get(key, "")), width - 1.5, size, weight) for key, width in COLUMNS]
    bottom = y + max(cell.count("\n") + 1 for cell in cells) * size * 0.43 + 1.5
    if bottom > limit:
        return None
    x = MARGIN_MM
    for cell, (_key, width) in zip(cells, COLUMNS):
        ax.text(x, y, cell, fontsize=size, weight=weight, va="top", family=FONT, parse_math=False, linespacing=1.2)
        x += width
    ax.plot([MARGIN_MM, PAGE_MM[0] - MARGIN_MM], [bottom - 0.7] * 2, color="#bdbdbd", linewidth=0.4)
    return bottom
