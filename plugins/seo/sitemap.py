"""`sitemap.xml` (with `hreflang` alternates) and `robots.txt`, written after the build.

The sitemap lists every HTML page in the output (so it never names a page that
was not written nor misses one) except the excluded paths; the content objects
add what the files do not know: `lastmod` from an article's Modified or Date, and
`xhtml:link rel="alternate" hreflang` for every language version of an article or
page. The XML is built with lxml (the pelican-plugins sitemap wrote `ref=` for
`href=` from a string template). More URLs than the protocol allows in one file
(50,000) go into numbered files under a sitemap index.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree
from portal import incremental

from .config import SeoConfig
from .head import page_url

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"


@dataclass(frozen=True)
class Entry:
    """One URL of the sitemap; URLs are relative to the site root."""

    url: str
    lastmod: str | None = None
    alternates: tuple[tuple[str, str], ...] = ()  # (hreflang, url)


def lastmod(value: dt.datetime | None) -> str | None:
    """W3C datetime; a date alone when the time is midnight (a day-precision Date)."""
    if value is None:
        return None
    if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
        return value.date().isoformat()
    return value.isoformat()


def _versions(item: Any) -> list[Any]:
    return [item, *getattr(item, "translations", ())]


def content_entries(context: Mapping[str, Any], default_lang: str) -> dict[str, Entry]:
    """What the content objects know about their URLs: dates and language versions."""
    entries: dict[str, Entry] = {}
    groups = list(context.get("articles", [])) + list(context.get("pages", []))
    for original in groups:
        versions = _versions(original)
        alternates: tuple[tuple[str, str], ...] = ()
        if len(versions) > 1:
            alternates = tuple(sorted((v.lang, v.url) for v in versions))
            default = next((v for v in versions if v.lang == default_lang), None)
            if default is not None:
                alternates += (("x-default", default.url),)
        for version in versions:
            record = getattr(version, "record", None)
            when = getattr(record, "modified", None) or getattr(record, "date", None)
            entries[version.url] = Entry(version.url, lastmod(when), alternates)
    return entries


def hidden_urls(context: Mapping[str, Any]) -> set[str]:
    """Pages written but meant to stay out of lists: hidden articles and pages."""
    hidden = list(context.get("hidden_articles", [])) + list(context.get("hidden_pages", []))
    return {version.url for item in hidden for version in _versions(item)}


def output_entries(
    output: Path,
    known: Mapping[str, Entry],
    exclude: Iterable[str],
    skip_urls: Iterable[str] = (),
    files: Iterable[str] | None = None,
) -> list[Entry]:
    """An entry for every HTML file in `output`, home first, then by URL.

    `files`: the files in `output` when the caller knows them (relative POSIX paths);
    otherwise the folder is walked.
    """
    excluded = _matcher(exclude)
    skip_urls = set(skip_urls)
    entries = []
    for relative in incremental.output_names(output) if files is None else files:
        if not relative.endswith(".html") or excluded(relative):
            continue
        url = page_url(relative)
        if url in skip_urls:
            continue
        entries.append(known.get(url) or Entry(url))
    return sorted(entries, key=lambda e: (e.url != "", e.url))


def _matcher(patterns: Iterable[str]) -> Callable[[str], bool]:
    """Whether a path matches any of the shell patterns (`fnmatch.fnmatchcase`)."""
    translated = [fnmatch.translate(pattern) for pattern in patterns]
    if not translated:
        return lambda _path: False
    return re.compile("|".join(f"(?:{t})" for t in translated)).match  # type: ignore[return-value]


def urlset(entries: Iterable[Entry], config: SeoConfig) -> etree._Element:
    root = etree.Element(f"{{{SITEMAP_NS}}}urlset", nsmap={None: SITEMAP_NS, "xhtml": XHTML_NS})
    for entry in entries:
        url = etree.SubElement(root, f"{{{SITEMAP_NS}}}url")
        etree.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = config.location(entry.url)
        if entry.lastmod:
            etree.SubElement(url, f"{{{SITEMAP_NS}}}lastmod").text = entry.lastmod
        for hreflang, href in entry.alternates:
            link = etree.SubElement(url, f"{{{XHTML_NS}}}link")
            link.set("rel", "alternate")
            link.set("hreflang", hreflang)
            link.set("href", config.location(href))
    return root


def sitemap_index(locations: Iterable[str]) -> etree._Element:
    root = etree.Element(f"{{{SITEMAP_NS}}}sitemapindex", nsmap={None: SITEMAP_NS})
    for location in locations:
        sitemap = etree.SubElement(root, f"{{{SITEMAP_NS}}}sitemap")
        etree.SubElement(sitemap, f"{{{SITEMAP_NS}}}loc").text = location
    return root


def _write(root: etree._Element, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    etree.ElementTree(root).write(
        str(path), xml_declaration=True, encoding="UTF-8", pretty_print=True
    )


def write_sitemap(output: Path, entries: list[Entry], config: SeoConfig) -> list[Path]:
    """Write the sitemap (or an index and its parts); returns the files written."""
    target = output / config.sitemap_save_as
    size = config.sitemap_max_urls
    if len(entries) <= size:
        _write(urlset(entries, config), target)
        return [target]
    stem, suffix = os.path.splitext(config.sitemap_save_as)
    written, locations = [], []
    for number, start in enumerate(range(0, len(entries), size), start=1):
        name = f"{stem}-{number}{suffix}"
        _write(urlset(entries[start : start + size], config), output / name)
        written.append(output / name)
        locations.append(config.location(name))
    _write(sitemap_index(locations), target)
    return [target, *written]


def robots_text(config: SeoConfig) -> str:
    """Everything may be crawled; the sitemap's URL (absolute when there is one)."""
    lines = [f"# robots.txt for {config.sitename}".rstrip(), "User-agent: *", "Allow: /", ""]
    if not config.siteurl:
        lines.append("# Development build: no site URL is set, so the sitemap path is relative.")
    lines.append(f"Sitemap: {config.location(config.sitemap_save_as)}")
    return "\n".join(lines) + "\n"
