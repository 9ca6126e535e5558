"""The site index: every record, and every relation between records, indexed once.

Built after all content is read; templates and plugins look things up here
(`portal.articles_by_city["seoul"]`) instead of scanning all articles per page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pelican.contents import Page


class CityPage(Page):
    """A city profile; `record` is its `model.City`."""

    default_template = "city"


class MouPage(Page):
    """An MOU; `record` is its `model.Mou`."""

    default_template = "mou"


class EventPage(Page):
    """An event; `record` is its `model.Event`."""

    default_template = "event"


def newest_first(items: Iterable[Any]) -> list[Any]:
    return sorted(items, key=lambda a: (a.date, a.slug), reverse=True)


@dataclass
class SiteIndex:
    """Records by key and the relations between them; each list is sorted once."""

    cities: dict[str, CityPage] = field(default_factory=dict)
    mous: list[MouPage] = field(default_factory=list)  # oldest first
    events: list[EventPage] = field(default_factory=list)  # oldest first
    articles_by_id: dict[str, Any] = field(default_factory=dict)  # default language
    articles_by_city: dict[str, list[Any]] = field(default_factory=dict)  # newest first
    mous_by_city: dict[str, list[MouPage]] = field(default_factory=dict)
    events_by_city: dict[str, list[EventPage]] = field(default_factory=dict)
    mous_by_article: dict[str, list[MouPage]] = field(default_factory=dict)
    events_by_article: dict[str, list[EventPage]] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        articles: Iterable[Any],
        cities: Iterable[CityPage],
        mous: Iterable[MouPage],
        events: Iterable[EventPage],
    ) -> SiteIndex:
        """`articles`: the published originals (translations hang off them)."""
        index = cls()
        index.cities = {
            page.record.slug: page for page in sorted(cities, key=lambda p: p.record.name.lower())
        }
        index.mous = sorted(mous, key=lambda p: p.record.sort_key)
        index.events = sorted(events, key=lambda p: p.record.sort_key)
        by_city: dict[str, list[Any]] = defaultdict(list)
        for article in articles:
            index.articles_by_id[article.record.id] = article
            for slug in article.record.cities:
                by_city[slug].append(article)
        index.articles_by_city = {slug: newest_first(items) for slug, items in by_city.items()}
        index.mous_by_city = _group(index.mous, lambda p: p.record.parties)
        index.events_by_city = _group(index.events, lambda p: (p.record.city,))
        index.mous_by_article = _group(index.mous, lambda p: p.record.sources)
        index.events_by_article = _group(index.events, lambda p: p.record.sources)
        return index

    def city(self, slug: str) -> CityPage | None:
        return self.cities.get(slug)

    def article(self, article_id: str) -> Any | None:
        return self.articles_by_id.get(article_id)


def _group(items: list[Any], keys_of: Any) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = defaultdict(list)
    for item in items:
        for key in keys_of(item):
            grouped[key].append(item)
    return dict(grouped)
