"""Feed entries and documents as plain values; articles, MOUs and events as entries.

Entry IDs are `tag:` URIs (RFC 4151) that never change once published:

- article: `tag:<id_authority>,<first publication date YYYY-MM-DD>:<Id>`, plus
  `/<lang>` for a language other than the default (translations share the `Id:`);
  the title, slug, summary, category and the site URL may all change.
- MOU: `tag:<id_authority>,<id_date>:mou/<slug>`; event: `…:event/<slug>` (these
  records have no `Id:` field: their slug, by default the file name, is the key).

Everything inside an entry is absolute: links and image sources in the content are
resolved against the entry's own URL, which is built from the feeds' site URL.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from html import escape, unescape
from operator import attrgetter
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import html as lxml_html
from lxml.html import defs
from portal.dates import PartialDate

from .settings import FeedSettings

Gettext = Callable[[str, str], str]  # (lang, message) -> translated message


@dataclass(frozen=True)
class Link:
    href: str
    rel: str = "alternate"
    type: str | None = None
    hreflang: str | None = None
    title: str | None = None
    length: int | None = None


@dataclass(frozen=True)
class Category:
    term: str
    scheme: str
    label: str


@dataclass(frozen=True)
class Enclosure:
    """An entry's lead image."""

    url: str
    type: str
    length: int
    alt: str


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    url: str
    lang: str
    published: dt.datetime
    updated: dt.datetime
    summary: str
    content_html: str
    sort_key: tuple
    authors: tuple[str, ...] = ()
    categories: tuple[Category, ...] = ()
    image: Enclosure | None = None
    translations: tuple[Link, ...] = ()  # alternates in other languages

    @property
    def links(self) -> tuple[Link, ...]:
        """Its page, its translations (with hreflang) and its lead image."""
        own = Link(self.url, "alternate", "text/html", self.lang, self.title)
        enclosure = (
            (
                Link(
                    self.image.url,
                    "enclosure",
                    self.image.type,
                    None,
                    self.image.alt,
                    self.image.length,
                ),
            )
            if self.image
            else ()
        )
        return (own, *self.translations, *enclosure)


@dataclass(frozen=True)
class FeedDocument:
    """One feed file's worth: metadata, entries (newest first) and extra links."""

    id: str
    title: str
    subtitle: str
    lang: str
    author: str
    self_url: str
    home_url: str
    updated: dt.datetime
    entries: tuple[Entry, ...]
    links: tuple[Link, ...] = ()  # hub, prev-archive, next-archive, current
    archive: bool = False  # an RFC 5005 archive document
    next_url: str | None = None  # JSON Feed: the next (older) page
    hub: str | None = None
    stylesheet: str | None = None  # site-root path of the XSL, for browsers


