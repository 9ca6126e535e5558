"""The home page's highlights: upcoming (or recent) events, recent MOUs, a ranking.

Computed once per build from the site index into `context["home"]`, so the home
pages (`/` and each language's home) never scan content while rendering.
Settings: `HOME = {"events": 3, "mous": 5, "rankings": 5, "today": None}`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pelican import signals
from portal.settings import plugin_settings

DEFAULTS: dict[str, Any] = {
    "events": 3,  # how many events to show
    "mous": 5,  # how many of the most recent MOUs
    "rankings": 5,  # how many places of the latest survey edition
    "today": None,  # a date for reproducible builds; default: PORTAL["today"] or today
}


@dataclass(frozen=True)
class Placing:
    """One city's place in one survey edition."""

    rank: int
    city: Any  # CityPage
    source: str  # article Id


@dataclass(frozen=True)
class RankingHighlight:
    """The most recent edition of a survey, best places first."""

    survey: str
    year: int
    ranked_by: str
    placings: tuple[Placing, ...]


@dataclass(frozen=True)
class HomeHighlights:
    upcoming_events: tuple[Any, ...] = ()  # soonest first
    recent_events: tuple[Any, ...] = ()  # most recent first; shown when none are upcoming
    recent_mous: tuple[Any, ...] = ()  # most recent first
    ranking: RankingHighlight | None = None
    today: dt.date = field(default_factory=dt.date.today)


def read_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """`HOME` over the defaults; unknown keys are an error naming the known ones."""
    merged = plugin_settings(settings, "HOME", DEFAULTS)
    if merged["today"] is None:
        merged["today"] = settings.get("PORTAL", {}).get("today") or dt.date.today()
    return merged


def latest_ranking(cities: Any, limit: int) -> RankingHighlight | None:
    """The survey edition with the latest year (most placings on a tie), top `limit`."""
    editions: dict[tuple[int, str, str], list[Placing]] = {}
    for city in cities:
        for ranking in city.record.rankings:
            key = (ranking.year, ranking.survey, ranking.ranked_by)
            editions.setdefault(key, []).append(Placing(ranking.rank, city, ranking.source))
    if not editions:
        return None
    (year, survey, ranked_by), placings = max(
        editions.items(), key=lambda item: (item[0][0], len(item[1]), item[0][1])
    )
    placings.sort(key=lambda p: (p.rank, p.city.record.name))
    return RankingHighlight(survey, year, ranked_by, tuple(placings[:limit]))


def highlights(portal: Any, options: Mapping[str, Any]) -> HomeHighlights:
    """What the home page shows beside the news, from the site index."""
    today: dt.date = options["today"]
    events = portal.events  # oldest first

    upcoming = [e for e in events if e.record.last_day >= today][: options["events"]]
    recent = [e for e in reversed(events) if e.record.last_day < today][: options["events"]]
    mous = list(reversed(portal.mous[-options["mous"] :])) if options["mous"] else []
    return HomeHighlights(
        upcoming_events=tuple(upcoming),
        recent_events=tuple(recent),
        recent_mous=tuple(mous),
        ranking=latest_ranking(portal.cities.values(), options["rankings"]),
        today=today,
    )


def add_highlights(generators: list[Any]) -> None:
    context = generators[0].context
    portal = context.get("portal")
    if portal is not None:
        context["home"] = highlights(portal, read_settings(generators[0].settings))


def register() -> None:
    # Once every generator has read its content (the site index exists), before writing.
    signals.all_generators_finalized.connect(add_highlights)
