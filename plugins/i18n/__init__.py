"""Interface strings in every site language: Babel catalogs behind Jinja2's i18n.

Catalogs live in `theme/translations/<lang>/LC_MESSAGES/messages.po` and are
compiled in memory at start-up (no .mo files to keep in sync). The language of a
string is the language of the page being rendered: `page_lang` if a template or
generator sets it, else the `lang` of the article or page, else DEFAULT_LANG.

Also adds the filters `localdate` (datetimes and partial dates, per language) and
`country_name` (ISO code → name in the page's language).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
from typing import Any

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from jinja2 import pass_context
from jinja2.runtime import Context
from pelican import signals

logger = logging.getLogger(__name__)

_DATE_PATTERNS = {"en": "d MMMM y", "de": "d. MMMM y"}


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


def page_language(ctx: Context) -> str:
    lang = ctx.get("page_lang")
    if not lang:
        item = ctx.get("article") or ctx.get("page")
        lang = getattr(item, "lang", None)
    return lang or ctx.get("DEFAULT_LANG") or "en"


class InterfaceStrings:
    """The gettext callables installed into every generator's Jinja environment."""

    def __init__(self, catalogs: dict[str, NullTranslations], default_lang: str):
        self.catalogs = catalogs
        self.default_lang = default_lang
        self._null = NullTranslations()

    def _for(self, ctx: Context) -> NullTranslations:
        return self.catalogs.get(page_language(ctx), self._null)

    def install(self, env: Any) -> None:
        @pass_context
        def gettext(ctx: Context, message: str) -> str:
            return self._for(ctx).gettext(message)

        @pass_context
        def ngettext(ctx: Context, singular: str, plural: str, n: int) -> str:
            return self._for(ctx).ngettext(singular, plural, n)

        env.install_gettext_callables(gettext, ngettext, newstyle=True)
        env.filters["localdate"] = localdate
        env.filters["country_name"] = country_name
        env.globals["page_language"] = pass_context(page_language)


@pass_context
def localdate(ctx: Context, value: Any, lang: str | None = None, with_time: bool = False) -> str:
    """Format a datetime, date or PartialDate in the page's language."""
    lang = lang or page_language(ctx)
    if hasattr(value, "display"):  # a PartialDate knows its own precision
        return value.display(lang)
    pattern = _DATE_PATTERNS.get(lang, _DATE_PATTERNS["en"])
    if isinstance(value, dt.datetime):
        if with_time:
            return format_datetime(value, pattern + ", HH:mm", locale=lang)
        return format_date(value.date(), pattern, locale=lang)
    return format_date(value, pattern, locale=lang)


@pass_context
def country_name(ctx: Context, code: str, lang: str | None = None) -> str:
    locale = Locale.parse(lang or page_language(ctx))
    return locale.territories.get(code, code)


_strings: InterfaceStrings | None = None


def prepare(pelican: Any) -> None:
    global _strings
    settings = pelican.settings
    languages = list(settings.get("PORTAL", {}).get("languages", [settings["DEFAULT_LANG"]]))
    _strings = InterfaceStrings(
        load_catalogs(settings["THEME"], languages), settings["DEFAULT_LANG"]
    )


def install(generator: Any) -> None:
    if _strings is not None and hasattr(generator, "env"):
        _strings.install(generator.env)


def register() -> None:
    # Compile the catalogs once per build.
    signals.initialized.connect(prepare)
    # Give every generator's template environment the gettext callables.
    signals.generator_init.connect(install)
