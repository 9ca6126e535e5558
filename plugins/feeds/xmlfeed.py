"""Atom 1.0 and RSS 2.0 from a `FeedDocument`: the one place that uses feedgen.

feedgen 1.0.0 writes the feed's metadata (`FeedGenerator`) and each entry
(`FeedEntry.atom_entry()` / `rss_entry()`, made once per build and reused by every
feed that holds it); lxml then repairs and adds what feedgen cannot do (see
lkiesow/python-feedgen#135 and our TOOLING notes):

- entry links lose rel/type/hreflang/title/length in Atom: rewritten here;
- entries are appended by us, in our order (feedgen's `add_entry` prepends);
- the feed's `updated` is always set by us (feedgen defaults to now), and so is
  every datetime (feedgen refuses naive ones);
- RSS authors are `dc:creator` (RSS `<author>` must be an e-mail address);
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

import re
from typing import Literal

from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator
from lxml import etree

from .entries import Entry, FeedDocument, Link

ATOM_NS = "http://www.w3.org/2005/Atom"
DC_NS = "http://purl.org/dc/elements/1.1/"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
MEDIA_NS = "http://search.yahoo.com/mrss/"
HISTORY_NS = "http://purl.org/syndication/history/1.0"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

Format = Literal["atom", "rss"]


EntryCache = dict[tuple[str, int], tuple[Entry, bytes | memoryview]]

# Namespaces every document declares on its root, so that entries serialized once
# (without declarations of their own) fit into any document of their format.
_ROOT_NS = {
    "atom": {"media": MEDIA_NS, "fh": HISTORY_NS},
    "rss": {
        "atom": ATOM_NS,
        "content": CONTENT_NS,
        "dc": DC_NS,
        "media": MEDIA_NS,
        "fh": HISTORY_NS,
    },
}
_DECLARATION = re.compile(r'\s+xmlns(?::[A-Za-z_][\w.-]*)?="[^"]*"')


def render_feed(feed: FeedDocument, fmt: Format, cache: EntryCache | None = None) -> bytes:
    """The bytes of `feed` as Atom 1.0 (`fmt="atom"`) or RSS 2.0 (`fmt="rss"`).

    `cache` (one dict per build) keeps each entry's serialized XML, so an entry
    shared by many feeds (all, its category, tags, cities, archives) is made once;
    the document is joined from those bytes.
    """
    if fmt not in ("atom", "rss"):
        raise ValueError(f"expected one of: 'atom', 'rss' but received: {fmt!r}")
    generator = _feedgen(feed)
    if fmt == "atom":
        root = etree.fromstring(generator.atom_str())
        _finish_atom(root, feed)
        closing, indent = "</feed>", "  "
    else:
        root = etree.fromstring(generator.rss_str())
        _finish_rss(root, feed)
        closing, indent = "</channel>", "    "
    entry_prefixes = [prefix for prefix in _ROOT_NS[fmt] if prefix != "fh"]  # fh: feed level
    etree.cleanup_namespaces(root, top_nsmap=_ROOT_NS[fmt], keep_ns_prefixes=entry_prefixes)
    etree.indent(root, space="  ")
    text = etree.tostring(root, encoding="unicode")
    cut = text.rindex(closing)
    cache = {} if cache is None else cache
    prolog = '<?xml version="1.0" encoding="UTF-8"?>\n'
    if feed.stylesheet:
        prolog += f'<?xml-stylesheet type="text/xsl" href="{feed.stylesheet}"?>\n'
    # The metadata ends with a newline and the closing tag's own indentation.
    head = (prolog + text[:cut].rstrip(" ")).encode("utf-8")
    tail = (indent[2:] + text[cut:] + "\n").encode("utf-8")
    return b"".join([head, *(entry_xml(entry, fmt, cache) for entry in feed.entries), tail])


def _feedgen(feed: FeedDocument) -> FeedGenerator:
    """The feed's own metadata; entries are made one by one (`_entry_element`)."""
    fg = FeedGenerator()
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
    return fg


