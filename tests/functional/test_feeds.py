"""Every feed of the sample site: valid, complete, absolute, discoverable, repeatable."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import icalendar
import pytest
from lxml import etree, html

from tests.conftest import ROOT, SAMPLE_CONTENT, read_page
from tools.build import build_site

ATOM = "http://www.w3.org/2005/Atom"
DEV_SITE = "http://127.0.0.1:8000"
RFC_822 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$"
)
TAG_URI = re.compile(r"^tag:egov-portal\.example,\d{4}(-\d{2}-\d{2})?:[a-z0-9/-]+$")
RFC_3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$")


# -------------------------------------------------------------------- helpers (also used by
# test_feeds_stability.py)


def feed_files(output: Path, *, archives: bool = True) -> list[Path]:
    """Every Atom, RSS and JSON feed file under feeds/."""
    files = [
        p
        for p in (output / "feeds").rglob("*")
        if p.name.endswith((".atom.xml", ".rss.xml", ".json"))
    ]
    if not archives:
        files = [p for p in files if "archive" not in p.relative_to(output / "feeds").parts]
    return sorted(files)


def parse(path: Path) -> feedparser.FeedParserDict:
    return feedparser.parse(path.read_bytes())


def json_feed(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def entry_ids(path: Path) -> list[str]:
    if path.suffix == ".json":
        return [item["id"] for item in json_feed(path)["items"]]
    return [entry.id for entry in parse(path).entries]


def all_entries(output: Path, name: str) -> list[str]:
    """The IDs of a whole logical feed: subscription document plus archive pages."""
    ids = entry_ids(output / "feeds" / name)
    stem, ext = name.split(".", 1)
    for page in sorted((output / "feeds" / "archive" / stem).glob(f"*.{ext}")):
        ids += entry_ids(page)
    return list(dict.fromkeys(ids))


def check_json_feed(feed: dict, site: str) -> None:
    """JSON Feed 1.1's rules (feedparser 6.0 cannot read JSON Feed)."""
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] and feed["feed_url"].startswith(site) and feed["home_page_url"]
    assert isinstance(feed["items"], list)
    for item in feed["items"]:
        assert isinstance(item["id"], str) and item["id"]
        assert item.get("content_html") or item.get("content_text")
        for key in ("date_published", "date_modified"):
            assert RFC_3339.match(item[key]), item[key]
        assert item["url"].startswith(site)


def links_in(path: Path) -> list[str]:
    """Every URL a feed file points to, including those inside entry content."""
    if path.suffix == ".json":
        feed = json_feed(path)
        urls = [feed["home_page_url"], feed["feed_url"], feed.get("next_url")]
        for item in feed["items"]:
            urls += [item["url"], item.get("image")]
            urls += [a["url"] for a in item.get("attachments", [])]
            urls += [t["url"] for t in item.get("_translations", {}).get("items", [])]
            urls += _html_links(item["content_html"])
        return [u for u in urls if u]
    root = etree.parse(str(path)).getroot()
    urls = [v for v in root.xpath("//@href | //@url | //@scheme | //@domain")]
    urls += [e.text for e in root.iter("link") if e.text]  # RSS <link>
    urls += [e.text for e in root.iter("guid") if e.get("isPermaLink") != "false"]
    for element in root.iter(
        f"{{{ATOM}}}content", "{http://purl.org/rss/1.0/modules/content/}encoded"
    ):
        urls += _html_links(element.text or "")
    return urls


def _html_links(fragment: str) -> list[str]:
    if not fragment.strip():
        return []
    root = html.fragment_fromstring(fragment, create_parent="div")
    return root.xpath("//@href | //@src | //@poster") + [
        part.split()[0] for value in root.xpath("//@srcset") for part in value.split(",")
    ]


def article_headers() -> list[dict[str, str]]:
    """The sample articles' header fields, read straight from the files (the oracle)."""
    articles = []
    for path in sorted((SAMPLE_CONTENT / "articles").rglob("*.md")):
        fields: dict[str, str] = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                break
            if ":" in line and not line.startswith((" ", "\t")):
                name, value = line.split(":", 1)
                fields[name.strip().lower()] = value.strip()
        if fields.get("status", "published") == "published":
            fields.setdefault("lang", "en")
            articles.append(fields)
    return articles


