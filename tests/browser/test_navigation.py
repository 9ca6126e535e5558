"""Readers click through the portal: home → article → city → MOU timeline and back."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import WIDTHS

pytestmark = pytest.mark.browser

ARTICLE = "Seoul signs e-government MOUs with Barcelona, La Manche and Kathmandu"


def heading(page) -> str:
    return page.locator("main h1").inner_text().strip()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_home_article_city_mou_timeline_and_back(open_page, javascript: bool):
    page = open_page(java_script_enabled=javascript)
    page.goto("/")
    assert page.title().startswith("City e-Government Monitor")

    page.get_by_role("main").get_by_role("link", name=ARTICLE).click()
    page.wait_for_url("**/news/2009/07/seoul-mous-june/")
    assert heading(page) == ARTICLE

    page.get_by_role("region", name="Cities in this article").get_by_role(
        "link", name="Kathmandu"
    ).click()
    page.wait_for_url("**/cities/kathmandu/")
    assert heading(page) == "Kathmandu"

    page.get_by_role("navigation", name="Main").get_by_role("link", name="MOUs").click()
    page.wait_for_url("**/mous/")
    assert page.locator("main h1").count() == 1
    timeline_link = page.get_by_role("navigation", name="Main").get_by_role("link", name="MOUs")
    assert timeline_link.get_attribute("aria-current") == "page"

    page.go_back()
    page.wait_for_url("**/cities/kathmandu/")
    assert heading(page) == "Kathmandu"
    page.go_back()
    page.wait_for_url("**/news/2009/07/seoul-mous-june/")
    assert heading(page) == ARTICLE
    page.go_back()
    assert re.search(r"/(index\.html)?$", page.url)
    assert page.get_by_role("heading", name="Latest news").count() == 1


def test_language_switcher_goes_to_the_translation_or_the_other_home(open_page):
    page = open_page()
    page.goto("/news/2009/07/seoul-mous-june/")
    switcher = page.get_by_role("navigation", name="Language")
    switcher.get_by_role("link", name="Deutsch").click()
    page.wait_for_url("**/de/news/2009/07/seoul-absichtserklaerungen-juni/")
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.get_by_role("link", name="Zum Hauptinhalt springen").count() == 1

    # And back: the German article links to its English original.
    page.get_by_role("navigation", name="Sprache").get_by_role("link", name="English").click()
    page.wait_for_url("**/news/2009/07/seoul-mous-june/")
    assert page.locator("html").get_attribute("lang") == "en"

    page.goto("/cities/seoul/")  # no German city profiles: the German home stands in
    switcher = page.get_by_role("navigation", name="Language")
    switcher.get_by_role("link", name=re.compile("^Deutsch")).click()
    page.wait_for_url(re.compile(r"/de/(index\.html)?$"))
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.get_by_role("heading", name="Aktuelle Nachrichten").count() == 1


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_no_horizontal_scrolling(open_page, width: int):
    page = open_page(width=width)
    for path in ("/", "/news/2009/07/seoul-mous-june/", "/cities/seoul/"):
        page.goto(path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"


def test_the_404_page_is_styled_and_its_links_work_at_any_depth(open_page):
    page = open_page(width=WIDTHS["phone"])
    response = page.goto("/no/such/deeply/nested/page")
    assert response is not None and response.status == 404
    bar = page.eval_on_selector(".portal-header__bar", "el => getComputedStyle(el).backgroundColor")
    assert bar == "rgb(14, 42, 71)", "the stylesheet did not load on the 404 page"
    page.get_by_role("main").get_by_role("link", name="Browse the archives").click()
    page.wait_for_url("**/archives/")
    assert heading(page) == "Archives"
