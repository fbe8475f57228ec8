"""Data exports for plans: gap ranking, projects, allocations, communes.

Formats: CSV, XLSX (readable bilingual headers, labels not only codes, and a
"notes" sheet with sources, filters, allocation rule and the sample-data
notice), GeoJSON and GeoPackage.

* CSV is written UTF-8 *with* a BOM: Excel, which most planners open CSVs
  with, otherwise reads Vietnamese as mojibake.
* User text is data: a cell that starts with = + - @ (or tab/CR) would be run
  as a formula by Excel/LibreOffice ("CSV injection"), so it is prefixed with
  an apostrophe in CSV and XLSX.
"""

from __future__ import annotations

import io
import tempfile
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geoaid.allocation import allocate
from geoaid.coverage import active_projects, coverage, describe_gap_formula, gap_ranking
from geoaid.filters import Filters
from geoaid.frames import Frames
from geoaid.priority import priority_index
from geoaid.sectors import BY_KEY

WHAT = ("gaps", "projects", "allocations", "communes")
FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "geojson": "application/geo+json", "gpkg": "application/geopackage+sqlite3"}
HEADERS = {  # column → "English / Tiếng Việt"
    "gap_rank": "Gap rank / Thứ hạng thiếu hụt", "commune_code": "Commune code / Mã xã",
    "commune_name": "Commune / Xã", "district": "District / Huyện", "province": "Province / Tỉnh",
    "priority_score": "Priority score (0–100) / Điểm ưu tiên", "classes": "Classes / Phân loại",
    "project_count": "Projects / Số dự án", "donor_count": "Donors / Số nhà tài trợ",
    "funding_vnd": "Funding (VND) / Kinh phí (VND)", "funding_usd": "Funding (USD) / Kinh phí (USD)",
    "area_funding_vnd": "Area-wide funding (VND) / Kinh phí dự án toàn huyện/tỉnh",
    "commune_funding_vnd": "Commune-targeted funding (VND) / Kinh phí trực tiếp tại xã",
    "sectors_present": "Sectors present / Lĩnh vực đã có", "sectors_missing": "Sectors missing / Lĩnh vực còn thiếu",
    "gap_score": "Gap score / Điểm thiếu hụt", "ethnic_minority": "Ethnic-minority zone / Vùng DTTS",
    "coastal": "Coastal/island zone / Vùng ven biển, hải đảo", "sample": "Sample data / Dữ liệu mẫu",
    "project_id": "Project ID / Mã dự án", "title": "Title / Tên dự án", "donor": "Donor / Nhà tài trợ",
    "implementer": "Implementer / Đơn vị thực hiện", "sector": "Sector / Lĩnh vực",
    "dac_code": "OECD-DAC code", "budget": "Budget / Kinh phí", "currency": "Currency / Loại tiền",
    "budget_vnd": "Budget (VND) / Kinh phí (VND)", "start_date": "Start / Bắt đầu", "end_date": "End / Kết thúc",
    "status": "Status / Trạng thái", "scope": "Scope / Phạm vi", "share": "Share / Tỷ lệ",
    "amount_vnd": "Amount (VND) / Số tiền (VND)", "name": "Commune / Xã", "code": "Commune code / Mã xã",
    "unit_type": "Type / Loại", "district_code": "District code / Mã huyện", "district_name": "District / Huyện",
    "province_code": "Province code / Mã tỉnh", "province_name": "Province / Tỉnh", "area_km2": "Area (km²) / Diện tích",
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def table_for(frames: Frames, what: str, filters: Filters = Filters()) -> gpd.GeoDataFrame:
    """The rows of one export, with geometry where the rows are communes."""
    if what not in WHAT:
        raise ValueError(f"unknown export {what!r}; use {', '.join(WHAT)}")
    sector_label = lambda key: BY_KEY[key].en if key in BY_KEY else key  # noqa: E731
    if what == "gaps":
        return coverage(frames, filters)
    if what == "projects":
        projects = active_projects(frames, filters).copy()
        projects["sector"] = projects["sector"].map(sector_label)
        return projects.drop(columns=["source_file"])
    if what == "allocations":
        allocations = allocate(frames)
        projects = active_projects(frames, filters)
        rows = allocations.merge(projects[["project_id", "title", "donor", "sector", "sample"]], on="project_id")
        names = frames.communes.set_index("code")
        rows["commune_name"] = rows["commune_code"].map(names["name"])
        rows["district"] = rows["commune_code"].map(names["district_name"])
        rows["province"] = rows["commune_code"].map(names["province_name"])
        if filters.provinces:
            rows = rows[rows["commune_code"].map(names["province_code"]).isin(filters.provinces)]
        rows["sector"] = rows["sector"].map(sector_label)
        return rows
    communes = frames.communes.merge(priority_index(frames), left_on="code", right_on="commune_code")
    if filters.provinces:
        communes = communes[communes["province_code"].isin(filters.provinces)]
    return gpd.GeoDataFrame(communes.drop(columns=["commune_code", "priority_raw"]), crs=frames.communes.crs)


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v)
    return out


