"""SEO and sharing in the built sample site: sitemap, robots.txt, canonical, OpenGraph, JSON-LD."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from lxml import etree, html

from tests.conftest import SAMPLE_CONTENT, read_page
from tools.build import BuildResult, build_site

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
PUBLIC = "https://portal.example.org/egov"

ARTICLE = "news/2009/07/seoul-mous-june/"
ARTICLE_DE = "de/news/2009/07/seoul-absichtserklaerungen-juni/"


@pytest.fixture(scope="session")
def public_site(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The sample content built once with a public site URL for the SEO plugin."""
    output = tmp_path_factory.mktemp("public-site") / "output"
    seo = {"siteurl": PUBLIC + "/", "search_url_template": "search/?q={search_term_string}"}
    return build_site(SAMPLE_CONTENT, output, overrides={"SEO": seo})


def sitemap_urls(output: Path) -> dict[str, etree._Element]:
    root = etree.parse(str(output / "sitemap.xml")).getroot()
    assert root.tag == f"{SM}urlset"
    return {url.findtext(f"{SM}loc"): url for url in root.iter(f"{SM}url")}


def json_ld(page: str) -> list[dict]:
    doc = html.fromstring(page)
    return [json.loads(s.text) for s in doc.xpath('//script[@type="application/ld+json"]')]


def head(page: str, xpath: str) -> list[str]:
    return html.fromstring(page).xpath(xpath)


def published(site: BuildResult, folder: str) -> int:
    return sum(
        1 for path, state in site.report.files.items()
        if path.startswith(folder + "/") and state == "published"
    )


# ------------------------------------------------------------------ sitemap


def record_urls(folder: str) -> set[str]:
    """The URLs of the sample's cities, MOUs or events, from their files' Slug lines."""
    slugs = set()
    for path in (SAMPLE_CONTENT / folder).glob("*.md"):
        slugs.add(re.search(r"^Slug: (\S+)$", path.read_text(encoding="utf-8"), re.M)[1])
    return {f"/{folder}/{slug}/" for slug in slugs}


def test_the_sitemap_lists_every_article_city_mou_event_and_page(sample_site: BuildResult):
    paths = set(sitemap_urls(sample_site.output))
    articles = {u for u in paths if re.fullmatch(r"/(de/)?news/\d{4}/\d{2}/[^/]+/", u)}
    assert len(articles) == published(sample_site, "articles") == 12
    for folder in ("cities", "mous", "events"):
        expected = record_urls(folder)
        assert len(expected) == published(sample_site, folder)
        assert expected <= paths, expected - paths
    assert {"/", "/about/", "/de/about/", "/accessibility/", "/de/accessibility/",
            f"/{ARTICLE}", f"/{ARTICLE_DE}", "/search/", "/de/search/"} <= paths


def test_every_sitemap_url_is_a_page_of_the_site_and_none_is_left_out(sample_output: Path):
    urls = set(sitemap_urls(sample_output))
    written = set()
    for page in sample_output.rglob("*.html"):
        relative = page.relative_to(sample_output).as_posix()
        if relative == "404.html" or relative.startswith("pagefind/"):
            continue
        written.add("/" + relative.removesuffix("index.html"))
    assert urls == written
    assert "/404.html" not in urls


def test_translations_are_hreflang_alternates_of_each_other(sample_output: Path):
    urls = sitemap_urls(sample_output)
    expected = [("de", f"/{ARTICLE_DE}"), ("en", f"/{ARTICLE}"), ("x-default", f"/{ARTICLE}")]
    for loc in (f"/{ARTICLE}", f"/{ARTICLE_DE}"):
        links = urls[loc].findall(f"{XHTML}link")
        assert [(link.get("hreflang"), link.get("href")) for link in links] == expected
        assert all(link.get("rel") == "alternate" and link.get("ref") is None for link in links)
    text = (sample_output / "sitemap.xml").read_text(encoding="utf-8")
    assert " ref=" not in text
    # an article without a translation has no alternates
    assert urls["/news/2009/07/kathmandu-cooperation/"].findall(f"{XHTML}link") == []


def test_lastmod_comes_from_modified_or_date(sample_output: Path):
    urls = sitemap_urls(sample_output)
    path = SAMPLE_CONTENT / "articles/2009/2009-07-13-seoul-mous-june.md"
    source = path.read_text(encoding="utf-8")
    modified = re.search(r"^Modified: (\S+)", source, re.M).group(1)
    assert urls[f"/{ARTICLE}"].findtext(f"{SM}lastmod").startswith(modified)
    assert urls["/news/2009/07/kathmandu-cooperation/"].findtext(f"{SM}lastmod") == "2009-07-14"
    assert urls["/cities/kathmandu/"].findtext(f"{SM}lastmod") is None  # no date: none made up


