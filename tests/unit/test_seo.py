"""The seo plugin's parts: settings, JSON-LD builders and escaping, sitemap, robots.txt."""

from __future__ import annotations

import datetime as dt
import fnmatch
import json
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from lxml import etree
from portal.model import CONTENT_TYPES, ModelSettings, RawField, parse_record
from seo import structured
from seo.config import read_config
from seo.head import og_locale, page_url
from seo.sitemap import (
    SITEMAP_NS,
    XHTML_NS,
    Entry,
    _matcher,
    lastmod,
    output_entries,
    robots_text,
    urlset,
    write_sitemap,
)

BERLIN = ZoneInfo("Europe/Berlin")
MODEL = ModelSettings(timezone=BERLIN, categories=("Cooperation",), tags=())
SM = f"{{{SITEMAP_NS}}}"
XHTML = f"{{{XHTML_NS}}}"


def record(kind: str, **values: str):
    raw = [
        RawField(name.replace("_", "-"), value, line)
        for line, (name, value) in enumerate(values.items(), start=1)
    ]
    parsed, problems = parse_record(CONTENT_TYPES[kind], raw, f"{kind}.md", MODEL, default_slug="x")
    assert parsed is not None, problems
    return parsed


def settings(**overrides):
    base = {"SITEURL": "", "SITENAME": "Portal", "DEFAULT_LANG": "en", "AUTHOR": "Portal editors"}
    base.update(overrides)
    return base


ARTICLE = dict(
    Title="Seoul signs an MOU with Kathmandu",
    Id="2009-kathmandu",
    Date="2009-07-14",
    Modified="2009-07-16 10:30",
    Category="Cooperation",
    Tags="MOU, digital divide",
    Source="The Korea Herald | 2009-07-10 | https://www.koreaherald.com/\nYonhap | 2009-07",
    Summary="Kathmandu is to model its e-government on Seoul's.",
    Authors="Portal editors, Kim Min-ji",
)

# ------------------------------------------------------------------ settings


def test_siteurl_defaults_to_siteurl_and_loses_its_trailing_slash():
    config = read_config(settings(SITEURL="https://portal.example.org/egov/"))
    assert config.siteurl == "https://portal.example.org/egov"
    assert config.absolute("news/x/") == "https://portal.example.org/egov/news/x/"
    assert config.location("sitemap.xml") == "https://portal.example.org/egov/sitemap.xml"


def test_without_an_absolute_url_there_are_no_absolute_urls_only_root_paths():
    for siteurl in ("", "/egov", "../.."):
        config = read_config(settings(SITEURL=siteurl))
        assert config.siteurl == ""
        assert config.absolute("news/x/") is None
        assert config.location("news/x/") == "/news/x/"


def test_the_seo_siteurl_wins_over_siteurl():
    config = read_config(settings(SITEURL="", SEO={"siteurl": "https://example.org"}))
    assert config.absolute("") == "https://example.org/"


def test_unknown_and_bad_settings_are_named():
    with pytest.raises(ValueError, match=r"SEO: unknown setting\(s\) site_url; known: siteurl"):
        read_config(settings(SEO={"site_url": "https://example.org"}))
    with pytest.raises(ValueError, match="must be an absolute http"):
        read_config(settings(SEO={"siteurl": "example.org"}))


# ------------------------------------------------------------------ JSON-LD


def test_json_ld_cannot_end_its_script_element():
    data = {"headline": "</script><script>alert(1)</script> & <!-- \u2028"}
    html = str(structured.json_ld_script(data))
    body = html.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert "<" not in body and ">" not in body and "&" not in body
    assert json.loads(body) == data


def test_no_data_no_script():
    assert str(structured.json_ld_script(None)) == ""


