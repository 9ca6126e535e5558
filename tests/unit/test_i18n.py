"""plugins/i18n: catalogs, the German catalog's completeness, language versions, filters."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po
from i18n import (
    articles_in,
    home_url,
    index_pages,
    language_versions,
    load_catalogs,
    localdate,
    localmonth,
    page_link,
    read_settings,
    site_languages,
)
from jinja2 import Environment
from pelican.settings import read_settings as read_pelican_settings

from tests.conftest import ROOT

THEME = ROOT / "theme"
PO_FILE = THEME / "translations" / "de" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {**DEFAULT_KEYWORDS, "gettext_in": (2,)}  # gettext_in(lang, message)
PLACEHOLDER = re.compile(r"%\((\w+)\)s")

SETTINGS = {"DEFAULT_LANG": "en", "PORTAL": {"languages": ["en", "de"]}}


def template_messages() -> dict[str, list[str]]:
    """Every message id passed to _(), gettext, ngettext or gettext_in in the templates."""
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(THEME / "templates"),
        method_map=[("**.html", "jinja2.ext:babel_extract")],
        options_map={
            "**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "1", "lstrip_blocks": "1"}
        },
        keywords=KEYWORDS,
    ):
        for msgid in message if isinstance(message, tuple) else (message,):
            if msgid:
                found.setdefault(msgid, []).append(f"{filename}:{lineno}")
    return found


@pytest.fixture(scope="module")
def catalog():
    with PO_FILE.open("rb") as handle:
        return read_po(handle, locale="de")


def translation(catalog, msgid: str) -> tuple[str, ...]:
    message = catalog.get(msgid)
    if message is None:
        for candidate in catalog:  # a plural's second form
            if isinstance(candidate.id, tuple) and msgid in candidate.id:
                message = candidate
                break
    if message is None:
        return ()
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return tuple(strings) if all(strings) else ()


def test_the_templates_use_interface_strings():
    messages = template_messages()
    assert "Skip to main content" in messages and "home page" in messages
    assert len(messages) > 50


def test_every_template_string_has_a_german_translation(catalog):
    missing = [
        f"{msgid!r} ({', '.join(where)})"
        for msgid, where in sorted(template_messages().items())
        if not translation(catalog, msgid)
    ]
    assert not missing, "no German msgstr in messages.po for:\n" + "\n".join(missing)


def test_configured_vocabulary_and_subtitle_have_german_translations(catalog):
    settings = read_pelican_settings(str(ROOT / "pelicanconf.py"))
    wanted = [settings["SITESUBTITLE"], *settings["PORTAL"]["categories"]]
    wanted += settings["PORTAL"]["tags"]
    missing = [term for term in wanted if not translation(catalog, term)]
    assert not missing


def test_translations_keep_their_placeholders(catalog):
    wrong = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(" ".join(ids)))
        plural = isinstance(message.id, tuple)  # a singular form may leave out the number
        for string in filter(None, strings):
            found = set(PLACEHOLDER.findall(string))
            if found - expected or (not plural and found != expected):
                wrong.append(message.id)
    assert not wrong


def test_catalog_has_no_duplicate_or_fuzzy_entries():
    text = PO_FILE.read_text(encoding="utf-8")
    ids = re.findall(r'^msgid "(.+)"$', text, flags=re.MULTILINE)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    assert "#, fuzzy" not in text


def test_load_catalogs_compiles_german_and_falls_back_for_unknown_languages(tmp_path: Path):
    catalogs = load_catalogs(str(THEME), ["de", "fr"])
    assert catalogs["de"].gettext("Skip to main content") == "Zum Hauptinhalt springen"
    assert catalogs["fr"].gettext("Skip to main content") == "Skip to main content"


# --------------------------------------------------------------------------
# Languages and URLs


def test_site_languages_put_the_default_first():
    assert site_languages({"DEFAULT_LANG": "de", "PORTAL": {"languages": ["en", "de"]}}) == [
        "de",
        "en",
    ]


def test_home_url_is_the_root_for_the_default_language():
    assert home_url("en", SETTINGS) == ""
    assert home_url("de", SETTINGS) == "de/"
    assert home_url("de", {**SETTINGS, "I18N": {"home_url": "{lang}/start/"}}) == "de/start/"


def test_unknown_i18n_settings_are_an_error_naming_the_known_ones():
    with pytest.raises(ValueError, match="unknown setting.*home_urls.*known: home_url"):
        read_settings({"I18N": {"home_urls": "x"}})


def content(url: str, lang: str, **extra):
    return SimpleNamespace(url=url, lang=lang, translations=[], **extra)


def linked(*items):
    for item in items:
        item.translations = [other for other in items if other is not item]
    return items


def test_an_article_links_to_its_translation_and_is_its_own_alternate():
    english, german = linked(content("news/a/", "en"), content("de/news/a/", "de"))
    versions = language_versions({**SETTINGS, "article": english})
    assert [(v.lang, v.url, v.current, v.equivalent) for v in versions] == [
        ("en", "news/a/", True, True),
        ("de", "de/news/a/", False, True),
    ]
    versions = language_versions({**SETTINGS, "article": german})
    assert [(v.lang, v.url, v.current) for v in versions] == [
        ("en", "news/a/", False),
        ("de", "de/news/a/", True),
    ]


def test_without_a_translation_the_other_home_stands_in():
    versions = language_versions({**SETTINGS, "article": content("news/b/", "en")})
    assert [(v.lang, v.url, v.equivalent) for v in versions] == [
        ("en", "news/b/", True),
        ("de", "de/", False),
    ]
    versions = language_versions({**SETTINGS, "url": "cities/seoul/"})
    assert [(v.lang, v.url, v.current, v.equivalent) for v in versions] == [
        ("en", "cities/seoul/", True, False),
        ("de", "de/", False, False),
    ]


def test_home_pages_are_each_others_versions():
    english_home = language_versions({**SETTINGS, "page_name": "index"})
    german_home = language_versions({**SETTINGS, "page_lang": "de", "language_home": "de"})
    for versions, current in ((english_home, "en"), (german_home, "de")):
        assert [(v.lang, v.url, v.equivalent) for v in versions] == [
            ("en", "", True),
            ("de", "de/", True),
        ]
        assert [v.lang for v in versions if v.current] == [current]


def test_page_link_prefers_the_page_language_and_falls_back():
    about_en, about_de = linked(content("about/", "en", slug="about"),
                                content("de/about/", "de", slug="about"))
    legal = content("legal/", "en", slug="legal")
    pages = index_pages([about_en, legal], "en")
    assert page_link({**SETTINGS, "I18N_PAGES": pages, "page_lang": "de"}, "about") == "de/about/"
    assert page_link({**SETTINGS, "I18N_PAGES": pages}, "about") == "about/"
    assert page_link({**SETTINGS, "I18N_PAGES": pages, "page_lang": "de"}, "legal") == "legal/"
    assert page_link({**SETTINGS, "I18N_PAGES": pages}, "missing") == ""


def test_articles_in_a_language_include_translations_newest_first():
    day = dt.datetime(2009, 7, 13)
    old_en, old_de = linked(content("a/", "en", date=day, slug="a"),
                            content("de/a/", "de", date=day, slug="a-de"))
    new_de = content("de/b/", "de", date=day + dt.timedelta(days=3), slug="b")
    only_en = content("c/", "en", date=day, slug="c")
    assert articles_in([old_en, new_de, only_en], "de") == [new_de, old_de]
    assert articles_in([old_en, new_de, only_en], "en") == [only_en, old_en]


# --------------------------------------------------------------------------
# Filters


def render(source: str, **context) -> str:
    env = Environment(autoescape=True)
    env.filters["localdate"] = localdate
    env.filters["localmonth"] = localmonth
    return env.from_string(source).render(**SETTINGS, **context)


def test_dates_follow_the_page_language():
    day = dt.datetime(2009, 7, 13, 9, 30)
    assert render("{{ d | localdate }}", d=day) == "13 July 2009"
    assert render("{{ d | localdate }}", d=day, page_lang="de") == "13. Juli 2009"
    assert render("{{ d | localdate(with_time=True) }}", d=day, page_lang="de") == (
        "13. Juli 2009, 09:30"
    )
    assert render("{{ d | localmonth }}", d=day, page_lang="de") == "Juli 2009"
    assert render("{{ d | localmonth }}", d=day.date()) == "July 2009"


def test_formatted_dates_are_reused_only_for_the_same_local_time_and_language():
    """Dates are formatted once per build; equal instants in other zones are not equal."""
    from portal.dates import PartialDate

    utc = dt.datetime(2009, 7, 13, 22, 30, tzinfo=dt.UTC)
    seoul = utc.astimezone(dt.timezone(dt.timedelta(hours=9)))
    assert utc == seoul
    template = "{{ d | localdate(with_time=True) }}"
    assert render(template, d=utc) == "13 July 2009, 22:30"
    assert render(template, d=seoul) == "14 July 2009, 07:30"
    assert render("{{ d | localdate }}", d=seoul, page_lang="de") == "14. Juli 2009"
    assert render("{{ d | localdate }}", d=utc.date()) == "13 July 2009"
    by_year = PartialDate(2009, bound=True)
    assert render("{{ d | localdate }}", d=by_year) == "by 2009"
    assert render("{{ d | localdate }}", d=by_year, page_lang="de") == "bis 2009"
    assert render("{{ d | localdate }}", d=PartialDate(2009, 7)) == "July 2009"


def test_a_fragment_is_rendered_once_per_key_and_build():
    from i18n import _fragments, render_once

    _fragments.clear()
    env = Environment(autoescape=True)
    env.globals["render_once"] = render_once
    rendered = []
    env.globals["note"] = lambda name: rendered.append(name) or name
    template = env.from_string(
        '{% call render_once("footer", SITEURL) %}<a href="{{ SITEURL }}/">{{ note(n) }}</a>'
        "{% endcall %}"
    )
    assert template.render(SITEURL="..", n="a & b") == '<a href="../">a &amp; b</a>'
    assert template.render(SITEURL="..", n="other") == '<a href="../">a &amp; b</a>'
    assert template.render(SITEURL="../..", n="c") == '<a href="../../">c</a>'
    assert rendered == ["a & b", "c"]
    listed = env.from_string('{% call render_once("list", items) %}{{ note(n) }}{% endcall %}')
    assert listed.render(items=["x", "y"], n="first") == "first"
    assert listed.render(items=["x", "y"], n="second") == "first"  # a list: by its items
    assert listed.render(items=["x"], n="third") == "third"
    _fragments.clear()


def test_a_generator_can_pass_the_versions_of_its_own_pages():
    ctx = {**SETTINGS, "page_lang": "de", "page_versions": [("en", "feeds/"), ("de", "de/feeds/")]}
    assert [(v.lang, v.url, v.current, v.equivalent) for v in language_versions(ctx)] == [
        ("en", "feeds/", False, True),
        ("de", "de/feeds/", True, True),
    ]


def test_interface_strings_follow_each_page_language_in_macros_loops_and_nested_renders():
    """_() takes no Jinja context (no derived context per call): each render sets it."""
    from unittest import mock

    from i18n import InterfaceStrings
    from jinja2 import DictLoader
    from jinja2.runtime import Context

    strings = InterfaceStrings(load_catalogs(str(THEME), ["en", "de"]), "en")
    loader = DictLoader(
        {
            "macros.html": '{% macro back() %}{{ _("Back to top") }}{% endmacro %}',
            "page.html": '{% import "macros.html" as m with context %}'
            '{% for n in [1] %}{% set x = n %}{{ _("Home") }}|{{ m.back() }}{% endfor %}'
            '|{{ ngettext("%(num)s article", "%(num)s articles", 2) }}'
            '|{{ _("Page %(number)s of %(total)s", number=1, total="<2>") }}'
            "|{{ inner() }}|{{ _('Home') }}",
            "inner.html": '{{ _("Home") }}|{{ _("Back to top") }}',
        }
    )
    env = Environment(autoescape=True, loader=loader, extensions=["jinja2.ext.i18n"])
    strings.install(env)
    english = env.get_template("page.html")
    inner = env.get_template("inner.html")
    env.globals["inner"] = lambda: inner.render(**SETTINGS)  # a render inside a render
    with mock.patch.object(Context, "derived", side_effect=AssertionError("derived")):
        german = english.render(**SETTINGS, page_lang="de")
        assert german == (
            "Startseite|Zum Seitenanfang|2 Artikel|Seite 1 von &lt;2&gt;"
            "|Home|Back to top|Startseite"
        )
    assert english.render(**SETTINGS, article=SimpleNamespace(lang="de")).startswith("Startseite")
    assert strings.lang == "en"  # restored after each render


def test_a_shared_macro_module_is_made_once_per_siteurl_and_language():
    from i18n import InterfaceStrings, _modules
    from jinja2 import DictLoader

    strings = InterfaceStrings(load_catalogs(str(THEME), ["en", "de"]), "en", "macros/")
    made: list[str] = []
    loader = DictLoader(
        {
            "macros/ui.html": "{% set seen = made(SITEURL) %}"
            '{% macro home() %}<a href="{{ SITEURL }}/">{{ _("Home") }}</a>{% endmacro %}',
            "other.html": "{% set seen = made('other') %}"
            "{% macro x() %}{{ SITEURL }}{% endmacro %}",
            "page.html": '{% import "macros/ui.html" as ui with context %}'
            '{% import "other.html" as other with context %}{{ ui.home() }}|{{ other.x() }}',
        }
    )
    env = Environment(autoescape=True, loader=loader, extensions=["jinja2.ext.i18n"])
    strings.install(env)
    env.globals["made"] = made.append
    page = env.get_template("page.html")
    _modules.clear()
    assert page.render(**SETTINGS, SITEURL="..") == '<a href="../">Home</a>|..'
    assert page.render(**SETTINGS, SITEURL="..") == '<a href="../">Home</a>|..'
    assert page.render(**SETTINGS, SITEURL="../..") == '<a href="../../">Home</a>|../..'
    german = page.render(**SETTINGS, SITEURL="..", page_lang="de")
    assert german == '<a href="../">Startseite</a>|..'
    # ui: once per SITEURL and language; the module outside the prefix on every page
    assert made == ["..", "other", "other", "../..", "other", "..", "other"]
    _modules.clear()


def test_shared_macro_modules_use_only_what_is_the_same_for_every_page():
    """What `I18N["shared_modules"]` promises: a module there may read SITEURL, the
    page's language and build-wide names, nothing of the page it is imported into."""
    from jinja2 import FileSystemLoader, meta

    env = Environment(loader=FileSystemLoader(THEME / "templates"), extensions=["jinja2.ext.i18n"])
    build_wide = {"SITEURL", "DEFAULT_LANG", "portal", "page_language", "home_link", "render_once"}
    prefix = read_settings({})["shared_modules"]
    modules = [name for name in env.list_templates() if name.startswith(prefix)]
    assert modules, f"no templates under {prefix}"
    for name in modules:
        names = meta.find_undeclared_variables(env.parse(env.loader.get_source(env, name)[0]))
        assert names <= build_wide, f"{name} reads {sorted(names - build_wide)} of the page"
