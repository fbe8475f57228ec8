"""3W files as humanitarian partners send them: English headers, an HXL hashtag row, one row per place."""

from __future__ import annotations

import openpyxl

HEADERS = [("Donor", "#org+funder"), ("Implementing partner", "#org+impl"), ("Sector / Cluster", "#sector+cluster"),
           ("Province", "#adm1+name"), ("Province P-code", "#adm1+code"), ("District", "#adm2+name"),
           ("Commune", "#adm3+name"), ("Commune P-code", "#adm3+code"), ("Activity", "#activity+project"),
           ("Activity code", "#activity+code"), ("Start date", "#date+start"), ("End date", "#date+end"),
           ("Budget (USD)", "#value+usd"), ("Status", "#status"), ("People targeted", "#targeted"),
           ("People reached", "#reached")]
ROWS = [
    ["UNICEF", "Save the Children", "WASH", "Ca Mau", "VN96", "Ngoc Hien", "Tam Giang Tay", "VN32233",
     "School WASH rehabilitation", "CM-WASH-01", "2024-03-01", "2025-02-28", 20000, "Ongoing", 500, None],
    ["UNICEF", "Save the Children", "WASH", "Ca Mau", "VN96", "Ngoc Hien", "Dat Mui", "VN32248",
     "School WASH rehabilitation", "CM-WASH-01", "2024-03-01", "2025-02-28", 15000, "Ongoing", 300, None],
    ["UNICEF", "Save the Children", "WASH", "Ca Mau", "VN96", "Ngoc Hien", "Vien An", None,
     "School WASH rehabilitation", "CM-WASH-01", "2024-03-01", "2025-02-28", 5000, "Ongoing", 120, None],
    ["WFP", "World Vision", "Food Security", "Ca Mau", "VN96", "Nam Can", "Hiep Tung", None,
     "Mangrove livelihoods for shrimp farmers", None, "2024-01-01", "2024-12-31", 12000, "Completed", 200, 180],
    ["WFP", "World Vision", "Food Security", "Ca Mau", "VN96", "Nam Can", "Tam Giang Dong", None,
     "Mangrove livelihoods for shrimp farmers", None, "2024-01-01", "2024-12-31", 8000, "Completed", 150, 150],
    ["WHO", "Ca Mau Department of Health", "Health", "Ca Mau", "VN96", "Nam Can", None, None,
     "Typhoon preparedness for commune health stations", None, "2025-01-01", "2025-06-30", 30000, "Planned",
     None, None],
    ["IFRC", "Viet Nam Red Cross", "Shelter", "Ca Mau", "VN96", "Ngoc Hien", "Dat Mui", "VN960113",
     "Storm-resistant houses", "CM-SHL-07", "2024-06-01", "2025-05-31", 10000, "Ongoing", 40, None],
]


def three_w_workbook(path, headers=HEADERS, rows=ROWS, title: str | None = "3W Ca Mau - who does what where") -> None:
    """Write a 3W workbook: a title line, the English header, the hashtag row, the rows; a notes sheet."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "3W"
    if title:
        sheet.append([title])
    if any(text for text, _tag in headers):
        sheet.append([text for text, _tag in headers])
    sheet.append([tag for _text, tag in headers])
    for row in rows:
        sheet.append(row)
    book.create_sheet("Notes").append(["Figures reported by partners; budgets in USD."])
    book.save(path)
