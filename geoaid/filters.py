"""The filters every view shares: province, sector, donor, period, zone, scheme.

One parser for the CLI and the web (``Filters.from_mapping``) so both accept
the same values and give the same clear errors; ``describe`` turns the
filters into the words printed under map titles.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from geoaid.sectors import BY_KEY, resolve_sector
from geoaid.tabular import parse_date
from geoaid.textnorm import fold, nfc

ZONES = {"ethnic_minority": ("ethnic-minority zone", "vùng dân tộc thiểu số"),
         "coastal": ("coastal and island zone", "vùng ven biển và hải đảo")}


@dataclass(frozen=True)
class Filters:
    provinces: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    donors: tuple[str, ...] = ()
    year: int | None = None
    start: date | None = None
    end: date | None = None
    zones: tuple[str, ...] = ()
    schemes: tuple[str, ...] = ()

    @property
    def period(self) -> tuple[date | None, date | None]:
        """The filter period as (start, end); a year is 1 January–31 December."""
        if self.year is not None:
            return date(self.year, 1, 1), date(self.year, 12, 31)
        return self.start, self.end

    @classmethod
    def from_mapping(cls, mapping, province_names: dict[str, str] | None = None) -> "Filters":
        """Parse query-string-like input; raise ValueError with a clear message.

        ``mapping`` may be a dict of strings/lists or a werkzeug MultiDict.
        ``province_names`` (code → name) lets provinces be given by name and
        checks codes against the workspace.
        """
        def values(key):
            if hasattr(mapping, "getlist"):
                raw = mapping.getlist(key)
            else:
                raw = mapping.get(key)
                raw = raw if isinstance(raw, (list, tuple)) else ([raw] if raw not in (None, "") else [])
            out = []
            for item in raw:
                out.extend(part.strip() for part in str(item).split(",") if part.strip())
            return out

        provinces = tuple(_province(v, province_names) for v in values("province"))
        sectors = []
        for text in values("sector"):
            key = resolve_sector(text)
            if key is None:
                raise ValueError(f"unknown sector {text!r}; use one of {', '.join(BY_KEY)}")
            sectors.append(key)
        zones = tuple(values("zone"))
        for zone in zones:
            if zone not in ZONES:
                raise ValueError(f"unknown zone {zone!r}; use {' or '.join(ZONES)}")
        year = values("year")
        year = _year(year[0]) if year else None
        start, end = (_date(values(k), k) for k in ("from", "to"))
        if year is not None and (start or end):
            raise ValueError("give either year or from/to, not both")
        if start and end and end < start:
            raise ValueError("'to' is before 'from'")
        schemes = tuple(v.lower() for v in values("scheme"))
        for scheme in schemes:
            if not scheme.replace("_", "").isalnum():
                raise ValueError(f"bad scheme key {scheme!r}")
        return cls(provinces=provinces, sectors=tuple(sectors),
                   donors=tuple(nfc(d) for d in values("donor")), year=year, start=start, end=end,
                   zones=zones, schemes=schemes)

    def describe(self, lang: str = "en", province_names: dict[str, str] | None = None) -> str:
        """The filters in words, e.g. "Health; Tỉnh Cà Mau; 2024; ethnic-minority zone"."""
        vi = lang == "vi"
        parts = []
        if self.provinces:
            parts.append(", ".join((province_names or {}).get(p, p) for p in self.provinces))
        if self.sectors:
            parts.append(", ".join(BY_KEY[s].label(lang) for s in self.sectors))
        if self.donors:
            parts.append(("Nhà tài trợ: " if vi else "Donor: ") + ", ".join(self.donors))
        start, end = self.period
        if self.year is not None:
            parts.append(("Năm " if vi else "Year ") + str(self.year))
        elif start or end:
            parts.append(f"{start.isoformat() if start else '…'} – {end.isoformat() if end else '…'}")
        for zone in self.zones:
            parts.append(ZONES[zone][1 if vi else 0])
        if self.schemes:
            parts.append(("Tiêu chí: " if vi else "Schemes: ") + ", ".join(self.schemes))
        if not parts:
            return "Tất cả dự án, mọi lĩnh vực" if vi else "All projects, all sectors"
        return "; ".join(parts)

    def to_query(self) -> dict[str, str]:
        """The filters back as query parameters (for links and export buttons)."""
        out = {}
        if self.provinces:
            out["province"] = ",".join(self.provinces)
        if self.sectors:
            out["sector"] = ",".join(self.sectors)
        if self.donors:
            out["donor"] = ",".join(self.donors)
        if self.year is not None:
            out["year"] = str(self.year)
        if self.start:
            out["from"] = self.start.isoformat()
        if self.end:
            out["to"] = self.end.isoformat()
        if self.zones:
            out["zone"] = ",".join(self.zones)
        if self.schemes:
            out["scheme"] = ",".join(self.schemes)
        return out


def _province(value: str, names: dict[str, str] | None) -> str:
    if value.isdigit() and len(value) <= 2:
        code = value.zfill(2)
        if names is not None and code not in names:
            raise ValueError(f"unknown province {value!r}; the workspace has "
                             f"{', '.join(sorted(names))}")
        return code
    if names:
        from geoaid.textnorm import name_key

        for code, name in names.items():
            if name_key(name) == name_key(value):
                return code
    raise ValueError(f"unknown province {value!r}; give a GSO province code such as 96")


def _year(text: str) -> int:
    if not text.isdigit() or not 1990 <= int(text) <= 2100:
        raise ValueError(f"year must be a four-digit year, got {text!r}")
    return int(text)


def _date(values: list[str], key: str) -> date | None:
    if not values:
        return None
    try:
        return parse_date(values[0])
    except ValueError:
        raise ValueError(f"'{key}' must be a date (yyyy-mm-dd or dd/mm/yyyy), got {values[0]!r}") from None


def donor_matches(donor_column, wanted: tuple[str, ...]):
    """Boolean mask of rows whose donor is one of ``wanted`` (case/diacritics-insensitive)."""
    keys = {fold(w) for w in wanted}
    return donor_column.map(lambda d: fold(d) in keys)
