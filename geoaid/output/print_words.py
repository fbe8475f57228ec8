"""The words printed on every map sheet besides the view's own (geoaid.analysis.views): zones, notes,
sources, disclaimer, in each language a print map can be drawn in.

They are the catalog's ``print.*`` keys (geoaid/locale/*/LC_MESSAGES/geoaid.po), keyed by the rest.
"""

from geoaid.text.catalog import LANGUAGES, section

WORDS = {lang: section(lang, "print.") for lang in LANGUAGES}
LANGS = LANGUAGES
