"""Feeds of a small fixture site: stable IDs across edits, archives, hub, images, times.

One session-scoped fixture builds the fixture content three times: as written
("before"); with an article's Title and Slug changed ("renamed"); and as written with
a production SITEURL under a sub-path ("published"). `max_items` is 2 so that the
RFC 5005 archive pages appear, and a WebSub hub is set.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import feedparser
import icalendar
import pytest
from lxml import etree

from tests.functional.test_feeds import (
    all_entries,
    check_json_feed,
    entry_ids,
    feed_files,
    json_feed,
    links_in,
)
from tools.build import build_site

ATOM = "http://www.w3.org/2005/Atom"
HISTORY = "http://purl.org/syndication/history/1.0"
HUB = "https://hub.example.org/"
DEV = "http://127.0.0.1:8000"
PROD = "https://portal.example.org/sub"
# A 1×1 transparent PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)

CITY = """Name: {name}
Country: {country}
Region: Europe
Coordinates: 50.0, 8.0

Profile of {name}.
"""

ARTICLE = """Title: {title}
Id: {id}
Date: {date}
Category: Cooperation
Tags: MOU
Cities: {cities}
Source: Test wire | {date}
Summary: Summary of {id}.
Slug: {slug}
{extra}
{body}
"""  # `extra`: further header lines, each ending in a newline


def article(
    number: int,
    *,
    title: str | None = None,
    slug: str | None = None,
    cities: str = "berlin",
    extra: str = "",
    body: str = "",
) -> str:
    return ARTICLE.format(
        title=title or f"Story number {number}",
        id=f"story-{number}",
        date=f"2024-03-{number:02d}",
        cities=cities,
        slug=slug or f"story-{number}",
        extra="".join(f"{line}\n" for line in extra.splitlines()),
        body=body or f"Text of story {number}.",
    )


LEAD = (
    "Lead story text with [a relative link](../../../../news/2024/03/story-1/), "
    "[the about page]({filename}/articles/2024-03-01-story-1.md) and an image:\n\n"
    '<img src="../../../../images/lead.png" srcset="../../../../images/lead.png 2x" alt="Lead">\n'
)


def fixture_files(renamed: bool) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "cities/berlin.md": CITY.format(name="Berlin", country="DE"),
        "cities/frankfurt.md": CITY.format(name="Frankfurt", country="DE"),
        "images/lead.png": PNG,
        "articles/2024-03-01-story-1.md": article(1),
        "articles/2024-03-02-story-2.md": article(2, cities="berlin, frankfurt"),
        "articles/2024-03-03-story-3.md": article(3),
        "articles/2024-03-04-story-4.md": article(4, cities="frankfurt"),
        "articles/2024-03-05-story-5.md": article(
            5,
            title="A renamed headline" if renamed else None,
            slug="renamed-slug" if renamed else None,
            extra="Image: images/lead.png | A test pattern\nModified: 2024-03-06 09:30",
            body=LEAD,
        ),
        "articles/2024-03-05-story-5.de.md": article(
            5, title="Geschichte fünf", slug="geschichte-fuenf", extra="Lang: de"
        ),
        "mous/2024-berlin-frankfurt.md": (
            "Parties: berlin, frankfurt\nSigned: 2024-02\nScope: Data exchange\n"
            "Status: signed\nSources: story-2\n\nThe two cities agreed.\n"
        ),
        "events/2024-05-02-workshop.md": (
            "Title: Open data workshop\nStart: 2024-05-02 14:30\nEnd: 2024-05-02 16:00\n"
            "Location: Town hall, Berlin\nCity: berlin\nOrganizer: Berlin\nSources: story-3\n"
            "\nA workshop.\n"
        ),
        "events/2023-summit.md": (
            "Title: Summit of some year\nStart: 2023\nLocation: Frankfurt\nCity: frankfurt\n"
            "Organizer: Frankfurt\nSources: story-4\n\nA summit known only to its year.\n"
        ),
    }
    return files


@dataclass
class Builds:
    before: Path
    renamed: Path
    published: Path


def _write(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    base = tmp_path_factory.mktemp("feeds-fixture")
    feeds = {"max_items": 2, "websub_hub": HUB}
    original = _write(base / "content", fixture_files(renamed=False))
    before = build_site(original, base / "before", overrides={"FEEDS": feeds}).output
    published = build_site(
        original, base / "published", overrides={"FEEDS": feeds, "SITEURL": PROD}
    ).output
    renamed = _write(base / "content-renamed", fixture_files(renamed=True))
    after = build_site(renamed, base / "renamed", overrides={"FEEDS": feeds}).output
    return Builds(before, after, published)


def logical_ids(output: Path) -> dict[str, list[str]]:
    """Every logical feed's entry IDs (archives included), by subscription file."""
    return {
        str(path.relative_to(output / "feeds")): sorted(
            all_entries(output, str(path.relative_to(output / "feeds")))
        )
        for path in feed_files(output, archives=False)
    }