def keep_entry_xml(cache: EntryCache, entry: Entry, fmt: str, text: bytes | memoryview) -> None:
    """Put `text`, `entry`'s XML in `fmt` made elsewhere (`entry_xml`), in `cache`."""
    cache[(fmt, id(entry))] = (entry, text)  # the entry is kept alive: its id() stays unique


def entry_xml(
    entry: Entry, fmt: str, cache: EntryCache, feed_entry: FeedEntry | None = None
) -> bytes | memoryview:
    """One entry's XML, indented for its place and without namespace declarations.

    Its lines in UTF-8, ending with a newline; made once per entry and format and
    kept in `cache`. `feed_entry`: the entry's `feedgen_entry`, when already made
    (one serves both formats).
    """
    key = (fmt, id(entry))
    if key not in cache:
        fe = feed_entry if feed_entry is not None else feedgen_entry(entry)
        if fmt == "atom":
            element = fe.atom_entry()
            for child in element.iter():  # feedgen leaves entries outside the Atom namespace
                if isinstance(child.tag, str) and not child.tag.startswith("{"):
                    child.tag = f"{{{ATOM_NS}}}{child.tag}"
            _finish_atom_entry(element, entry)
            parent = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS, **_ROOT_NS[fmt]})
            level = 1
        else:
            element = fe.rss_entry()
            _finish_rss_item(element, entry)
            parent = etree.SubElement(etree.Element("rss", nsmap=_ROOT_NS[fmt]), "channel")
            level = 2
        parent.append(element)
        etree.indent(element, space="  ", level=level)
        text = etree.tostring(element, encoding="unicode", with_tail=False)
        start_tag_end = text.index(">")
        text = _DECLARATION.sub("", text[:start_tag_end]) + text[start_tag_end:]
        indent = "  " * level
        keep_entry_xml(cache, entry, fmt, f"{indent}{text}\n".encode())
    return cache[key][1]


def feedgen_entry(entry: Entry) -> FeedEntry:
    """The feedgen entry of `entry`, for `entry_xml` in either format."""
    fe = FeedEntry()
    fe.id(entry.id)  # RSS: guid isPermaLink="false"
    fe.title(entry.title)
    fe.link(href=entry.url, rel="alternate")
    fe.published(entry.published)
    fe.updated(entry.updated)
    fe.summary(entry.summary)  # RSS: description (plain text)
    fe.content(entry.content_html, type="html")  # RSS: content:encoded, escaped
    for name in entry.authors:
        fe.author({"name": name})
    if entry.categories:
        fe.category(
            [{"term": c.term, "scheme": c.scheme, "label": c.label} for c in entry.categories]
        )
    if entry.image is not None:
        fe.enclosure(entry.image.url, str(entry.image.length), entry.image.type)
    return fe


def _finish_atom(root: etree._Element, feed: FeedDocument) -> None:
    anchor = root.find(f"{{{ATOM_NS}}}link")
    for link in _feed_links(feed):
        new = root.makeelement(f"{{{ATOM_NS}}}link")
        _fill(new, link)
        anchor.addnext(new)
        anchor = new
    if feed.archive:
        anchor.addnext(root.makeelement(f"{{{HISTORY_NS}}}archive"))


def _finish_atom_entry(element: etree._Element, entry: Entry) -> None:
    element.set(XML_LANG, entry.lang)
    old = element.findall(f"{{{ATOM_NS}}}link")
    position = element.index(old[0])
    for link in old:  # feedgen#135: only href survives; write them again
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


def _finish_rss_item(item: etree._Element, entry: Entry) -> None:
    anchor = item.find("link")
    for name in reversed(entry.authors):  # RSS <author> needs an e-mail address
        creator = item.makeelement(f"{{{DC_NS}}}creator")
        creator.text = name
        anchor.addnext(creator)
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
