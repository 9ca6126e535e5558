"""Private: browsing every page type makes no request to any host but the local one."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import PAGE_TYPES, WIDTHS

pytestmark = pytest.mark.browser


def test_no_request_leaves_the_local_server(open_page, request_log, site_url: str):
    before = len(request_log.urls)
    for width in WIDTHS.values():
        page = open_page(width=width)
        for path in PAGE_TYPES.values():
            page.goto(path)
            page.wait_for_load_state("networkidle")
        # Follow every link on the home page, too (the click path readers take).
        page.goto("/")
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        for href in sorted(set(hrefs)):
            if urlsplit(href).netloc == urlsplit(site_url).netloc:
                page.goto(href)
                page.wait_for_load_state("networkidle")
    made = request_log.urls[before:]
    assert any(url.endswith("/theme/css/portal.css") for url in made), "nothing was recorded"
    assert request_log.foreign(site_url) == []