# -------------------------------------------------------------------- stable IDs


def test_changing_title_and_slug_keeps_every_entry_id(builds: Builds):
    story = next(
        e
        for e in feedparser.parse((builds.renamed / "feeds/all.atom.xml").read_bytes()).entries
        if e.id.endswith(":story-5")
    )
    assert story.title == "A renamed headline"  # the edit did take effect…
    assert story.links[0].href == f"{DEV}/news/2024/03/renamed-slug/"
    assert story.id == "tag:egov-portal.example,2024-03-05:story-5"  # …the ID did not change
    assert logical_ids(builds.renamed) == logical_ids(builds.before)


def test_publishing_under_another_site_url_keeps_every_entry_id(builds: Builds):
    assert logical_ids(builds.published) == logical_ids(builds.before)
    root = etree.parse(str(builds.published / "feeds/all.atom.xml")).getroot()
    assert root.xpath("//a:link[@rel='self']/@href", namespaces={"a": ATOM}) == [
        f"{PROD}/feeds/all.atom.xml"
    ]
    for path in feed_files(builds.published):
        for url in links_in(path):
            assert not url.startswith(DEV), (path, url)
    data = (builds.published / "feeds/all.atom.xml").read_bytes()
    assert b'<?xml-stylesheet type="text/xsl" href="/sub/feeds/feed.xsl"?>' in data


def test_a_translation_has_its_own_id_with_its_language(builds: Builds):
    ids = entry_ids(builds.before / "feeds/lang/de.atom.xml")
    assert ids == ["tag:egov-portal.example,2024-03-05:story-5/de"]


# -------------------------------------------------------------------- archives


def test_feeds_hold_at_most_max_items_and_archives_hold_the_rest(builds: Builds):
    out = builds.before
    for path in feed_files(out):
        assert len(entry_ids(path)) <= 2, path
    current = entry_ids(out / "feeds/all.atom.xml")
    assert current == [
        "tag:egov-portal.example,2024-03-05:story-5",
        "tag:egov-portal.example,2024-03-04:story-4",
    ]
    assert len(all_entries(out, "all.atom.xml")) == 5
    assert len(all_entries(out, "all.rss.xml")) == 5
    assert len(all_entries(out, "all.json")) == 5


def _links(path: Path) -> dict[str, str]:
    root = etree.parse(str(path)).getroot()
    return {link.get("rel"): link.get("href") for link in root.iter(f"{{{ATOM}}}link")}


@pytest.mark.parametrize("ext", ["atom.xml", "rss.xml"])
def test_archive_pages_chain_with_prev_and_next_archive(builds: Builds, ext: str):
    out = builds.before
    subscription = _links(out / f"feeds/all.{ext}")
    assert subscription["prev-archive"] == f"{DEV}/feeds/archive/all/2.{ext}"
    assert "next-archive" not in subscription
    newest = _links(out / f"feeds/archive/all/2.{ext}")
    assert newest["current"] == f"{DEV}/feeds/all.{ext}"
    assert newest["prev-archive"] == f"{DEV}/feeds/archive/all/1.{ext}"
    assert "next-archive" not in newest
    oldest = _links(out / f"feeds/archive/all/1.{ext}")
    assert oldest["next-archive"] == f"{DEV}/feeds/archive/all/2.{ext}"
    assert "prev-archive" not in oldest
    assert entry_ids(out / f"feeds/archive/all/1.{ext}") == [
        "tag:egov-portal.example,2024-03-02:story-2",
        "tag:egov-portal.example,2024-03-01:story-1",
    ]
    for page in (out / "feeds/archive/all").glob(f"*.{ext}"):
        root = etree.parse(str(page)).getroot()
        assert root.find(f".//{{{HISTORY}}}archive") is not None
        assert feedparser.parse(page.read_bytes()).bozo == 0
    assert (
        etree.parse(str(out / f"feeds/all.{ext}")).getroot().find(f".//{{{HISTORY}}}archive")
        is None
    )


