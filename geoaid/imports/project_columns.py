"""Which column of a project list holds which field: header aliases, required fields.

Header text is compared folded (case, diacritics, NFC/NFD, spacing); see
:mod:`geoaid.imports.projects` for the template and
:mod:`geoaid.imports.beneficiaries` / :mod:`geoaid.imports.project_money` for
the people and money columns recognised beside these.
"""

from __future__ import annotations

from geoaid.imports.beneficiaries import PEOPLE_FIELDS
from geoaid.imports.project_hxl import CODES

__all__ = ["ALIASES", "CODES", "FIELDS", "PLACES", "REQUIRED", "is_project_table"]

ALIASES = {
    "project_id": ["id", "ma du an", "ma", "project id", "project code", "so hieu"],
    "row_number": ["stt", "tt", "so tt", "so thu tu", "no"],
    "title": ["ten du an", "project", "project title", "ten", "du an", "ten chuong trinh du an",
              "ten du an chuong trinh", "ten chuong trinh", "ten du an phi du an", "ten du an vien tro",
              "noi dung", "ten khoan vien tro"],
    "donor": ["nha tai tro", "nha tai tro to chuc", "donor", "to chuc tai tro", "funder", "to chuc",
              "ten nha tai tro", "ten to chuc", "to chuc phi chinh phu nuoc ngoai", "nha tai tro ngo"],
    "implementer": ["don vi thuc hien", "co quan thuc hien", "to chuc thuc hien", "implementing organisation",
                    "implementing organization", "implementer", "chu du an", "co quan chu quan",
                    "doi tac thuc hien", "don vi tiep nhan"],
    "sector": ["linh vuc", "nganh", "sector", "linh vuc tai tro"],
    "budget": ["kinh phi", "tong kinh phi", "ngan sach", "von", "tong von", "budget", "amount",
               "kinh phi so tien", "so tien", "kinh phi tong so", "tong von tong so", "gia tri",
               "gia tri tai tro", "gia tri vien tro", "kinh phi tai tro", "tong kinh phi tai tro",
               "tong gia tri", "von vien tro", "kinh phi vien tro"],
    "currency": ["don vi tien", "loai tien", "tien te", "currency", "don vi", "kinh phi loai tien",
                 "kinh phi don vi tien"],
    "start_date": ["ngay bat dau", "tu ngay", "bat dau", "start", "start date", "thoi gian bat dau",
                   "thoi gian thuc hien bat dau", "thoi gian thuc hien tu"],
    "end_date": ["ngay ket thuc", "den ngay", "ket thuc", "end", "end date", "thoi gian ket thuc",
                 "thoi gian thuc hien ket thuc", "thoi gian thuc hien den"],
    "period": ["thoi gian thuc hien", "thoi gian", "thoi han", "period", "thoi gian trien khai",
               "nam thuc hien"],
    "status": ["trang thai", "tinh trang", "status"],
    "locations": ["dia ban", "dia diem", "dia ban thuc hien", "location", "locations", "dia ban du an",
                  "dia ban trien khai", "dia ban tiep nhan"],
    "commune": ["xa", "xa phuong", "xa phuong thi tran", "xa thi tran", "phuong xa", "cap xa", "commune",
                "ward", "dia ban thuc hien xa", "dia ban xa"],
    "district": ["huyen", "quan huyen", "huyen thi xa thanh pho", "huyen thanh pho", "huyen thi xa",
                 "district", "cap huyen", "dia ban thuc hien huyen", "dia ban huyen"],
    "province": ["tinh", "tinh thanh pho", "tinh tp", "province", "dia ban thuc hien tinh", "dia ban tinh"],
    "sample": ["sample", "sample data", "du lieu mau"],
}
PLACES = ("locations", "commune", "district", "province")
REQUIRED = ("title", "donor", "budget")
# what a column may be mapped to: the fields above, and the people columns (geoaid/imports/beneficiaries.py)
FIELDS = (*(f for f in ALIASES if f not in ("row_number", "sample")), *PEOPLE_FIELDS)


def is_project_table(fields: set[str]) -> bool:
    return {"title", "budget"} <= fields and bool(fields & {*PLACES, *CODES})


