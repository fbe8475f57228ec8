"""Classification annexes as they are published: workbook builder and the import command."""

from __future__ import annotations

import hashlib

import openpyxl

from geoaid.cli import main
from geoaid.store import schema

TITLE = [["Phụ lục I"],
         ["DANH SÁCH CÁC XÃ KHU VỰC III THUỘC VÙNG ĐỒNG BÀO DÂN TỘC THIỂU SỐ VÀ MIỀN NÚI GIAI ĐOẠN 2021 - 2025"],
         ["(Kèm theo Quyết định số 861/QĐ-TTg ngày 04/6/2021 của Thủ tướng Chính phủ)"],
         []]
DECISION = ["--legal-source", "Decision 861/QĐ-TTg", "--period", "2021-2025"]


def workbook(path, rows, merges=(), sheet="Phụ lục"):
    """Write ``rows`` (lists of cells, None for empty) with merged ranges such as "A1:C1"."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    for cells in merges:
        ws.merge_cells(cells)
    book.save(path)
    return path


def run(path, workspace, *args):
    return main(["import", "classifications", str(path), "--workspace", str(workspace.path), *args])


def codes(workspace, scheme):
    rows = workspace.read(schema.CLASSIFICATIONS)
    return sorted(rows.loc[rows["scheme"] == scheme, "unit_code"])


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()
