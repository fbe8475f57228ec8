"""The map views, defined once: what each colours, how it is classed, its unit and its words.

The web map (``/api/v1/gaps.geojson?view=``, ``/api/v1/donors/NAME.geojson``),
the print map and the atlas (``geoaid map --view``) read their view from
here, so a view shows the same column with the same palette, unit and class
rule wherever it is drawn. A new view (per-capita, money flows) is one entry
in :data:`VIEWS` and its words in the catalog (geoaid/locale/*/LC_MESSAGES/geoaid.po:
``view.<key>.title|legend|zero`` and ``unit.<unit>``).

Each view has one canonical key; older spellings people may have bookmarked
or scripted (``?view=gaps``, ``--view gap``) are accepted through
:data:`ALIASES`.

>>> resolve_view("gaps").key
'gap'
>>> resolve_view("coverage").unit_text("vi")
' USD'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from geoaid.text.catalog import LANGUAGES, text

if TYPE_CHECKING:
    from geoaid.analysis.classify import Classes


@dataclass(frozen=True)
class View:
    """One way of colouring communes."""

    key: str               # canonical key: URLs, cache keys, file names
    column: str            # the coverage column coloured (geoaid.analysis.coverage.coverage)
    palette: str           # ColorBrewer sequential palette (geoaid.analysis.classify.PALETTES)
    unit: str              # catalog key unit.<unit>: text after each class bound ("": none)
    decimals: int          # decimals of the class bounds in legends
    on_web_map: bool       # offered in the web map's view menu
    needs_donor: bool = False
    method: str = "quantiles"   # class rule (geoaid.analysis.classify)

    def classify(self, values) -> Classes:
        """The view's classes for ``values`` (zero and missing values get their own class)."""
        # Imported here: the command line reads the view list to build its options, and
        # mapclassify (with scipy) would slow every command's start-up.
        from geoaid.analysis.classify import classify

        return classify(values, method=self.method, palette=self.palette)

    def unit_text(self, lang: str) -> str:
        return text(f"unit.{self.unit}", lang) if self.unit else ""

    def words(self, part: str, lang: str, donor: str | None = None) -> str:
        """The view's ``title``, ``legend`` (print legend heading) or ``zero`` (legend label of zero)."""
        return text(f"view.{self.key}.{part}", lang, donor=donor)

    def legend(self, classes: Classes, lang: str, zero_label: str | None = None) -> list[dict]:
        """Legend entries (colour, label) in ``lang``; the zero entry says ``zero_label`` or the view's words."""
        return classes.legend(self.unit_text(lang), decimals=self.decimals,
                              zero_label=self.words("zero", lang) if zero_label is None else zero_label)


VIEWS = {view.key: view for view in (
    View("gap", "gap_score", "YlOrRd", "points", 1, on_web_map=True),
    View("priority", "priority_score", "Purples", "points", 1, on_web_map=True),
    View("coverage", "funding_usd", "YlGnBu", "USD", 0, on_web_map=True),
    View("projects", "project_count", "YlGnBu", "", 0, on_web_map=False),
    View("donor", "funding_usd", "YlGnBu", "USD", 0, on_web_map=False, needs_donor=True),
    View("per_capita", "funding_usd_per_person", "YlGnBu", "USD_per_person", 2, on_web_map=True),
    View("population", "population", "Oranges", "people", 0, on_web_map=True),
)}
# Spellings accepted besides the keys: the print map and CLI said "gaps" before the views were one.
ALIASES = {"gaps": "gap", "funding": "coverage", "project_count": "projects"}
WEB_MAP_VIEWS = tuple(key for key, view in VIEWS.items() if view.on_web_map)
DEFAULT_VIEW = "gap"

LANGS = LANGUAGES


def canonical_key(view: str) -> str:
    """The canonical key of ``view`` or one of its aliases, case-insensitively; ValueError otherwise.

    >>> canonical_key("GAPS")
    'gap'
    """
    key = str(view).lower()
    key = ALIASES.get(key, key)
    if key not in VIEWS:
        raise ValueError(f"view must be one of {', '.join(VIEWS)}, got {view!r}")
    return key


def resolve_view(view: str, allowed: tuple[str, ...] | None = None) -> View:
    """The :class:`View` for a key or alias; ``allowed`` narrows the choice (e.g. :data:`WEB_MAP_VIEWS`).

    >>> resolve_view("gap", WEB_MAP_VIEWS).column
    'gap_score'
    """
    key = canonical_key(view)
    if allowed is not None and key not in allowed:
        raise ValueError(f"view must be one of {', '.join(allowed)}, got {view!r}")
    return VIEWS[key]


def view_choices(allowed: tuple[str, ...] | None = None) -> list[str]:
    """Every spelling accepted for the views in ``allowed`` (all by default): keys first, then aliases."""
    keys = list(allowed or VIEWS)
    return keys + [alias for alias, key in ALIASES.items() if key in keys]
