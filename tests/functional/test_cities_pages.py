"""City profiles, /cities/ and /rankings/ of the sample site (built once per run)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree, html

from tests.conftest import read_page

SVG_NS = "http://www.w3.org/2000/svg"
SURVEY = "100 Cities Survey on e-Government"
SEOUL_PARTNERS = {
    "barcelona", "la-manche", "kathmandu", "moscow", "hanoi",
    "ulaanbaatar", "ankara", "nairobi", "astana",
}
KATHMANDU_ARTICLES = {  # every sample article whose Cities field names kathmandu
    "news/2009/07/seoul-mous-june/",
    "news/2009/07/kathmandu-cooperation/",
    "news/2010/07/wegmf-wego-launch/",
    "news/2010/07/seoul-mou-partners/",
}


def main_of(output: Path, url: str) -> html.HtmlElement:
    return html.fromstring(read_page(output, url)).get_element_by_id("main-content")


def section(main: html.HtmlElement, heading_id: str) -> html.HtmlElement:
    found = main.xpath(f".//section[@aria-labelledby='{heading_id}']")
    assert found, f"no section labelled by #{heading_id}"
    return found[0]


def city_slugs(element: html.HtmlElement) -> set[str]:
    slugs = set()
    for href in element.xpath(".//a/@href"):
        match = re.search(r"(?:^|/)cities/([a-z0-9-]+)/$", href)
        if match:
            slugs.add(match.group(1))
    return slugs


def table_rows(table: html.HtmlElement) -> list[list[str]]:
    return [
        [" ".join(cell.text_content().split()) for cell in row.xpath("./th|./td")]
        for row in table.xpath("./tbody/tr")
    ]


def svg_in(page_html: str, svg_id: str) -> etree._Element:
    """The inline SVG with `svg_id`, parsed as XML (so it must be well-formed)."""
    match = re.search(rf'<svg [^>]*id="{svg_id}".*?</svg>', page_html, re.S)
    assert match, f"no <svg id={svg_id}>"
    return etree.fromstring(match.group(0).encode())


def assert_labelled(svg: etree._Element) -> tuple[str, str]:
    assert svg.get("role") == "img"
    title_id, desc_id = svg.get("aria-labelledby").split()
    ns = {"s": SVG_NS}
    title = svg.xpath(f"./s:title[@id='{title_id}']", namespaces=ns)
    desc = svg.xpath(f"./s:desc[@id='{desc_id}']", namespaces=ns)
    assert title and title[0].text.strip()
    assert desc and desc[0].text.strip()
    return title[0].text, desc[0].text


# --- Seoul ---------------------------------------------------------------------


def test_seoul_ranks_first_in_2003_2005_2007_and_2009(sample_output: Path):
    rankings = section(main_of(sample_output, "cities/seoul/"), "rankings-heading")
    rows = table_rows(rankings.xpath(".//table")[0])
    survey_rows = [r for r in rows if r[2] == "100 Cities Survey on e-Government"]
    assert [(r[0], r[1]) for r in survey_rows] == [
        ("2003", "1"), ("2005", "1"), ("2007", "1"), ("2009", "1")
    ]
    assert all(r[3].startswith("Rutgers University-Newark and SKKU") for r in survey_rows)


def test_seoul_shows_mous_with_all_nine_partners(sample_output: Path):
    mous = section(main_of(sample_output, "cities/seoul/"), "mous-heading")
    items = mous.xpath(".//li[contains(@class, 'portal-mou-timeline__item')]")
    assert len(items) == 9
    assert city_slugs(mous) == SEOUL_PARTNERS | {"seoul"}
    for item in items:  # each MOU names Seoul and one partner
        assert len(city_slugs(item) - {"seoul"}) == 1
    assert len(mous.xpath(".//a[contains(@href, 'mous/')]")) == 9


def test_seoul_notes_that_two_sources_credit_different_bodies(sample_output: Path):
    rankings = section(main_of(sample_output, "cities/seoul/"), "rankings-heading")
    note = rankings.get_element_by_id("ranking-note-1")
    text = " ".join(note.text_content().split())
    assert "2003, 2005, and 2007" in text
    assert "Rutgers University-Newark and SKKU" in text and "UNDESA and ASPA" in text
    cited = {href.split("news/", 1)[1] for href in note.xpath(".//a/@href")}
    assert cited == {"2010/07/seoul-first-fourth-time/", "2009/07/seoul-mous-june/"}
    # the disputed rows point at the note; 2009 (one source only) does not
    refs = rankings.xpath(".//tr[td[1]='2009']//a[@href='#ranking-note-1']")
    assert refs == []
    assert len(rankings.xpath(".//a[@href='#ranking-note-1']")) == 6


def test_seoul_ranking_chart_parses_and_carries_a_text_alternative(sample_output: Path):
    svg = svg_in(read_page(sample_output, "cities/seoul/"), "ranking-chart")
    title, desc = assert_labelled(svg)
    assert "Seoul" in title
    assert "rank 1 in 2003, 2005, 2007, and 2009" in desc
    assert "UNDESA and ASPA" in desc
    markers = svg.xpath(".//s:g[contains(@class,'series--1')]/s:circle", namespaces={"s": SVG_NS})
    assert len(markers) == 4 + 1  # four editions and the legend


def test_profile_facts_country_name_region_website(sample_output: Path):
    facts = main_of(sample_output, "cities/seoul/").xpath(".//dl")[0]
    text = " ".join(facts.text_content().split())
    assert "Country South Korea" in text and "Region Asia" in text
    assert facts.xpath(".//a[@href='https://english.seoul.go.kr/']")
    assert "since July 2008" in text


def test_la_manche_is_named_a_departement(sample_output: Path):
    facts = main_of(sample_output, "cities/la-manche/").xpath(".//dl")[0]
    assert "Kind Département" in " ".join(facts.text_content().split())


# --- Kathmandu -------------------------------------------------------------------


def test_kathmandu_lists_its_mou_of_22_june_2009_with_seoul(sample_output: Path):
    mous = section(main_of(sample_output, "cities/kathmandu/"), "mous-heading")
    assert [t.get("datetime") for t in mous.xpath(".//time")] == ["2009-06-22"]
    assert mous.xpath(".//a[contains(@href, 'mous/seoul-kathmandu-2009/')]")
    assert city_slugs(mous) == {"seoul", "kathmandu"}


def test_profile_links_the_city_feed_files_that_exist(sample_output: Path):
    feeds = section(main_of(sample_output, "cities/kathmandu/"), "feeds-heading")
    hrefs = feeds.xpath(".//a/@href")
    assert "../../feeds/city/kathmandu.atom.xml" in hrefs
    assert "../../feeds/city/kathmandu.rss.xml" in hrefs
    for href in hrefs:
        assert (sample_output / "cities" / "kathmandu" / href).resolve().is_file(), href


def test_kathmandu_lists_the_articles_naming_it_newest_first(sample_output: Path):
    articles = section(main_of(sample_output, "cities/kathmandu/"), "articles-heading")
    hrefs = [h.split("../../", 1)[1] for h in articles.xpath(".//h3/a/@href")]
    assert set(hrefs) == KATHMANDU_ARTICLES
    dates = articles.xpath(".//time/@datetime")
    assert dates == sorted(dates, reverse=True)
    everything = articles.xpath(".//a[contains(@href, 'cities/kathmandu/articles/')]")
    assert everything and "All 4 articles naming Kathmandu" in everything[0].text_content()


def test_all_articles_page_of_kathmandu(sample_output: Path):
    main = main_of(sample_output, "cities/kathmandu/articles/")
    hrefs = {h.split("../../../", 1)[1] for h in main.xpath(".//h3/a/@href")}
    assert hrefs == KATHMANDU_ARTICLES
    assert not main.xpath(".//nav[contains(@class, 'portal-pagination')]")  # one page
    assert main.xpath(".//a[@href='../../../cities/kathmandu/']")


def test_article_pages_link_every_city_they_name(sample_output: Path):
    main = main_of(sample_output, "news/2009/07/kathmandu-cooperation/")
    assert {"kathmandu", "seoul"} <= city_slugs(main)


# --- /cities/ --------------------------------------------------------------------


def test_cities_index_groups_by_region_and_country_with_counts(sample_output: Path):
    regions = section(main_of(sample_output, "cities/"), "regions-heading")
    headings = [" ".join(h.text_content().split()) for h in regions.xpath(".//h3")]
    assert headings == ["Africa (1)", "Asia (6)", "Europe (5)", "North America (1)"]
    europe = regions.xpath(".//section[h3[starts-with(normalize-space(.), 'Europe')]]")[0]
    countries = [dt.text_content() for dt in europe.xpath(".//dt")]
    assert countries == ["France", "Germany", "Russia", "Spain"]
    seoul = regions.xpath(".//li[a[text()='Seoul']]")[0]
    assert " ".join(seoul.text_content().split()) == "Seoul — 9 MOUs, 9 articles"


def test_cities_map_parses_and_places_every_city(sample_output: Path):
    page = read_page(sample_output, "cities/")
    svg = svg_in(page, "cities-map")
    _title, desc = assert_labelled(svg)
    assert "13 cities" in desc
    ns = {"s": SVG_NS}
    assert len(svg.xpath(".//s:circle[@class='portal-map__dot']", namespaces=ns)) == 13
    assert "Kathmandu" in svg.xpath(".//s:text/text()", namespaces=ns)
    assert "http" not in svg.xpath("string(.//@*[starts-with(., 'http')])", namespaces=ns)


def test_table_is_sorted_by_name_and_headers_link_to_pre_sorted_views(sample_output: Path):
    main = main_of(sample_output, "cities/")
    table = main.get_element_by_id("cities-table")
    names = [r[0] for r in table_rows(table)]
    assert names == sorted(names) and len(names) == 13
    headers = table.xpath("./thead/tr/th")
    assert headers[0].get("aria-sort") == "ascending"
    assert all(h.get("data-sort-type") for h in headers)
    links = [h.xpath(".//a/@href")[0] for h in headers]
    assert links == [
        f"../cities/by/{key}/#cities-table"
        for key in ("name", "country", "region", "mous", "articles")
    ]


@pytest.mark.parametrize(
    ("key", "column", "direction", "first"),
    [
        ("name", 0, "ascending", "Ankara"),
        ("country", 1, "ascending", "La Manche"),  # France comes first
        ("region", 2, "ascending", "Nairobi"),  # Africa
        ("mous", 3, "descending", "Seoul"),
        ("articles", 4, "descending", "Seoul"),
    ],
)
def test_pre_sorted_views_work_without_javascript(sample_output, key, column, direction, first):
    main = main_of(sample_output, f"cities/by/{key}/")
    table = main.get_element_by_id("cities-table")
    headers = table.xpath("./thead/tr/th")
    assert [h.get("aria-sort") for h in headers].count(direction) == 1
    assert headers[column].get("aria-sort") == direction
    rows = table_rows(table)
    assert rows[0][0] == first
    values = [r[column] for r in rows]
    if column >= 3:
        numbers = [int(v) for v in values]
        assert numbers == sorted(numbers, reverse=True)
    else:
        assert len(rows) == 13


def test_sorting_script_is_an_external_file_and_no_script_is_inline(sample_output: Path):
    page = html.fromstring(read_page(sample_output, "cities/"))
    scripts = page.xpath("//script")
    assert [s.get("src") for s in scripts if s.get("src", "").endswith("sortable-table.js")]
    assert all(s.get("src") and not (s.text or "").strip() for s in scripts)
    assert (sample_output / "theme" / "js" / "sortable-table.js").is_file()


# --- /rankings/ --------------------------------------------------------------------


def test_rankings_page_lists_each_edition_with_its_source(sample_output: Path):
    main = main_of(sample_output, "rankings/")
    editions = main.xpath(".//section[contains(@class, 'portal-rankings__edition')]")
    assert len(editions) == 7
    captions = [" ".join(e.xpath(".//caption")[0].text_content().split()) for e in editions]
    assert f"{SURVEY} 2009, ranked by Rutgers University-Newark and SKKU" in captions
    assert "Top e-governance city 2003, ranked by UNDESA and ASPA" in captions
    for edition in editions:
        rows = edition.xpath(".//tbody/tr")
        assert rows and all(r.xpath("./td[last()]/a[contains(@href, 'news/')]") for r in rows)


def test_rankings_page_shows_seouls_four_first_places(sample_output: Path):
    main = main_of(sample_output, "rankings/")
    firsts = section(main, "firsts-heading")
    text = " ".join(firsts.text_content().split())
    assert f"Seoul: first 4 times: 2003, 2005, 2007, and 2009 — {SURVEY}" in text
    rutgers = main.xpath(".//section[h2='100 Cities Survey on e-Government']")[0]
    years = [h.text_content() for h in rutgers.xpath(".//h3")]
    assert years == ["2009", "2007", "2005", "2003"]
    for edition in rutgers.xpath(".//section"):
        rank, city = table_rows(edition.xpath(".//table")[0])[0][:2]
        assert rank == "1" and city.startswith("Seoul")


def test_rankings_page_notes_the_disagreement_citing_both_sources(sample_output: Path):
    main = main_of(sample_output, "rankings/")
    note = main.get_element_by_id("ranking-note-1")
    text = " ".join(note.text_content().split())
    assert "Seoul" in text and "2003, 2005, and 2007" in text
    assert "Rutgers University-Newark and SKKU" in text and "UNDESA and ASPA" in text
    assert len(note.xpath(".//a[contains(@href, 'news/')]")) == 2


def test_rankings_nav_link_leads_to_the_page_and_is_current_there(sample_output: Path):
    page = html.fromstring(read_page(sample_output, "rankings/"))
    current = page.xpath("//header//a[@aria-current='page']/@href")
    assert current and current[0].rstrip("/").endswith("rankings")
