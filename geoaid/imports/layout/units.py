"""Money units as reports state them: "(triệu đồng)", "Đơn vị tính: triệu đồng", "ĐVT: USD".

>>> unit_in("Kinh phí (triệu đồng)")
Unit(currency='VND', factor=1000000, text='triệu đồng')
>>> unit_in("Đơn vị tính: nghìn USD").factor
1000
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from geoaid.text.names import fold

_SCALES = {"": 1, "nghin": 1_000, "ngan": 1_000, "1000": 1_000, "1 000": 1_000, "trieu": 1_000_000,
           "tr": 1_000_000, "ty": 1_000_000_000, "ti": 1_000_000_000}
_CURRENCIES = {"dong": "VND", "d": "VND", "vnd": "VND", "usd": "USD", "do la my": "USD", "do la": "USD",
               "eur": "EUR", "euro": "EUR"}
# A unit phrase is read only where a report states one: in brackets, or after "Đơn vị (tính)" / "ĐVT".
_STATED = re.compile(r"\(([^()]{1,30})\)|(?:đơn vị tính|đơn vị|đvt)\s*[:.]?\s*([^,;()]{1,30})", re.IGNORECASE)


@dataclass(frozen=True)
class Unit:
    currency: str      # VND, USD, EUR
    factor: int        # how many of ``currency`` one written unit is
    text: str          # as written, for messages

    def __str__(self) -> str:
        return self.text


def read_unit(phrase: str) -> Unit | None:
    """A unit phrase alone: "triệu đồng", "tỷ đồng", "nghìn USD", "VNĐ"; None if it is not one."""
    words = fold(phrase)
    if words in ("trieu", "ty", "ti"):            # "(triệu)": a scale alone is of đồng
        return Unit("VND", _SCALES[words], phrase.strip())
    for scale, factor in _SCALES.items():
        for name, currency in _CURRENCIES.items():
            if words == f"{scale} {name}".strip():
                return Unit(currency, factor, phrase.strip())
    return None


def unit_in(text: str) -> Unit | None:
    """The unit stated in a header cell or a line above the table, if any."""
    for match in _STATED.finditer(str(text)):
        unit = read_unit(match[1] or match[2])
        if unit:
            return unit
    return None
