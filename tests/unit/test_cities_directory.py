"""The cities directory: counts from the site index, pre-sorted views, grouping."""

from __future__ import annotations

import pytest
from cities import directory
from cities.generator import CitiesSettings
from pelican.settings import DEFAULT_CONFIG
from portal.index import CityPage, SiteIndex
from portal.model import City, Coordinates


def page(slug: str, name: str, country: str, region: str) -> CityPage:
    record = City(
        path=f"cities/{slug}.md",
        slug=slug,
        name=name,
        country=country,
        region=region,
        coordinates=Coordinates(0, 0),
    )
    metadata = {"title": name, "slug": slug, "record": record, "url": f"cities/{slug}/"}
    return CityPage("", metadata=metadata, settings=dict(DEFAULT_CONFIG))


def index() -> SiteIndex:
    portal = SiteIndex()
    for p in (
        page("seoul", "Seoul", "KR", "Asia"),
        page("berlin", "Berlin", "DE", "Europe"),
        page("frankfurt", "Frankfurt", "DE", "Europe"),
        page("nairobi", "Nairobi", "KE", "Africa"),
        page("barcelona", "Barcelona", "ES", "Europe"),
    ):
        portal.cities[p.record.slug] = p
    portal.mous_by_city = {"seoul": ["m1", "m2", "m3"], "barcelona": ["m1"], "nairobi": ["m2"]}
    portal.articles_by_city = {"seoul": ["a"] * 5, "berlin": ["a"] * 2, "barcelona": ["a"] * 2}
    return portal


def names(rows):
    return [row.record.name for row in rows]


def test_rows_carry_counts_looked_up_in_the_index():
    rows = {r.record.slug: r for r in directory.rows(index(), "en")}
    assert (rows["seoul"].mous, rows["seoul"].articles) == (3, 5)
    assert (rows["frankfurt"].mous, rows["frankfurt"].articles) == (0, 0)
    assert rows["berlin"].country_name == "Germany"
    assert {r.country_name for r in directory.rows(index(), "de")} >= {"Deutschland", "Spanien"}


def test_each_view_sorts_by_its_column_with_ties_by_name():
    rows = directory.rows(index(), "en")
    assert names(directory.sorted_rows(rows, "name")) == [
        "Barcelona", "Berlin", "Frankfurt", "Nairobi", "Seoul"
    ]
    # Germany, Kenya, South Korea, Spain
    assert names(directory.sorted_rows(rows, "country")) == [
        "Berlin", "Frankfurt", "Nairobi", "Seoul", "Barcelona"
    ]
    assert names(directory.sorted_rows(rows, "region")) == [
        "Nairobi", "Seoul", "Berlin", "Frankfurt", "Barcelona"
    ]
    assert names(directory.sorted_rows(rows, "mous")) == [
        "Seoul", "Barcelona", "Nairobi", "Berlin", "Frankfurt"
    ]
    assert names(directory.sorted_rows(rows, "articles")) == [
        "Seoul", "Barcelona", "Berlin", "Frankfurt", "Nairobi"
    ]
    assert directory.SORT_VIEWS["mous"].direction == "descending"
    assert directory.SORT_VIEWS["name"].direction == "ascending"


def test_grouping_follows_the_configured_region_order_then_country_names():
    groups = directory.by_region_and_country(
        directory.rows(index(), "en"), ["Europe", "Asia", "Africa"]
    )
    assert [g.region for g in groups] == ["Europe", "Asia", "Africa"]
    europe = groups[0]
    assert [(c.name, names(c.rows)) for c in europe.countries] == [
        ("Germany", ["Berlin", "Frankfurt"]),
        ("Spain", ["Barcelona"]),
    ]
    assert europe.city_count == 3


def test_settings_have_defaults_and_unknown_keys_are_refused():
    from portal.settings import SettingsError

    assert CitiesSettings.from_pelican({}).articles_per_page == 20
    options = CitiesSettings.from_pelican({"CITIES": {"profile_articles": 5}})
    assert options.profile_articles == 5
    with pytest.raises(SettingsError, match=r"CITIES: unknown setting\(s\) per_pgae; known: "):
        CitiesSettings.from_pelican({"CITIES": {"per_pgae": 3}})