def split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


# -------------------------------------------------------------------- validity


def test_the_sample_has_every_kind_of_feed(sample_output: Path):
    names = {str(p.relative_to(sample_output / "feeds")) for p in feed_files(sample_output)}
    for name in (
        "all.atom.xml",
        "all.rss.xml",
        "all.json",
        "lang/de.atom.xml",
        "lang/en.rss.xml",
        "category/cooperation.atom.xml",
        "tag/mou.rss.xml",
        "city/seoul.atom.xml",
        "city/seoul.rss.xml",
        "city/seoul.json",
        "mous.atom.xml",
        "mous.rss.xml",
        "events.atom.xml",
        "events.rss.xml",
    ):
        assert name in names
    assert (sample_output / "feeds" / "events.ics").is_file()


def test_every_xml_feed_parses_without_errors_as_its_format(sample_output: Path):
    checked = 0
    for path in feed_files(sample_output):
        if path.suffix == ".json":
            continue
        parsed = parse(path)
        assert parsed.bozo == 0, (path, parsed.get("bozo_exception"))
        assert parsed.version == ("atom10" if path.name.endswith(".atom.xml") else "rss20"), path
        checked += 1
    assert checked >= 50


def test_every_json_feed_follows_json_feed_1_1(sample_output: Path):
    paths = [p for p in feed_files(sample_output) if p.suffix == ".json"]
    assert len(paths) == 1 + len(list((SAMPLE_CONTENT / "cities").glob("*.md")))
    for path in paths:
        check_json_feed(json_feed(path), DEV_SITE)


def test_entry_ids_are_unique_tag_uris_in_every_feed(sample_output: Path):
    for path in feed_files(sample_output):
        ids = entry_ids(path)
        assert len(ids) == len(set(ids)), path
        for entry_id in ids:
            assert TAG_URI.match(entry_id), entry_id


def test_every_link_in_every_feed_is_absolute(sample_output: Path):
    for path in feed_files(sample_output):
        links = links_in(path)
        assert links, path
        for url in links:
            parts = urlsplit(url)
            assert parts.scheme in ("http", "https", "mailto") and (parts.netloc or parts.path), (
                path,
                url,
            )


def test_feeds_carry_self_links_to_themselves(sample_output: Path):
    for path in feed_files(sample_output):
        url = f"{DEV_SITE}/{path.relative_to(sample_output).as_posix()}"
        if path.suffix == ".json":
            assert json_feed(path)["feed_url"] == url
        else:
            root = etree.parse(str(path)).getroot()
            assert root.xpath("//a:link[@rel='self']/@href", namespaces={"a": ATOM}) == [url]


# -------------------------------------------------------------------- content


def test_entry_counts_match_the_content(sample_output: Path):
    articles = article_headers()
    originals = {a["id"]: a for a in articles if a["lang"] == "en"}
    originals.update({a["id"]: a for a in articles if a["id"] not in originals})
    assert len(entry_ids(sample_output / "feeds/all.atom.xml")) == len(originals)
    assert len(entry_ids(sample_output / "feeds/all.json")) == len(originals)
    for lang in ("en", "de"):
        expected = sum(1 for a in articles if a["lang"] == lang)
        assert len(entry_ids(sample_output / f"feeds/lang/{lang}.rss.xml")) == expected
    by_city, by_category, by_tag = defaultdict(int), defaultdict(int), defaultdict(int)
    for article in originals.values():
        for city in split(article.get("cities", "")):
            by_city[city] += 1
        by_category[slug(article["category"])] += 1
        for tag in split(article.get("tags", "")):
            by_tag[slug(tag)] += 1
    for city_file in (SAMPLE_CONTENT / "cities").glob("*.md"):
        city = city_file.stem
        assert len(entry_ids(sample_output / f"feeds/city/{city}.atom.xml")) == by_city[city]
        assert len(entry_ids(sample_output / f"feeds/city/{city}.json")) == by_city[city]
    for category, count in by_category.items():
        assert len(entry_ids(sample_output / f"feeds/category/{category}.atom.xml")) == count
    for tag, count in by_tag.items():
        assert len(entry_ids(sample_output / f"feeds/tag/{tag}.rss.xml")) == count
    assert len(entry_ids(sample_output / "feeds/mous.atom.xml")) == len(
        list((SAMPLE_CONTENT / "mous").glob("*.md"))
    )
    assert len(entry_ids(sample_output / "feeds/events.rss.xml")) == len(
        list((SAMPLE_CONTENT / "events").glob("*.md"))
    )


