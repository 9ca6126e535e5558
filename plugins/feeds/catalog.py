"""The feed URL scheme and the catalog of every feed the site publishes.

A feed is a `FeedRef` (kind + key, e.g. ("city", "seoul")); its files live at
`feeds/<path>.<extension>` and its archive pages at
`feeds/archive/<path>/<n>.<extension>`. Templates reach the scheme through the
Jinja global `feed_links()`, never by building URL strings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from babel import Locale
from pelican.urlwrappers import URLWrapper
from portal.slugs import slugify

FEEDS_DIR = "feeds"

# format -> (file extension, media type, name shown to people)
FORMATS: dict[str, tuple[str, str, str]] = {
    "atom": ("atom.xml", "application/atom+xml", "Atom"),
    "rss": ("rss.xml", "application/rss+xml", "RSS"),
    "json": ("json", "application/feed+json", "JSON Feed"),
    "ics": ("ics", "text/calendar", "iCalendar"),
}
SYNDICATION_FORMATS = ("atom", "rss", "json")  # what a feed reader subscribes to

KINDS = ("all", "lang", "category", "tag", "city", "mous", "events")


@dataclass(frozen=True)
class FeedRef:
    """One logical feed: what it holds, its name, language and formats."""

    kind: str  # one of KINDS
    key: str = ""  # language code or slug; "" for all, mous, events
    name: str = ""  # category, tag, city or language name, for titles
    lang: str = "en"  # the language of its titles (entries may differ)
    formats: tuple[str, ...] = ("atom", "rss")

    @property
    def path(self) -> str:
        """E.g. "all", "city/seoul", "lang/de"."""
        return f"{self.kind}/{self.key}" if self.key else self.kind

    def url(self, fmt: str) -> str:
        """Site-relative URL of the subscription file, e.g. "feeds/city/seoul.atom.xml"."""
        return f"{FEEDS_DIR}/{self.path}.{FORMATS[fmt][0]}"

    def archive_url(self, fmt: str, number: int) -> str:
        """Site-relative URL of archive page `number` (1 is the oldest)."""
        return f"{FEEDS_DIR}/archive/{self.path}/{number}.{FORMATS[fmt][0]}"

    def links(self) -> list[FeedLink]:
        return [FeedLink(self, fmt) for fmt in self.formats]


@dataclass(frozen=True)
class FeedLink:
    """One file of one feed, for `<link rel="alternate">` and subscribe links."""

    ref: FeedRef
    format: str

    @property
    def url(self) -> str:
        return self.ref.url(self.format)

    @property
    def media_type(self) -> str:
        return FORMATS[self.format][1]

    @property
    def format_name(self) -> str:
        return FORMATS[self.format][2]


@dataclass
class Catalog:
    """Every feed of the site, by section, with lookups by kind and key."""

    site: FeedRef
    languages: list[FeedRef] = field(default_factory=list)
    categories: list[FeedRef] = field(default_factory=list)
    tags: list[FeedRef] = field(default_factory=list)
    cities: list[FeedRef] = field(default_factory=list)
    mous: FeedRef | None = None
    events: FeedRef | None = None
    _by_key: dict[tuple[str, str], FeedRef] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_key = {(ref.kind, ref.key): ref for ref in self.all()}

    def all(self) -> list[FeedRef]:
        refs = [self.site, *self.languages, *self.categories, *self.tags, *self.cities]
        return refs + [ref for ref in (self.mous, self.events) if ref is not None]

    def get(self, kind: str, key: str = "") -> FeedRef | None:
        return self._by_key.get((kind, key))

    def files(self) -> list[FeedLink]:
        """Every subscription file (no archive pages), in catalog order."""
        return [link for ref in self.all() for link in ref.links()]


def language_name(lang: str) -> str:
    """A language's name in itself: "English", "Deutsch"."""
    try:
        return Locale.parse(lang).get_display_name(lang).capitalize()
    except (ValueError, TypeError):
        return lang


def build_catalog(
    *,
    default_lang: str,
    languages: Iterable[str],
    categories: Iterable[str],
    tags: Iterable[str],
    cities: Mapping[str, str],
) -> Catalog:
    """The catalog: `categories`/`tags` are names, `cities` maps slug to name."""
    by_slug = lambda names: {slugify(n): n for n in sorted(set(names), key=str.lower)}  # noqa: E731
    return Catalog(
        site=FeedRef("all", lang=default_lang, formats=("atom", "rss", "json")),
        languages=[FeedRef("lang", lang, language_name(lang), lang) for lang in languages],
        categories=[
            FeedRef("category", slug, name, default_lang)
            for slug, name in by_slug(categories).items()
        ],
        tags=[FeedRef("tag", slug, name, default_lang) for slug, name in by_slug(tags).items()],
        cities=[
            FeedRef("city", slug, name, default_lang, ("atom", "rss", "json"))
            for slug, name in sorted(cities.items(), key=lambda item: item[1].lower())
        ],
        mous=FeedRef("mous", lang=default_lang),
        events=FeedRef("events", lang=default_lang, formats=("atom", "rss", "ics")),
    )


def links_for_page(catalog: Catalog, ctx: Mapping[str, Any], page_lang: str) -> list[FeedLink]:
    """The feeds a page advertises: the site's, then its context's; no duplicates.

    A city page (`city`), tag page (`tag`), category page (`category`), a page in a
    further language, event pages and MOU pages each add their own feed.
    """
    refs: list[FeedRef | None] = [catalog.site]
    if page_lang != catalog.site.lang:
        refs.append(catalog.get("lang", page_lang))
    city = ctx.get("city")
    record = getattr(city, "record", None)
    if record is not None and getattr(record, "slug", None):
        refs.append(catalog.get("city", record.slug))
    for kind in ("category", "tag"):  # an article page has its `category` too
        item = ctx.get(kind)
        if isinstance(item, URLWrapper):
            refs.append(catalog.get(kind, slugify(item.name)))
    output_file = str(ctx.get("output_file") or "")
    if ctx.get("event") is not None or output_file.startswith("events/"):
        refs.append(catalog.events)
    if ctx.get("mou") is not None or output_file.startswith("mous/"):
        refs.append(catalog.mous)
    seen: set[str] = set()
    links = []
    for ref in refs:
        for link in ref.links() if ref else ():
            if link.url not in seen:
                seen.add(link.url)
                links.append(link)
    return links