def newest_first(entries: Iterable[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda e: e.sort_key, reverse=True)


# An article entry's `sort_key`, from its header alone (no entry made).
article_sort_key: Callable[[Any], tuple] = attrgetter("record.date", "record.id", "record.lang")


def record_sort_key(page: Any) -> tuple:
    """A MOU's or event's entry `sort_key`: its record's."""
    return page.record.sort_key


def newest_update(entries: Iterable[Entry], default: dt.datetime) -> dt.datetime:
    """A feed's `updated`: its newest entry's, so the same content gives the same bytes."""
    return max((e.updated for e in entries), default=default)


# --------------------------------------------------------------------------
# Absolute links inside HTML

_URL_ATTRS = frozenset(defs.link_attrs) | {"poster"}  # lxml resolves all but poster
# Possessive quantifiers: the same matches as plain ones (giving a character back can
# never let "=" or a value follow), without backtracking through every word of text.
_ATTRIBUTE = re.compile(r"""\s([A-Za-z:-]++)\s*+=\s*+("[^"]*+"|'[^']*+'|[^\s"'>]++)""")
_SRCSET_ITEM = re.compile(r"\s*(\S+)(\s+[^,]+)?\s*(?:,|$)")


def absolutize_html(html: str, base_url: str) -> str:
    """`html` with every relative href, src, srcset, poster… resolved against `base_url`."""
    if not html or not html.strip() or _all_absolute(html):
        return html or ""  # the common case: Pelican already wrote absolute site links
    root = lxml_html.fragment_fromstring(html, create_parent="div")
    root.make_links_absolute(base_url, resolve_base_href=False, handle_failures="ignore")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.get("srcset"):
            element.set("srcset", _absolute_srcset(element.get("srcset"), base_url))
        if element.get("poster"):
            element.set("poster", urljoin(base_url, element.get("poster").strip()))
    parts = [escape(root.text, quote=False) if root.text else ""]
    parts += [lxml_html.tostring(child, encoding="unicode") for child in root]
    return "".join(parts)


def _all_absolute(html: str) -> bool:
    """True when no URL attribute in `html` is relative (a quick scan; when in doubt, False)."""
    for name, quoted in _ATTRIBUTE.findall(html):
        name = name.lower()
        if name != "srcset" and name not in _URL_ATTRS:
            continue
        value = unescape(quoted.strip("\"'")).strip()
        urls = [value]
        if name == "srcset":
            urls = [part.split()[0] for part in value.split(",") if part.strip()]
        if not all(urlsplit(url).scheme for url in urls):
            return False
    return True


def _absolute_srcset(value: str, base_url: str) -> str:
    items = []
    for match in _SRCSET_ITEM.finditer(value):
        if match.group(1):
            items.append(urljoin(base_url, match.group(1)) + (match.group(2) or ""))
    return ", ".join(items)


# --------------------------------------------------------------------------
# Entries from content


@dataclass
class EntryFactory:
    """Turns articles, MOUs and events into entries, each exactly once."""

    settings: FeedSettings
    portal: Any  # the SiteIndex
    gettext: Gettext
    _cache: dict[int, Entry] = field(default_factory=dict, repr=False)

    def _zone(self, moment: dt.datetime) -> dt.datetime:
        return moment.astimezone(self.settings.timezone)

    def _tag(self, date: str, specific: str) -> str:
        return f"tag:{self.settings.id_authority},{date}:{specific}"

    def article_id(self, record: Any) -> str:
        specific = record.id
        if record.lang != self.settings.default_lang:
            specific += f"/{record.lang}"
        return self._tag(f"{record.date:%Y-%m-%d}", specific)

    def article_updated(self, article: Any) -> dt.datetime:
        """An article entry's `updated`, from its header alone (no entry made)."""
        record = article.record
        return self._zone(record.modified or record.date)

    def remember(self, item: Any, entry: Entry) -> None:
        """Take `entry` as the entry of `item` (an article, MOU or event page)."""
        self._cache[id(item)] = entry

    def article(self, article: Any) -> Entry:
        cached = self._cache.get(id(article))
        if cached is not None:
            return cached
        record = article.record
        url = self.settings.url(article.url)
        content = article.get_content(self.settings.site_url)
        entry = Entry(
            id=self.article_id(record),
            title=article.title,
            url=url,
            lang=record.lang,
            published=self._zone(record.date),
            updated=self.article_updated(article),
            summary=record.summary,
            content_html=absolutize_html(content, url),
            sort_key=article_sort_key(article),
            authors=tuple(record.authors),
            categories=self._categories(record),
            image=self._image(record),
            translations=tuple(
                Link(self.settings.url(t.url), "alternate", "text/html", t.lang, t.title)
                for t in sorted(article.translations, key=lambda t: t.lang)
            ),
        )
        self._cache[id(article)] = entry
        return entry

    def _categories(self, record: Any) -> tuple[Category, ...]:
        from portal.slugs import slugify

        category = Category(
            slugify(record.category), self.settings.url("category/"), record.category
        )
        tags = tuple(Category(slugify(tag), self.settings.url("tag/"), tag) for tag in record.tags)
        return (category, *tags)

    def _image(self, record: Any) -> Enclosure | None:
        image = record.image
        if image is None:
            return None
        media_type = mimetypes.guess_type(image.path)[0] or "application/octet-stream"
        path = os.path.join(self.settings.content_path, image.path)
        length = os.path.getsize(path) if os.path.isfile(path) else 0
        return Enclosure(self.settings.url(image.path), media_type, length, image.alt)

    # MOUs and events: dated by the portal's articles that report them

    def _reported(
        self, sources: Iterable[str], fallback: PartialDate
    ) -> tuple[dt.datetime, dt.datetime]:
        """(first, last) publication of the source articles: when the portal said so."""
        articles = [a for a in (self.portal.article(ref) for ref in sources) if a is not None]
        if not articles:
            moment = self._zone(fallback.earliest(self.settings.timezone))
            return moment, moment
        first = min(a.record.date for a in articles)
        last = max(a.record.modified or a.record.date for a in articles)
        return self._zone(first), self._zone(last)

    def _source_list(self, sources: Iterable[str], lang: str) -> str:
        items = []
        for ref in sources:
            article = self.portal.article(ref)
            if article is not None:
                href = escape(self.settings.url(article.url))
                items.append(f'<li><a href="{href}">{escape(article.title)}</a></li>')
            else:
                items.append(f"<li>{escape(ref)}</li>")
        heading = escape(self.gettext(lang, "Sources"))
        return f"<h2>{heading}</h2><ul>{''.join(items)}</ul>"

    def _city(self, slug: str) -> str:
        city = self.portal.city(slug)
        if city is None:
            return escape(slug)
        href = escape(self.settings.url(city.url))
        return f'<a href="{href}">{escape(city.record.name)}</a>'

    def _city_name(self, slug: str) -> str:
        city = self.portal.city(slug)
        return city.record.name if city is not None else slug

    def mou(self, page: Any) -> Entry:
        cached = self._cache.get(id(page))
        if cached is None:
            cached = self._cache[id(page)] = self._mou(page)
        return cached

    def _mou(self, page: Any) -> Entry:
        record = page.record
        lang = self.settings.default_lang
        _ = lambda message: escape(self.gettext(lang, message))  # noqa: E731
        url = self.settings.url(page.url)
        if record.signed is not None:
            signed = escape(record.signed.display(lang))
        else:
            signed = f"{_('Date not published')} — {_('reported by')} " + escape(
                record.reported.display(lang)
            )
        facts = (
            f"<dl><dt>{_('Signed')}</dt><dd>{signed}</dd>"
            f"<dt>{_('Parties')}</dt><dd>{', '.join(self._city(p) for p in record.parties)}</dd>"
            f"<dt>{_('Scope')}</dt><dd>{escape(record.scope)}</dd>"
            f"<dt>{_('Status')}</dt><dd>{escape(record.status)}</dd></dl>"
        )
        body = absolutize_html(page.get_content(self.settings.site_url), url)
        published, updated = self._reported(record.sources, record.when)
        return Entry(
            id=self._tag(self.settings.id_date, f"mou/{record.slug}"),
            title=record.title,
            url=url,
            lang=lang,
            published=published,
            updated=updated,
            summary=record.scope,
            content_html=facts + body + self._source_list(record.sources, lang),
            sort_key=record.sort_key,
            categories=tuple(
                Category(p, self.settings.url("cities/"), self._city_name(p))
                for p in record.parties
            ),
        )

    def event(self, page: Any) -> Entry:
        cached = self._cache.get(id(page))
        if cached is None:
            cached = self._cache[id(page)] = self._event(page)
        return cached

    def _event(self, page: Any) -> Entry:
        record = page.record
        lang = self.settings.default_lang
        _ = lambda message: escape(self.gettext(lang, message))  # noqa: E731
        url = self.settings.url(page.url)
        when = _time(record.start, lang)
        if record.end is not None:
            when += f" – {_time(record.end, lang)}"
        official = (
            f'<p><a href="{escape(record.url)}">{escape(record.url)}</a></p>' if record.url else ""
        )
        facts = (
            f"<dl><dt>{_('When')}</dt><dd>{when}</dd>"
            f"<dt>{_('Where')}</dt><dd>{escape(record.location)} ({self._city(record.city)})</dd>"
            f"<dt>{_('Organizer')}</dt><dd>{escape(record.organizer)}</dd></dl>"
        )
        body = absolutize_html(page.get_content(self.settings.site_url), url)
        published, updated = self._reported(record.sources, record.start)
        return Entry(
            id=self._tag(self.settings.id_date, f"event/{record.slug}"),
            title=record.title,
            url=url,
            lang=lang,
            published=published,
            updated=updated,
            summary=record.summary or record.title,
            content_html=facts + official + body + self._source_list(record.sources, lang),
            sort_key=record.sort_key,
            categories=(
                Category(record.city, self.settings.url("cities/"), self._city_name(record.city)),
            ),
        )


def _time(date: PartialDate, lang: str) -> str:
    return f'<time datetime="{escape(date.iso)}">{escape(date.display(lang))}</time>'


def language_entries(articles: Iterable[Any], lang: str) -> list[Any]:
    """Every published article in `lang`: originals and translations."""
    found = []
    for article in articles:
        for item in (article, *article.translations):
            if item.lang == lang:
                found.append(item)
    return found


def by_name(groups: Iterable[tuple[Any, list[Any]]]) -> Mapping[str, list[Any]]:
    """Pelican's (Category/Tag, articles) pairs as name -> articles."""
    return {str(item): list(articles) for item, articles in groups}