def test_entries_are_newest_first_and_the_feed_is_as_new_as_its_newest_entry(sample_output):
    for path in feed_files(sample_output):
        if not path.name.endswith(".atom.xml"):
            continue
        parsed = parse(path)
        published = [e.published_parsed for e in parsed.entries]
        if "mous" in path.name or "events" in path.name:
            continue  # ordered by when the MOU was signed / the event starts
        assert published == sorted(published, reverse=True), path
        if parsed.entries:
            assert parsed.feed.updated_parsed == max(e.updated_parsed for e in parsed.entries)


def test_dates_are_rfc_3339_and_rfc_822_in_the_sites_time_zone(sample_output: Path):
    atom = etree.parse(str(sample_output / "feeds/all.atom.xml")).getroot()
    values = atom.xpath("//a:updated/text() | //a:published/text()", namespaces={"a": ATOM})
    assert values and all(RFC_3339.match(v) for v in values)
    assert all(v.endswith(("+01:00", "+02:00")) for v in values)  # Europe/Berlin
    rss = etree.parse(str(sample_output / "feeds/all.rss.xml")).getroot()
    dates = rss.xpath("//pubDate/text() | //lastBuildDate/text()")
    assert dates and all(RFC_822.match(d) for d in dates)
    first = rss.xpath("//item[1]/pubDate/text()")[0]
    offset = parsedate_to_datetime(first).utcoffset()
    assert offset in (dt.timedelta(hours=1), dt.timedelta(hours=2))


def test_an_article_entry_is_complete(sample_output: Path):
    parsed = parse(sample_output / "feeds/all.atom.xml")
    entry = next(e for e in parsed.entries if e.id.endswith(":2009-seoul-mous-june"))
    assert entry.id == "tag:egov-portal.example,2009-07-13:2009-seoul-mous-june"
    assert entry.title == "Seoul signs e-government MOUs with Barcelona, La Manche and Kathmandu"
    assert entry.links[0].href == f"{DEV_SITE}/news/2009/07/seoul-mous-june/"
    assert entry.links[0].rel == "alternate" and entry.links[0].hreflang == "en"
    assert entry.published == "2009-07-13T00:00:00+02:00"
    assert entry.updated == "2010-07-15T12:00:00+02:00"  # Modified
    assert entry.summary.startswith("Within eight days in June 2009")
    assert entry.author == "Portal editors"
    assert {t.label for t in entry.tags} == {"Cooperation", "MOU", "digital divide"}
    assert '<a href="http://127.0.0.1:8000/news/2010/07/seoul-first-fourth-time/"' in (
        entry.content[0].value
    )
    translations = [(ln.rel, ln.href) for ln in entry.links if ln.get("hreflang") == "de"]
    assert translations == [
        ("alternate", f"{DEV_SITE}/de/news/2009/07/seoul-absichtserklaerungen-juni/")
    ]
    rss = parse(sample_output / "feeds/all.rss.xml")
    item = next(e for e in rss.entries if e.id == entry.id)
    assert item.link == f"{DEV_SITE}/news/2009/07/seoul-mous-june/"


def test_the_german_feed_is_german_and_links_the_originals(sample_output: Path):
    root = etree.parse(str(sample_output / "feeds/lang/de.atom.xml")).getroot()
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "de"
    parsed = parse(sample_output / "feeds/lang/de.atom.xml")
    assert all(e.id.endswith("/de") for e in parsed.entries)
    assert all(any(ln.get("hreflang") == "en" for ln in e.links) for e in parsed.entries)
    ids_en = {i.removesuffix("/de") for i in entry_ids(sample_output / "feeds/lang/de.atom.xml")}
    assert ids_en <= set(entry_ids(sample_output / "feeds/all.atom.xml"))


