"""The `FEEDS` settings dict, read once over its defaults, and the feeds' site URL."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from portal.dates import get_zone

DEFAULTS: dict[str, Any] = {
    # Absolute site URL for feeds when neither SITEURL nor FEED_DOMAIN is absolute
    # (development: SITEURL is "" and RELATIVE_URLS is on). publishconf's SITEURL wins.
    "siteurl": "http://127.0.0.1:8000",
    # tag: URI authority of every entry ID (RFC 4151). Fixed, never derived from
    # SITEURL, so IDs are the same in preview and production. Never change it.
    "id_authority": "egov-portal.example",
    # tag: URI date for IDs of things without a publication date (MOUs, events, feeds).
    "id_date": "2026",
    # Most entries per feed document; older entries go to RFC 5005 archive pages.
    "max_items": 20,
    # A WebSub hub (e.g. "https://pubsubhubbub.appspot.com/"): feeds advertise
    # rel="hub" and the publish task pings it (tools/websub.py). None: no hub.
    "websub_hub": None,
}

_TAG_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
_AUTHORITY = re.compile(r"[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?:@[a-z0-9.-]+)?", re.IGNORECASE)


class FeedSettingsError(ValueError):
    """A wrong `FEEDS` setting; the message names the key, what is allowed and what came."""


def _absolute(url: Any) -> str | None:
    if isinstance(url, str) and urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc:
        return url.rstrip("/")
    return None


@dataclass(frozen=True)
class FeedSettings:
    """Everything the feeds plugin reads from Pelican's settings."""

    site_url: str  # absolute, no trailing slash
    id_authority: str
    id_date: str
    max_items: int
    websub_hub: str | None
    sitename: str
    subtitle: str
    author: str
    default_lang: str
    languages: tuple[str, ...]
    timezone: dt.tzinfo
    content_path: str

    @property
    def site_path(self) -> str:
        """The site's path on its host ("" or "/portal"): for same-origin stylesheet links."""
        return urlsplit(self.site_url).path.rstrip("/")

    def url(self, path: str) -> str:
        """The absolute URL of `path` (relative to the site root, like `article.url`)."""
        return f"{self.site_url}/{path.lstrip('/')}"

    @classmethod
    def from_pelican(cls, settings: Mapping[str, Any]) -> FeedSettings:
        given = dict(settings.get("FEEDS") or {})
        unknown = sorted(set(given) - set(DEFAULTS))
        if unknown:
            raise FeedSettingsError(
                f"FEEDS: unknown setting(s) {', '.join(unknown)}; "
                f"expected one of: {', '.join(DEFAULTS)}"
            )
        values = {**DEFAULTS, **given}
        site_url = (
            _absolute(settings.get("SITEURL"))
            or _absolute(settings.get("FEED_DOMAIN"))
            or _absolute(values["siteurl"])
        )
        if site_url is None:
            raise FeedSettingsError(
                "FEEDS['siteurl']: expected an absolute http(s) URL (feeds need absolute "
                f"links when SITEURL is relative), but received: {values['siteurl']!r}"
            )
        if not _AUTHORITY.fullmatch(str(values["id_authority"])):
            raise FeedSettingsError(
                "FEEDS['id_authority']: expected a domain name or e-mail address, "
                f"but received: {values['id_authority']!r}"
            )
        if not _TAG_DATE.fullmatch(str(values["id_date"])):
            raise FeedSettingsError(
                "FEEDS['id_date']: expected YYYY, YYYY-MM or YYYY-MM-DD, "
                f"but received: {values['id_date']!r}"
            )
        max_items = values["max_items"]
        if not isinstance(max_items, int) or isinstance(max_items, bool) or max_items < 1:
            raise FeedSettingsError(
                f"FEEDS['max_items']: expected a whole number of at least 1, "
                f"but received: {max_items!r}"
            )
        hub = values["websub_hub"]
        if hub is not None and _absolute(hub) is None:
            raise FeedSettingsError(
                f"FEEDS['websub_hub']: expected an absolute http(s) URL or None, "
                f"but received: {hub!r}"
            )
        default_lang = settings.get("DEFAULT_LANG", "en")
        languages = list(settings.get("PORTAL", {}).get("languages", [default_lang]))
        return cls(
            site_url=site_url,
            id_authority=str(values["id_authority"]).lower(),
            id_date=str(values["id_date"]),
            max_items=max_items,
            websub_hub=hub,
            sitename=settings.get("SITENAME", ""),
            subtitle=settings.get("SITESUBTITLE") or settings.get("SITENAME", ""),
            author=settings.get("AUTHOR") or settings.get("SITENAME", ""),
            default_lang=default_lang,
            languages=tuple([default_lang] + [lang for lang in languages if lang != default_lang]),
            timezone=get_zone(settings.get("TIMEZONE") or "UTC"),
            content_path=str(settings.get("PATH", "")),
        )
