"""Interface strings in every site language: Babel catalogs behind Jinja2's i18n.

Catalogs live in `theme/translations/<lang>/LC_MESSAGES/messages.po` and are
compiled in memory at start-up (no .mo files to keep in sync). The language of a
string is the language of the page being rendered: `page_lang` if a template or
generator sets it, else the `lang` of the article or page, else DEFAULT_LANG.

Also adds the filters `localdate` (datetimes and partial dates, per language) and
`country_name` (ISO code → name in the page's language), the global
`language_versions()` (where each site language's version of the current page is:
the language switcher and the `hreflang` alternates use it), and a home page per
further language (`/de/`) listing that language's articles with its interface.

Settings: `I18N = {"home_url": "{lang}/", "home_save_as": "{lang}/index.html"}`.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from jinja2 import Template, pass_context
from jinja2.runtime import Context
from jinja2.utils import missing
from markupsafe import Markup
from pelican import signals
from pelican.generators import Generator
from portal.settings import plugin_settings

logger = logging.getLogger(__name__)

_DATE_PATTERNS = {"en": "d MMMM y", "de": "d. MMMM y"}

DEFAULTS: dict[str, str] = {
    "home_url": "{lang}/",  # a further language's home; the default language's is ""
    "home_save_as": "{lang}/index.html",
    # Macro modules (templates whose names start so) that depend only on SITEURL, the
    # page's language and what is the same all build: each imported `with context`
    # once per SITEURL and language, not on every page. "" imports them every time.
    "shared_modules": "macros/",
}


def read_settings(settings: Mapping[str, Any]) -> dict[str, str]:
    """`I18N` over the defaults; unknown keys are an error naming the known ones."""
    return plugin_settings(settings, "I18N", DEFAULTS)


def site_languages(settings: Mapping[str, Any]) -> list[str]:
    """The site's languages, the default language first."""
    default = settings.get("DEFAULT_LANG", "en")
    languages = list(settings.get("PORTAL", {}).get("languages", [default]))
    return [default] + [lang for lang in languages if lang != default]


def home_url(lang: str, settings: Mapping[str, Any]) -> str:
    """The URL (relative to SITEURL) of `lang`'s home page: "" for the default."""
    if lang == settings.get("DEFAULT_LANG", "en"):
        return ""
    return read_settings(settings)["home_url"].format(lang=lang)


def load_catalogs(theme: str, languages: list[str]) -> dict[str, NullTranslations]:
    """Compile each language's .po file into gettext translations."""
    catalogs: dict[str, NullTranslations] = {}
    for lang in languages:
        po_path = os.path.join(theme, "translations", lang, "LC_MESSAGES", "messages.po")
        if not os.path.exists(po_path):
            catalogs[lang] = NullTranslations()
            continue
        with open(po_path, "rb") as handle:
            catalog = read_po(handle, locale=lang)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        catalogs[lang] = Translations(fp=buffer)
    return catalogs


def page_language(ctx: Mapping[str, Any]) -> str:
    lang = ctx.get("page_lang")
    if not lang:
        item = ctx.get("article") or ctx.get("page")
        lang = getattr(item, "lang", None)
    return lang or ctx.get("DEFAULT_LANG") or "en"