def test_mou_entries_link_their_page_and_say_when_the_date_is_unknown(sample_output: Path):
    parsed = parse(sample_output / "feeds/mous.atom.xml")
    by_id = {e.id: e for e in parsed.entries}
    kathmandu = by_id["tag:egov-portal.example,2026:mou/seoul-kathmandu-2009"]
    assert kathmandu.link == f"{DEV_SITE}/mous/seoul-kathmandu-2009/"
    assert "22 June 2009" in kathmandu.content[0].value
    ankara = by_id["tag:egov-portal.example,2026:mou/seoul-ankara"]
    assert "Date not published" in ankara.content[0].value
    assert "10 July 2009" in ankara.content[0].value


# -------------------------------------------------------------------- iCalendar


def test_the_calendar_has_the_three_sample_events_without_invented_days(sample_output: Path):
    calendar = icalendar.Calendar.from_ical((sample_output / "feeds/events.ics").read_bytes())
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {
        "wegmf-2008.event@egov-portal.example",
        "cio-meeting-2009.event@egov-portal.example",
        "wego-inaugural-assembly-2010.event@egov-portal.example",
    }
    assembly = events["wego-inaugural-assembly-2010.event@egov-portal.example"]
    assert assembly["DTSTART"].dt == dt.date(2010, 9, 6)
    assert assembly["DTEND"].dt == dt.date(2010, 9, 9)  # exclusive: the 8th is the last day
    forum = events["wegmf-2008.event@egov-portal.example"]  # known only as "July 2008"
    assert forum["DTSTART"].dt == dt.date(2008, 7, 1) and forum["DTEND"].dt == dt.date(2008, 8, 1)
    assert "exact dates unknown" in str(forum["SUMMARY"])
    assert str(forum["DESCRIPTION"]).startswith("Date known only to July 2008")
    for event in events.values():
        assert str(event["URL"]).startswith(f"{DEV_SITE}/events/")
        assert "DTSTAMP" in event


# -------------------------------------------------------------------- discovery


def test_the_opml_lists_every_feed_file_and_nothing_else(sample_output: Path):
    opml = etree.parse(str(sample_output / "feeds/feeds.opml")).getroot()
    listed = opml.xpath("//outline/@xmlUrl")
    assert len(listed) == len(set(listed))
    files = {
        f"{DEV_SITE}/{p.relative_to(sample_output).as_posix()}"
        for p in feed_files(sample_output, archives=False)
    }
    assert set(listed) == files


def test_the_feeds_page_links_every_feed_and_the_opml(sample_output: Path):
    page = html.fromstring(read_page(sample_output, "feeds/"))
    main = page.get_element_by_id("main-content")
    hrefs = {h.replace("../", "", 1) for h in main.xpath(".//a/@href")}
    for path in feed_files(sample_output, archives=False):
        assert path.relative_to(sample_output).as_posix() in hrefs
    assert "feeds/feeds.opml" in hrefs and "feeds/events.ics" in hrefs
    assert "webcal://127.0.0.1:8000/feeds/events.ics" in hrefs
    german = html.fromstring(read_page(sample_output, "de/feeds/"))
    assert german.get("lang") == "de"
    assert german.xpath("//h1/text()") == ["Feeds"]
    assert "Alle Feeds als OPML-Datei" in german.text_content()
    alternates = german.xpath("//head/link[@rel='alternate'][@hreflang][not(@type)]")
    assert {(a.get("hreflang"), a.get("href")) for a in alternates} >= {
        ("en", "../../feeds/"),
        ("de", "../../de/feeds/"),
    }


