"""One catalog of words for the web app, print maps and exports, in every language.

Each language is one gettext file, ``geoaid/locale/<lang>/LC_MESSAGES/geoaid.po``,
whose message ids are stable keys (``"legend_gap"``, ``"print.sample"``) and
whose strings are the texts users see. The ``.po`` files are read directly with
Babel when a language is first used: no compiled ``.mo`` is kept in git or
built at install time. A third language is one more ``.po`` file; texts it
lacks fall back to Vietnamese, the default.

>>> text("legend_gap", "en")
'Gap score'
>>> text("print.codes", "vi", codes="GSO")
'Mã đơn vị: GSO'
"""

from __future__ import annotations

import threading
from pathlib import Path

from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "geoaid"
DEFAULT = "vi"   # the planners who use geoaid most work in Vietnamese


class Catalogs:
    """The ``.po`` catalogs found under ``directory``, loaded once each, on first use."""

    def __init__(self, directory: Path = LOCALE_DIR, default: str = DEFAULT):
        self.directory = Path(directory)
        self.default = default
        found = sorted(p.parent.parent.name for p in self.directory.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
        if default not in found:
            raise FileNotFoundError(f"no {DOMAIN}.po for the default language {default!r} in {self.directory}")
        # The default first: Accept-Language ties and language switches follow this order.
        self.languages: tuple[str, ...] = (default, *(lang for lang in found if lang != default))
        self._loaded: dict[str, dict[str, str]] = {}
        self._lock = threading.Lock()

    def messages(self, lang: str) -> dict[str, str]:
        """Every key → text of one language (untranslated keys left out)."""
        if lang not in self._loaded:
            with self._lock, open(self.directory / lang / "LC_MESSAGES" / f"{DOMAIN}.po", "rb") as po:
                catalog = read_po(po, locale=None, domain=DOMAIN)
                self._loaded[lang] = {m.id: m.string for m in catalog if m.id and m.string}
        return self._loaded[lang]

    def text(self, key: str, lang: str, **values) -> str:
        """The text of ``key`` in ``lang`` (else the default language, else the key), formatted."""
        if not key:
            return ""
        found = self.messages(lang if lang in self.languages else self.default).get(key)
        if found is None:
            found = self.messages(self.default).get(key, key)
        return found.format(**values) if values else found

    def section(self, lang: str, prefix: str) -> dict[str, str]:
        """The texts whose keys start with ``prefix``, keyed by the rest: ``section("en", "print.")["sample"]``."""
        keys = {k for k in self.messages(self.default) if k.startswith(prefix)}
        return {k[len(prefix):]: self.text(k, lang) for k in sorted(keys)}


CATALOGS = Catalogs()
LANGUAGES = CATALOGS.languages   # the installed languages, default first


# Module functions look CATALOGS up on each call, so tests can swap in other catalogs.
def languages() -> tuple[str, ...]:
    return CATALOGS.languages


def text(key: str, lang: str, **values) -> str:
    """:meth:`Catalogs.text` of geoaid's catalogs."""
    return CATALOGS.text(key, lang, **values)


def section(lang: str, prefix: str) -> dict[str, str]:
    """:meth:`Catalogs.section` of geoaid's catalogs."""
    return CATALOGS.section(lang, prefix)