class InterfaceStrings:
    """The gettext callables installed into every generator's Jinja environment.

    The callables take no Jinja context: Jinja derives a copy of the whole context for
    every call of a context function made in a loop, macro or block with variables
    (some 70 per page). Instead, each template render notes its page's language and
    autoescaping once (`render_in_page_language`), and the callables read them.
    """

    def __init__(
        self,
        catalogs: dict[str, NullTranslations],
        default_lang: str,
        shared_modules: str = "",
    ):
        self.catalogs = catalogs
        self.default_lang = default_lang
        self.shared_modules = shared_modules  # I18N["shared_modules"]
        self._null = NullTranslations()
        # The page being rendered: its language, catalog and autoescaping.
        self.lang = default_lang
        self.translations: NullTranslations = catalogs.get(default_lang, self._null)
        self.autoescape = True
        # A message without variables is translated and formatted once per language.
        self._done: dict[tuple[str, str, bool], str] = {}

    def _enter(self, lang: str, autoescape: bool) -> tuple[str, NullTranslations, bool]:
        """Make `lang` the page's language; returns what to restore afterwards."""
        previous = (self.lang, self.translations, self.autoescape)
        self.lang, self.autoescape = lang, autoescape
        self.translations = self.catalogs.get(lang, self._null)
        return previous

    def _leave(self, previous: tuple[str, NullTranslations, bool]) -> None:
        self.lang, self.translations, self.autoescape = previous

    def gettext(self, message: str, **variables: Any) -> str:
        """Jinja's new-style gettext (translate, escape, then `% variables`), memoized."""
        autoescape = self.autoescape
        if variables:
            text = self.translations.gettext(message)
            return (Markup(text) if autoescape else text) % variables
        key = (self.lang, message, autoescape)
        done = self._done.get(key)
        if done is None:
            text = self.translations.gettext(message)
            done = self._done[key] = (Markup(text) if autoescape else text) % {}
        return done

    def ngettext(self, singular: str, plural: str, num: int, **variables: Any) -> str:
        """Jinja's new-style ngettext: `num` is also the `%(num)s` variable."""
        variables.setdefault("num", num)
        text = self.translations.ngettext(singular, plural, num)
        return (Markup(text) if self.autoescape else text) % variables

    def gettext_in(self, lang: str, message: str) -> str:
        """`message` in `lang` rather than the page's language (a link's target)."""
        return self.catalogs.get(lang, self._null).gettext(message)

    def install(self, env: Any) -> None:
        env.install_gettext_callables(self.gettext, self.ngettext, newstyle=True)
        # Already new-style: in place of the context functions Jinja wraps them in.
        env.globals.update(_=self.gettext, gettext=self.gettext, ngettext=self.ngettext)
        env.globals["gettext_in"] = self.gettext_in
        env.template_class = _template_class(env.template_class, self)
        env.filters["localdate"] = localdate
        env.filters["country_name"] = country_name
        env.filters["localmonth"] = localmonth
        env.globals["page_language"] = pass_context(page_language)
        env.globals["language_versions"] = pass_context(language_versions)
        env.globals["page_link"] = pass_context(page_link)
        env.globals["home_link"] = pass_context(home_link)
        env.globals["render_once"] = render_once


def _template_class(base: type[Template], strings: InterfaceStrings) -> type[Template]:
    """`base` whose render() sets the page's language for the gettext callables."""
    if getattr(base, "interface_strings", None) is strings:
        return base

    class PageLanguageTemplate(base):  # type: ignore[misc, valid-type]
        interface_strings = strings

        def make_module(
            self,
            vars: dict[str, Any] | None = None,
            shared: bool = False,
            locals: Mapping[str, Any] | None = None,
        ) -> Any:
            """A shared macro module (`I18N["shared_modules"]`): once per SITEURL and language.

            `{% import ... with context %}` otherwise runs the module again for every
            page (a context copy and every macro made anew: ~0.1 ms each time).
            """
            prefix = strings.shared_modules
            if (
                not prefix
                or not shared
                or vars is None
                or not (self.name or "").startswith(prefix)
                or any(value is not missing for value in (locals or {}).values())
            ):
                return super().make_module(vars, shared, locals)
            key = (id(self.environment), self.name, vars.get("SITEURL"), page_language(vars))
            module = _modules.get(key)
            if module is None:
                module = _modules[key] = super().make_module(vars, shared, locals)
            return module

        def render(self, *args: Any, **kwargs: Any) -> str:
            context = self.new_context(dict(*args, **kwargs))
            previous = strings._enter(page_language(context), context.eval_ctx.autoescape)
            try:
                return self.environment.concat(self.root_render_func(context))  # type: ignore[attr-defined]
            except Exception:
                self.environment.handle_exception()
            finally:
                strings._leave(previous)

    return PageLanguageTemplate


# Formatted dates and country names, by what they are made of: a page formats some
# twenty dates, most of them shown on many pages (Babel's formatting dominates).
_formatted: dict[tuple[Any, ...], str] = {}


