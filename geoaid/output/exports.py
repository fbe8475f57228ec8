"""Data exports for plans: gap ranking, projects, allocations and communes (rows from
geoaid.output.export_tables), written in one of four formats with notes on how they were made.

Formats:

* **CSV** — machine column names (``gap_rank``, ``commune_code``…) so the file
  can be analysed or re-imported, plus label columns next to codes
  (``sector_label`` beside ``sector``). Written UTF-8 *with* a byte-order
  mark: Excel, which most planners open CSVs with, decodes a BOM-less file in
  the Windows code page and turns "Cà Mau" into "CÃ  Mau".
* **XLSX** — the same rows with readable bilingual headers
  ("Commune / Xã"), labels rather than keys, frozen header row, and a
  ``notes`` sheet: sources, filters in words, allocation rule, gap formula,
  exchange rate, the sample-data notice and what every column means.
* **GeoJSON / GeoPackage** — rows with geometry (communes; projects as the
  union of the communes they reach), with the notes as a foreign member
  (GeoJSON) or a ``notes`` table (GeoPackage).

User text is data: every CSV and XLSX cell, header and note goes through
:mod:`geoaid.output.formula_injection` (text a spreadsheet would run as a formula
gets a leading apostrophe); GeoJSON and GeoPackage keep the text as is.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from geoaid import __version__
from geoaid.analysis.filters import Filters
from geoaid.analysis.frames import Frames, sample_mask
from geoaid.analysis.gap_formula import describe_gap_formula
from geoaid.analysis.memoised import Analysis, analysed
from geoaid.output.export_tables import table_for
from geoaid.output.formula_injection import csv_text, neutralise_frame
from geoaid.output.hxl_tags import hashtag_row

FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "geojson": "application/geo+json",
           "gpkg": "application/geopackage+sqlite3"}
SHEET_TITLES = {"gaps": "Gap ranking", "projects": "Projects", "allocations": "Allocations",
                "communes": "Communes", "districts": "Districts", "provinces": "Provinces",
                "districts_by_sector": "Districts by sector", "provinces_by_sector": "Provinces by sector"}
HEADERS = {  # column → "English / Tiếng Việt" (XLSX headers and the notes' column list)
    "gap_rank": "Gap rank / Thứ hạng thiếu hụt", "commune_code": "Commune code / Mã xã",
    "commune_name": "Commune / Xã", "district": "District / Huyện", "province": "Province / Tỉnh",
    "district_code": "District code / Mã huyện", "province_code": "Province code / Mã tỉnh",
    "priority_score": "Priority score (0–100) / Điểm ưu tiên", "classes": "Classes / Phân loại",
    "classes_vi": "Phân loại (tiếng Việt)",
    "project_count": "Projects / Số dự án", "commune_project_count": "Commune projects / Dự án tại xã",
    "area_project_count": "District/province-wide projects / Dự án toàn huyện, tỉnh",
    "donor_count": "Donors / Số nhà tài trợ",
    "funding_vnd": "Funding (VND) / Kinh phí (VND)", "funding_usd": "Funding (USD) / Kinh phí (USD)",
    "area_funding_vnd": "District/province-wide funding (VND) / Kinh phí dự án toàn huyện, tỉnh",
    "commune_funding_vnd": "Commune-targeted funding (VND) / Kinh phí trực tiếp tại xã",
    "sectors_present": "Sectors present / Lĩnh vực đã có", "sectors_missing": "Sectors missing / Lĩnh vực còn thiếu",
    "gap_score": "Gap score / Điểm thiếu hụt", "ethnic_minority": "Ethnic-minority zone / Vùng DTTS",
    "coastal": "Coastal/island zone / Vùng ven biển, hải đảo", "sample": "Sample data / Dữ liệu mẫu",
    "allocation_rule": "Allocation rule / Cách phân bổ",
    "gap_basis": "Gap basis (total, per_person, total_no_population) / Cơ sở tính thiếu hụt",
    "project_id": "Project ID / Mã dự án", "title": "Title / Tên dự án", "donor": "Donor / Nhà tài trợ",
    "implementer": "Implementer / Đơn vị thực hiện", "sector": "Sector key / Mã lĩnh vực",
    "sector_label": "Sector / Lĩnh vực", "sector_label_vi": "Lĩnh vực (tiếng Việt)",
    "dac_code": "OECD-DAC code / Mã OECD-DAC", "budget": "Budget / Kinh phí", "currency": "Currency / Loại tiền",
    "budget_vnd": "Budget (VND) / Kinh phí (VND)", "budget_usd": "Budget (USD) / Kinh phí (USD)",
    "start_date": "Start / Bắt đầu", "end_date": "End / Kết thúc", "status": "Status / Trạng thái",
    "locations": "Locations / Địa bàn",
    "planned_vnd": "Planned (VND) / Kế hoạch vốn (VND)", "committed_vnd": "Committed (VND) / Vốn cam kết (VND)",
    "disbursed_vnd": "Disbursed (VND) / Đã giải ngân (VND)", "expenditure_vnd": "Spent (VND) / Đã chi (VND)",
    "planned_usd": "Planned (USD) / Kế hoạch vốn (USD)", "committed_usd": "Committed (USD) / Vốn cam kết (USD)",
    "disbursed_usd": "Disbursed (USD) / Đã giải ngân (USD)",
    "disbursement_rate_pct": "Disbursement rate (%) / Tỷ lệ giải ngân (%)",
    "iati_identifier": "IATI identifier / Mã IATI", "reporting_org": "Reporting organisation / Tổ chức báo cáo",
    "precision": "Location precision / Độ chính xác địa điểm",
    "allocated_vnd": "Allocated in selection (VND) / Phân bổ trong phạm vi chọn (VND)",
    "communes": "Communes reached / Số xã", "source_file": "Source file / Tệp nguồn",
    "scope": "Scope / Phạm vi", "share": "Share of project / Tỷ lệ của dự án",
    "amount_vnd": "Amount (VND) / Số tiền (VND)", "amount_usd": "Amount (USD) / Số tiền (USD)",
    "name": "Commune / Xã", "code": "Commune code / Mã xã", "unit_type": "Type / Loại",
    "district_name": "District / Huyện", "province_name": "Province / Tỉnh",
    "area_km2": "Area (km²) / Diện tích (km²)", "boundary_version": "Boundary version / Phiên bản ranh giới",
    "geometry_source": "Geometry source / Nguồn ranh giới", "code_source": "Code source / Nguồn mã",
    "match_method": "Name match / Cách ghép tên",
    "population": "Population 2019 / Dân số 2019", "population_urban": "Urban population 2019 / Dân số thành thị",
    "population_rural": "Rural population 2019 / Dân số nông thôn",
    "population_approximate": "Population approximate (divided commune) / Dân số ước tính (xã bị chia)",
    "funding_vnd_per_person": "Funding per inhabitant (VND) / Kinh phí bình quân đầu người (VND)",
    "funding_usd_per_person": "Funding per inhabitant (USD) / Kinh phí bình quân đầu người (USD)",
    "communes_without_population": "Communes without population / Số xã chưa có dân số",
    "uncovered_priority_communes": "Uncovered priority communes / Số xã ưu tiên chưa có dự án",
    "people_in_uncovered_priority_communes": "People in uncovered priority communes / Dân số các xã ưu tiên "
                                             "chưa có dự án",
    # people the projects state (geoaid/analysis/beneficiaries.py); the importer reads these headers back
    "people_targeted": "People targeted / Số người hưởng lợi dự kiến",
    "people_reached": "People reached / Số người đã hưởng lợi",
    "people_reached_pct": "Population reached (%) / Tỷ lệ dân số được hưởng lợi (%)",
    "children_targeted": "Children targeted / Số trẻ em hưởng lợi dự kiến",
    "children_reached": "Children reached / Số trẻ em đã hưởng lợi",
    "women_targeted": "Women targeted / Số phụ nữ hưởng lợi dự kiến",
    "women_reached": "Women reached / Số phụ nữ đã hưởng lợi",
    "ethnic_minority_targeted": "Ethnic-minority people targeted / Số người DTTS hưởng lợi dự kiến",
    "ethnic_minority_reached": "Ethnic-minority people reached / Số người DTTS đã hưởng lợi",
}


PEOPLE_NOTE = ("People targeted and reached as the projects state them; a project's count is spread over its "
               "communes like its money (allocation rule above), in whole persons. Population reached (%) = people "
               "reached / census 2019 population. Children, women, ethnic-minority people: counts only (the census "
               "gives no base per commune). / Số người hưởng lợi theo các dự án nêu, phân bổ về xã như kinh phí; "
               "trẻ em, phụ nữ, người DTTS: chỉ có số người, không có tỷ lệ.")


# --- formatting -----------------------------------------------------------------

def notes(frames: Frames, what: str, filters: Filters, table: pd.DataFrame | None = None
          ) -> list[tuple[str, str]]:
    """(note, value) rows: what the export is, from what, and how it was computed."""
    names = frames.province_names
    sample = is_sample(frames, table)
    rows = [("Export / Dữ liệu", SHEET_TITLES[what]),
            ("Generated / Ngày tạo", f"{date.today().isoformat()} (geoaid {__version__})"),
            ("Filters", filters.describe("en", names)), ("Bộ lọc", filters.describe("vi", names)),
            ("Allocation rule / Cách phân bổ", frames.allocation_rule + " (district/province-wide budgets "
             "spread over their communes: even = equal shares, area = by commune area, "
             "population = by census 2019 population)"),
            ("Gap formula / Công thức thiếu hụt", describe_gap_formula(frames)),
            ("USD rate / Tỷ giá (VND per USD)", f"{frames.usd_rate:,.0f}")]
    meta = frames.metadata
    for key, label in (("source.geometry", "Boundaries / Ranh giới"), ("boundary_version", "Boundary version"),
                       ("source.codes", "Codes / Mã đơn vị"), ("source.geometry.terms", "Boundary terms"),
                       ("source.population", "Population / Dân số (official / chính thức)")):
        if meta.get(key):
            rows.append((label, str(meta[key])))
    if len(frames.schemes):
        marks = sample_mask(frames.schemes["sample"]).map({True: "SAMPLE / MẪU", False: "official / chính thức"})
        for scheme, mark in zip(frames.schemes.itertuples(), marks):
            rows.append((f"Classification: {scheme.scheme}",
                         f"{scheme.label} [{mark}] — {scheme.legal_source or ''} ({scheme.source_file or ''})"))
    if len(frames.projects):
        files = sorted({str(f) for f in frames.projects["source_file"].dropna()})
        rows.append(("Projects source / Nguồn dự án", ", ".join(files)))
    if sample:
        rows.append(("SAMPLE DATA / DỮ LIỆU MẪU",
                     "Classifications and/or projects are SAMPLE data, not official. "
                     "Dữ liệu phân loại và/hoặc dự án là DỮ LIỆU MẪU, không phải số liệu chính thức. "
                     + str(meta.get("sample_data", ""))))
    rows.append(("Boundary disclaimer / Lưu ý ranh giới",
                 "Boundaries are indicative and do not imply official endorsement. "
                 "Ranh giới chỉ mang tính minh họa, không thể hiện sự công nhận chính thức."))
    if table is not None and "people_targeted" in table.columns:
        rows.append(("People / Người hưởng lợi", PEOPLE_NOTE))
    if table is not None:
        for column in table.columns:
            if column != "geometry":
                rows.append((f"Column {column}", HEADERS.get(column, column)))
    return rows


def is_sample(frames: Frames, table: pd.DataFrame | None = None) -> bool:
    if table is not None and "sample" in table.columns and table["sample"].astype(bool).any():
        return True
    return frames.is_sample


def export_filename(what: str, fmt: str, sample: bool) -> str:
    return f"geoaid-{what}{'-SAMPLE' if sample else ''}-{date.today().isoformat()}.{fmt}"


def export_table(frames: Frames | Analysis, what: str, filters: Filters = Filters(), fmt: str = "csv",
                 hxl: bool = False) -> tuple[bytes, str, str]:
    """One export as (bytes, MIME type, file name). Raises ValueError for a bad ``what``/``fmt``.

    ``hxl``: a row of HXL hashtags under the header (:mod:`geoaid.output.hxl_tags`; CSV and XLSX).
    """
    fmt = str(fmt).lower()
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use {', '.join(FORMATS)}")
    if hxl and fmt not in ("csv", "xlsx"):
        raise ValueError("an HXL hashtag row goes in CSV or XLSX exports only")
    analysis = analysed(frames)
    frames = analysis.frames
    table = table_for(analysis, what, filters)
    sample = is_sample(frames, table)
    filename = export_filename(what, fmt, sample)
    note_rows = notes(frames, what, filters, table)
    if fmt in ("geojson", "gpkg"):
        return _spatial(table, fmt, what, note_rows), FORMATS[fmt], filename
    plain = pd.DataFrame(table.drop(columns="geometry", errors="ignore"))
    if sample and "sample" not in plain.columns:
        plain["sample"] = True
    if hxl:
        plain = pd.concat([pd.DataFrame([hashtag_row(plain.columns)], columns=plain.columns),
                           plain.astype(object)], ignore_index=True)
    if fmt == "csv":
        return csv_text(plain).encode("utf-8-sig"), FORMATS[fmt], filename
    return _xlsx(plain, what, note_rows, header_rows=2 if hxl else 1), FORMATS[fmt], filename


def _xlsx(plain: pd.DataFrame, what: str, note_rows: list[tuple[str, str]], header_rows: int = 1) -> bytes:
    buffer = io.BytesIO()
    sheet_name = SHEET_TITLES[what]
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        neutralise_frame(plain.rename(columns=lambda c: HEADERS.get(c, c))).to_excel(
            writer, sheet_name=sheet_name, index=False)
        sheet = writer.sheets[sheet_name]
        for cells in sheet.columns:  # width from the header and the first rows, within reason
            width = max(len(str(c.value if c.value is not None else "")) for c in cells[:200])
            sheet.column_dimensions[cells[0].column_letter].width = min(max(10, width + 2), 60)
        sheet.freeze_panes = f"A{header_rows + 1}"
        sheet.auto_filter.ref = sheet.dimensions
        notes_frame = neutralise_frame(pd.DataFrame(note_rows, columns=["Note / Ghi chú", "Value / Nội dung"]))
        notes_frame.to_excel(writer, sheet_name="notes", index=False)
        notes_sheet = writer.sheets["notes"]
        notes_sheet.column_dimensions["A"].width = 38
        notes_sheet.column_dimensions["B"].width = 110
    return buffer.getvalue()


def _spatial(table: gpd.GeoDataFrame, fmt: str, what: str, note_rows: list[tuple[str, str]]) -> bytes:
    table = table[table.geometry.notna()].copy()
    for column in table.columns:
        if column != "geometry" and table[column].dtype == bool:
            table[column] = table[column].astype(int)  # GeoPackage/GeoJSON readers differ on booleans
    if fmt == "geojson":
        collection = json.loads(table.to_json(ensure_ascii=False, drop_id=True, to_wgs84=True))
        collection["geoaid_notes"] = dict(note_rows)   # a GeoJSON "foreign member" (RFC 7946 §6.1)
        return json.dumps(collection, ensure_ascii=False).encode("utf-8")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.gpkg"
        pyogrio.write_dataframe(table, path, layer=what, driver="GPKG", promote_to_multi=True)
        # A plain DataFrame becomes a GeoPackage attribute table: QGIS lists it beside the layer.
        pyogrio.write_dataframe(pd.DataFrame(note_rows, columns=["note", "value"]), path, layer="notes",
                                driver="GPKG")
        return path.read_bytes()


def write_export(frames: Frames | Analysis, what: str, out: str | Path, filters: Filters = Filters(),
                 fmt: str | None = None, hxl: bool = False) -> Path:
    """Write an export to ``out`` (format from ``fmt`` or the suffix), atomically."""
    out = Path(out)
    fmt = (fmt or out.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise ValueError(f"cannot tell the format of {out.name!r}; use --format {'|'.join(FORMATS)}")
    body, _mime, _name = export_table(frames, what, filters, fmt, hxl=hxl)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    tmp.write_bytes(body)
    os.replace(tmp, out)
    return out