def test_news_article_carries_dates_byline_language_and_sources():
    article = record("article", **ARTICLE)
    data = structured.news_article(
        article,
        sitename="Portal",
        site_author="Portal editors",
        url="https://example.org/news/2009/07/x/",
        cities=[(record("city", Name="Kathmandu", Country="NP", Region="Asia",
                        Coordinates="27.7172, 85.3240"), None)],
        versions=[structured.Version("de", "Seoul und Kathmandu", None, False)],
    )
    assert data["@type"] == "NewsArticle"
    assert data["datePublished"] == "2009-07-14T00:00:00+02:00"
    assert data["dateModified"] == "2009-07-16T10:30:00+02:00"
    assert data["inLanguage"] == "en"
    assert data["author"] == [
        {"@type": "Organization", "name": "Portal editors"},
        {"@type": "Person", "name": "Kim Min-ji"},
    ]
    assert data["citation"] == [
        {
            "@type": "CreativeWork",
            "publisher": {"@type": "Organization", "name": "The Korea Herald"},
            "datePublished": "2009-07-10",
            "url": "https://www.koreaherald.com/",
        },
        {
            "@type": "CreativeWork",
            "publisher": {"@type": "Organization", "name": "Yonhap"},
            "datePublished": "2009-07",  # a month, as the source gives it
        },
    ]
    assert data["contentLocation"] == [{"@type": "Place", "name": "Kathmandu"}]
    assert data["workTranslation"] == [
        {"@type": "NewsArticle", "headline": "Seoul und Kathmandu", "inLanguage": "de"}
    ]
    assert data["mainEntityOfPage"] == data["url"]


def test_an_article_without_modified_was_modified_when_published():
    values = {k: v for k, v in ARTICLE.items() if k not in ("Modified", "Authors")}
    data = structured.news_article(
        record("article", **values), sitename="Portal", site_author="Portal editors"
    )
    assert data["dateModified"] == data["datePublished"]
    assert data["author"] == [{"@type": "Organization", "name": "Portal editors"}]
    assert "url" not in data  # no site URL: no made-up URL


def test_a_city_is_a_place_with_coordinates():
    city = record("city", Name="Kathmandu", Country="NP", Region="Asia",
                  Coordinates="27.7172, 85.3240", Website="https://kathmandu.gov.np/")
    data = structured.place(city, url="https://example.org/cities/kathmandu/")
    assert data["@type"] == "Place"
    assert data["geo"] == {"@type": "GeoCoordinates", "latitude": 27.7172, "longitude": 85.324}
    assert data["address"]["addressCountry"] == "NP"
    assert data["sameAs"] == "https://kathmandu.gov.np/"


def test_an_event_starts_at_the_precision_it_is_known_to():
    city = record("city", Name="Seoul", Country="KR", Region="Asia", Coordinates="37.56, 126.97")
    month = record("event", Title="Forum", Start="2008-07", Location="Seoul", City="seoul",
                   Organizer="Seoul Metropolitan Government", Sources="x")
    data = structured.event(month, city=city)
    assert data["@type"] == "Event"
    assert data["startDate"] == "2008-07"
    assert "endDate" not in data
    assert data["location"]["address"] == {
        "@type": "PostalAddress", "addressLocality": "Seoul", "addressCountry": "KR"
    }
    minute = record("event", Title="Talk", Start="2009-09-23 14:30", End="2009-09-30",
                    Location="Hotel Shilla", City="seoul", Organizer="SMG", Sources="x")
    data = structured.event(minute)
    assert data["startDate"] == "2009-09-23T14:30:00+02:00"
    assert data["endDate"] == "2009-09-30"


def test_the_home_page_offers_a_search_action_only_with_a_target():
    plain = structured.website(sitename="Portal", description="d", lang="en")
    assert plain["@type"] == "WebSite" and "potentialAction" not in plain
    target = "https://example.org/search/?q={search_term_string}"
    data = structured.website(sitename="Portal", description="d", lang="en", search_target=target)
    assert data["potentialAction"]["target"]["urlTemplate"] == target
    assert data["potentialAction"]["query-input"] == "required name=search_term_string"


def test_page_urls_and_locales():
    assert page_url("index.html") == ""
    assert page_url("news/2009/07/x/index.html") == "news/2009/07/x/"
    assert page_url("404.html") == "404.html"
    assert og_locale("de") == "de_DE"
    assert re.fullmatch(r"en_[A-Z]{2}", og_locale("en"))


