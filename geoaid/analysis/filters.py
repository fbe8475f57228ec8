"""The filters every view shares: province, sector, donor, period, zone, scheme, money.

One parser for the CLI and the web (``Filters.from_mapping``) so both accept
the same values and give the same clear errors; ``describe`` turns the
filters into the words printed under map titles.

Semantics (documented in the README):

* several values of one filter widen it (province 96 *or* 95; health *or*
  education); different filters narrow each other (health *and* 2024);
* period: a project is active in [from, to] when its own period overlaps
  it; a missing start or end date is open-ended; ``year`` means 1 January to
  31 December of that year;
* zones: ``ethnic_minority`` and ``coastal`` keep only communes in that zone
  (see geoaid/priority.py for how zones are defined);
* money: ``planned`` (the budget, the default), ``committed`` or
  ``disbursed`` (geoaid/analysis/money.py); with committed or disbursed
  money the period selects the flows by their dates, not the projects;
* donors are matched without regard to case or Unicode form (NFC/NFD), and
  without diacritics when that is unambiguous.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from rapidfuzz import fuzz, process

from geoaid.analysis.donor_names import donor_matches, resolve_donor
from geoaid.analysis.money import MONEY_KINDS, counted_allocations, money_amounts
from geoaid.analysis.sectors import BY_KEY, resolve_sector
from geoaid.text.catalog import text
from geoaid.text.names import fold, name_key, nfc
from geoaid.text.values import parse_date

ZONES = ("ethnic_minority", "coastal")   # words: catalog keys filters.zone.<zone>


@dataclass(frozen=True)
class Filters:
    provinces: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    donors: tuple[str, ...] = ()
    year: int | None = None
    start: date | None = None
    end: date | None = None
    zones: tuple[str, ...] = ()   # subset of ZONES; a commune in any of them is kept
    schemes: tuple[str, ...] = ()  # restrict the priority index to these schemes
    money: str = "planned"         # one of MONEY_KINDS: which money is counted

    def __post_init__(self):
        if self.money not in MONEY_KINDS:
            raise ValueError(f"unknown money {self.money!r}; use {' or '.join(MONEY_KINDS)}")
        for zone in self.zones:
            if zone not in ZONES:
                raise ValueError(f"unknown zone {zone!r}; use {' or '.join(ZONES)}")
        for sector in self.sectors:
            if sector not in BY_KEY:
                raise ValueError(f"unknown sector {sector!r}; use one of {', '.join(BY_KEY)}")

    @property
    def period(self) -> tuple[date | None, date | None]:
        """The filter period as (start, end); a year is 1 January–31 December."""
        if self.year is not None:
            return date(self.year, 1, 1), date(self.year, 12, 31)
        return self.start, self.end

    @classmethod
    def from_mapping(cls, mapping, province_names: dict[str, str] | None = None,
                     donor_names=None, scheme_keys=None) -> Filters:
        """Parse query-string-like input; raise ValueError with a clear message.

        ``mapping`` may be a dict of strings/lists or a werkzeug MultiDict;
        a value may hold several items separated by commas.
        ``province_names`` (code → name) lets provinces be given by name and
        checks codes against the workspace; ``donor_names`` (the workspace's
        donors) turns donors into their stored spelling and rejects unknown
        ones with :class:`UnknownDonor`; ``scheme_keys`` rejects unknown
        schemes. :func:`filters_for` passes all three from a Frames.
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

        provinces = tuple(dict.fromkeys(_province(v, province_names) for v in values("province")))
        sectors = []
        for given in values("sector"):
            key = resolve_sector(given)
            if key is None:
                raise ValueError(f"unknown sector {given!r}; use one of {', '.join(BY_KEY)}")
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
            if scheme_keys is not None and scheme not in set(scheme_keys):
                raise ValueError(f"unknown scheme {scheme!r}; the workspace has "
                                 f"{', '.join(sorted(scheme_keys)) or 'no schemes'}")
        money = values("money")
        money = money[0].lower() if money else "planned"
        if money not in MONEY_KINDS:
            raise ValueError(f"unknown money {money!r}; use {' or '.join(MONEY_KINDS)}")
        donors = [nfc(d) for d in values("donor")]
        if donor_names is not None:
            donors = [resolve_donor(donor_names, d) for d in donors]
        return cls(provinces=provinces, sectors=tuple(dict.fromkeys(sectors)),
                   donors=tuple(dict.fromkeys(donors)), year=year, start=start, end=end,
                   zones=tuple(dict.fromkeys(zones)), schemes=tuple(dict.fromkeys(schemes)), money=money)

    def describe(self, lang: str = "en", province_names: dict[str, str] | None = None) -> str:
        """The filters in words, e.g. "Health; Tỉnh Cà Mau; 2024; ethnic-minority zone"."""
        parts = []
        if self.provinces:
            parts.append(", ".join((province_names or {}).get(p, p) for p in self.provinces))
        if self.sectors:
            parts.append(", ".join(BY_KEY[s].label(lang) for s in self.sectors))
        if self.donors:
            parts.append(text("filters.donors", lang, donors=", ".join(self.donors)))
        start, end = self.period
        if self.year is not None:
            parts.append(text("filters.year", lang, year=self.year))
        elif start or end:
            parts.append(f"{start.isoformat() if start else '…'} – {end.isoformat() if end else '…'}")
        if self.zones:
            parts.append(text("filters.or", lang).join(text(f"filters.zone.{z}", lang) for z in self.zones))
        if self.schemes:
            parts.append(text("filters.schemes", lang, schemes=", ".join(self.schemes)))
        if self.money == "committed":
            parts.append(text("filters.money.committed", lang))
        elif self.money == "disbursed":
            parts.append(text("filters.money.disbursed", lang))
        if not parts:
            return text("filters.none", lang)
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
        if self.money != "planned":
            out["money"] = self.money
        return out