def test_a_city_page_advertises_its_own_feeds_without_duplicates(sample_output: Path):
    page = html.fromstring(read_page(sample_output, "cities/seoul/"))
    alternates = page.xpath("//head/link[@rel='alternate'][@type]")
    hrefs = [link.get("href") for link in alternates]
    assert len(hrefs) == len(set(hrefs))
    city = [(ln.get("type"), ln.get("href")) for ln in alternates if "/city/" in ln.get("href")]
    assert city == [
        ("application/atom+xml", "../../feeds/city/seoul.atom.xml"),
        ("application/rss+xml", "../../feeds/city/seoul.rss.xml"),
        ("application/feed+json", "../../feeds/city/seoul.json"),
    ]
    for href in hrefs:  # every advertised feed exists
        assert (sample_output / "cities/seoul" / href).resolve().is_file()
    assert "../../feeds/all.atom.xml" in hrefs
    assert not [h for h in hrefs if "/city/" in h and "seoul" not in h]


def test_tag_and_german_pages_advertise_their_feeds(sample_output: Path):
    tag = html.fromstring(read_page(sample_output, "tag/mou/"))
    assert "../../feeds/tag/mou.atom.xml" in tag.xpath("//head/link[@rel='alternate']/@href")
    german = html.fromstring(
        read_page(sample_output, "de/news/2009/07/seoul-absichtserklaerungen-juni/")
    )
    hrefs = german.xpath("//head/link[@rel='alternate'][@type]/@href")
    assert any(h.endswith("feeds/lang/de.atom.xml") for h in hrefs)
    english = html.fromstring(read_page(sample_output, "news/2009/07/seoul-mous-june/"))
    assert not any("/lang/" in h for h in english.xpath("//head/link[@rel='alternate']/@href"))


# -------------------------------------------------------------------- in a browser


@pytest.mark.parametrize(
    ("feed", "xsl"),
    [
        ("all.atom.xml", "feed.xsl"),
        ("all.rss.xml", "feed.xsl"),
        ("lang/de.atom.xml", "feed.de.xsl"),
    ],
)
def test_the_stylesheet_turns_a_feed_into_a_readable_page(sample_output, feed, xsl):
    data = (sample_output / "feeds" / feed).read_bytes()
    assert f'<?xml-stylesheet type="text/xsl" href="/feeds/{xsl}"?>'.encode() in data
    transform = etree.XSLT(etree.parse(str(sample_output / "feeds" / xsl)))
    page = transform(etree.fromstring(data))
    text = str(page)
    titles = [e.title for e in parse(sample_output / "feeds" / feed).entries]
    document = html.fromstring(text)
    assert document.xpath("//article/h2/a/text()") == titles
    assert f"{DEV_SITE}/feeds/{feed}" in document.xpath("//code/text()")
    assert document.xpath("//main//a[contains(@href, '/feeds/')]")  # the feeds page
    if xsl == "feed.de.xsl":
        assert document.get("lang") == "de"


# -------------------------------------------------------------------- repeatable


@pytest.fixture(scope="session")
def sample_output_again(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample built a second time into another folder."""
    return build_site(SAMPLE_CONTENT, tmp_path_factory.mktemp("sample-again") / "output").output


def test_the_same_content_gives_byte_identical_feeds(sample_output, sample_output_again):
    first = sorted(
        p.relative_to(sample_output)
        for p in (sample_output / "feeds").rglob("*")
        if p.is_file() and p.suffix != ".html"
    )
    second = sorted(
        p.relative_to(sample_output_again)
        for p in (sample_output_again / "feeds").rglob("*")
        if p.is_file() and p.suffix != ".html"
    )
    assert first == second and len(first) > 50
    for relative in first:
        assert (sample_output / relative).read_bytes() == (
            sample_output_again / relative
        ).read_bytes(), relative


def test_pelicans_own_feeds_are_off(sample_output: Path):
    assert not list(sample_output.glob("feeds/*.atom.xml.*"))
    settings = (ROOT / "pelicanconf.py").read_text(encoding="utf-8")
    assert "FEED_ALL_ATOM = None" in settings and '"feeds"' in settings


def test_links_into_the_site_point_to_files_that_exist(sample_output: Path):
    for path in feed_files(sample_output):
        for url in links_in(path):
            if not url.startswith(f"{DEV_SITE}/"):
                continue
            target = sample_output / urlsplit(url).path.lstrip("/")
            if urlsplit(url).path.endswith("/"):
                target = target / "index.html"
            assert target.is_file(), (path, url)
