"""The feeds plugin's parts: settings, URL scheme, entries, Atom/RSS/JSON/iCal/OPML."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from zoneinfo import ZoneInfo

import feedparser
import icalendar
import pytest
from feeds.catalog import FeedRef, build_catalog, links_for_page
from feeds.entries import Category, Enclosure, Entry, FeedDocument, Link, absolutize_html
from feeds.ical import event_times, render_calendar
from feeds.jsonfeed import render_json_feed
from feeds.opml import render_opml
from feeds.settings import FeedSettings, FeedSettingsError
from feeds.xmlfeed import render_feed
from lxml import etree
from pelican.urlwrappers import Category as PelicanCategory
from pelican.urlwrappers import Tag
from portal.dates import parse_partial_date

BERLIN = ZoneInfo("Europe/Berlin")
ATOM = "{http://www.w3.org/2005/Atom}"
MEDIA = "{http://search.yahoo.com/mrss/}"


def settings(**overrides):
    base = {
        "SITEURL": "",
        "SITENAME": "Test portal",
        "TIMEZONE": "Europe/Berlin",
        "DEFAULT_LANG": "en",
        "PORTAL": {"languages": ["en", "de"]},
        "FEEDS": {},
    }
    base.update(overrides)
    return base


# -------------------------------------------------------------------- settings


def test_development_uses_the_feeds_site_url_because_siteurl_is_relative():
    fs = FeedSettings.from_pelican(settings(FEEDS={"siteurl": "http://127.0.0.1:8000/"}))
    assert fs.site_url == "http://127.0.0.1:8000"
    assert fs.url("news/x/") == "http://127.0.0.1:8000/news/x/"
    assert fs.site_path == ""


def test_an_absolute_siteurl_wins_and_keeps_its_sub_path():
    fs = FeedSettings.from_pelican(
        settings(
            SITEURL="https://portal.example.org/sub", FEEDS={"siteurl": "http://127.0.0.1:8000"}
        )
    )
    assert fs.site_url == "https://portal.example.org/sub"
    assert fs.site_path == "/sub"


def test_feed_domain_is_used_when_siteurl_is_relative():
    fs = FeedSettings.from_pelican(settings(FEED_DOMAIN="https://feeds.example.org"))
    assert fs.site_url == "https://feeds.example.org"


def test_the_id_authority_does_not_follow_the_site_url():
    dev = FeedSettings.from_pelican(settings())
    prod = FeedSettings.from_pelican(settings(SITEURL="https://other.example.com"))
    assert dev.id_authority == prod.id_authority == "egov-portal.example"


def test_unknown_feed_settings_are_named_with_the_known_ones():
    with pytest.raises(FeedSettingsError) as error:
        FeedSettings.from_pelican(settings(FEEDS={"max_item": 5}))
    assert "unknown setting(s) max_item" in str(error.value)
    assert "max_items" in str(error.value)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("max_items", 0),
        ("max_items", "20"),
        ("id_date", "20261"),
        ("websub_hub", "hub"),
        ("siteurl", "/relative"),
        ("id_authority", "not a domain"),
    ],
)
def test_bad_feed_settings_say_what_is_allowed_and_what_came(key, value):
    with pytest.raises(FeedSettingsError) as error:
        FeedSettings.from_pelican(settings(FEEDS={key: value}))
    assert f"FEEDS['{key}']" in str(error.value)
    assert repr(value) in str(error.value)


# -------------------------------------------------------------------- URL scheme


def test_feed_urls_follow_one_scheme():
    city = FeedRef("city", "seoul", "Seoul", formats=("atom", "rss", "json"))
    assert city.url("atom") == "feeds/city/seoul.atom.xml"
    assert city.url("rss") == "feeds/city/seoul.rss.xml"
    assert city.url("json") == "feeds/city/seoul.json"
    assert city.archive_url("atom", 3) == "feeds/archive/city/seoul/3.atom.xml"
    assert FeedRef("all").url("atom") == "feeds/all.atom.xml"
    assert FeedRef("events", formats=("atom", "rss", "ics")).url("ics") == "feeds/events.ics"


def catalog():
    return build_catalog(
        default_lang="en",
        languages=["en", "de"],
        categories=["Cooperation", "Rankings", "Cooperation"],
        tags=["MOU", "digital divide"],
        cities={"seoul": "Seoul", "la-manche": "La Manche"},
    )


def test_the_catalog_has_one_feed_per_category_tag_city_and_language():
    cat = catalog()
    assert [r.key for r in cat.categories] == ["cooperation", "rankings"]
    assert [r.key for r in cat.tags] == ["digital-divide", "mou"]
    assert [r.key for r in cat.cities] == ["la-manche", "seoul"]
    assert [(r.key, r.name) for r in cat.languages] == [("en", "English"), ("de", "Deutsch")]
    assert cat.get("city", "seoul").formats == ("atom", "rss", "json")
    assert cat.events.formats == ("atom", "rss", "ics")
    urls = [link.url for link in cat.files()]
    assert len(urls) == len(set(urls))


class _City:
    class record:  # noqa: N801 - stands in for a CityPage's record
        slug = "seoul"


def test_a_city_page_advertises_the_site_feeds_then_its_city_feeds():
    urls = [link.url for link in links_for_page(catalog(), {"city": _City()}, "en")]
    assert urls == [
        "feeds/all.atom.xml",
        "feeds/all.rss.xml",
        "feeds/all.json",
        "feeds/city/seoul.atom.xml",
        "feeds/city/seoul.rss.xml",
        "feeds/city/seoul.json",
    ]


def test_tag_category_language_and_event_pages_add_their_feeds_once():
    pelican_settings = {"TAG_URL": "tag/{slug}/", "CATEGORY_URL": "category/{slug}/"}
    tag = Tag("MOU", pelican_settings)
    category = PelicanCategory("Cooperation", pelican_settings)
    ctx = {"tag": tag, "category": category, "output_file": "events/index.html"}
    urls = [link.url for link in links_for_page(catalog(), ctx, "de")]
    assert "feeds/tag/mou.atom.xml" in urls
    assert "feeds/category/cooperation.rss.xml" in urls
    assert "feeds/lang/de.atom.xml" in urls
    assert "feeds/events.ics" in urls
    assert len(urls) == len(set(urls))
    english = [link.url for link in links_for_page(catalog(), {}, "en")]
    assert not [url for url in english if "/lang/" in url]


# -------------------------------------------------------------------- HTML


def test_relative_links_and_image_sources_become_absolute():
    html = (
        '<p><a href="../other/">other</a> <a href="#notes">notes</a> '
        '<a href="https://example.com/x">out</a> <a href="mailto:a@b.example">mail</a></p>'
        '<img src="img/a.png" srcset="img/a.png 1x, /img/b.png 2x" alt="a">'
    )
    result = absolutize_html(html, "https://site.example/news/2009/07/story/")
    root = etree.fromstring(f"<div>{result}</div>", etree.HTMLParser())
    hrefs = root.xpath("//a/@href")
    assert hrefs == [
        "https://site.example/news/2009/07/other/",
        "https://site.example/news/2009/07/story/#notes",
        "https://example.com/x",
        "mailto:a@b.example",
    ]
    assert root.xpath("//img/@src") == ["https://site.example/news/2009/07/story/img/a.png"]
    assert root.xpath("//img/@srcset") == [
        "https://site.example/news/2009/07/story/img/a.png 1x, https://site.example/img/b.png 2x"
    ]


def test_text_before_the_first_element_is_kept_escaped():
    result = absolutize_html('a &lt; b <a href="c/">c</a>', "https://s.example/")
    assert result == 'a &lt; b <a href="https://s.example/c/">c</a>'


# -------------------------------------------------------------------- Atom and RSS


def entry(number: int, **overrides) -> Entry:
    date = dt.datetime(2009, 7, number, tzinfo=BERLIN)
    values = dict(
        id=f"tag:egov-portal.example,2009-07-{number:02d}:story-{number}",
        title=f"Story {number} <&>",
        url=f"https://site.example/news/2009/07/story-{number}/",
        lang="en",
        published=date,
        updated=date + dt.timedelta(hours=1),
        summary=f"Summary {number}",
        content_html=f'<p>Body {number} <a href="https://site.example/">home</a></p>',
        sort_key=(date,),
        authors=("Portal editors",),
        categories=(Category("cooperation", "https://site.example/category/", "Cooperation"),),
    )
    values.update(overrides)
    return Entry(**values)


def document(entries, **overrides) -> FeedDocument:
    values = dict(
        id="tag:egov-portal.example,2026:feeds/all",
        title="Test portal — All articles",
        subtitle="News",
        lang="en",
        author="Portal editors",
        self_url="https://site.example/feeds/all.atom.xml",
        home_url="https://site.example/",
        updated=max(e.updated for e in entries),
        entries=tuple(entries),
        stylesheet="/feeds/feed.xsl",
    )
    values.update(overrides)
    return FeedDocument(**values)


TRANSLATED = entry(
    3,
    translations=(
        Link(
            "https://site.example/de/news/2009/07/story-3/",
            "alternate",
            "text/html",
            "de",
            "Geschichte 3",
        ),
    ),
    image=Enclosure("https://site.example/images/a.png", "image/png", 1234, "A test image"),
)


def test_atom_keeps_our_order_and_the_attributes_feedgen_drops_on_entry_links():
    data = render_feed(document([TRANSLATED, entry(2), entry(1)]), "atom")
    parsed = feedparser.parse(data)
    assert parsed.bozo == 0 and parsed.version == "atom10"
    assert [e.id for e in parsed.entries] == [
        "tag:egov-portal.example,2009-07-03:story-3",
        "tag:egov-portal.example,2009-07-02:story-2",
        "tag:egov-portal.example,2009-07-01:story-1",
    ]
    root = etree.fromstring(data)
    first = root.find(f"{ATOM}entry")
    links = [dict(link.attrib) for link in first.findall(f"{ATOM}link")]
    assert links == [
        {
            "href": "https://site.example/news/2009/07/story-3/",
            "rel": "alternate",
            "type": "text/html",
            "hreflang": "en",
            "title": "Story 3 <&>",
        },
        {
            "href": "https://site.example/de/news/2009/07/story-3/",
            "rel": "alternate",
            "type": "text/html",
            "hreflang": "de",
            "title": "Geschichte 3",
        },
        {
            "href": "https://site.example/images/a.png",
            "rel": "enclosure",
            "type": "image/png",
            "title": "A test image",
            "length": "1234",
        },
    ]
    assert first.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    media = first.find(f"{MEDIA}content")
    assert media.get("url") == "https://site.example/images/a.png"
    assert media.find(f"{MEDIA}description").text == "A test image"


def test_the_feed_updated_is_the_newest_entry_not_the_build_time():
    data = render_feed(document([entry(2), entry(1)]), "atom")
    root = etree.fromstring(data)
    assert root.find(f"{ATOM}updated").text == "2009-07-02T01:00:00+02:00"
    assert render_feed(document([entry(2), entry(1)]), "atom") == data


def test_html_is_escaped_and_the_stylesheet_is_announced():
    data = render_feed(document([entry(1)]), "atom")
    assert data.startswith(
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<?xml-stylesheet type="text/xsl" href="/feeds/feed.xsl"?>\n'
    )
    assert b"&lt;p&gt;Body 1" in data
    assert b"<title>Story 1 &lt;&amp;&gt;</title>" in data
    content = feedparser.parse(data).entries[0].content[0]
    assert content.type == "text/html" and content.value.startswith("<p>Body 1")


def test_rss_has_rfc_822_dates_guid_enclosure_and_its_own_permalink():
    data = render_feed(
        document([TRANSLATED], self_url="https://site.example/feeds/all.rss.xml"), "rss"
    )
    parsed = feedparser.parse(data)
    assert parsed.bozo == 0 and parsed.version == "rss20"
    root = etree.fromstring(data)
    item = root.find("channel/item")
    assert item.findtext("pubDate") == "Fri, 03 Jul 2009 00:00:00 +0200"
    assert root.findtext("channel/lastBuildDate") == "Fri, 03 Jul 2009 01:00:00 +0200"
    guid = item.find("guid")
    assert guid.text == TRANSLATED.id and guid.get("isPermaLink") == "false"
    assert item.findtext("link") == TRANSLATED.url
    assert item.findall(f"{ATOM}link") == []  # no translation may become the permalink
    assert parsed.entries[0].link == TRANSLATED.url
    enclosure = item.find("enclosure")
    assert (enclosure.get("url"), enclosure.get("length"), enclosure.get("type")) == (
        "https://site.example/images/a.png",
        "1234",
        "image/png",
    )
    assert item.findtext("{http://purl.org/dc/elements/1.1/}creator") == "Portal editors"
    assert root.findtext("channel/language") == "en"


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_hub_and_archive_links_are_written_in_both_formats(fmt):
    doc = document(
        [entry(1)],
        hub="https://hub.example/",
        archive=True,
        links=(
            Link("https://site.example/feeds/all.atom.xml", "current"),
            Link("https://site.example/feeds/archive/all/1.atom.xml", "prev-archive"),
        ),
    )
    root = etree.fromstring(render_feed(doc, fmt))
    rels = {link.get("rel"): link.get("href") for link in root.iter(f"{ATOM}link")}
    assert rels["hub"] == "https://hub.example/"
    assert rels["self"] == "https://site.example/feeds/all.atom.xml"
    assert rels["prev-archive"].endswith("/archive/all/1.atom.xml")
    assert rels["current"].endswith("/feeds/all.atom.xml")
    assert root.find(".//{http://purl.org/syndication/history/1.0}archive") is not None


def test_a_feed_without_hub_or_archive_says_neither():
    data = render_feed(document([entry(1)]), "atom")
    assert b'rel="hub"' not in data and b"history/1.0" not in data


# -------------------------------------------------------------------- JSON Feed


def test_json_feed_1_1_fields():
    doc = document(
        [TRANSLATED],
        hub="https://hub.example/",
        next_url="https://site.example/feeds/archive/all/1.json",
    )
    feed = json.loads(render_json_feed(doc))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["feed_url"] == doc.self_url and feed["home_page_url"] == doc.home_url
    assert feed["next_url"] == "https://site.example/feeds/archive/all/1.json"
    assert feed["hubs"] == [{"type": "WebSub", "url": "https://hub.example/"}]
    item = feed["items"][0]
    assert item["id"] == TRANSLATED.id
    assert item["date_published"] == "2009-07-03T00:00:00+02:00"
    assert item["image"] == "https://site.example/images/a.png"
    assert item["attachments"][0]["size_in_bytes"] == 1234
    assert item["_translations"]["items"][0]["language"] == "de"
    assert item["tags"] == ["Cooperation"]


def test_json_items_encoded_once_give_the_bytes_of_one_whole_encoding():
    """Items cached across documents and spliced in: the same bytes as json.dumps."""
    shared = [entry(1), TRANSLATED, entry(2, content_html="<p>Ünïcode “quotes” \\ </p>")]
    cache: dict = {}
    for entries in (shared, shared[1:], [], shared[::-1]):
        doc = document(entries or [entry(4)], hub="https://hub/")
        doc = dataclasses.replace(doc, entries=tuple(entries))  # may be empty
        data = render_json_feed(doc, cache)
        expected = json.loads(data)
        whole = json.dumps(expected, ensure_ascii=False, separators=(",", ":")) + "\n"
        assert data == whole.encode()
        assert [item["id"] for item in expected["items"]] == [e.id for e in entries]
    assert len(cache) == 3


# -------------------------------------------------------------------- iCalendar


def pd(text):
    return parse_partial_date(text, BERLIN)


def test_a_day_range_is_all_day_with_an_exclusive_end():
    assert event_times(pd("2010-09-06"), pd("2010-09-08")) == (
        dt.date(2010, 9, 6),
        dt.date(2010, 9, 9),
        True,
    )


def test_a_month_only_event_spans_the_month_and_is_not_exact():
    assert event_times(pd("2008-07"), None) == (dt.date(2008, 7, 1), dt.date(2008, 8, 1), False)
    assert event_times(pd("2008-12"), None) == (dt.date(2008, 12, 1), dt.date(2009, 1, 1), False)


def test_a_year_only_event_spans_the_year():
    assert event_times(pd("2023"), None) == (dt.date(2023, 1, 1), dt.date(2024, 1, 1), False)


def test_times_become_utc_date_times():
    start, end, exact = event_times(pd("2024-05-02 14:30"), pd("2024-05-02 16:00"))
    assert start == dt.datetime(2024, 5, 2, 12, 30, tzinfo=dt.UTC)
    assert end == dt.datetime(2024, 5, 2, 14, 0, tzinfo=dt.UTC)
    assert exact


class _EventPage:
    def __init__(self, slug, start, end=None):
        from portal.model import Event

        self.record = Event(
            path=f"events/{slug}.md",
            slug=slug,
            title=f"Event {slug}",
            start=pd(start),
            end=pd(end) if end else None,
            location="Seoul",
            city="seoul",
            organizer="SMG",
        )


def test_the_calendar_has_stable_uids_and_says_when_days_are_unknown():
    pages = [_EventPage("forum", "2008-07"), _EventPage("assembly", "2010-09-06", "2010-09-08")]
    events = [(p, entry(i + 1, summary="About it")) for i, p in enumerate(pages)]
    labels = {
        "organizer": "Organizer",
        "unknown_days": "exact dates unknown",
        "imprecise": "Date known only to %(date)s.",
    }
    data = render_calendar(
        events,
        name="Events",
        description="All events",
        url="https://site.example/events/",
        authority="egov-portal.example",
        lang="en",
        labels=labels,
    )
    assert data == render_calendar(
        events,
        name="Events",
        description="All events",
        url="https://site.example/events/",
        authority="egov-portal.example",
        lang="en",
        labels=labels,
    )
    calendar = icalendar.Calendar.from_ical(data)
    vevents = calendar.walk("VEVENT")
    assert [str(e["UID"]) for e in vevents] == [
        "forum.event@egov-portal.example",
        "assembly.event@egov-portal.example",
    ]
    forum, assembly = vevents
    assert str(forum["SUMMARY"]) == "Event forum (exact dates unknown)"
    assert str(forum["DESCRIPTION"]).startswith("Date known only to July 2008.")
    assert forum["DTSTART"].dt == dt.date(2008, 7, 1) and forum["DTEND"].dt == dt.date(2008, 8, 1)
    assert str(forum["TRANSP"]) == "TRANSPARENT"
    assert "TRANSP" not in assembly and str(assembly["SUMMARY"]) == "Event assembly"
    assert data.count(b"\r\n") > 10  # RFC 5545 line endings


# -------------------------------------------------------------------- OPML


def test_opml_groups_outlines_and_dates_in_rfc_822():
    data = render_opml(
        title="Feeds",
        owner="Editors",
        docs_url="https://site.example/feeds/",
        updated=dt.datetime(2010, 7, 21, tzinfo=BERLIN),
        groups=[
            (
                "Atom",
                [
                    {
                        "type": "rss",
                        "text": "All",
                        "title": "All",
                        "xmlUrl": "https://site.example/feeds/all.atom.xml",
                        "htmlUrl": "https://site.example/",
                        "language": "",
                    }
                ],
            )
        ],
    )
    root = etree.fromstring(data)
    assert root.get("version") == "2.0"
    assert root.findtext("head/dateCreated") == "Wed, 21 Jul 2010 00:00:00 +0200"
    outline = root.find("body/outline/outline")
    assert outline.get("xmlUrl") == "https://site.example/feeds/all.atom.xml"
    assert "language" not in outline.attrib  # empty attributes are left out
    assert re.match(rb"<\?xml version='1.0' encoding='UTF-8'\?>", data)


def test_a_video_poster_becomes_absolute_and_absolute_html_is_left_alone():
    html = '<video src="v.mp4" poster="p.jpg" controls></video>'
    result = absolutize_html(html, "https://s.example/a/")
    assert 'src="https://s.example/a/v.mp4"' in result
    assert 'poster="https://s.example/a/p.jpg"' in result
    absolute = '<p><a href="https://s.example/x/">x</a><img src="https://s.example/i.png"></p>'
    assert absolutize_html(absolute, "https://s.example/a/") is absolute


def test_the_attribute_scan_finds_what_the_plain_expression_finds():
    """The possessive expression of the absolute-link scan matches as a plain one would."""
    import random

    from feeds.entries import _ATTRIBUTE

    plain = re.compile(r"""\s([A-Za-z:-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""")
    rng = random.Random(8)
    alphabet = " \t\n='\"<>ab:-href/x"
    texts = [
        '<p title="a href=x"> href = "y" src=\'z\' class=c>',
        "a = b\n  href=\"https://x/\" srcset='a 1x, b 2x'",
        *("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(5000)),
    ]
    for text in texts:
        assert _ATTRIBUTE.findall(text) == plain.findall(text), text


def test_one_feedgen_entry_gives_both_formats_the_bytes_of_its_own():
    from feeds.xmlfeed import entry_xml, feedgen_entry

    for item in (entry(1), TRANSLATED):
        shared = feedgen_entry(item)
        for fmt in ("atom", "rss"):
            assert entry_xml(item, fmt, {}, shared) == entry_xml(item, fmt, {})
