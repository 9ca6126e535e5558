"""Atom 1.0 and RSS 2.0 from a `FeedDocument`: the one place that uses feedgen.

feedgen 1.0.0 writes the core of both formats; lxml then repairs and adds what it
cannot do (see lkiesow/python-feedgen#135 and our TOOLING notes):

- entry links lose rel/type/hreflang/title/length in Atom: rewritten here;
- entries are appended in our order (feedgen prepends by default);
- the feed's `updated` is always set by us (feedgen defaults to now);
- RSS gets only the self link: hub and RFC 5005 archive links are added as
  `atom:link`;
- translations are Atom entry links `rel="alternate" hreflang="…"` after the entry's
  own link (readers such as SimplePie and Miniflux take the first alternate as the
  permalink; feedparser takes the last). RSS items get none: RSS has no per-item
  language links, and an `atom:link rel="alternate"` there becomes the permalink in
  SimplePie and feedparser, sending readers to the translation;
- `xml:lang` per entry, the lead image as `media:content` with its alt text,
  `fh:archive` on archive documents, and the `<?xml-stylesheet?>` for browsers.
"""

from __future__ import annotations

from typing import Literal

from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator
from lxml import etree

from .entries import Entry, FeedDocument, Link

ATOM_NS = "http://www.w3.org/2005/Atom"
MEDIA_NS = "http://search.yahoo.com/mrss/"
HISTORY_NS = "http://purl.org/syndication/history/1.0"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

Format = Literal["atom", "rss"]


def render_feed(feed: FeedDocument, fmt: Format) -> bytes:
    """The bytes of `feed` as Atom 1.0 (`fmt="atom"`) or RSS 2.0 (`fmt="rss"`)."""
    generator = _feedgen(feed)
    if fmt == "atom":
        root = etree.fromstring(generator.atom_str())
        _finish_atom(root, feed)
    elif fmt == "rss":
        root = etree.fromstring(generator.rss_str())
        _finish_rss(root, feed)
    else:
        raise ValueError(f"expected one of: 'atom', 'rss' but received: {fmt!r}")
    return _serialize(root, feed.stylesheet)


def _feedgen(feed: FeedDocument) -> FeedGenerator:
    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)
    fg.id(feed.id)
    fg.title(feed.title)
    fg.subtitle(feed.subtitle)  # RSS: the channel's description
    fg.language(feed.lang)
    fg.author({"name": feed.author})
    fg.link(href=feed.self_url, rel="self")
    fg.link(href=feed.home_url, rel="alternate", type="text/html")  # last: RSS <link>
    fg.updated(feed.updated)
    if feed.entries:
        fg.pubDate(max(entry.published for entry in feed.entries))
    for entry in feed.entries:
        fg.add_entry(_feedgen_entry(entry), order="append")
    return fg


def _feedgen_entry(entry: Entry) -> FeedEntry:
    fe = FeedEntry()
    fe.load_extension("dc", atom=False, rss=True)
    fe.id(entry.id)  # RSS: guid isPermaLink="false"
    fe.title(entry.title)
    fe.link(href=entry.url, rel="alternate")
    fe.published(entry.published)
    fe.updated(entry.updated)
    fe.summary(entry.summary)  # RSS: description (plain text)
    fe.content(entry.content_html, type="html")  # RSS: content:encoded, escaped
    for name in entry.authors:
        fe.author({"name": name})
        fe.dc.dc_creator(name)
    if entry.categories:
        fe.category(
            [{"term": c.term, "scheme": c.scheme, "label": c.label} for c in entry.categories]
        )
    if entry.image is not None:
        fe.enclosure(entry.image.url, str(entry.image.length), entry.image.type)
    return fe


def _finish_atom(root: etree._Element, feed: FeedDocument) -> None:
    ns = {"a": ATOM_NS}
    anchor = root.find("a:link", ns)
    for link in _feed_links(feed):
        new = root.makeelement(f"{{{ATOM_NS}}}link")
        _fill(new, link)
        anchor.addnext(new)
        anchor = new
    if feed.archive:
        anchor.addnext(root.makeelement(f"{{{HISTORY_NS}}}archive"))
    for element, entry in zip(root.findall("a:entry", ns), feed.entries, strict=True):
        element.set(XML_LANG, entry.lang)
        old = element.findall("a:link", ns)
        position = element.index(old[0])
        for link in old:
            element.remove(link)
        for offset, link in enumerate(entry.links):
            new = element.makeelement(f"{{{ATOM_NS}}}link")
            _fill(new, link)
            element.insert(position + offset, new)
        _media(element, entry)


def _fill(element: etree._Element, link: Link) -> None:
    element.set("href", link.href)
    element.set("rel", link.rel)
    for name in ("type", "hreflang", "title", "length"):
        value = getattr(link, name)
        if value is not None:
            element.set(name, str(value))


def _finish_rss(root: etree._Element, feed: FeedDocument) -> None:
    channel = root.find("channel")
    self_link = channel.find(f"{{{ATOM_NS}}}link")
    for link in reversed(_feed_links(feed)):
        new = channel.makeelement(f"{{{ATOM_NS}}}link")
        _fill(new, link)
        self_link.addnext(new)
    if feed.archive:
        self_link.addprevious(channel.makeelement(f"{{{HISTORY_NS}}}archive"))
    for item, entry in zip(channel.findall("item"), feed.entries, strict=True):
        _media(item, entry)


def _media(parent: etree._Element, entry: Entry) -> None:
    """The lead image as `media:content` with its alt text as `media:description`."""
    if entry.image is None:
        return
    content = etree.SubElement(
        parent,
        f"{{{MEDIA_NS}}}content",
        url=entry.image.url,
        type=entry.image.type,
        medium="image",
        fileSize=str(entry.image.length),
    )
    description = etree.SubElement(content, f"{{{MEDIA_NS}}}description", type="plain")
    description.text = entry.image.alt


def _feed_links(feed: FeedDocument) -> list[Link]:
    links = list(feed.links)
    if feed.hub:
        links.insert(0, Link(feed.hub, "hub"))
    return links


def _serialize(root: etree._Element, stylesheet: str | None) -> bytes:
    top = {"media": MEDIA_NS, "fh": HISTORY_NS}
    if root.tag == "rss":
        top["atom"] = ATOM_NS
    etree.cleanup_namespaces(root, top_nsmap=top)
    etree.indent(root, space="  ")
    document = etree.tostring(root, encoding="UTF-8", xml_declaration=False)
    head = b'<?xml version="1.0" encoding="UTF-8"?>\n'
    if stylesheet:
        head += f'<?xml-stylesheet type="text/xsl" href="{stylesheet}"?>\n'.encode()
    return head + document + b"\n"
