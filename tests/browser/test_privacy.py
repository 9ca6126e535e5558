"""Private: browsing every page type makes no request to any host but the local one."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import PAGE_TYPES, WIDTHS

pytestmark = pytest.mark.browser


def test_no_request_leaves_the_local_server(open_page, request_log, site_url: str):
    before = len(request_log.urls)
    broken: list[str] = []
    for width in WIDTHS.values():
        page = open_page(width=width)
        page.on(
            "response",
            lambda r: r.status >= 400
            and r.request.resource_type != "document"
            and broken.append(f"{r.status} {r.url}"),
        )
        for path in PAGE_TYPES.values():
            # On the desktop, wait until scripts have fetched whatever they fetch.
            page.goto(path, wait_until="networkidle" if width == WIDTHS["desktop"] else "load")
    # Follow every link on the home page, too (the click path readers take).
    page = open_page(reduced_motion="reduce")
    page.goto("/")
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    for href in sorted(set(hrefs)):
        if urlsplit(href).netloc == urlsplit(site_url).netloc:
            page.goto(href)
    made = request_log.urls[before:]
    assert any(url.endswith("/theme/css/portal.css") for url in made), "nothing was recorded"
    assert request_log.foreign(site_url) == []
    assert broken == [], "pages load resources that are missing"
