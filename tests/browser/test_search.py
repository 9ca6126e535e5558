"""Search in real Chromium: Pagefind finds the Kathmandu MOU article; filters narrow.

Uses the session fixtures of tests/browser/conftest.py: the sample site served by
tools/serve.py on 127.0.0.1, Debian's Chromium, `open_page` recording requests.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from lxml import html
from playwright.sync_api import expect

from tests.browser.conftest import WIDTHS
from tests.conftest import SAMPLE_CONTENT, read_page
from tools.build import build_site
from tools.serve import make_server

pytestmark = pytest.mark.browser

KATHMANDU_MOU_ARTICLE = "/news/2009/07/kathmandu-cooperation/"
RESULTS = ".portal-search__result"
PAGE_SIZE = 20  # results search.js shows at a time
# The status once a search has finished (English or German).
FINISHED = re.compile(r"^(\d+ results?|\d+ Treffer|No results.*|Keine Treffer.*)$")
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa"]},
    "resultTypes": ["violations"],
}


def ready(page, path: str = "/search/") -> None:
    """Open the search page and wait until search.js has loaded Pagefind."""
    page.goto(path)
    page.wait_for_selector("form[data-search-form]:not([hidden])")


def wait_for_results(page) -> None:
    """Wait until the search has finished, then show every result ("Show more").

    Waits with Playwright's locator expectations: the site's Content-Security-Policy
    forbids the eval() that `page.wait_for_function` needs.
    """
    status = page.locator("[data-search-status]")
    expect(status).to_have_text(FINISHED)
    total = status_count(page)
    results = page.locator(RESULTS)
    expect(results).to_have_count(min(total, PAGE_SIZE))
    while page.is_visible("[data-search-more]"):
        shown = results.count()
        page.click("[data-search-more]")
        expect(results).to_have_count(min(total, shown + PAGE_SIZE))


def result_urls(page) -> list[str]:
    hrefs = page.eval_on_selector_all(f"{RESULTS} h3 a", "links => links.map(a => a.href)")
    return [urlsplit(href).path for href in hrefs]


def status_count(page) -> int:
    """The number of results the status names (0 for "No results")."""
    first = page.inner_text("[data-search-status]").split()[0]
    return int(first) if first.isdigit() else 0


def search(page, term: str) -> None:
    page.fill("#search-terms", term)
    page.press("#search-terms", "Enter")
    expect(page).to_have_url(re.compile(r"[?&]q="))
    wait_for_results(page)


def filter_values(output: Path, url: str, name: str) -> list[str]:
    doc = html.fromstring(read_page(output, url.lstrip("/")))
    return doc.xpath(f'//meta[@data-pagefind-filter="{name}[content]"]/@content')


def test_a_search_for_kathmandu_finds_the_mou_article(open_page):
    page = open_page()
    ready(page)
    search(page, "Kathmandu")
    urls = result_urls(page)
    assert KATHMANDU_MOU_ARTICLE in urls
    assert "/mous/seoul-kathmandu-2009/" in urls and "/cities/kathmandu/" in urls
    assert len(urls) == status_count(page)
    first = page.locator(RESULTS, has=page.locator(f'a[href$="{KATHMANDU_MOU_ARTICLE}"]'))
    assert first.locator("mark").first.inner_text().lower() == "kathmandu"
    assert "Kathmandu turns to Seoul" in first.locator("h3").inner_text()
    assert first.locator("time").get_attribute("datetime") == "2009-07-14"
    page.click(f'{RESULTS} a[href$="{KATHMANDU_MOU_ARTICLE}"]')
    page.wait_for_url(f"**{KATHMANDU_MOU_ARTICLE}")


def test_the_city_filter_narrows_the_results(open_page, sample_output: Path):
    page = open_page()
    ready(page)
    search(page, "Kathmandu")
    everything = set(result_urls(page))
    page.select_option("#search-city", "Barcelona")
    expect(page).to_have_url(re.compile(r"city=Barcelona"))
    wait_for_results(page)
    narrowed = set(result_urls(page))
    assert narrowed and narrowed < everything
    assert KATHMANDU_MOU_ARTICLE not in narrowed  # it names Kathmandu and Seoul only
    for url in narrowed:
        assert "Barcelona" in filter_values(sample_output, url, "city"), url
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"q": ["Kathmandu"], "city": ["Barcelona"]}


def test_language_and_year_filters(open_page, sample_output: Path):
    page = open_page()
    ready(page, "/search/?q=Seoul&language=de")
    wait_for_results(page)
    german = result_urls(page)
    assert german and all(url.startswith("/de/") for url in german)
    assert page.locator(RESULTS).first.get_attribute("lang") == "de"  # a foreign passage
    page.select_option("#search-language", "")
    page.select_option("#search-year", "2010")
    expect(page).to_have_url(re.compile(r"year=2010"))
    wait_for_results(page)
    for url in result_urls(page):
        assert filter_values(sample_output, url, "year") == ["2010"], url


def test_a_search_in_the_address_is_restored(open_page):
    page = open_page()
    ready(page, "/search/?q=Kathmandu&city=Kathmandu&type=article")
    wait_for_results(page)
    assert page.input_value("#search-terms") == "Kathmandu"
    assert page.input_value("#search-city") == "Kathmandu"
    assert page.input_value("#search-type") == "article"
    urls = result_urls(page)
    assert KATHMANDU_MOU_ARTICLE in urls
    assert all(url.startswith(("/news/", "/de/news/")) for url in urls)


def test_the_german_search_page_speaks_german(open_page):
    page = open_page()
    ready(page, "/de/search/")
    search(page, "Kathmandu")
    assert "Treffer" in page.inner_text("[data-search-status]")
    dates = page.eval_on_selector_all(f"{RESULTS} time", "times => times.map(t => t.textContent)")
    assert "14. Juli 2009" in dates


def test_without_javascript_the_page_offers_browsing(browser, site_url: str):
    context = browser.new_context(base_url=site_url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/search/")
        assert not page.is_visible("form[data-search-form]")
        assert page.is_visible("[data-search-nojs]")
        page.click(".portal-search__browse a[href$='cities/']")
        page.wait_for_url("**/cities/")
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_no_axe_violations_with_results_shown(open_page, width: int):
    page = open_page(width=width)
    ready(page, "/search/?q=Kathmandu")
    wait_for_results(page)
    result = Axe().run(page, options=AXE_OPTIONS)
    assert result.violations_count == 0, result.generate_report()


def test_search_requests_stay_on_the_local_server(open_page, request_log, site_url: str):
    before = len(request_log.urls)
    page = open_page()
    ready(page)
    search(page, "MOU")
    made = request_log.urls[before:]
    assert any("/pagefind/" in url for url in made)
    assert [url for url in request_log.foreign(site_url) if url in made] == []


@pytest.fixture(scope="module")
def sharded_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The sample site with its search index in shards of 8 pages, served locally."""
    root = tmp_path_factory.mktemp("sharded-search")
    output = root / "output"
    build_site(SAMPLE_CONTENT, output,
               overrides={"SEARCH": {"shard_pages": 8}, "CACHE_PATH": str(root / "cache")})
    server = make_server(output, 0)
    thread = threading.Thread(target=server.serve_forever, name="sharded-server", daemon=True)
    thread.start()
    try:
        yield output, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_a_sharded_index_finds_what_one_index_finds(open_page, browser, sharded_site):
    output, url = sharded_site
    shards = json.loads((output / "pagefind" / "shards.json").read_text("utf-8"))["shards"]
    assert len(shards) >= 4
    page = open_page()
    ready(page, "/search/?q=Kathmandu&type=article")
    wait_for_results(page)
    expected = result_urls(page)

    context = browser.new_context(base_url=url)
    try:
        made: list[str] = []
        context.on("request", lambda request: made.append(request.url))
        sharded = context.new_page()
        ready(sharded, "/search/?q=Kathmandu&type=article")
        wait_for_results(sharded)
        assert sorted(result_urls(sharded)) == sorted(expected)
        assert KATHMANDU_MOU_ARTICLE in expected
        # Every shard was loaded; the WebAssembly only once, from the first.
        for shard in shards:
            assert any(f"/pagefind/{shard['path']}pagefind-entry.json" in u for u in made), shard
        assert len([u for u in made if u.endswith(".pagefind") and "/wasm." in u]) == 1
    finally:
        context.close()