def test_json_feeds_page_through_next_url(builds: Builds):
    out = builds.before
    feed = json_feed(out / "feeds/all.json")
    seen = []
    while True:
        check_json_feed(feed, DEV)
        seen += [item["id"] for item in feed["items"]]
        if "next_url" not in feed:
            break
        feed = json_feed(out / feed["next_url"].removeprefix(f"{DEV}/"))
    assert len(set(seen)) == 5


# -------------------------------------------------------------------- hub, image, links


def test_every_feed_names_the_websub_hub(builds: Builds):
    for path in feed_files(builds.before):
        if path.suffix == ".json":
            assert json_feed(path)["hubs"] == [{"type": "WebSub", "url": HUB}]
        else:
            assert _links(path)["hub"] == HUB, path


def test_the_lead_image_is_an_enclosure_with_its_size_type_and_alt_text(builds: Builds):
    out = builds.before
    atom = feedparser.parse((out / "feeds/all.atom.xml").read_bytes()).entries[0]
    enclosures = [ln for ln in atom.links if ln.rel == "enclosure"]
    assert [(e.href, e.type, e.length) for e in enclosures] == [
        (f"{DEV}/images/lead.png", "image/png", str(len(PNG)))
    ]
    assert atom.media_content[0]["url"] == f"{DEV}/images/lead.png"
    root = etree.parse(str(out / "feeds/all.rss.xml")).getroot()
    enclosure = root.find("channel/item/enclosure")
    assert enclosure.attrib == {
        "url": f"{DEV}/images/lead.png",
        "length": str(len(PNG)),
        "type": "image/png",
    }
    assert root.findtext(".//{http://search.yahoo.com/mrss/}description") == "A test pattern"
    item = json_feed(out / "feeds/all.json")["items"][0]
    assert item["image"] == f"{DEV}/images/lead.png"
    assert (out / "images/lead.png").read_bytes() == PNG


def test_relative_links_in_content_become_absolute(builds: Builds):
    root = etree.parse(str(builds.before / "feeds/all.atom.xml")).getroot()
    content = root.findtext(f"{{{ATOM}}}entry/{{{ATOM}}}content")  # raw: feedparser drops srcset
    assert f'href="{DEV}/news/2024/03/story-1/"' in content
    assert f'src="{DEV}/images/lead.png"' in content
    assert f'srcset="{DEV}/images/lead.png 2x"' in content
    assert 'href="../' not in content and "{filename}" not in content


def test_updated_follows_modified_and_published_the_first_publication(builds: Builds):
    entry = feedparser.parse((builds.before / "feeds/all.atom.xml").read_bytes()).entries[0]
    assert entry.published == "2024-03-05T00:00:00+01:00"
    assert entry.updated == "2024-03-06T09:30:00+01:00"
    feed = feedparser.parse((builds.before / "feeds/all.atom.xml").read_bytes()).feed
    assert feed.updated == "2024-03-06T09:30:00+01:00"


# -------------------------------------------------------------------- events


def test_the_calendar_keeps_times_and_spans_a_year_known_only_as_a_year(builds: Builds):
    calendar = icalendar.Calendar.from_ical((builds.before / "feeds/events.ics").read_bytes())
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    workshop = events["2024-05-02-workshop.event@egov-portal.example"]
    assert workshop["DTSTART"].dt == dt.datetime(2024, 5, 2, 12, 30, tzinfo=dt.UTC)
    assert workshop["DTEND"].dt == dt.datetime(2024, 5, 2, 14, 0, tzinfo=dt.UTC)
    summit = events["2023-summit.event@egov-portal.example"]
    assert summit["DTSTART"].dt == dt.date(2023, 1, 1)
    assert summit["DTEND"].dt == dt.date(2024, 1, 1)
    assert str(summit["DESCRIPTION"]).startswith("Date known only to 2023")
    events_json = [p for p in feed_files(builds.before) if "events" in p.name]
    assert {p.name for p in events_json} == {"events.atom.xml", "events.rss.xml"}
