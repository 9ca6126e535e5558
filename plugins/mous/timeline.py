"""Grouping MOUs into timelines and summary figures, once per build.

Everything here is a pure function of MOU pages (anything with a `model.Mou` as
`.record`) and city pages (a `model.City` as `.record`), so the whole catalogue is
built in one pass over the MOUs: 2,000 MOUs among 500 cities cost a few thousand
dictionary operations, and no page scans all MOUs.

Order: dated MOUs by signing year, newest year first, newest MOU first within a
year. A date known to the year or month sorts at the start of its period (so in a
newest-first list "2009" comes after "15 June 2009"). MOUs whose signing date no
source gives never get a made-up one: they form their own groups, one per report
date ("Date not published — reported by 10 July 2009"), after the dated years.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from portal.dates import PartialDate


@dataclass(frozen=True)
class TimelineGroup:
    """The MOUs under one heading: a signing year, or one report date of undated MOUs."""

    items: tuple[Any, ...]
    year: int | None = None  # the signing year of a dated group
    reported: PartialDate | None = None  # the report date of an undated group

    @property
    def dated(self) -> bool:
        return self.year is not None

    @property
    def key(self) -> str:
        """A stable fragment id: `2009`, or `undated-2009-07-10`."""
        if self.year is not None:
            return str(self.year)
        assert self.reported is not None
        return f"undated-{self.reported.iso}"


def newest_first(mous: Iterable[Any]) -> list[Any]:
    """Dated MOUs newest first; equal dates by slug; undated ones are not expected here."""
    ordered = sorted(mous, key=lambda m: m.record.slug)
    ordered.sort(key=lambda m: m.record.when.sort_key, reverse=True)
    return ordered


def timeline_groups(mous: Iterable[Any]) -> list[TimelineGroup]:
    """Group MOUs for a timeline: years newest first, then undated groups.

    Undated groups (signing date not published) follow, the most recent report
    first; within one, MOUs are in order of title.
    """
    by_year: dict[int, list[Any]] = defaultdict(list)
    by_report: dict[PartialDate, list[Any]] = defaultdict(list)
    for mou in mous:
        record = mou.record
        if record.signed is not None:
            by_year[record.signed.year].append(mou)
        else:
            by_report[record.reported].append(mou)
    groups = [
        TimelineGroup(tuple(newest_first(items)), year=year)
        for year, items in sorted(by_year.items(), reverse=True)
    ]
    for reported in sorted(by_report, key=lambda d: d.sort_key, reverse=True):
        items = sorted(by_report[reported], key=lambda m: (m.record.title.lower(), m.record.slug))
        groups.append(TimelineGroup(tuple(items), reported=reported))
    return groups


# --------------------------------------------------------------------------
# Summary figures


@dataclass(frozen=True)
class YearFigure:
    """One row of "MOUs per year"."""

    year: int
    signed: int  # MOUs signed in the year
    undated: int  # MOUs without a published date, first reported in the year

    @property
    def total(self) -> int:
        return self.signed + self.undated


@dataclass(frozen=True)
class AreaFigure:
    """One row of "partners per country" or "per region"."""

    key: str  # ISO country code or region name
    cities: tuple[str, ...]  # slugs of the cities there with MOUs, by name
    mous: int  # MOUs with at least one party there


@dataclass
class MouCatalog:
    """Every MOU grouping a page needs, each built once."""

    mous: list[Any] = field(default_factory=list)  # oldest first
    groups: list[TimelineGroup] = field(default_factory=list)  # the global timeline
    by_partner: dict[str, list[Any]] = field(default_factory=dict)  # city slug → MOUs
    by_year: dict[int, list[Any]] = field(default_factory=dict)  # signing or report year
    by_country: dict[str, list[Any]] = field(default_factory=dict)  # ISO code → MOUs
    partners_of: dict[str, list[str]] = field(default_factory=dict)  # slug → partner slugs
    years: list[YearFigure] = field(default_factory=list)  # newest first
    countries: list[AreaFigure] = field(default_factory=list)  # most MOUs first
    regions: list[AreaFigure] = field(default_factory=list)  # most MOUs first
    undated: int = 0

    @property
    def partner_count(self) -> int:
        return len(self.by_partner)

    def country_of(self, code: str) -> AreaFigure | None:
        return next((c for c in self.countries if c.key == code), None)


def build_catalog(mous: Iterable[Any], cities: Mapping[str, Any]) -> MouCatalog:
    """Group `mous` (oldest first) by partner, year and country, and count them.

    `cities` maps slug → city page. A party missing from it (the content model
    reports that and stops the build) is left out. Linear in the number of parties.
    """
    catalog = MouCatalog(mous=list(mous))
    by_partner: dict[str, list[Any]] = defaultdict(list)
    by_year: dict[int, list[Any]] = defaultdict(list)
    by_country: dict[str, list[Any]] = defaultdict(list)
    by_region: dict[str, list[Any]] = defaultdict(list)
    partners: dict[str, set[str]] = defaultdict(set)
    signed: Counter[int] = Counter()
    undated: Counter[int] = Counter()
    for mou in catalog.mous:
        record = mou.record
        if record.signed is not None:
            signed[record.signed.year] += 1
            by_year[record.signed.year].append(mou)
        else:
            undated[record.reported.year] += 1
            by_year[record.reported.year].append(mou)
        countries: set[str] = set()
        regions: set[str] = set()
        for slug in record.parties:
            if slug not in cities:
                continue  # an unknown party: the content model has reported it
            by_partner[slug].append(mou)
            partners[slug].update(p for p in record.parties if p != slug and p in cities)
            city = cities[slug].record
            countries.add(city.country)
            regions.add(city.region)
        for code in sorted(countries):
            by_country[code].append(mou)
        for region in sorted(regions):
            by_region[region].append(mou)

    def name(slug: str) -> tuple[str, str]:
        return (cities[slug].record.name.lower(), slug)

    catalog.groups = timeline_groups(catalog.mous)
    catalog.by_partner = dict(sorted(by_partner.items(), key=lambda kv: name(kv[0])))
    catalog.by_year = dict(sorted(by_year.items(), reverse=True))
    catalog.partners_of = {slug: sorted(found, key=name) for slug, found in partners.items()}
    catalog.undated = sum(undated.values())
    catalog.years = [
        YearFigure(year, signed[year], undated[year])
        for year in sorted(set(signed) | set(undated), reverse=True)
    ]
    cities_in: dict[tuple[str, str], list[str]] = defaultdict(list)
    for slug in catalog.by_partner:
        city = cities[slug].record
        cities_in[("country", city.country)].append(slug)
        cities_in[("region", city.region)].append(slug)
    catalog.by_country = dict(sorted(by_country.items()))
    catalog.countries = _figures("country", by_country, cities_in)
    catalog.regions = _figures("region", by_region, cities_in)
    return catalog


def _figures(
    kind: str, grouped: Mapping[str, list[Any]], cities_in: Mapping[tuple[str, str], list[str]]
) -> list[AreaFigure]:
    rows = [
        AreaFigure(key, tuple(cities_in[(kind, key)]), len(items)) for key, items in grouped.items()
    ]
    return sorted(rows, key=lambda row: (-row.mous, -len(row.cities), row.key))
