"""Vietnamese name normalisation shared by every join.

Names arrive composed (NFC) or decomposed (NFD), with or without diacritics,
with the old or new tone-mark placement (``Hoà``/``Hòa``), with or without the
unit type ("Xã", "Phường", "Thị trấn"…), with zero-padded numbers
("Phường 02") and with regional spelling variants (``Xà Phìn``/``Sà Phìn``).
Every matcher in geoaid goes through these functions so that the boundary
build, the importers and the web search agree on what "the same name" means.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from unidecode import unidecode

# Unit-type words, longest first so that "thanh pho" wins over "thanh".
UNIT_PREFIXES = (
    "thi tran", "thi xa", "thanh pho", "phuong", "xa", "huyen", "quan", "tinh", "tp",
)
_TYPE_WORDS = {
    "thi tran": "Thị trấn", "phuong": "Phường", "xa": "Xã",
    "thi xa": "Thị xã", "thanh pho": "Thành phố", "huyen": "Huyện", "quan": "Quận",
    "tinh": "Tỉnh", "tp": "Thành phố",
}
_PAREN = re.compile(r"\(([^)]*)\)")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_NUMBER = re.compile(r"\d+")


def nfc(text: str) -> str:
    """Compose to NFC and collapse white space; None-safe for pandas cells."""
    if text is None:
        return ""
    return " ".join(unicodedata.normalize("NFC", str(text)).split())


# Imports fold the same few thousand unit names over and over (every row of a
# 200,000-project list names its commune, district and province): each
# distinct text is transliterated once.
_CACHED = 1 << 16


@functools.lru_cache(maxsize=_CACHED)
def fold(text: str) -> str:
    """Lower-case ASCII form with single spaces: ``"Xã Sà Phìn"`` → ``"xa sa phin"``."""
    ascii_text = unidecode(nfc(text)).lower()
    return " ".join(_NON_ALNUM.sub(" ", ascii_text).split())


def _unpad_numbers(text: str) -> str:
    return _NUMBER.sub(lambda m: str(int(m.group())), text)


# Type words as written with diacritics. Only these are stripped from
# accented text, so that "Quản Bạ" (a name) is not read as "Quận Bạ"
# (a type + name); ASCII-only text falls back to the folded prefixes.
_ACCENTED_PREFIXES = {
    "thị trấn": "thi tran", "thị xã": "thi xa", "thành phố": "thanh pho", "tp.": "tp",
    "tp": "tp", "phường": "phuong", "xã": "xa", "huyện": "huyen", "quận": "quan",
    "tỉnh": "tinh",
}


@functools.lru_cache(maxsize=_CACHED)
def split_unit_type(name: str) -> tuple[str | None, str]:
    """Split a leading unit type off a name.

    Returns ``(type_key, rest)`` where ``type_key`` is the folded type word
    (``"xa"``, ``"phuong"``…) or None, and ``rest`` is folded. A bare number
    keeps its type, because "Phường 2" and "Xã 2" are different units and "2"
    alone names neither. A type in brackets, as in "Tân Thành (Phường)", is
    read too.
    """
    text = nfc(name)
    folded = fold(text)
    paren = _PAREN.search(text)
    paren_type = fold(paren.group(1)) if paren else None
    type_key = None
    if text.isascii():
        for prefix in UNIT_PREFIXES:
            if folded.startswith(prefix + " "):
                type_key = prefix
                break
    else:
        lowered = text.lower()
        for written, key in sorted(_ACCENTED_PREFIXES.items(), key=lambda kv: -len(kv[0])):
            if lowered.startswith(written) and (
                    len(lowered) == len(written) or not lowered[len(written)].isalnum()):
                type_key = key
                break
    if type_key is not None:
        rest = folded[len(type_key):].strip()
        if rest.isdigit():
            return type_key, f"{type_key} {int(rest)}"
        if rest:
            return type_key, rest
    if paren_type in _TYPE_WORDS:
        return paren_type, folded
    return None, folded


def name_key(name: str) -> str:
    """Join key for a unit name: type word stripped, ASCII, no spaces.

    ``"Xã Sà Phìn"`` → ``"saphin"``; ``"Phường 02"`` → ``"phuong2"``;
    ``"Tân Thành (Phường)"`` → ``"tanthanhphuong"`` (the bracket stays part of
    the key, as in the GSO code table's short names).
    """
    _, rest = split_unit_type(name)
    return _NON_ALNUM.sub("", _unpad_numbers(rest))


def variant_key(key: str) -> str:
    """Fold regional spelling variants on top of :func:`name_key`.

    Initial x/s (Xà Phìn/Sà Phìn), y/i (Vĩnh/Vỹnh), ch/tr (Sủng Cháng/Sủng
    Tráng) and d/gi are spelled either way in official lists; matching on this
    key is reported as a variant match, never as exact.
    """
    out = key.replace("tr", "ch").replace("x", "s").replace("y", "i").replace("gi", "d")
    return out


def type_label(type_key: str | None) -> str | None:
    """Vietnamese label for a folded type key (``"xa"`` → ``"Xã"``)."""
    return _TYPE_WORDS.get(type_key) if type_key else None


def same_name(a: str, b: str) -> bool:
    """True when two unit names are the same once normalised."""
    return name_key(a) == name_key(b)


def accent_key(name: str) -> str:
    """Like :func:`name_key` but keeping diacritics (lower-case NFC, no type word).

    Used to prefer "Tân Thành" over "Tân Thạnh" when the user wrote the
    diacritics; without them both stay candidates (and are reported).
    """
    type_key, rest = split_unit_type(name)
    text = nfc(name).lower()
    if type_key and not rest.startswith(type_key + " "):  # "Phường 2" keeps its type word
        written = [w for w, k in _ACCENTED_PREFIXES.items() if k == type_key and text.startswith(w)]
        text = text[len(max(written, key=len)):] if written else text[len(type_key):]
    return "".join(ch for ch in text if ch.isalnum())


def has_diacritics(text: str) -> bool:
    return not nfc(text).isascii()
