"""City pages from small fixture sites: pagination, notes computed from data, errors.

Each fixture site is written and built once per run (session scope).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import html

from tests.conftest import read_page
from tools.build import BuildError, BuildResult, build_site

ARTICLES_NAMING_ALPHA = 45


def write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def city_file(name: str, country: str, coordinates: str, extra: str = "") -> str:
    return (
        f"Name: {name}\nCountry: {country}\nRegion: Europe\nCoordinates: {coordinates}\n"
        f"{extra}\nProfile of {name}.\n"
    )


def article_file(number: int, cities: str) -> str:
    day = f"2011-{1 + number // 28:02d}-{1 + number % 28:02d}"
    return (
        f"Title: Story {number:03d}\nId: story-{number:03d}\nDate: {day}\n"
        f"Category: Cooperation\nCities: {cities}\nSource: Example Daily | {day}\n"
        f"Summary: Story number {number}.\n\nText of story {number}.\n"
    )


@pytest.fixture(scope="session")
def cities_site(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """Alpha is named by 45 articles; Beta by one; Gamma by none. Two sources
    credit Alpha's 2012 rank 3 to different bodies."""
    root = tmp_path_factory.mktemp("cities-site") / "content"
    write(
        root,
        "cities/alpha.md",
        city_file(
            "Alpha",
            "AT",
            "48.2, 16.4",
            "Population: 1900000\n"
            "Rankings: 2012 | 3 | Digital Cities Index | Body One | story-000\n"
            "    2012 | 3 | City Web Survey | Body Two | story-001\n"
            "    2014 | 2 | Digital Cities Index | Body One | story-000\n",
        ),
    )
    write(root, "cities/beta.md", city_file("Beta", "CH", "46.9, 7.4"))
    write(root, "cities/gamma.md", city_file("Gamma", "AT", "47.1, 15.4"))
    for number in range(ARTICLES_NAMING_ALPHA):
        cities = "alpha, beta" if number == 7 else "alpha"
        write(root, f"articles/2011/story-{number:03d}.md", article_file(number, cities))
    output = tmp_path_factory.mktemp("cities-site-out") / "output"
    return build_site(root, output)


def main_of(output: Path, url: str) -> html.HtmlElement:
    return html.fromstring(read_page(output, url)).get_element_by_id("main-content")


def story_numbers(main: html.HtmlElement) -> list[int]:
    return [int(re.search(r"\d+", t).group()) for t in main.xpath(".//h3/a/text()")]


def test_profile_shows_the_ten_latest_and_links_to_all(cities_site: BuildResult):
    main = main_of(cities_site.output, "cities/alpha/")
    section = main.xpath(".//section[@aria-labelledby='articles-heading']")[0]
    assert story_numbers(section) == list(range(44, 34, -1))
    link = section.xpath(".//a[contains(@href, 'cities/alpha/articles/')]")[0]
    assert " ".join(link.text_content().split()) == "All 45 articles naming Alpha"


def test_all_articles_are_paginated_by_twenty_with_prev_and_next(cities_site: BuildResult):
    out = cities_site.output
    first = main_of(out, "cities/alpha/articles/")
    second = main_of(out, "cities/alpha/articles/page/2/")
    third = main_of(out, "cities/alpha/articles/page/3/")
    assert not (out / "cities/alpha/articles/page/4").exists()
    pages = [story_numbers(first), story_numbers(second), story_numbers(third)]
    assert [len(p) for p in pages] == [20, 20, 5]
    assert sum(pages, []) == list(range(44, -1, -1))  # every article once, newest first

    def rel(main, kind):
        return main.xpath(f".//a[@rel='{kind}']/@href")

    assert rel(first, "prev") == []
    assert rel(first, "next") == ["../../../cities/alpha/articles/page/2/"]
    assert rel(second, "prev") == ["../../../../../cities/alpha/articles/"]
    assert rel(second, "next") == ["../../../../../cities/alpha/articles/page/3/"]
    assert rel(third, "next") == [] and rel(third, "prev")
    assert "Page 3 of 3" in third.text_content()
    assert "Articles 41–45 of 45" in third.text_content()


def test_a_city_no_article_names_has_no_article_pages(cities_site: BuildResult):
    out = cities_site.output
    assert (out / "cities/beta/articles/index.html").is_file()
    assert not (out / "cities/gamma/articles").exists()
    main = main_of(out, "cities/gamma/")
    assert "No articles yet." in main.text_content()
    assert not main.xpath(".//a[contains(@href, 'articles/')]")


def test_disagreement_note_is_computed_from_the_data(cities_site: BuildResult):
    main = main_of(cities_site.output, "rankings/")
    note = main.get_element_by_id("ranking-note-1")
    text = " ".join(note.text_content().split())
    assert "Alpha number 3 in 2012" in text
    assert "Body One" in text and "Body Two" in text
    cited = {" ".join(c.text_content().split()) for c in note.xpath(".//cite")}
    assert cited == {"Story 000", "Story 001"}
    assert not main.xpath(".//*[@id='ranking-note-2']")
    # 2014 is reported by one source: no note marker on that edition
    edition_2014 = main.xpath(".//section[h3='2014']")[0]
    assert not edition_2014.xpath(".//a[starts-with(@href, '#ranking-note')]")


def test_population_is_formatted(cities_site: BuildResult):
    facts = main_of(cities_site.output, "cities/alpha/").xpath(".//dl")[0]
    assert "Population 1,900,000" in " ".join(facts.text_content().split())


def test_counts_in_the_directory_come_from_the_index(cities_site: BuildResult):
    table = main_of(cities_site.output, "cities/by/articles/").get_element_by_id("cities-table")
    rows = [
        [" ".join(c.text_content().split()) for c in r.xpath("./th|./td")]
        for r in table.xpath("./tbody/tr")
    ]
    assert [(r[0], r[4]) for r in rows] == [("Alpha", "45"), ("Beta", "1"), ("Gamma", "0")]


# --- a city named without a profile ------------------------------------------------


@pytest.fixture(scope="session")
def unknown_city_failure(tmp_path_factory: pytest.TempPathFactory) -> tuple[BuildError, Path]:
    root = tmp_path_factory.mktemp("unknown-city") / "content"
    write(root, "cities/alpha.md", city_file("Alpha", "AT", "48.2, 16.4"))
    write(root, "articles/2011/story-001.md", article_file(1, "alpha, atlantis"))
    output = tmp_path_factory.mktemp("unknown-city-out") / "output"
    with pytest.raises(BuildError) as failure:
        build_site(root, output)
    return failure.value, output


def test_a_city_without_a_profile_is_a_build_error_naming_the_file(unknown_city_failure):
    error, output = unknown_city_failure
    assert error.report is not None
    problems = [p for p in error.report.errors if p.field == "Cities"]
    assert len(problems) == 1
    problem = problems[0]
    assert problem.path == "articles/2011/story-001.md"
    assert problem.line == 5  # the Cities line of the article
    assert "'atlantis'" in problem.message
    assert "articles/2011/story-001.md:5: Cities: unknown city 'atlantis'" in str(error)
    assert not output.exists()  # nothing was published
