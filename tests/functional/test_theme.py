"""The built sample site's shell: bilingual, linked honestly, light, private, accessible."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import html

from tests.conftest import read_page

# Resources a browser fetches by itself when it loads a page.
RESOURCE_XPATH = (
    "//link[contains(concat(' ', @rel, ' '), ' stylesheet ') or "
    "contains(concat(' ', @rel, ' '), ' icon ') or contains(@rel, 'preload') or "
    "contains(@rel, 'manifest')]/@href"
    " | //script/@src | //img/@src | //img/@srcset | //iframe/@src | //source/@src"
    " | //source/@srcset | //video/@src | //video/@poster | //audio/@src | //embed/@src"
    " | //object/@data | //input/@src"
)
BUDGET = 60 * 1024  # an article page: HTML + CSS + JS, uncompressed


def html_pages(output: Path) -> list[Path]:
    return sorted(
        p for p in output.rglob("*.html") if "pagefind" not in p.relative_to(output).parts
    )


def url_of(output: Path, path: Path) -> str:
    """The site path a file is served at ("/", "/cities/seoul/", "/404.html")."""
    relative = path.relative_to(output).as_posix()
    if relative.endswith("index.html"):
        return "/" + relative[: -len("index.html")]
    return "/" + relative


def resolve(page_url: str, href: str) -> str:
    """An href as a site path, resolved like a browser from `page_url`."""
    parts = urlsplit(href)
    path = parts.path if parts.path.startswith("/") else posixpath.join(
        posixpath.dirname(page_url) if not page_url.endswith("/") else page_url, parts.path
    )
    normal = posixpath.normpath(path) if path else page_url
    if (path.endswith("/") or path == "") and not normal.endswith("/"):
        normal += "/"
    return normal


def exists(output: Path, site_path: str) -> bool:
    target = output / site_path.lstrip("/")
    return target.is_file() or (target / "index.html").is_file()


def tree(output: Path, url: str):
    return html.fromstring(read_page(output, url.lstrip("/")))


@pytest.fixture(scope="module")
def german_articles(sample_output: Path) -> set[str]:
    return {url_of(sample_output, p) for p in (sample_output / "de" / "news").rglob("index.html")}


# --------------------------------------------------------------------------
# The German side


def test_german_home_lists_every_german_article_in_a_german_interface(
    sample_output: Path, german_articles: set[str]
):
    doc = tree(sample_output, "/de/")
    assert doc.get("lang") == "de"
    assert doc.xpath("string(//a[@class='portal-skip-link'])") == "Zum Hauptinhalt springen"
    assert "Aktuelle Nachrichten" in doc.xpath("//h2/text()")
    listed = {resolve("/de/", href) for href in doc.xpath("//main//article//h3/a/@href")}
    assert german_articles and listed == german_articles
    dates = doc.xpath("//main//article//time/text()")
    assert dates and all(re.fullmatch(r"\d{1,2}\. \w+ \d{4}", d) for d in dates)


def test_english_home_lists_english_articles_only(sample_output: Path, german_articles):
    doc = tree(sample_output, "/")
    listed = {resolve("/", href) for href in doc.xpath("//main//article//h3/a/@href")}
    assert listed and not listed & german_articles
    assert all(link.startswith("/news/") for link in listed)


def test_english_records_on_the_german_home_are_marked_english(sample_output: Path):
    doc = tree(sample_output, "/de/")
    mou_links = doc.xpath("//section[@aria-labelledby='mous-heading']//li/a")
    assert mou_links and all(a.get("lang") == "en" for a in mou_links)


def test_german_pages_link_the_german_about_and_accessibility_pages(sample_output: Path):
    doc = tree(sample_output, "/de/news/2009/07/seoul-absichtserklaerungen-juni/")
    footer = [resolve("/de/news/2009/07/seoul-absichtserklaerungen-juni/", h)
              for h in doc.xpath("//footer[@class='portal-footer']//a/@href")]
    assert "/de/about/" in footer and "/de/accessibility/" in footer


def test_the_home_page_shows_events_mous_and_a_ranking_from_the_index(sample_output: Path):
    doc = tree(sample_output, "/")
    events = doc.xpath("//section[@aria-labelledby='events-heading']")[0]
    # Every sample event is over: none upcoming, the latest past ones instead.
    assert "No upcoming events are listed." in events.text_content()
    assert events.xpath(".//li/a/text()")[0] == "WEGO inaugural assembly"
    mous = doc.xpath("//section[@aria-labelledby='mous-heading']//li")
    assert len(mous) == 5
    ranking = doc.xpath("//section[@aria-labelledby='ranking-heading']")[0]
    assert "100 Cities Survey on e-Government 2009" in " ".join(ranking.text_content().split())
    assert ranking.xpath(".//ol/li//a/text()") == ["Seoul"]
    for href in doc.xpath("//div[@class='portal-grid__side']//a/@href"):
        assert exists(sample_output, resolve("/", href)), href


# --------------------------------------------------------------------------
# Language switcher and hreflang


def test_the_language_switcher_never_leads_nowhere(sample_output: Path):
    checked = 0
    for path in html_pages(sample_output):
        url = url_of(sample_output, path)
        doc = html.fromstring(path.read_text(encoding="utf-8"))
        switcher = doc.xpath("//nav[contains(@class, 'portal-lang')]")
        if not switcher:
            continue
        links = switcher[0].xpath(".//a")
        assert links, f"{url}: a switcher without a link to the other language"
        for link in links:
            target = resolve(url, link.get("href"))
            assert exists(sample_output, target), f"{url}: switcher → {target} does not exist"
            assert link.get("hreflang") == link.get("lang")
            checked += 1
        current = switcher[0].xpath(".//*[@aria-current='true']")
        assert len(current) == 1 and current[0].get("lang") == doc.get("lang")
    assert checked > 40


def test_the_switcher_goes_to_the_translation_when_there_is_one(sample_output: Path):
    article = "/news/2009/07/seoul-mous-june/"
    doc = tree(sample_output, article)
    (href,) = doc.xpath("//nav[contains(@class, 'portal-lang')]//a[@hreflang='de']/@href")
    assert resolve(article, href) == "/de/news/2009/07/seoul-absichtserklaerungen-juni/"
    city = "/cities/seoul/"
    doc = tree(sample_output, city)
    (link,) = doc.xpath("//nav[contains(@class, 'portal-lang')]//a[@hreflang='de']")
    assert resolve(city, link.get("href")) == "/de/"
    assert "Startseite" in link.text_content()  # says honestly where it goes


def test_hreflang_alternates_are_reciprocal_and_include_the_page_itself(sample_output: Path):
    pairs = 0
    for path in html_pages(sample_output):
        url = url_of(sample_output, path)
        doc = html.fromstring(path.read_text(encoding="utf-8"))
        alternates = {
            link.get("hreflang"): resolve(url, link.get("href"))
            for link in doc.xpath("//head/link[@rel='alternate'][@hreflang][not(@type)]")
        }
        if not alternates:
            continue
        assert alternates.get(doc.get("lang")) == url, f"{url} is not its own alternate"
        for lang, target in alternates.items():
            assert exists(sample_output, target)
            other = tree(sample_output, target)
            back = {
                link.get("hreflang"): resolve(target, link.get("href"))
                for link in other.xpath("//head/link[@rel='alternate'][@hreflang][not(@type)]")
            }
            assert back.get(doc.get("lang")) == url, f"{target} does not link back to {url}"
            pairs += lang != "x-default"
    assert pairs >= 10  # three translated articles, two pages, the homes


# --------------------------------------------------------------------------
# Shell and accessibility basics on every page


def test_every_page_has_the_accessible_shell(sample_output: Path):
    for path in html_pages(sample_output):
        url = url_of(sample_output, path)
        doc = html.fromstring(path.read_text(encoding="utf-8"))
        assert doc.get("lang") in ("en", "de"), url
        first_link = doc.xpath("//body//a")[0]
        assert first_link.get("href") == "#main-content", f"{url}: skip link is not first"
        assert len(doc.xpath("//main[@id='main-content']")) == 1, url
        assert len(doc.xpath("//main//h1")) == 1, f"{url}: needs exactly one h1"
        for nav in doc.xpath("//nav"):
            assert nav.get("aria-label") or nav.get("aria-labelledby"), f"{url}: unlabelled nav"
        ids = doc.xpath("//@id")
        assert len(ids) == len(set(ids)), f"{url}: duplicate ids"
        main_nav = doc.xpath("//nav[contains(@class, 'portal-nav')]//a")
        assert len(main_nav) >= 6, url


@pytest.mark.parametrize(
    ("url", "label", "value"),
    [
        ("/", "News", "page"),
        ("/cities/", "Cities", "page"),
        ("/cities/seoul/", "Cities", "true"),
        ("/news/2009/07/seoul-mous-june/", "News", "true"),
        ("/events/", "Events", "page"),
        ("/de/", "Nachrichten", "page"),
    ],
)
def test_the_main_navigation_marks_where_the_reader_is(
    sample_output: Path, url: str, label: str, value: str
):
    doc = tree(sample_output, url)
    current = doc.xpath("//nav[contains(@class, 'portal-nav')]//a[@aria-current]")
    assert [(a.text_content().strip(), a.get("aria-current")) for a in current] == [(label, value)]


def test_long_pages_have_a_back_to_top_link(sample_output: Path):
    for url in ("/", "/news/2009/07/seoul-mous-june/", "/cities/seoul/", "/archives/2009/"):
        doc = tree(sample_output, url)
        assert doc.xpath("//a[@href='#top']"), url
        assert doc.xpath("//body[@id='top']")


def test_translated_titles_are_marked_with_their_language(sample_output: Path):
    doc = tree(sample_output, "/news/2009/07/seoul-mous-june/")
    translation = doc.xpath("//main//a[@hreflang='de']")
    assert translation and translation[0].get("lang") == "de"


def test_dates_are_written_in_the_page_language(sample_output: Path):
    english = tree(sample_output, "/news/2009/07/seoul-mous-june/")
    german = tree(sample_output, "/de/news/2009/07/seoul-absichtserklaerungen-juni/")
    assert "13 July 2009" in english.xpath("//main//time/text()")
    assert "13. Juli 2009" in german.xpath("//main//time/text()")


# --------------------------------------------------------------------------
# The 404 page works at any path


def test_the_404_page_links_from_the_site_root(sample_output: Path):
    doc = html.fromstring((sample_output / "404.html").read_text(encoding="utf-8"))
    urls = doc.xpath("//a/@href | //link/@href | //script/@src | //img/@src")
    relative = [u for u in urls if not u.startswith(("/", "#", "http://", "https://"))]
    assert not relative, f"relative URLs break on a 404 served at /a/b/c: {relative}"
    for url in urls:
        if url.startswith("/") and not url.startswith("//"):
            assert exists(sample_output, urlsplit(url).path), url


# --------------------------------------------------------------------------
# Private and light


def test_no_page_loads_anything_from_another_host(sample_output: Path):
    for path in html_pages(sample_output):
        doc = html.fromstring(path.read_text(encoding="utf-8"))
        for value in doc.xpath(RESOURCE_XPATH):
            for candidate in value.split(","):
                src = candidate.strip().split(" ")[0]
                assert not urlsplit(src).netloc, f"{path}: loads {src}"
        styles = " ".join(doc.xpath("//@style | //style/text()"))
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", styles), path
    for css in sample_output.rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        assert not re.search(r"(url\(|@import)\s*['\"]?(https?:)?//", text), css


def page_weight(output: Path, url: str) -> dict[str, int]:
    """Bytes of the page's HTML and every stylesheet and script it loads."""
    page = output / url.lstrip("/") / "index.html"
    doc = html.fromstring(page.read_bytes())
    sizes = {url: page.stat().st_size}
    for href in doc.xpath(
        "//link[contains(concat(' ', @rel, ' '), ' stylesheet ')]/@href | //script/@src"
    ):
        target = resolve(url, href)
        file = output / target.lstrip("/")
        assert file.is_file(), f"{url} loads missing {target}"
        sizes[target] = file.stat().st_size
        if file.suffix == ".css":  # stylesheets it imports
            css = file.read_text(encoding="utf-8")
            for imported in re.findall(r"@import\s+(?:url\()?['\"]?([^'\")]+)", css):
                extra = output / resolve(target, imported).lstrip("/")
                sizes[resolve(target, imported)] = extra.stat().st_size
    return sizes


