"""JSON Feed 1.1 (https://jsonfeed.org/version/1.1) from a `FeedDocument`."""

from __future__ import annotations

import json
from typing import Any

from .entries import Entry, FeedDocument

VERSION = "https://jsonfeed.org/version/1.1"


ItemCache = dict[int, tuple[Entry, bytes | memoryview]]


def render_json_feed(feed: FeedDocument, cache: ItemCache | None = None) -> bytes:
    """The bytes of `feed` as JSON Feed 1.1; keys in a fixed order, so builds repeat.

    `cache` (one dict per build) keeps each entry's serialized item, so an entry
    shared by many feeds is encoded once.
    """
    document: dict[str, Any] = {
        "version": VERSION,
        "title": feed.title,
        "home_page_url": feed.home_url,
        "feed_url": feed.self_url,
        "description": feed.subtitle,
        "language": feed.lang,
        "authors": [{"name": feed.author}],
    }
    if feed.next_url:
        document["next_url"] = feed.next_url
    if feed.hub:
        document["hubs"] = [{"type": "WebSub", "url": feed.hub}]
    document["items"] = []  # the last key: the items are spliced in below
    head = _dumps(document)
    cache = {} if cache is None else cache
    items = b",".join(item_json(entry, cache) for entry in feed.entries)
    return b"".join([head[: -len("]}")].encode(), items, b"]}\n"])


def _dumps(value: Any) -> str:
    # Compact: `indent` would switch json to its slow pure-Python encoder.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def keep_item_json(cache: ItemCache, entry: Entry, text: bytes | memoryview) -> None:
    """Put `text`, `entry`'s item made elsewhere (`item_json`), in `cache`."""
    cache[id(entry)] = (entry, text)  # keeps id(entry) unique


def item_json(entry: Entry, cache: ItemCache) -> bytes | memoryview:
    """One entry's item in UTF-8, encoded once: kept in `cache`."""
    cached = cache.get(id(entry))
    if cached is None:
        keep_item_json(cache, entry, _dumps(_item(entry)).encode())
        cached = cache[id(entry)]
    return cached[1]


def _item(entry: Entry) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": entry.id,
        "url": entry.url,
        "title": entry.title,
        "content_html": entry.content_html,
        "summary": entry.summary,
        "date_published": entry.published.isoformat(),
        "date_modified": entry.updated.isoformat(),
        "language": entry.lang,
    }
    if entry.authors:
        item["authors"] = [{"name": name} for name in entry.authors]
    if entry.categories:
        item["tags"] = [category.label for category in entry.categories]
    if entry.image is not None:
        item["image"] = entry.image.url
        item["attachments"] = [
            {
                "url": entry.image.url,
                "mime_type": entry.image.type,
                "title": entry.image.alt,
                "size_in_bytes": entry.image.length,
            }
        ]
    if entry.translations:
        # An extension object (keys starting with "_" are extensions in JSON Feed).
        item["_translations"] = {
            "about": "Other language versions of this item (hreflang alternates).",
            "items": [
                {"language": link.hreflang, "url": link.href, "title": link.title}
                for link in entry.translations
            ],
        }
    return item