def notes(frames: Frames, what: str, filters: Filters) -> list[tuple[str, str]]:
    names = dict(zip(frames.communes["province_code"], frames.communes["province_name"]))
    rows = [("Export", what), ("Generated", date.today().isoformat()),
            ("Filters", filters.describe("en", names)), ("Bộ lọc", filters.describe("vi", names)),
            ("Allocation rule", frames.settings.get("area_allocation_rule", "even")),
            ("Gap formula", describe_gap_formula()),
            ("USD rate (VND)", str(frames.usd_rate))]
    for key in ("source.geometry", "source.codes", "source.geometry.terms"):
        if key in frames.metadata:
            rows.append((key, frames.metadata[key]))
    if frames.is_sample:
        rows.append(("SAMPLE DATA", "Classifications and/or projects are SAMPLE data, not official "
                                    "(DỮ LIỆU MẪU – không phải số liệu chính thức)."))
    return rows


def export_table(frames: Frames, what: str, filters: Filters = Filters(), fmt: str = "csv"
                 ) -> tuple[bytes, str, str]:
    """Bytes, MIME type and file name of one export."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use {', '.join(FORMATS)}")
    table = table_for(frames, what, filters)
    filename = f"geoaid-{what}-{date.today().isoformat()}.{fmt}"
    if fmt in ("geojson", "gpkg"):
        if not isinstance(table, gpd.GeoDataFrame) or "geometry" not in table:
            raise ValueError(f"{what} has no geometry: export it as csv or xlsx")
        return _spatial(table, fmt), FORMATS[fmt], filename
    plain = pd.DataFrame(table.drop(columns="geometry", errors="ignore"))
    plain = neutralise(plain)
    if frames.is_sample and "sample" not in plain.columns:
        plain["sample"] = True
    if fmt == "csv":
        body = plain.to_csv(index=False).encode("utf-8-sig")
        return body, FORMATS[fmt], filename
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        readable = plain.rename(columns=lambda c: HEADERS.get(c, c))
        readable.to_excel(writer, sheet_name=what, index=False)
        sheet = writer.sheets[what]
        for cells in sheet.columns:
            width = max(len(str(c.value or "")) for c in cells[:200])
            sheet.column_dimensions[cells[0].column_letter].width = min(max(10, width + 2), 60)
        sheet.freeze_panes = "A2"
        pd.DataFrame(notes(frames, what, filters), columns=["Note", "Value"]).pipe(neutralise).to_excel(
            writer, sheet_name="notes", index=False)
    return buffer.getvalue(), FORMATS[fmt], filename


def _spatial(table: gpd.GeoDataFrame, fmt: str) -> bytes:
    table = table.copy()
    for column in table.columns:
        if column != "geometry" and table[column].dtype == bool:
            table[column] = table[column].astype(int)
    if fmt == "geojson":
        return table.to_json(ensure_ascii=False, drop_id=True).encode("utf-8")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.gpkg"
        table.to_file(path, layer="export", driver="GPKG")
        return path.read_bytes()
