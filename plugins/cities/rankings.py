"""E-government rankings, regrouped from every city's `record.rankings`.

A city file lists the ranks reported for it (`Ranking(year, rank, survey,
ranked_by, source)`). This module turns those into what the rankings page shows:
each survey edition with the ranks it published, the first places per survey, and
notes where two sources credit the same rank of the same city in the same year to
different bodies. Everything is computed from the records in one pass over the
cities; nothing about any city or survey is written here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from portal.model import Ranking


@dataclass(frozen=True)
class Attribution:
    """Who one source says gave a rank: the survey, its publisher, the article."""

    survey: str
    ranked_by: str
    source: str  # an article Id


@dataclass(frozen=True)
class Disagreement:
    """Sources that credit one city's rank in the same years to different bodies.

    `number` is the note's number on the page that shows it (1-based).
    """

    number: int
    city: Any  # a CityPage
    rank: int
    years: tuple[int, ...]
    attributions: tuple[Attribution, ...]

    def concerns(self, city_slug: str, ranking: Ranking) -> bool:
        """Whether `ranking` of the city `city_slug` is one of the disputed ranks."""
        return (
            city_slug == self.city.record.slug
            and ranking.rank == self.rank
            and ranking.year in self.years
            and Attribution(ranking.survey, ranking.ranked_by, ranking.source) in self.attributions
        )


@dataclass(frozen=True)
class Entry:
    """One city's rank in one edition, with the notes that concern it."""

    rank: int
    city: Any  # a CityPage
    source: str
    notes: tuple[int, ...] = ()


@dataclass(frozen=True)
class Edition:
    """One edition (year) of one survey with every rank it published."""

    survey: str
    ranked_by: str
    year: int
    entries: tuple[Entry, ...]  # best rank first

    @property
    def sources(self) -> tuple[str, ...]:
        """The articles reporting this edition, each once, in order of first use."""
        return tuple(dict.fromkeys(entry.source for entry in self.entries))


@dataclass(frozen=True)
class FirstPlace:
    """A city ranked first in one or more editions of one survey."""

    city: Any  # a CityPage
    years: tuple[int, ...]
    notes: tuple[int, ...] = ()


@dataclass(frozen=True)
class Series:
    """All editions of one survey by one body, newest first."""

    survey: str
    ranked_by: str
    editions: tuple[Edition, ...]

    @property
    def first_places(self) -> tuple[FirstPlace, ...]:
        """Cities ranked first, the most first places first, then by name."""
        years: dict[str, list[int]] = defaultdict(list)
        notes: dict[str, set[int]] = defaultdict(set)
        pages: dict[str, Any] = {}
        for edition in self.editions:
            for entry in edition.entries:
                if entry.rank == 1:
                    slug = entry.city.record.slug
                    pages[slug] = entry.city
                    years[slug].append(edition.year)
                    notes[slug].update(entry.notes)
        places = [
            FirstPlace(pages[slug], tuple(sorted(set(found))), tuple(sorted(notes[slug])))
            for slug, found in years.items()
        ]
        return tuple(sorted(places, key=lambda p: (-len(p.years), p.city.record.name.lower())))


@dataclass(frozen=True)
class Overview:
    """Everything the rankings page shows."""

    series: tuple[Series, ...]
    notes: tuple[Disagreement, ...]

    @property
    def edition_count(self) -> int:
        return sum(len(s.editions) for s in self.series)


def disagreements(cities: Iterable[Any], first_number: int = 1) -> list[Disagreement]:
    """Where sources credit one city's same rank in the same year to different bodies.

    Ranks of one city are grouped by (year, rank); a group is disputed when its
    rankings name more than one body *and* come from more than one source article
    (one article listing two bodies is not a disagreement between sources). Years
    with the same set of attributions become one note.
    """
    notes: list[Disagreement] = []
    for city in cities:
        groups: dict[tuple[int, int], set[Attribution]] = defaultdict(set)
        for ranking in city.record.rankings:
            groups[(ranking.year, ranking.rank)].add(
                Attribution(ranking.survey, ranking.ranked_by, ranking.source)
            )
        disputed: dict[tuple[int, tuple[Attribution, ...]], list[int]] = defaultdict(list)
        for (year, rank), found in groups.items():
            bodies = {a.ranked_by for a in found}
            sources = {a.source for a in found}
            if len(bodies) > 1 and len(sources) > 1:
                key = tuple(sorted(found, key=lambda a: (a.ranked_by, a.survey, a.source)))
                disputed[(rank, key)].append(year)
        for (rank, attributions), years in sorted(
            disputed.items(), key=lambda item: (min(item[1]), item[0][0])
        ):
            notes.append(
                Disagreement(
                    first_number + len(notes), city, rank, tuple(sorted(years)), attributions
                )
            )
    return notes


def overview(cities: Iterable[Any]) -> Overview:
    """The survey series with their editions, and the notes on disputed ranks."""
    cities = list(cities)
    notes = disagreements(cities)
    notes_by_city: dict[str, list[Disagreement]] = defaultdict(list)
    for note in notes:
        notes_by_city[note.city.record.slug].append(note)
    editions: dict[tuple[str, str, int], list[Entry]] = defaultdict(list)
    for city in cities:
        slug = city.record.slug
        for ranking in city.record.rankings:
            numbers = tuple(
                n.number for n in notes_by_city.get(slug, ()) if n.concerns(slug, ranking)
            )
            editions[(ranking.survey, ranking.ranked_by, ranking.year)].append(
                Entry(ranking.rank, city, ranking.source, numbers)
            )
    by_series: dict[tuple[str, str], list[Edition]] = defaultdict(list)
    for (survey, ranked_by, year), entries in editions.items():
        entries.sort(key=lambda e: (e.rank, e.city.record.name.lower()))
        by_series[(survey, ranked_by)].append(Edition(survey, ranked_by, year, tuple(entries)))
    series = [
        Series(survey, ranked_by, tuple(sorted(found, key=lambda e: -e.year)))
        for (survey, ranked_by), found in by_series.items()
    ]
    series.sort(key=lambda s: (-s.editions[0].year, s.survey.lower(), s.ranked_by.lower()))
    return Overview(tuple(series), tuple(notes))


class ChartSeries(NamedTuple):
    """One survey's ranks of one city: a line on its chart."""

    label: str
    points: list[tuple[int, int]]  # (year, rank), by year

    @property
    def by_rank(self) -> list[tuple[int, list[int]]]:
        """(rank, years) per distinct rank, in order of first year: for the text."""
        grouped: dict[int, list[int]] = {}
        for year, rank in self.points:
            grouped.setdefault(rank, []).append(year)
        return list(grouped.items())


def chart_series(rankings: Sequence[Ranking]) -> list[ChartSeries]:
    """One city's rankings as chart series, one per survey and body."""
    grouped: dict[tuple[str, str], dict[int, int]] = defaultdict(dict)
    for ranking in rankings:
        points = grouped[(ranking.survey, ranking.ranked_by)]
        # Two ranks for one year from one survey: keep the better one on the chart.
        points[ranking.year] = min(ranking.rank, points.get(ranking.year, ranking.rank))
    return [
        ChartSeries(f"{survey} ({ranked_by})", sorted(points.items()))
        for (survey, ranked_by), points in sorted(grouped.items())
    ]
