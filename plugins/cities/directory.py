"""The cities directory: one row per city with its counts, sorted and grouped.

Rows are made once from the site index (`mous_by_city`, `articles_by_city` are
looked up per city, never searched), then sorted for each pre-sorted view
(`/cities/by/<key>/`) and grouped by region and country for `/cities/`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any


@dataclass(frozen=True)
class CityRow:
    """A city as the directory lists it."""

    page: Any  # a CityPage
    country_name: str  # in the site's default language, for sorting and grouping
    mous: int
    articles: int

    @property
    def record(self) -> Any:
        return self.page.record

    @property
    def name_key(self) -> str:
        return self.page.record.name.casefold()


@dataclass(frozen=True)
class SortView:
    """One pre-sorted view of the table: its key, direction and ordering."""

    key: str
    descending: bool
    order: Callable[[CityRow], tuple]

    @property
    def direction(self) -> str:
        """The `aria-sort` value of the sorted column."""
        return "descending" if self.descending else "ascending"


SORT_VIEWS: dict[str, SortView] = {
    view.key: view
    for view in (
        SortView("name", False, lambda r: (r.name_key, r.record.slug)),
        SortView("country", False, lambda r: (r.country_name.casefold(), r.name_key)),
        SortView(
            "region",
            False,
            lambda r: (r.record.region.casefold(), r.country_name.casefold(), r.name_key),
        ),
        # Counts: the most first; ties by name (ascending) so the order is stable.
        SortView("mous", True, lambda r: (-r.mous, r.name_key)),
        SortView("articles", True, lambda r: (-r.articles, r.name_key)),
    )
}


def rows(portal: Any, lang: str) -> list[CityRow]:
    """Every city of the site index with its MOU and article counts."""
    return [
        CityRow(
            page,
            page.record.country_name(lang),
            len(portal.mous_by_city.get(slug, ())),
            len(portal.articles_by_city.get(slug, ())),
        )
        for slug, page in portal.cities.items()
    ]


def sorted_rows(city_rows: Iterable[CityRow], key: str) -> list[CityRow]:
    """The rows in the order of the view `key` (see SORT_VIEWS)."""
    return sorted(city_rows, key=SORT_VIEWS[key].order)


@dataclass(frozen=True)
class CountryGroup:
    code: str
    name: str
    rows: tuple[CityRow, ...]


@dataclass(frozen=True)
class RegionGroup:
    region: str
    countries: tuple[CountryGroup, ...]

    @property
    def city_count(self) -> int:
        return sum(len(c.rows) for c in self.countries)


def by_region_and_country(
    city_rows: Iterable[CityRow], regions: Sequence[str]
) -> list[RegionGroup]:
    """Regions in the configured order, countries by name, cities by name."""
    order = {region: index for index, region in enumerate(regions)}
    ranked = sorted(
        city_rows,
        key=lambda r: (
            order.get(r.record.region, len(order)),
            r.record.region,
            r.country_name.casefold(),
            r.record.country,
            r.name_key,
        ),
    )
    groups = []
    for region, in_region in groupby(ranked, key=lambda r: r.record.region):
        countries = []
        for code, items in groupby(in_region, key=lambda r: r.record.country):
            found = tuple(items)
            countries.append(CountryGroup(code, found[0].country_name, found))
        groups.append(RegionGroup(region, tuple(countries)))
    return groups