def filters_for(frames, mapping) -> Filters:
    """``Filters.from_mapping`` checked against a workspace's provinces, donors and schemes."""
    return Filters.from_mapping(mapping, **filter_names(frames))


def filter_names(frames) -> dict:
    """What filters are checked against: the workspace's provinces, donors and schemes
    (keyword arguments of ``Filters.from_mapping``; a server keeps them per workspace version)."""
    return {"province_names": frames.province_names,
            "donor_names": frames.projects["donor"].dropna().unique().tolist(),
            "scheme_keys": frames.schemes["scheme"].astype(str).tolist()}


# --- projects ---------------------------------------------------------------

def project_periods(projects: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Start and end Timestamps of each project; an unknown date is open (NaT)."""
    return (pd.to_datetime(projects["start_date"], errors="coerce", format="mixed"),
            pd.to_datetime(projects["end_date"], errors="coerce", format="mixed"))


def active_projects(frames, filters: Filters = Filters()) -> pd.DataFrame:
    """Projects passing the sector, donor and period filters.

    Unknown donors in ``filters`` raise :class:`UnknownDonor` rather than
    silently showing every commune as uncovered.
    """
    projects = frames.projects
    mask = pd.Series(True, index=projects.index)
    if filters.sectors:
        mask &= projects["sector"].isin(filters.sectors)
    if filters.donors:
        names = projects["donor"].dropna().unique().tolist()
        wanted = [resolve_donor(names, d) for d in filters.donors]
        mask &= donor_matches(projects["donor"], wanted)
    start, end = filters.period
    if filters.money != "planned":
        amounts = money_amounts(projects[mask], getattr(frames, "flows", None), filters.money, start, end)
        kept = projects[mask & projects["project_id"].astype(str).isin(amounts.index)]
        return kept.assign(budget_vnd=kept["project_id"].astype(str).map(amounts).astype("int64"))
    if start or end:
        p_start, p_end = project_periods(projects)
        if end:
            mask &= p_start.isna() | (p_start <= pd.Timestamp(end))
        if start:
            mask &= p_end.isna() | (p_end >= pd.Timestamp(start))
    return projects[mask]


def counted(frames, filters: Filters, allocations: pd.DataFrame) -> pd.DataFrame:
    """``allocations`` of the budgets, or of the committed/disbursed money ``filters`` ask for."""
    if filters.money == "planned":
        return allocations
    projects = active_projects(frames, filters).drop_duplicates("project_id")
    return counted_allocations(allocations, pd.Series(projects["budget_vnd"].to_numpy(),
                                                      index=projects["project_id"].astype(str).to_numpy()))


# --- parsing helpers -----------------------------------------------------------

def _province(value: str, names: dict[str, str] | None) -> str:
    if value.isdigit() and len(value) <= 2:
        code = value.zfill(2)
        if names is not None and code not in names:
            raise ValueError(f"unknown province {value!r}; the workspace has "
                             f"{', '.join(f'{c} {n}' for c, n in sorted(names.items()))}")
        return code
    if names:
        for code, name in names.items():
            if name_key(name) == name_key(value):
                return code
        close = process.extract(fold(value), {c: fold(n) for c, n in names.items()},
                                scorer=fuzz.WRatio, limit=1, score_cutoff=70)
        if close:
            raise ValueError(f"unknown province {value!r}; did you mean {names[close[0][2]]} "
                             f"({close[0][2]})?")
    raise ValueError(f"unknown province {value!r}; give a GSO province code such as 96"
                     + (f" (the workspace has {', '.join(sorted(names))})" if names else ""))


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
