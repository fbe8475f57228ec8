"""Sectors of Cà Mau's 2023–2025 foreign NGO aid plan, mapped to OECD-DAC.

The seven priority sectors are the province's own list; each carries the
OECD-DAC CRS sector codes (3-digit sector, or 5-digit purpose code) that
donors report against, so a donor's CRS data can be matched to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from geoaid.text.catalog import languages, text
from geoaid.text.names import fold


@dataclass(frozen=True)
class Sector:
    key: str
    dac: tuple[str, ...]   # OECD-DAC CRS sector (3-digit) / purpose (5-digit) codes

    def label(self, lang: str = "en") -> str:
        """The sector's name in ``lang`` (catalog key ``sector.<key>``)."""
        return text(f"sector.{self.key}", lang)

    @property
    def en(self) -> str:
        return self.label("en")


SECTORS = (   # names in geoaid/locale/*/LC_MESSAGES/geoaid.po, as the plan words them
    Sector("education", ("110", "111", "112", "113", "114")),
    Sector("health", ("120", "121", "122", "123")),
    Sector("vocational", ("11330",)),
    Sector("agriculture", ("311", "312", "313", "43040")),
    Sector("social", ("160",)),
    Sector("environment", ("410", "43060", "720", "730", "740")),
    Sector("culture", ("16061", "33210")),
)
BY_KEY = {s.key: s for s in SECTORS}

# Extra words people write for a sector (folded, no diacritics).
_ALIASES = {
    "education": ["giao duc", "education", "dao tao", "truong hoc", "school"],
    "health": ["y te", "health", "suc khoe", "benh vien", "tram y te"],
    "vocational": ["dao tao nghe", "vocational", "day nghe", "tvet"],
    "agriculture": ["nong nghiep", "agriculture", "lam nghiep", "thuy san", "phat trien nong thon",
                    "rural development", "fisheries", "forestry"],
    "social": ["xa hoi", "social", "cac van de xa hoi", "social issues"],
    "environment": ["moi truong", "environment", "bien doi khi hau", "climate", "thien tai",
                    "disaster", "cuu tro", "emergency"],
    "culture": ["van hoa", "culture", "the thao", "du lich", "tourism", "sport"],
}

# Humanitarian cluster names (3W files, HXL #sector), read as a whole name only: the plan has no
# WASH, shelter or protection sector, so each goes to the plan sector whose DAC codes cover it:
# water and hygiene in health (the plan lists clean water for schools and clinics under health),
# food security and livelihoods in agriculture (311-313), shelter and emergency response in
# environment (disaster response, 720-740), protection in social (160).
CLUSTERS = {
    "health": ["nutrition", "health and nutrition", "wash", "water sanitation hygiene",
               "water sanitation and hygiene", "water and sanitation"],
    "agriculture": ["food security", "livelihoods", "livelihood", "food security and livelihoods",
                    "fsl", "early recovery"],
    "environment": ["shelter", "emergency shelter", "shelter and nfi", "emergency shelter and nfi", "nfi",
                    "logistics", "emergency telecommunications", "disaster risk reduction", "drr"],
    "social": ["protection", "child protection", "gender based violence", "gbv", "social protection"],
}


def resolve_sector(text) -> str | None:
    """Sector key for a user's text: key, English/Vietnamese label, alias or DAC code."""
    if text is None:
        return None
    folded = fold(str(text))
    if not folded:
        return None
    digits = folded.replace(" ", "")
    for sector in SECTORS:
        if folded == sector.key or folded in {fold(sector.label(lang)) for lang in languages()}:
            return sector.key
    if digits.isdigit():
        # The most specific DAC code wins: 11330 is vocational, not education's 113.
        best = max(((len(code), s.key) for s in SECTORS for code in s.dac if digits.startswith(code)),
                   default=None)
        return best[1] if best else None
    for key, words in (*_ALIASES.items(), *CLUSTERS.items()):
        if folded in words:
            return key
    matches = {key for key, words in _ALIASES.items() for w in words if w in folded}
    return matches.pop() if len(matches) == 1 else None