def test_every_article_page_weighs_under_60_kb(sample_output: Path):
    articles = [
        url_of(sample_output, p)
        for folder in ("news", "de/news")
        for p in (sample_output / folder).rglob("index.html")
    ]
    assert len(articles) >= 10
    for url in articles:
        sizes = page_weight(sample_output, url)
        total = sum(sizes.values())
        assert total < BUDGET, f"{url} weighs {total} bytes: {sizes}"
    assert any(name.endswith("portal.css") for name in page_weight(sample_output, articles[0]))


# --------------------------------------------------------------------------
# Paginated homes (the sample content, two articles a page)


@pytest.fixture(scope="module")
def paged_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import SAMPLE_CONTENT
    from tools.build import build_site

    output = tmp_path_factory.mktemp("paged-site") / "output"
    return build_site(SAMPLE_CONTENT, output, overrides={"DEFAULT_PAGINATION": 2}).output


def test_the_german_home_is_paginated_in_german(paged_output: Path, german_articles):
    first = tree(paged_output, "/de/")
    second = tree(paged_output, "/de/page/2/")
    assert second.get("lang") == "de"
    assert second.xpath("string(//main//h1)") == "Aktuelle Nachrichten"
    (older,) = first.xpath("//nav[contains(@class, 'portal-pagination')]//a[@rel='next']")
    assert resolve("/de/", older.get("href")) == "/de/page/2/"
    assert older.text_content() == "Ältere Artikel"
    listed = {
        resolve(url, href)
        for url, doc in (("/de/", first), ("/de/page/2/", second))
        for href in doc.xpath("//main//article//h3/a/@href")
    }
    assert listed == german_articles  # the sample's three, two and one
    # Highlights only on the first page; the navigation still marks the news section.
    assert first.xpath("//*[@id='mous-heading']") and not second.xpath("//*[@id='mous-heading']")
    current = second.xpath("//nav[contains(@class, 'portal-nav')]//a[@aria-current='true']")
    assert [a.text_content() for a in current] == ["Nachrichten"]
