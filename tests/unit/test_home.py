"""plugins/home: the home page's events, MOUs and ranking highlight, from the site index."""

from __future__ import annotations

import datetime as dt

import pytest
from home import highlights, latest_ranking, read_settings
from portal.dates import parse_partial_date
from portal.index import CityPage, EventPage, MouPage, SiteIndex
from portal.model import City, Event, Mou, Ranking

TZ = dt.UTC


def date(text: str):
    return parse_partial_date(text, TZ)


def page(cls, record):
    """A real Pelican page carrying a record, as the portal generator makes them."""
    item = cls("", metadata={"title": getattr(record, "title", "") or record.slug,
                             "slug": record.slug})
    item.record = record
    return item


def city(slug: str, *rankings: Ranking) -> CityPage:
    return page(CityPage, City(path=f"cities/{slug}.md", slug=slug, name=slug.title(),
                                country="KR", region="Asia", rankings=rankings))


def event(slug: str, start: str, end: str | None = None) -> EventPage:
    return page(EventPage, Event(path=f"events/{slug}.md", slug=slug, title=slug,
                                 start=date(start), end=date(end) if end else None,
                                 city="seoul"))


def mou(slug: str, signed: str) -> MouPage:
    return page(MouPage, Mou(path=f"mous/{slug}.md", slug=slug, parties=("seoul", "x"),
                             signed=date(signed), title=slug))


def options(**given):
    return read_settings({"HOME": given, "PORTAL": {"today": dt.date(2010, 9, 7)}})


def test_events_still_running_today_are_upcoming_and_past_ones_recent():
    index = SiteIndex.build(
        [],
        [],
        [],
        [event("old", "2008-07"), event("cio", "2009-09-23", "2009-09-30"),
         event("assembly", "2010-09-06", "2010-09-08"), event("next", "2011")],
    )
    found = highlights(index, options())
    assert [e.record.slug for e in found.upcoming_events] == ["assembly", "next"]
    assert [e.record.slug for e in found.recent_events] == ["cio", "old"]
    assert found.today == dt.date(2010, 9, 7)


def test_a_month_long_event_lasts_to_the_end_of_the_month():
    index = SiteIndex.build([], [], [], [event("september", "2010-09")])
    assert highlights(index, read_settings({"HOME": {"today": dt.date(2010, 9, 30)}})
                      ).upcoming_events
    assert not highlights(index, read_settings({"HOME": {"today": dt.date(2010, 10, 1)}})
                          ).upcoming_events


def test_recent_mous_are_the_latest_first_and_limited():
    mous = [mou(f"m{i}", f"2009-06-{10 + i}") for i in range(7)]
    index = SiteIndex.build([], [], mous, [])
    found = highlights(index, options(mous=3))
    assert [m.record.slug for m in found.recent_mous] == ["m6", "m5", "m4"]
    assert highlights(index, options(mous=0)).recent_mous == ()


def test_the_ranking_highlight_is_the_latest_edition_best_first():
    survey = "100 Cities Survey"
    cities = [
        city("seoul", Ranking(2007, 1, survey, "Rutgers", "a"), Ranking(2009, 1, survey,
                                                                         "Rutgers", "b")),
        city("hong-kong", Ranking(2009, 2, survey, "Rutgers", "b")),
        city("new-york", Ranking(2009, 3, survey, "Rutgers", "b")),
        city("tokyo", Ranking(2007, 2, "Other survey", "Someone", "c")),
    ]
    ranking = latest_ranking(cities, limit=2)
    assert (ranking.survey, ranking.year, ranking.ranked_by) == (survey, 2009, "Rutgers")
    assert [(p.rank, p.city.record.slug) for p in ranking.placings] == [
        (1, "seoul"),
        (2, "hong-kong"),
    ]
    assert latest_ranking([city("nowhere")], limit=5) is None


def test_unknown_home_settings_are_an_error():
    with pytest.raises(ValueError, match="unknown setting.*mou.*known: events"):
        read_settings({"HOME": {"mou": 3}})