def test_a_public_build_has_absolute_sitemap_urls_and_robots_points_there(
    public_site: BuildResult,
):
    urls = sitemap_urls(public_site.output)
    assert all(loc.startswith(PUBLIC + "/") for loc in urls)
    link = urls[f"{PUBLIC}/{ARTICLE}"].find(f"{XHTML}link")
    assert link.get("href") == f"{PUBLIC}/{ARTICLE_DE}"
    robots = (public_site.output / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {PUBLIC}/sitemap.xml" in robots.splitlines()


def test_robots_txt_in_development_points_to_the_sitemap_path(sample_output: Path):
    lines = (sample_output / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert "User-agent: *" in lines
    assert "Sitemap: /sitemap.xml" in lines
    assert not any(line.startswith("Disallow: /") and line != "Disallow: " for line in lines)


# ------------------------------------------------------------------ head


def test_development_pages_have_no_canonical_or_og_url(sample_output: Path):
    page = read_page(sample_output, ARTICLE)
    assert head(page, '//link[@rel="canonical"]') == []
    assert head(page, '//meta[@property="og:url"]') == []
    assert head(page, '//meta[@property="og:title"]/@content') == [
        head(page, "//h1")[0].text_content().strip()
    ]


@pytest.mark.parametrize("url", ["", ARTICLE, ARTICLE_DE, "cities/kathmandu/", "events/wegmf-2008/",
                                 "mous/", "tag/mou/", "search/", "de/search/"])
def test_public_pages_have_an_absolute_canonical_url_and_og_url(public_site, url):
    page = read_page(public_site.output, url)
    assert head(page, '//link[@rel="canonical"]/@href') == [f"{PUBLIC}/{url}"]
    assert head(page, '//meta[@property="og:url"]/@content') == [f"{PUBLIC}/{url}"]
    assert head(page, '//meta[@property="og:site_name"]/@content')
    assert head(page, '//meta[@property="og:type"]/@content')[0] in ("article", "website")


def test_the_404_page_is_not_indexed_and_has_no_canonical(public_site):
    page = (public_site.output / "404.html").read_text(encoding="utf-8")
    assert head(page, '//meta[@name="robots"]/@content') == ["noindex"]
    assert head(page, '//link[@rel="canonical"]') == []


def test_an_article_shares_as_an_article_in_its_language(public_site):
    page = read_page(public_site.output, ARTICLE_DE)
    props = dict(zip(head(page, "//meta/@property"), head(page, "//meta[@property]/@content"),
                     strict=True))
    assert props["og:type"] == "article"
    assert props["og:locale"] == "de_DE"
    assert props["og:locale:alternate"].startswith("en_")
    assert props["article:published_time"].startswith("2009-07-13")
    assert props["article:section"] == "Cooperation"


# ------------------------------------------------------------------ JSON-LD


def test_articles_are_news_articles_with_dates_author_language_and_sources(sample_output: Path):
    (data,) = json_ld(read_page(sample_output, "news/2009/07/kathmandu-cooperation/"))
    assert data["@context"] == "https://schema.org" and data["@type"] == "NewsArticle"
    assert data["headline"] == "Kathmandu turns to Seoul for help with e-government"
    assert data["datePublished"].startswith("2009-07-14")
    assert data["dateModified"] == data["datePublished"]
    assert data["inLanguage"] == "en"
    assert data["author"] == [{"@type": "Organization", "name": "Portal editors"}]
    assert data["citation"][0]["publisher"]["name"] == "The Korea Herald"
    assert data["citation"][0]["datePublished"] == "2009-07-10"
    assert {p["name"] for p in data["contentLocation"]} == {"Kathmandu", "Seoul"}


def test_a_translation_says_what_it_translates(public_site):
    (data,) = json_ld(read_page(public_site.output, ARTICLE_DE))
    assert data["inLanguage"] == "de"
    assert data["translationOfWork"]["url"] == f"{PUBLIC}/{ARTICLE}"
    assert data["url"] == f"{PUBLIC}/{ARTICLE_DE}"
    (original,) = json_ld(read_page(public_site.output, ARTICLE))
    assert original["workTranslation"][0]["url"] == f"{PUBLIC}/{ARTICLE_DE}"
    assert original["dateModified"] > original["datePublished"]


def test_cities_are_places_with_their_coordinates(sample_output: Path):
    (data,) = json_ld(read_page(sample_output, "cities/kathmandu/"))
    source = (SAMPLE_CONTENT / "cities/kathmandu.md").read_text(encoding="utf-8")
    lat, lon = (float(x) for x in re.search(r"^Coordinates: (.+)$", source, re.M)[1].split(","))
    assert data["@type"] == "Place" and data["name"] == "Kathmandu"
    assert (data["geo"]["latitude"], data["geo"]["longitude"]) == (lat, lon)
    assert data["address"]["addressCountry"] == "NP"


@pytest.mark.parametrize(
    ("url", "start", "end"),
    [("events/wegmf-2008/", "2008-07", None),
     ("events/wego-inaugural-assembly-2010/", "2010-09-06", "2010-09-08")],
)
def test_events_start_at_their_true_precision(sample_output: Path, url, start, end):
    (data,) = json_ld(read_page(sample_output, url))
    assert data["@type"] == "Event"
    assert data["startDate"] == start
    assert data.get("endDate") == end
    assert data["location"]["address"]["addressLocality"] == "Seoul"


def test_the_home_page_is_the_website_with_a_search_action(public_site, sample_output):
    (data,) = json_ld(read_page(public_site.output, ""))
    assert data["@type"] == "WebSite" and data["url"] == f"{PUBLIC}/"
    target = data["potentialAction"]["target"]["urlTemplate"]
    assert target == f"{PUBLIC}/search/?q={{search_term_string}}"
    (dev,) = json_ld(read_page(sample_output, ""))
    assert "potentialAction" not in dev  # no public URL, no search target


def test_listings_carry_no_json_ld(sample_output: Path):
    for url in ("tag/mou/", "mous/partner/seoul/", "archives/2009/", "search/"):
        assert json_ld(read_page(sample_output, url)) == [], url
