"""Keyboard users: the skip link comes first and leads into the main content; focus shows."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PAGE_TYPES, WIDTHS

pytestmark = pytest.mark.browser

FOCUSED = """() => {
  const el = document.activeElement;
  const box = el.getBoundingClientRect();
  return {tag: el.tagName, id: el.id, cls: el.className, text: el.innerText,
          inMain: !!el.closest("main"), top: box.top, width: box.width, height: box.height};
}"""


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("name", ["home", "article", "city", "home-de", "not-found"])
def test_skip_link_reaches_the_main_content(open_page, name: str, width: int):
    page = open_page(width=width)
    page.goto(PAGE_TYPES[name])
    page.keyboard.press("Tab")
    first = page.evaluate(FOCUSED)
    assert "portal-skip-link" in first["cls"], f"first tab stop is {first}"
    assert first["top"] >= 0 and first["height"] > 0, "the focused skip link is not visible"

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main-content$"))  # waits for the navigation
    landed = page.evaluate(FOCUSED)
    assert (landed["tag"], landed["id"]) == ("MAIN", "main-content")

    page.keyboard.press("Tab")
    nxt = page.evaluate(FOCUSED)
    assert nxt["inMain"], f"the tab after the skip link left main: {nxt}"
    assert nxt["width"] > 0 and nxt["height"] > 0


def test_focus_is_visible_on_links(open_page):
    page = open_page()
    page.goto("/")
    link = page.get_by_role("navigation", name="Main").get_by_role("link", name="Cities")
    before = link.evaluate("el => getComputedStyle(el).backgroundColor")
    page.keyboard.press("Tab")  # the skip link
    for _ in range(10):  # tab until the Cities link has focus
        if link.evaluate("el => el === document.activeElement"):
            break
        page.keyboard.press("Tab")
    else:
        pytest.fail("the Cities link in the main navigation is not reachable by Tab")
    after = link.evaluate("el => getComputedStyle(el).backgroundColor")
    shadow = link.evaluate("el => getComputedStyle(el).boxShadow")
    assert after != before and after == "rgb(255, 221, 0)", "focus does not change the link"
    assert shadow != "none"


def test_every_tab_stop_on_the_home_page_is_visible(open_page):
    page = open_page(width=WIDTHS["phone"])
    page.goto("/")
    links_in_page = page.evaluate("document.querySelectorAll('a[href]').length")
    seen = []
    for _ in range(links_in_page + 2):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["tag"] == "BODY":
            break
        assert focused["width"] > 0 and focused["height"] > 0, f"invisible tab stop: {focused}"
        seen.append(focused["text"])
    assert len(seen) >= links_in_page, "some links cannot be reached with Tab"
