"""``geoaid export needs``: the local needs with their status and the projects that meet them.

CSV (UTF-8 with BOM, machine column names) or XLSX (bilingual headers and a notes
sheet stating the matching rule, the date and whether any row is sample data). Text a
spreadsheet would run as a formula is neutralised (:mod:`geoaid.output.formula_injection`).

Example::

    table = needs_rows(need_status(frames, load_needs(workspace)), frames)
    data = needs_file(table, "xlsx")
"""

from __future__ import annotations

import io
from datetime import date

import pandas as pd

from geoaid import __version__
from geoaid.analysis.frames import Frames, sample_mask
from geoaid.analysis.sectors import BY_KEY
from geoaid.output.formula_injection import csv_text, neutralise_frame

HEADERS = {
    "need_id": "Need ID / Mã nhu cầu", "place": "Place / Địa bàn", "level": "Level / Cấp",
    "commune_codes": "Commune codes / Mã xã", "province": "Province / Tỉnh", "sector": "Sector key",
    "sector_label": "Sector / Lĩnh vực", "description": "Need / Nội dung nhu cầu",
    "cost_vnd": "Estimated cost (VND) / Kinh phí dự kiến (VND)", "priority": "Priority / Mức ưu tiên",
    "priority_text": "Priority as written / Ưu tiên (theo danh mục)", "start_date": "From / Từ",
    "end_date": "To / Đến", "source": "Source / Nguồn", "status": "Status / Tình trạng",
    "funded_vnd": "Funded (VND) / Đã có kinh phí (VND)", "covered_pct": "Covered (%) / Đáp ứng (%)",
    "matched_projects": "Projects that meet it / Dự án đáp ứng", "sample": "Sample / Dữ liệu mẫu",
}
STATUS_WORDS = {"met": "met / đã đáp ứng", "partly": "partly met / đáp ứng một phần", "open": "open / chưa đáp ứng"}
RULE = ("A project counts for a need when it is in the same sector, its period overlaps the need's and it "
        "puts money in the need's communes (a district-wide need: any commune of the district); the money "
        "counted is its allocation there. met ≥ 100 % of the estimated cost; partly met > 0; open: none.")


def needs_rows(status: pd.DataFrame, frames: Frames) -> pd.DataFrame:
    """The export's rows, highest priority first, then place and id."""
    provinces = frames.province_names
    rows = pd.DataFrame({
        "need_id": status["need_id"], "place": status["place_name"], "level": status["level"],
        "commune_codes": status["communes"].map(lambda codes: ", ".join(codes)),
        "province": status["province_code"].map(lambda code: provinces.get(code, code)),
        "sector": status["sector"], "sector_label": status["sector"].map(lambda key: BY_KEY[key].label("vi")),
        "description": status["description"], "cost_vnd": status["cost_vnd"], "priority": status["priority"],
        "priority_text": status["priority_text"], "start_date": status["start_date"],
        "end_date": status["end_date"], "source": status["source"],
        "status": status["status"].map(STATUS_WORDS), "funded_vnd": status["funded_vnd"],
        "covered_pct": status["covered_pct"], "matched_projects": status["matched"].map("; ".join),
        "sample": sample_mask(status["sample"]).to_numpy(),
    })
    order = pd.to_numeric(rows["priority"], errors="coerce").fillna(99)
    return rows.assign(_order=order).sort_values(["_order", "place", "need_id"]).drop(columns="_order") \
        .reset_index(drop=True)


def needs_file(rows: pd.DataFrame, fmt: str) -> bytes:
    """The rows as CSV or XLSX bytes; ValueError for another format."""
    if fmt == "csv":
        return csv_text(rows).encode("utf-8-sig")
    if fmt != "xlsx":
        raise ValueError(f"needs export: unknown format {fmt!r}; use csv or xlsx")
    buffer = io.BytesIO()
    notes = [("Export / Dữ liệu", "Local needs / Nhu cầu của địa phương"),
             ("Generated / Ngày tạo", f"{date.today().isoformat()} (geoaid {__version__})"),
             ("Matching rule / Cách đối chiếu", RULE)]
    if rows["sample"].any():
        notes.append(("SAMPLE / DỮ LIỆU MẪU", "rows marked sample are sample data, not official"))
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        neutralise_frame(rows.rename(columns=HEADERS)).to_excel(writer, sheet_name="Needs", index=False)
        sheet = writer.sheets["Needs"]
        sheet.freeze_panes = "A2"
        for letter, width in zip("ABCDEFGHIJKLMNOPQRS", (22, 40, 10, 24, 14, 12, 26, 50, 20, 10, 14, 12, 12, 24,
                                                          24, 20, 12, 60, 10)):
            sheet.column_dimensions[letter].width = width
        neutralise_frame(pd.DataFrame(notes, columns=["Note / Ghi chú", "Value / Nội dung"])).to_excel(
            writer, sheet_name="notes", index=False)
    return buffer.getvalue()
