"""The `SEO` settings, read once per build and merged over the defaults."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from portal.settings import plugin_settings

DEFAULTS: dict[str, Any] = {
    # The public, absolute site URL for canonical links, OpenGraph, JSON-LD URLs and
    # the sitemap. None: SITEURL. Empty (development, SITEURL = ""): no canonical
    # link, no og:url or URL properties, and a sitemap of root-relative paths.
    "siteurl": None,
    "sitemap_save_as": "sitemap.xml",
    "robots_save_as": "robots.txt",
    # Output paths (shell patterns) left out of the sitemap.
    "sitemap_exclude": ("404.html", "pagefind/*", "drafts/*", "theme/*"),
    "sitemap_max_urls": 50_000,  # the protocol's limit per file; more: a sitemap index
    # A home-page SearchAction in JSON-LD: the search page's URL with the query
    # placeholder, relative to the site URL (None: no SearchAction).
    "search_url_template": None,
}


@dataclass(frozen=True)
class SeoConfig:
    """What the SEO plugin needs from the settings."""

    siteurl: str  # absolute, no trailing slash; "" when there is none
    sitename: str
    default_lang: str
    author: str  # the site's own byline: an Organization in JSON-LD
    timezone: str
    sitemap_save_as: str
    robots_save_as: str
    sitemap_exclude: tuple[str, ...]
    sitemap_max_urls: int
    search_url_template: str | None

    def absolute(self, url: str) -> str | None:
        """`url` (relative to the site root) as an absolute URL, or None in dev."""
        if not self.siteurl:
            return None
        return f"{self.siteurl}/{url.lstrip('/')}"

    def location(self, url: str) -> str:
        """The absolute URL, or the root-relative path when there is no site URL."""
        return self.absolute(url) or "/" + url.lstrip("/")


def read_config(settings: Mapping[str, Any]) -> SeoConfig:
    """`SEO` over the defaults; an unknown key is an error naming the known ones."""
    options = plugin_settings(settings, "SEO", DEFAULTS)
    siteurl = (options["siteurl"] or "").rstrip("/")
    if options["siteurl"] is None:
        # SITEURL may be a bare path in a sub-path preview: then there is no public URL.
        siteurl = (settings.get("SITEURL") or "").rstrip("/")
        if not _is_absolute(siteurl):
            siteurl = ""
    elif siteurl and not _is_absolute(siteurl):
        raise ValueError(f"SEO: siteurl must be an absolute http(s) URL or empty, got {siteurl!r}")
    if int(options["sitemap_max_urls"]) < 1:
        raise ValueError("SEO: sitemap_max_urls must be at least 1")
    return SeoConfig(
        siteurl=siteurl,
        sitename=settings.get("SITENAME", ""),
        default_lang=settings.get("DEFAULT_LANG", "en"),
        author=settings.get("AUTHOR", "") or "",
        timezone=settings.get("TIMEZONE", "UTC"),
        sitemap_save_as=options["sitemap_save_as"],
        robots_save_as=options["robots_save_as"],
        sitemap_exclude=tuple(options["sitemap_exclude"]),
        sitemap_max_urls=int(options["sitemap_max_urls"]),
        search_url_template=options["search_url_template"],
    )


def _is_absolute(url: str) -> bool:
    return url.startswith(("http://", "https://")) and len(url.split("/", 3)[2]) > 0