def _date_key(value: Any) -> tuple[Any, ...] | None:
    """What a date's formatting depends on, or None when it cannot be a dict key.

    Equal aware datetimes may be in different zones: the UTC offset makes the key
    name the local time that is formatted.
    """
    moment = getattr(value, "time", None) if hasattr(value, "display") else value
    offset = moment.utcoffset() if isinstance(moment, dt.datetime) else None
    key = (type(value), value, offset)
    try:
        hash(key)
    except TypeError:
        return None
    return key


def format_localdate(value: Any, lang: str, with_time: bool = False) -> str:
    """A datetime, date or PartialDate in `lang`, formatted once per build."""
    value_key = _date_key(value)
    key = (value_key, lang, with_time) if value_key is not None else None
    text = _formatted.get(key) if key is not None else None
    if text is None:
        if hasattr(value, "display"):  # a PartialDate knows its own precision
            text = value.display(lang)
        else:
            pattern = _DATE_PATTERNS.get(lang, _DATE_PATTERNS["en"])
            if isinstance(value, dt.datetime):
                if with_time:
                    text = format_datetime(value, pattern + ", HH:mm", locale=lang)
                else:
                    text = format_date(value.date(), pattern, locale=lang)
            else:
                text = format_date(value, pattern, locale=lang)
        if key is not None:
            _formatted[key] = text
    return text


@pass_context
def localdate(ctx: Context, value: Any, lang: str | None = None, with_time: bool = False) -> str:
    """Format a datetime, date or PartialDate in the page's language."""
    return format_localdate(value, lang or page_language(ctx), with_time)


@pass_context
def localmonth(ctx: Context, value: dt.date, lang: str | None = None) -> str:
    """A month and year in the page's language: "July 2009", "Juli 2009"."""
    lang = lang or page_language(ctx)
    day = value.date() if isinstance(value, dt.datetime) else value
    key = ("month", day.year, day.month, lang)
    text = _formatted.get(key)
    if text is None:
        text = _formatted[key] = format_date(day, "LLLL y", locale=lang)
    return text


@pass_context
def country_name(ctx: Context, code: str, lang: str | None = None) -> str:
    lang = lang or page_language(ctx)
    key = ("country", code, lang)
    name = _formatted.get(key)
    if name is None:
        name = _formatted[key] = Locale.parse(lang).territories.get(code, code)
    return name


# Template fragments that are the same on many pages, by what they are made of.
_fragments: dict[tuple[Any, ...], str] = {}
# Shared macro modules (`PageLanguageTemplate.make_module`), by what they are made of.
_modules: dict[tuple[Any, ...], Any] = {}


def render_once(*key: Any, caller: Callable[[], str]) -> str:
    """What a `{% call %}` block of this function renders, rendered once per build.

    `key` must name everything the block's output depends on (usually SITEURL and
    the page's language; a list in it stands for its items); the block must not read
    content bodies, since a page that reuses the output would not record them as
    used (portal.incremental).
    """
    key = tuple(tuple(part) if isinstance(part, list) else part for part in key)
    text = _fragments.get(key)
    if text is None:
        text = _fragments[key] = caller()
    return text


@dataclass(frozen=True)
class LanguageVersion:
    """Where the current page is in one site language."""

    lang: str
    url: str  # relative to SITEURL; "" is the home page
    current: bool  # the page being rendered
    equivalent: bool  # the same page in `lang`; False: `lang`'s home stands in


def language_versions(ctx: Mapping[str, Any]) -> list[LanguageVersion]:
    """Each site language's version of the page being rendered, the default first.

    An article or page links to its translations, a home page to the other homes, a
    generated page to the `page_versions` its generator passes ([(lang, url), ...]);
    where no translation exists the other language's home stands in (never a
    dead link).
    """
    lang = page_language(ctx)
    versions: dict[str, LanguageVersion] = {}
    item = ctx.get("article") or ctx.get("page")
    home = ctx.get("language_home") or (ctx.get("page_name") == "index" and lang)
    languages = site_languages(ctx)
    given = ctx.get("page_versions")  # (lang, url) pairs from a generator's own pages
    if given:
        for code, url in given:
            versions[code] = LanguageVersion(code, url, code == lang, True)
    elif home:
        for code in languages:
            versions[code] = LanguageVersion(code, home_url(code, ctx), code == lang, True)
    elif item is not None and getattr(item, "url", None) is not None:
        versions[lang] = LanguageVersion(lang, item.url, True, True)
        for translation in getattr(item, "translations", ()):
            versions.setdefault(
                translation.lang,
                LanguageVersion(translation.lang, translation.url, False, True),
            )
    else:
        url = ctx.get("url") or ""
        versions[lang] = LanguageVersion(lang, url, True, False)
    for code in languages:
        versions.setdefault(code, LanguageVersion(code, home_url(code, ctx), False, False))
    order = {code: i for i, code in enumerate(languages)}
    return sorted(versions.values(), key=lambda v: order.get(v.lang, len(order)))


