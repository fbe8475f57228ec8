"""One catalog of words: every key used exists in every language, every word is used, a language is one file."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from geoaid.analysis.donor_fit import REASON_KEYS
from geoaid.analysis.filters import ZONES, Filters
from geoaid.analysis.sectors import SECTORS, resolve_sector
from geoaid.analysis.views import VIEWS, WEB_MAP_VIEWS
from geoaid.output import brief, plan_annex, print_inset, print_words
from geoaid.reform.carry import RULES, describe_rule
from geoaid.text import catalog
from geoaid.text.catalog import LOCALE_DIR, Catalogs
from web import i18n

ROOT = Path(__file__).resolve().parent.parent
# A key passed as a literal: t("key") in templates and web code, text("key", …) in the core.
LITERAL_KEY = re.compile(r"""\b(?:t|text)\(\s*(?:f?)["']([A-Za-z0-9_.]+)["']""")


def _literal_keys() -> set[str]:
    sources = [*ROOT.glob("web/templates/*.html"), *ROOT.glob("web/*.py"), *ROOT.glob("geoaid/**/*.py")]
    return {key for path in sources for key in LITERAL_KEY.findall(path.read_text(encoding="utf-8"))}


def _computed_keys() -> set[str]:
    """Keys the code builds from data (views, units, zones, rules, inset labels, web map labels)."""
    keys = set(i18n.MAP_LABELS.values())
    for view in VIEWS.values():
        keys |= {f"view.{view.key}.{part}" for part in ("title", "legend", "zero")}
        keys |= {f"unit.{view.unit}"} if view.unit else set()
    keys |= {f"filters.zone.{zone}" for zone in ZONES} | {f"reform.rule.{rule}" for rule in RULES}
    keys |= {key for key, _lon, _lat in print_inset.ARCHIPELAGOS}
    keys |= {f"sector.{sector.key}" for sector in SECTORS} | {"language_name"}
    keys |= set(REASON_KEYS) | {f"brief.col.{key}" for key, _ in brief.COLUMNS}   # donor fit, donor brief
    keys |= {f"annex.col.{key}" for key in (*plan_annex.PRIORITY_COLUMNS, *plan_annex.NEED_COLUMNS)}  # plan annex
    return keys


def _template_computed_keys() -> set[str]:
    """Keys templates join from a prefix and a value (``t("view_" ~ v)``), for every value they can take."""
    from geoaid.store.accounts import ROLES

    return ({f"view_{v}" for v in WEB_MAP_VIEWS} | {f"legend_{v}" for v in WEB_MAP_VIEWS} | {f"zone_{z}" for z in ZONES}
            | {"version_2019", "version_2025"} | {f"role_{r}" for r in ROLES}
            | {f"severity_{s}" for s in ("error", "warning")} | {f"scope_{s}" for s in ("commune", "area")}
            | {f"kind_{k}" for k in ("projects", "classifications", "boundaries", "iati", "needs")}
            | {f"rule_{r}" for r in ("even", "area", "population", "total", "per_person", *RULES)}
            | {f"field_{f}" for f in ("code", "name", "district", "province")})


def test_every_key_used_exists_in_every_language():
    literal = _literal_keys() - {"key"}                      # "key": the docstring example of web/i18n.py
    prefixes = {key for key in literal if key.endswith("_")}
    used = (literal - prefixes) | _computed_keys() | _template_computed_keys()
    assert prefixes <= {key.split("_")[0] + "_" for key in _template_computed_keys()}
    assert len(used) > 150
    for lang in catalog.LANGUAGES:
        missing = used - set(catalog.CATALOGS.messages(lang))
        assert not missing, f"geoaid/locale/{lang}: no text for {sorted(missing)}"


def _importer_form_keys() -> set[str]:
    """The words the upload forms take from each importer's declared options (web/manage.py)."""
    from geoaid.imports import registry

    keys = set()
    for importer in registry.importers():
        keys.add(f"kind_{importer.key}")
        for option in importer.options:
            keys |= {option.label or option.name, option.refusal, *option.choice_labels.values()}
            if option.group:
                keys.add(f"{option.group}_optional")
    return keys


def test_every_word_in_the_catalog_is_used():
    from geoaid.store.settings import DEFAULTS

    literal = _literal_keys()
    used = literal | _computed_keys() | _template_computed_keys() | set(DEFAULTS)   # settings: their form labels
    used |= {f"print.{key}" for key in catalog.section("vi", "print.")}             # print_words.WORDS
    used |= {"reform.version.imported", "reform.version.derived"}                   # one or the other
    used |= _importer_form_keys()                                                 # upload forms
    assert set(catalog.CATALOGS.messages("vi")) - used == set()


def test_every_language_has_the_same_keys():
    keys = {lang: set(catalog.CATALOGS.messages(lang)) for lang in catalog.LANGUAGES}
    assert catalog.LANGUAGES[0] == "vi" and "en" in keys
    for lang, found in keys.items():
        assert found == keys["vi"], f"{lang}: {sorted(found ^ keys['vi'])}"


def test_the_texts_users_saw_are_kept():
    assert catalog.text("app_title", "vi") == "geoaid – Bản đồ viện trợ"
    assert catalog.text("print.sample", "en") == "SAMPLE DATA – NOT OFFICIAL"
    assert print_words.WORDS["vi"]["watermark"] == "DỮ LIỆU MẪU"
    assert Filters(year=2024, zones=("ethnic_minority", "coastal")).describe("vi") == \
        "Năm 2024; vùng dân tộc thiểu số hoặc vùng ven biển và hải đảo"
    assert Filters(donors=("A",)).describe("en") == "Donor: A"
    assert Filters().describe("en") == "All projects, all sectors"
    assert describe_rule("any", "en").startswith("2025 classification rule (any): a 2025 commune is listed when ANY")


def _with_french(tmp_path: Path) -> Path:
    """geoaid's catalogs plus a tiny French one (two texts; the rest falls back to Vietnamese)."""
    locale = tmp_path / "locale"
    shutil.copytree(LOCALE_DIR, locale)
    french = locale / "fr" / "LC_MESSAGES"
    french.mkdir(parents=True)
    (french / "geoaid.po").write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
                                      'msgid "nav_map"\nmsgstr "Carte"\n\n'
                                      'msgid "print.codes"\nmsgstr "Codes : {codes}"\n', encoding="utf-8")
    return locale


def test_a_third_language_is_one_file(tmp_path):
    catalogs = Catalogs(_with_french(tmp_path))
    assert catalogs.languages == ("vi", "en", "fr")
    assert catalogs.text("nav_map", "fr") == "Carte"
    assert catalogs.section("fr", "print.")["codes"].format(codes="GSO") == "Codes : GSO"
    assert catalogs.text("nav_donors", "fr") == "Nhà tài trợ"        # untranslated: the default language


def test_sector_names_come_from_the_catalog_and_resolve_in_any_language(tmp_path, monkeypatch):
    assert SECTORS[1].label("vi") == "Y tế" and SECTORS[1].label("en") == "Health"
    assert resolve_sector("Giáo dục và đào tạo") == resolve_sector("education and training") == "education"
    french = _with_french(tmp_path)
    po = french / "fr" / "LC_MESSAGES" / "geoaid.po"
    po.write_text(po.read_text(encoding="utf-8") + '\nmsgid "sector.health"\nmsgstr "Santé"\n', encoding="utf-8")
    monkeypatch.setattr(catalog, "CATALOGS", Catalogs(french))
    assert SECTORS[1].label("fr") == "Santé" and resolve_sector("santé") == "health"


def test_the_web_app_serves_a_third_language_file(tmp_path, monkeypatch, demo_workspace_path):
    from web import create_app

    monkeypatch.setattr(catalog, "CATALOGS", Catalogs(_with_french(tmp_path)))
    client = create_app(demo_workspace_path).test_client()
    html = client.get("/donors?lang=fr").get_data(as_text=True)
    assert 'lang="fr"' in html and ">Carte<" in html and ">Tiếng Việt</a>" in html   # the switch offers vi next
    assert 'lang="fr"' in client.get("/donors").get_data(as_text=True)       # remembered in the cookie
    assert 'lang="fr"' in create_app(demo_workspace_path).test_client().get(
        "/donors", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).get_data(as_text=True)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_catalog_needs_no_compiled_file(lang):
    assert not list((LOCALE_DIR / lang / "LC_MESSAGES").glob("*.mo"))