# ------------------------------------------------------------------ sitemap


def test_lastmod_keeps_a_day_a_day():
    assert lastmod(dt.datetime(2009, 7, 14, tzinfo=BERLIN)) == "2009-07-14"
    assert lastmod(dt.datetime(2009, 7, 16, 10, 30, tzinfo=BERLIN)) == "2009-07-16T10:30:00+02:00"
    assert lastmod(None) is None


def test_hreflang_alternates_use_href_in_the_xhtml_namespace():
    config = read_config(settings(SITEURL="https://example.org"))
    alternates = (("de", "de/news/x/"), ("en", "news/x/"), ("x-default", "news/x/"))
    root = urlset([Entry("news/x/", "2009-07-14", alternates)], config)
    xml = etree.tostring(root).decode()
    assert " ref=" not in xml
    links = root.findall(f"{SM}url/{XHTML}link")
    assert [(link.get("hreflang"), link.get("href")) for link in links] == [
        ("de", "https://example.org/de/news/x/"),
        ("en", "https://example.org/news/x/"),
        ("x-default", "https://example.org/news/x/"),
    ]
    assert all(link.get("rel") == "alternate" for link in links)
    assert root.findtext(f"{SM}url/{SM}lastmod") == "2009-07-14"


def test_the_sitemap_lists_every_written_page_but_the_excluded(tmp_path: Path):
    for name in ("index.html", "news/x/index.html", "404.html", "pagefind/x.html",
                 "feeds/all.atom.xml", "old.html"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    known = {"news/x/": Entry("news/x/", "2009-07-14")}
    entries = output_entries(tmp_path, known, ("404.html", "pagefind/*"), {"old.html"})
    assert entries == [Entry(""), Entry("news/x/", "2009-07-14")]
    files = ["news/x/index.html", "index.html", "extra.html", "pagefind/y.html"]
    listed = output_entries(tmp_path, known, ("404.html", "pagefind/*"), (), files)
    assert listed == [Entry(""), Entry("extra.html"), Entry("news/x/", "2009-07-14")]


@pytest.mark.parametrize(
    "path", ["404.html", "a/404.html", "pagefind/x/y.html", "drafts/", "theme/a.css", "x.html"]
)
def test_excluded_paths_match_as_fnmatchcase_does(path: str):
    patterns = ("404.html", "pagefind/*", "drafts/*", "theme/*")
    expected = any(fnmatch.fnmatchcase(path, pattern) for pattern in patterns)
    assert bool(_matcher(patterns)(path)) == expected
    assert not _matcher(())(path)


def test_more_urls_than_a_file_may_hold_go_into_an_index(tmp_path: Path):
    config = read_config(settings(SITEURL="https://example.org", SEO={"sitemap_max_urls": 2}))
    entries = [Entry(f"p{i}/") for i in range(5)]
    written = write_sitemap(tmp_path, entries, config)
    assert [p.name for p in written] == ["sitemap.xml", "sitemap-1.xml", "sitemap-2.xml",
                                         "sitemap-3.xml"]
    index = etree.parse(str(tmp_path / "sitemap.xml")).getroot()
    assert index.tag == f"{SM}sitemapindex"
    assert [loc.text for loc in index.iter(f"{SM}loc")] == [
        "https://example.org/sitemap-1.xml",
        "https://example.org/sitemap-2.xml",
        "https://example.org/sitemap-3.xml",
    ]
    parts = [etree.parse(str(p)).getroot() for p in written[1:]]
    locs = [loc.text for part in parts for loc in part.iter(f"{SM}loc")]
    assert locs == [f"https://example.org/p{i}/" for i in range(5)]


def test_robots_txt_names_the_sitemap():
    published = robots_text(read_config(settings(SITEURL="https://example.org/egov")))
    assert "User-agent: *" in published.splitlines()
    assert published.splitlines()[-1] == "Sitemap: https://example.org/egov/sitemap.xml"
    development = robots_text(read_config(settings()))
    assert development.splitlines()[-1] == "Sitemap: /sitemap.xml"
