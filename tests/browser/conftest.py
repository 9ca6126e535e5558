"""Browser tests: Debian's Chromium driven by Playwright against the built sample site.

One local server (tools/serve.py) and one browser for the whole session. Chromium is
never downloaded (`playwright install` is not used): when /usr/bin/chromium is
missing the tests FAIL and say how to install it (`make test` does).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import ROOT
from tools.serve import make_server

CHROMIUM = Path(os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium"))
# Flags that work as root with no network (shared/TOOLING.md).
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts"
WIDTHS = {"desktop": 1280, "phone": 375}

# One page of every type the portal publishes (paths on the local server).
PAGE_TYPES = {
    "home": "/",
    "home-de": "/de/",
    "article": "/news/2009/07/seoul-mous-june/",
    "article-de": "/de/news/2009/07/seoul-absichtserklaerungen-juni/",
    "city": "/cities/seoul/",
    "cities": "/cities/",
    "mou-timeline": "/mous/",
    "events": "/events/",
    "event": "/events/wego-inaugural-assembly-2010/",
    "rankings": "/rankings/",
    "tags": "/tag/",
    "tag": "/tag/mou/",
    "categories": "/category/",
    "category": "/category/cooperation/",
    "archives": "/archives/",
    "archive-year": "/archives/2009/",
    "authors": "/author/",
    "search": "/search/",
    "feeds": "/feeds/",
    "about": "/about/",
    "accessibility": "/accessibility/",
    "about-de": "/de/about/",
    "not-found": "/no/such/page/",
}


@dataclass
class RequestLog:
    """Every request any page made, by URL."""

    urls: list[str] = field(default_factory=list)

    def foreign(self, base_url: str) -> list[str]:
        """Requests to any origin but the local server's (data: and blob: are local)."""
        local = urlsplit(base_url).netloc
        return [
            url
            for url in self.urls
            if urlsplit(url).scheme not in ("data", "blob", "about")
            and urlsplit(url).netloc != local
        ]


@pytest.fixture(scope="session")
def site_url(sample_output: Path) -> Iterator[str]:
    """The sample site served by tools/serve.py on 127.0.0.1 (any free port)."""
    server = make_server(sample_output, 0)
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium, once per session."""
    if not CHROMIUM.is_file():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}. The browser tests need Debian's "
            "chromium: run `make test` (it installs it), or `apt-get install -y "
            "chromium chromium-driver fonts-liberation`. Never `playwright install`.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture(scope="session")
def request_log() -> RequestLog:
    """Every request made by every page of the session."""
    return RequestLog()


@pytest.fixture
def open_page(browser, site_url: str, request_log: RequestLog) -> Iterator[Callable]:
    """`open_page(width=1280, color_scheme="light")` → a fresh page that records requests.

    Requests to any host but the local server are recorded and aborted, so a test
    never waits on the network.
    """
    contexts = []
    local = urlsplit(site_url).netloc

    def route(route_obj, request) -> None:
        if urlsplit(request.url).netloc == local or request.url.startswith(("data:", "blob:")):
            route_obj.continue_()
        else:
            route_obj.abort()

    def make(width: int = WIDTHS["desktop"], color_scheme: str = "light", **options):
        context = browser.new_context(
            base_url=site_url,
            viewport={"width": width, "height": 900},
            color_scheme=color_scheme,
            **options,
        )
        context.on("request", lambda request: request_log.urls.append(request.url))
        context.route("**/*", route)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """test-artifacts/ (git-ignored): screenshots for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
