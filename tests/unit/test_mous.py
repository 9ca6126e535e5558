"""MOU timelines: grouping and order at mixed precision, the catalogue and its
figures, the shared `mou_timeline` macro, and grouping 2,000 MOUs in one pass.

The factories here build real Pelican content objects (`MouPage`, `CityPage`,
`Article`) around real model records; the other test_mous_* modules import them.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from jinja2 import Environment, FileSystemLoader
from lxml import html
from mous.timeline import build_catalog, timeline_groups
from pelican.contents import Article
from pelican.settings import DEFAULT_CONFIG
from portal.dates import PartialDate, parse_partial_date
from portal.index import CityPage, MouPage, SiteIndex
from portal.model import ArticleMeta, City, Coordinates, Mou

ROOT = Path(__file__).resolve().parents[2]
ZONE = ZoneInfo("Europe/Berlin")
SETTINGS = copy.deepcopy(DEFAULT_CONFIG)
SETTINGS.update(MOU_URL="mous/{slug}/", CITY_URL="cities/{slug}/")


def date(text: str | None) -> PartialDate | None:
    return parse_partial_date(text, ZONE) if text else None


def city(
    slug: str,
    name: str | None = None,
    country: str = "KR",
    region: str = "Asia",
    lat: float = 37.5665,
    lon: float = 126.978,
) -> CityPage:
    record = City(
        path=f"cities/{slug}.md", slug=slug, name=name or slug.replace("-", " ").title(),
        country=country, region=region, coordinates=Coordinates(lat, lon),
    )
    return CityPage(
        "", metadata={"title": record.name, "slug": slug, "record": record,
                      "url": f"cities/{slug}/", "save_as": f"cities/{slug}/index.html"},
        settings=SETTINGS,
    )


def mou(
    slug: str,
    parties: tuple[str, ...] = ("seoul", "kathmandu"),
    signed: str | None = "2009-06-22",
    reported: str | None = None,
    sources: tuple[str, ...] = ("2009-seoul-mous-june",),
    title: str | None = None,
    status: str = "signed",
    scope: str = "E-government cooperation",
) -> MouPage:
    record = Mou(
        path=f"mous/{slug}.md", slug=slug, parties=parties, signed=date(signed),
        reported=date(reported), scope=scope, status=status, sources=sources,
        title=title or " – ".join(p.title() for p in parties),
        lines={"parties": 1, "signed": 2, "reported": 3, "sources": 6, "slug": 8},
    )
    return MouPage(
        "", metadata={"title": record.title, "slug": slug, "record": record,
                      "url": f"mous/{slug}/", "save_as": f"mous/{slug}/index.html"},
        settings=SETTINGS,
    )


def article(article_id: str, title: str, day: str = "2009-07-13", slug: str = "") -> Article:
    published = dt.datetime.fromisoformat(day).replace(tzinfo=ZONE)
    slug = slug or article_id
    record = ArticleMeta(path=f"articles/{slug}.md", slug=slug, id=article_id, title=title,
                         date=published)
    return Article(
        "Text.", metadata={"title": title, "slug": slug, "date": published, "record": record,
                           "url": f"news/{slug}/", "save_as": f"news/{slug}/index.html"},
        settings=SETTINGS,
    )


def site(cities: list[CityPage], mous: list[MouPage], articles: list[Article]) -> SiteIndex:
    return SiteIndex.build(articles, cities, mous, [])


def seeds() -> tuple[list[CityPage], list[MouPage], list[Article]]:
    """A small world like the sample content: Seoul and partners, three dates known."""
    cities = [
        city("seoul", "Seoul"),
        city("barcelona", "Barcelona", "ES", "Europe", 41.3874, 2.1686),
        city("la-manche", "La Manche", "FR", "Europe", 49.1164, -1.0903),
        city("kathmandu", "Kathmandu", "NP", "Asia", 27.7172, 85.324),
        city("moscow", "Moscow", "RU", "Europe", 55.7558, 37.6173),
        city("nairobi", "Nairobi", "KE", "Africa", -1.2921, 36.8219),
        city("busan", "Busan", "KR", "Asia", 35.1796, 129.0756),
        city("berlin", "Berlin", "DE", "Europe", 52.52, 13.405),
    ]
    mous = [
        mou("seoul-barcelona-2009", ("seoul", "barcelona"), "2009-06-15",
            title="Seoul – Barcelona MOU"),
        mou("seoul-la-manche-2009", ("seoul", "la-manche"), "2009-06-19",
            sources=("2009-seoul-mous-june", "2009-la-manche"), title="Seoul – La Manche MOU"),
        mou("seoul-kathmandu-2009", ("seoul", "kathmandu"), "2009-06-22",
            title="Seoul – Kathmandu MOU"),
        mou("seoul-moscow", ("seoul", "moscow"), None, "2009-07-10", title="Seoul – Moscow MOU"),
        mou("seoul-nairobi", ("seoul", "nairobi"), None, "2009-07-10",
            title="Seoul – Nairobi MOU"),
        mou("seoul-busan-2010", ("seoul", "busan"), "2010-03", title="Seoul – Busan MOU"),
    ]
    articles = [
        article("2009-seoul-mous-june", "Seoul signs three MOUs"),
        article("2009-la-manche", "La Manche and Seoul", "2009-07-15"),
    ]
    return cities, mous, articles


def slugs(items) -> list[str]:
    return [item.record.slug for item in items]


# --- order and grouping -------------------------------------------------------


def test_years_newest_first_and_mixed_precision_within_a_year():
    items = [
        mou("year-only", signed="2009"),
        mou("june", signed="2009-06"),
        mou("june-15", signed="2009-06-15"),
        mou("june-22", signed="2009-06-22"),
        mou("december-31", signed="2008-12-31"),
        mou("january-2010", signed="2010-01"),
    ]
    groups = timeline_groups(items)
    assert [g.year for g in groups] == [2010, 2009, 2008]
    # A date known to the month or year sorts at the start of its period: in a
    # newest-first list it follows the days within it, and never gains a day.
    assert slugs(groups[1].items) == ["june-22", "june-15", "june", "year-only"]
    assert [g.key for g in groups] == ["2010", "2009", "2008"]


def test_equal_dates_are_ordered_by_slug():
    groups = timeline_groups([mou("b", signed="2009-06-22"), mou("a", signed="2009-06-22")])
    assert slugs(groups[0].items) == ["a", "b"]


def test_undated_mous_get_their_own_groups_by_report_date_after_the_years():
    items = [
        mou("dated", signed="2009-06-22"),
        mou("old-report", signed=None, reported="2009-07-10", title="Seoul – Zagreb"),
        mou("new-report", signed=None, reported="2011-02", title="Seoul – Quito"),
        mou("same-report", signed=None, reported="2009-07-10", title="Seoul – Ankara"),
    ]
    groups = timeline_groups(items)
    assert [g.dated for g in groups] == [True, False, False]
    assert [g.key for g in groups] == ["2009", "undated-2011-02", "undated-2009-07-10"]
    assert groups[1].reported == PartialDate(2011, 2)
    assert slugs(groups[2].items) == ["same-report", "old-report"]  # by title
    assert all(item.record.signed is None for g in groups[1:] for item in g.items)


def test_no_mous_no_groups():
    assert timeline_groups([]) == []


# --- the catalogue and its figures -------------------------------------------


def test_catalog_groups_by_partner_year_and_country():
    cities, mous, articles = seeds()
    portal = site(cities, mous, articles)
    catalog = build_catalog(portal.mous, portal.cities)
    assert slugs(catalog.mous) == slugs(portal.mous)
    assert list(catalog.by_partner) == [
        "barcelona", "busan", "kathmandu", "la-manche", "moscow", "nairobi", "seoul"
    ]  # by name; Berlin has no MOU
    assert len(catalog.by_partner["seoul"]) == 6
    assert slugs(catalog.by_partner["kathmandu"]) == ["seoul-kathmandu-2009"]
    assert catalog.partners_of["seoul"] == [
        "barcelona", "busan", "kathmandu", "la-manche", "moscow", "nairobi"
    ]
    assert catalog.partners_of["kathmandu"] == ["seoul"]
    # Undated MOUs count in the year of their first report.
    assert list(catalog.by_year) == [2010, 2009]
    assert len(catalog.by_year[2009]) == 5
    # An MOU between two cities of one country counts once for it.
    assert slugs(catalog.by_country["KR"]) == slugs(portal.mous)
    assert slugs(catalog.by_country["NP"]) == ["seoul-kathmandu-2009"]
    assert "DE" not in catalog.by_country


def test_catalog_figures():
    cities, mous, articles = seeds()
    portal = site(cities, mous, articles)
    catalog = build_catalog(portal.mous, portal.cities)
    assert [(y.year, y.signed, y.undated, y.total) for y in catalog.years] == [
        (2010, 1, 0, 1), (2009, 3, 2, 5)
    ]
    assert catalog.undated == 2
    assert catalog.partner_count == 7
    korea = catalog.country_of("KR")
    assert korea.cities == ("busan", "seoul") and korea.mous == 6
    assert catalog.countries[0].key == "KR"  # most MOUs first
    regions = {r.key: (len(r.cities), r.mous) for r in catalog.regions}
    assert regions == {"Asia": (3, 6), "Europe": (3, 3), "Africa": (1, 1)}
    assert [r.key for r in catalog.regions] == ["Asia", "Europe", "Africa"]


def test_an_unknown_party_is_left_out_instead_of_crashing_before_the_report():
    cities, _, articles = seeds()
    stray = mou("seoul-atlantis", ("seoul", "atlantis"), "2009-01")
    portal = site(cities, [stray], articles)
    catalog = build_catalog(portal.mous, portal.cities)
    assert "atlantis" not in catalog.by_partner
    assert catalog.partners_of["seoul"] == []


def test_two_thousand_mous_among_five_hundred_cities_are_grouped_in_one_pass():
    regions = ("Africa", "Asia", "Europe", "Latin America", "North America", "Oceania")
    countries = ("KR", "JP", "FR", "DE", "BR", "KE", "US", "AU", "IN", "ES")
    cities = [
        city(f"city-{n:03d}", f"City {n:03d}", countries[n % 10], regions[n % 6],
             -60 + (n * 7) % 120, -170 + (n * 13) % 340)
        for n in range(500)
    ]
    mous = []
    for n in range(2000):
        a, b = n % 500, (n * 7 + 1) % 500
        if a == b:
            b = (b + 1) % 500
        signed = None if n % 9 == 0 else f"{2000 + n % 20}-{1 + n % 12:02d}" + (
            f"-{1 + n % 28:02d}" if n % 3 else ""
        )
        mous.append(mou(f"mou-{n:04d}", (f"city-{a:03d}", f"city-{b:03d}"), signed,
                        None if signed else f"{2000 + n % 20}-06-30"))
    portal = site(cities, mous, [])
    catalog = build_catalog(portal.mous, portal.cities)

    placed = [item for group in catalog.groups for item in group.items]
    assert sorted(slugs(placed)) == sorted(slugs(mous))  # each MOU exactly once
    assert sum(len(items) for items in catalog.by_partner.values()) == 4000
    assert sum(len(items) for items in catalog.by_year.values()) == 2000
    assert sum(y.total for y in catalog.years) == 2000
    assert catalog.undated == sum(1 for m in mous if m.record.signed is None)
    dated = [g for g in catalog.groups if g.dated]
    assert [g.year for g in dated] == sorted({g.year for g in dated}, reverse=True)
    for group in dated:
        keys = [m.record.when.sort_key for m in group.items]
        assert keys == sorted(keys, reverse=True)
    for slug, partners in catalog.partners_of.items():
        assert all(slug in catalog.partners_of[other] for other in partners)
    assert sum(c.mous for c in catalog.countries) == sum(
        len(items) for items in catalog.by_country.values()
    )


# --- the shared macro ---------------------------------------------------------


def _environment(lang: str = "en") -> Environment:
    from i18n import _fragments, country_name, load_catalogs, localdate, page_language, render_once

    env = Environment(
        loader=FileSystemLoader(str(ROOT / "theme" / "templates")),
        autoescape=True, trim_blocks=True, lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(
        load_catalogs(str(ROOT / "theme"), [lang])[lang], newstyle=True
    )
    env.filters.update(localdate=localdate, country_name=country_name, mou_groups=timeline_groups)
    from jinja2 import pass_context

    env.globals["page_language"] = pass_context(page_language)
    env.globals["render_once"] = render_once
    _fragments.clear()  # a build starts with none
    return env


def render_timeline(items, lang: str = "en", **kwargs) -> html.HtmlElement:
    cities, _, articles = seeds()
    template = _environment(lang).from_string(
        '{% import "macros/mous.html" as mous_ui with context %}'
        "<div>{{ mous_ui.mou_timeline(items, **options) }}</div>"
    )
    out = template.render(
        items=items, options=kwargs, portal=site(cities, items, articles), SITEURL="..",
        DEFAULT_LANG="en", page_lang=lang,
    )
    return html.fragment_fromstring(out)


def test_macro_renders_an_ordered_list_per_group_under_headings():
    _, mous, _ = seeds()
    root = render_timeline(mous, heading_level=3, id_prefix="seoul")
    headings = root.xpath(".//h3")
    assert [" ".join(h.text_content().split()) for h in headings] == [
        "2010", "2009", "Date not published — reported by 10 July 2009"
    ]
    assert [h.get("id") for h in headings] == ["seoul-2010", "seoul-2009",
                                               "seoul-undated-2009-07-10"]
    lists = root.xpath(".//ol[@class='portal-mou-timeline__list']")
    assert [len(ol.xpath("./li")) for ol in lists] == [1, 3, 2]
    # Every heading is directly followed by its list.
    assert all(h.getnext() is ol for h, ol in zip(headings, lists, strict=True))


def test_macro_dates_at_true_precision_and_never_invented():
    _, mous, _ = seeds()
    root = render_timeline(mous)
    items = root.xpath(".//li[@class='portal-mou-timeline__item']")
    dates = [
        (item.xpath(".//p[@class='portal-mou-timeline__date']")[0], item) for item in items
    ]
    shown = [(" ".join(p.text_content().split()), [t.get("datetime") for t in p.xpath(".//time")])
             for p, _ in dates]
    assert shown == [
        ("March 2010", ["2010-03"]),
        ("22 June 2009", ["2009-06-22"]),
        ("19 June 2009", ["2009-06-19"]),
        ("15 June 2009", ["2009-06-15"]),
        ("Date not published; reported by 10 July 2009", ["2009-07-10"]),
        ("Date not published; reported by 10 July 2009", ["2009-07-10"]),
    ]


def test_macro_links_parties_and_sources_and_shows_scope_and_status():
    cities, mous, articles = seeds()
    root = render_timeline([mous[1]])
    item = root.xpath(".//li[@class='portal-mou-timeline__item']")[0]
    hrefs = [a.get("href") for a in item.xpath(".//a")]
    assert hrefs == [
        "../mous/seoul-la-manche-2009/",
        "../cities/seoul/", "../cities/la-manche/",
        "../news/2009-seoul-mous-june/", "../news/2009-la-manche/",
    ]
    facts = [" ".join(dd.text_content().split()) for dd in item.xpath(".//dd")]
    assert facts[1:3] == ["E-government cooperation", "signed"]


def test_macro_in_german():
    _, mous, _ = seeds()
    root = render_timeline(mous, lang="de")
    text = " ".join(root.text_content().split())
    assert "Datum nicht veröffentlicht – gemeldet bis 10. Juli 2009" in text
    assert "22. Juni 2009" in text
    assert "unterzeichnet" in text and "Parteien" in text


def test_macro_without_mous_says_so():
    root = render_timeline([])
    assert root.text_content().strip() == "No MOUs recorded."


@pytest.mark.parametrize(
    ("signed", "shown"),
    [("2009", "2009"), ("2009-06", "June 2009"), ("2009-06-22", "22 June 2009"),
     ("2009-06-22 14:30", "22 June 2009, 14:30")],
)
def test_display_strings_at_each_precision(signed, shown):
    root = render_timeline([mou("m", signed=signed)])
    assert root.xpath(".//p[@class='portal-mou-timeline__date']")[0].text_content() == shown


# --- settings -------------------------------------------------------------------


def test_settings_have_defaults_and_refuse_unknown_keys():
    from mous.generator import MouSettings, save_as
    from portal.settings import SettingsError

    with pytest.raises(SettingsError, match=r"MOUS: unknown setting\(s\) colour; known: "):
        MouSettings.from_pelican({"MOUS": {"colour": "red"}})
    settings = MouSettings.from_pelican({"MOUS": {"data_url": "open-data/"}})
    assert settings.data_url == "open-data/" and settings.index_url == "mous/"
    assert settings.year(2009) == "mous/year/2009/"
    assert settings.country("NP") == "mous/country/np/"
    assert settings.partner("la-manche") == "mous/partner/la-manche/"
    assert save_as(settings.year(2009)) == "mous/year/2009/index.html"
    assert save_as(settings.json_file) == "mous/mous.json"
    assert MouSettings.from_pelican({}) == MouSettings()
