"""WebSub publishing: tell a hub that feeds have changed (publish task).

`ping_hub(hub_url, feed_urls)` sends the de-facto publisher notification of
PubSubHubbub 0.3 / WebSub hubs: a form-encoded POST with `hub.mode=publish` and one
`hub.url` per changed topic (several per request, in batches). Hubs answer 2xx
(usually 204) and then fetch the feeds themselves. `feed_urls_from_opml()` lists
every subscription feed the feeds plugin wrote, for pinging them all.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

USER_AGENT = "egov-portal-websub/1.0"


class WebSubError(Exception):
    """The hub refused or could not be reached; `results` holds every batch's outcome."""

    def __init__(self, message: str, results: list[PingResult]):
        super().__init__(message)
        self.results = results


@dataclass(frozen=True)
class PingResult:
    topics: tuple[str, ...]
    status: int | None  # HTTP status, None when the hub could not be reached
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def ping_hub(
    hub_url: str,
    feed_urls: Iterable[str],
    *,
    batch_size: int = 50,
    timeout: float = 10.0,
) -> list[PingResult]:
    """Notify `hub_url` that `feed_urls` changed; raise WebSubError if any batch failed.

    Every batch is tried even after a failure, so one bad batch does not hide the rest.
    """
    scheme = urllib.parse.urlsplit(hub_url).scheme
    if scheme not in ("http", "https"):
        raise ValueError(f"hub_url: expected an http(s) URL, but received: {hub_url!r}")
    if batch_size < 1:
        raise ValueError(f"batch_size: expected at least 1, but received: {batch_size!r}")
    topics = list(dict.fromkeys(feed_urls))  # unique, in order
    results = [
        _ping(hub_url, tuple(topics[i : i + batch_size]), timeout)
        for i in range(0, len(topics), batch_size)
    ]
    failed = [r for r in results if not r.ok]
    if failed:
        lines = [f"{r.status or 'no answer'}: {r.detail} ({len(r.topics)} feeds)" for r in failed]
        raise WebSubError(f"WebSub hub {hub_url} refused the ping:\n" + "\n".join(lines), results)
    return results


def _ping(hub_url: str, topics: Sequence[str], timeout: float) -> PingResult:
    body = urllib.parse.urlencode(
        [("hub.mode", "publish")] + [("hub.url", topic) for topic in topics]
    ).encode("ascii")
    request = urllib.request.Request(
        hub_url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "User-Agent": USER_AGENT,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return PingResult(tuple(topics), response.status, response.reason)
    except urllib.error.HTTPError as exc:
        detail = exc.read(500).decode("utf-8", "replace").strip() or exc.reason
        return PingResult(tuple(topics), exc.code, str(detail))
    except (urllib.error.URLError, OSError) as exc:
        return PingResult(tuple(topics), None, str(getattr(exc, "reason", exc)))


def feed_urls_from_opml(opml_path: str | Path) -> list[str]:
    """Every `xmlUrl` in the OPML file the feeds plugin writes (feeds/feeds.opml)."""
    tree = etree.parse(str(opml_path), etree.XMLParser(resolve_entities=False, no_network=True))
    return list(dict.fromkeys(tree.xpath("//outline/@xmlUrl")))