def home_link(ctx: Mapping[str, Any], lang: str | None = None) -> str:
    """The URL of the home page in `lang` (default: the page's language)."""
    return home_url(lang or page_language(ctx), ctx)


def page_link(ctx: Mapping[str, Any], slug: str) -> str:
    """The URL of the fixed page `slug` in the page's language, else in any language.

    Looks the page up in `I18N_PAGES`, the index built once per build; an empty
    string (the home) when no such page exists.
    """
    pages = ctx.get("I18N_PAGES") or {}
    found = pages.get((slug, page_language(ctx))) or pages.get((slug, ""))
    return found.url if found is not None else ""


def index_pages(pages: Iterable[Any], default_lang: str) -> dict[tuple[str, str], Any]:
    """Fixed pages by (slug, lang); (slug, "") holds the default-language one."""
    index: dict[tuple[str, str], Any] = {}
    for page in pages:
        for version in (page, *page.translations):
            index[(version.slug, version.lang)] = version
            if version.lang == default_lang or (version.slug, "") not in index:
                index[(version.slug, "")] = version
    return index


def articles_in(articles: Iterable[Any], lang: str) -> list[Any]:
    """Every published article in `lang` (originals and translations), newest first."""
    found = []
    for article in articles:
        for version in (article, *article.translations):
            if version.lang == lang:
                found.append(version)
    return sorted(found, key=lambda a: (a.date, a.slug), reverse=True)


class LanguageHomesGenerator(Generator):
    """Writes a home page for each further language, e.g. `/de/`, paginated."""

    def generate_context(self) -> None:
        """Nothing to read: Pelican's generators have read the articles."""

    def generate_output(self, writer: Any) -> None:
        options = read_settings(self.settings)
        default = self.settings["DEFAULT_LANG"]
        template = self.get_template("index")
        for lang in site_languages(self.settings):
            if lang == default:
                continue
            items = articles_in(self.context.get("articles", []), lang)
            save_as = options["home_save_as"].format(lang=lang)
            writer.write_file(
                save_as,
                template,
                self.context,
                relative_urls=self.settings["RELATIVE_URLS"],
                paginated={"articles": items, "dates": items},
                template_name="index",
                url=home_url(lang, self.settings),
                page_name=os.path.dirname(save_as) or lang,
                page_lang=lang,
                language_home=lang,
            )


def add_generator(_pelican: Any) -> type:
    return LanguageHomesGenerator


def add_page_index(generators: list[Any]) -> None:
    context = generators[0].context
    context["I18N_PAGES"] = index_pages(
        context.get("pages", []), generators[0].settings["DEFAULT_LANG"]
    )


_strings: InterfaceStrings | None = None


def prepare(pelican: Any) -> None:
    global _strings
    _formatted.clear()
    _fragments.clear()
    _modules.clear()
    settings = pelican.settings
    options = read_settings(settings)  # an unknown I18N key fails the build at once
    languages = list(settings.get("PORTAL", {}).get("languages", [settings["DEFAULT_LANG"]]))
    _strings = InterfaceStrings(
        load_catalogs(settings["THEME"], languages),
        settings["DEFAULT_LANG"],
        options["shared_modules"],
    )


def install(generator: Any) -> None:
    if _strings is not None and hasattr(generator, "env"):
        _strings.install(generator.env)


def register() -> None:
    # Compile the catalogs once per build.
    signals.initialized.connect(prepare)
    # Give every generator's template environment the gettext callables.
    signals.generator_init.connect(install)
    # Fixed pages by slug and language, for footer links in the page's language.
    signals.all_generators_finalized.connect(add_page_index)
    # A home page for each further language (/de/), after articles are read.
    signals.get_generators.connect(add_generator)
