"""What the search index knows of each page: its filters and its result metadata.

`describe(context)` looks at the page being rendered (an article, page, city, MOU
or event) and returns a `SearchEntry`; `partials/head_search.html` prints it as
`<meta name="search:…" data-pagefind-filter="…[content]">` elements, which
Pagefind reads from anywhere in the page. Filter values are stable keys (language
codes, content types) or names as the site shows them (city, category); the search
page offers exactly these values, from `options()`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from portal.model import ArticleMeta, City, Event, Mou, PageMeta

FILTERS = ("city", "category", "year", "language", "type")
TYPES = ("article", "mou", "event", "city", "page")


@dataclass(frozen=True)
class SearchEntry:
    """The filters of one indexed page, and the date shown with it in results."""

    filters: tuple[tuple[str, str], ...] = ()  # (filter, value); a filter may repeat
    date: str | None = None  # ISO 8601 at the date's own precision


def _city_names(portal: Any, slugs: Iterable[str]) -> list[str]:
    names = []
    for slug in slugs:
        page = portal.city(slug) if portal is not None else None
        names.append(page.record.name if page is not None else slug)
    return names


def page_url(output_file: str) -> str:
    """The URL (relative to the site root) a file is served at: folders end in /."""
    output_file = output_file.replace("\\", "/")
    if output_file == "index.html":
        return ""
    return output_file.removesuffix("index.html")


def describe(ctx: Mapping[str, Any], default_lang: str) -> SearchEntry | None:
    """The search entry of the page in `ctx`; None for listings, which are not indexed.

    The page's own content object is the one whose URL is the page's (an MOU
    partner listing has a `city` in its context too, but is not that city's page).
    """
    url = page_url(ctx.get("output_file") or "")
    for key in ("article", "city", "mou", "event", "page"):
        item = ctx.get(key)
        record = getattr(item, "record", None)
        if record is not None and getattr(item, "url", None) == url:
            lang = getattr(item, "lang", None) or default_lang
            return entry_for(record, ctx.get("portal"), lang)
    return None


def entry_for(record: Any, portal: Any, lang: str) -> SearchEntry | None:
    """The filters of one record, as the search page offers them."""
    pairs: list[tuple[str, str]] = []
    date = None
    if isinstance(record, ArticleMeta):
        assert record.date is not None
        pairs += [("type", "article"), ("category", record.category)]
        pairs += [("city", name) for name in _city_names(portal, record.cities)]
        pairs.append(("year", str(record.date.year)))
        date = record.date.date().isoformat()
    elif isinstance(record, City):
        pairs += [("type", "city"), ("city", record.name)]
    elif isinstance(record, Mou):
        pairs.append(("type", "mou"))
        pairs += [("city", name) for name in _city_names(portal, record.parties)]
        if record.signed is not None:  # an unknown signing date has no year to filter by
            pairs.append(("year", str(record.signed.year)))
            date = record.signed.iso
    elif isinstance(record, Event):
        assert record.start is not None
        pairs += [("type", "event"), ("city", *_city_names(portal, [record.city]))]
        pairs.append(("year", str(record.start.year)))
        date = record.start.iso
    elif isinstance(record, PageMeta):
        pairs.append(("type", "page"))
    else:
        return None
    pairs.append(("language", lang))
    return SearchEntry(tuple(pairs), date)


@dataclass(frozen=True)
class FilterOptions:
    """Every value each filter can take on this site, in the order offered."""

    city: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    year: tuple[str, ...] = ()  # newest first
    language: tuple[str, ...] = ()
    type: tuple[str, ...] = ()
    article_years: tuple[int, ...] = field(default=(), compare=False)  # with archives


def options(context: Mapping[str, Any], languages: Iterable[str]) -> FilterOptions:
    """The filter values of every indexed page, gathered once per build."""
    portal = context.get("portal")
    values: dict[str, set[str]] = {name: set() for name in FILTERS}
    article_years: set[int] = set()
    records: list[tuple[Any, str]] = []
    for article in context.get("articles", []):
        for version in (article, *article.translations):
            records.append((version.record, version.lang))
            article_years.add(version.record.date.year)
    for page in context.get("pages", []):
        for version in (page, *page.translations):
            records.append((version.record, version.lang))
    default = context.get("DEFAULT_LANG", "en")
    if portal is not None:
        records += [(page.record, default) for page in portal.cities.values()]
        records += [(page.record, default) for page in portal.mous]
        records += [(page.record, default) for page in portal.events]
    for record, lang in records:
        entry = entry_for(record, portal, lang)
        for name, value in entry.filters if entry else ():
            values[name].add(value)
    order = {code: i for i, code in enumerate(languages)}
    city_order = [p.record.name for p in portal.cities.values()] if portal is not None else []
    return FilterOptions(
        city=tuple(c for c in city_order if c in values["city"])
        + tuple(sorted(values["city"] - set(city_order))),
        category=tuple(sorted(values["category"], key=str.lower)),
        year=tuple(sorted(values["year"], reverse=True)),
        language=tuple(sorted(values["language"], key=lambda c: order.get(c, len(order)))),
        type=tuple(t for t in TYPES if t in values["type"]),
        article_years=tuple(sorted(article_years, reverse=True)),
    )
