"""Uploading through the web app as a browser does: the form's CSRF token, the preview, the confirm."""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata

from geoaid.store import schema
from tests.accounts import TOKEN, token

GOOD_PROJECTS = (
    "project_id,title,donor,sector,budget,currency,start_date,end_date,status,locations\n"
    'W-1,Trạm y tế xã Tân Thành,Web Donor,health,1.500.000.000,VND,01/03/2024,31/12/2025,ongoing,'
    '"Xã Tân Thành, Thành phố Cà Mau"\n'
)
BAD_ROW = 'W-2,Trường học,Web Donor,education,2000,USD,2024-01-01,2025-01-01,ongoing,Xã Không Có Thật\n'


def cp1258(text: str) -> bytes:
    """Text as Excel's Vietnamese "CSV" writes it: Windows-1258, precomposed vowel + tone mark."""
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", char)
        for mark in list(marks):                 # â, ê, ô, ơ, ư, ă are code points of their own
            composed = unicodedata.normalize("NFC", base + mark)
            try:
                composed.encode("cp1258")
            except UnicodeEncodeError:
                continue
            if len(composed) == 1:
                base = composed
                marks.remove(mark)
        out += (base + "".join(marks)).encode("cp1258")
    return out


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def audit(workspace):
    return workspace.read(schema.AUDIT_LOG)


def upload(client, kind, name, data: bytes, **fields):
    form = {"csrf_token": token(client, "/manage"), "file": (io.BytesIO(data), name), **fields}
    return client.post(f"/manage/import/{kind}", data=form, content_type="multipart/form-data")


def confirm(client, preview, **fields):
    page = preview.get_data(as_text=True)
    upload_token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    csrf = TOKEN.search(page).group(1)
    return client.post("/manage/import/confirm", data={"csrf_token": csrf, "token": upload_token, **fields})

