"""The page respects the reader's settings: dark mode, reduced motion, print."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def style(page, selector: str, prop: str) -> str:
    return page.eval_on_selector(selector, f"el => getComputedStyle(el).{prop}")


def test_dark_mode_follows_the_system_setting(open_page):
    light = open_page(color_scheme="light")
    light.goto("/")
    dark = open_page(color_scheme="dark")
    dark.goto("/")
    assert style(light, "body", "backgroundColor") == "rgb(255, 255, 255)"
    assert style(dark, "body", "backgroundColor") != "rgb(255, 255, 255)"
    assert style(dark, "body", "color") != style(light, "body", "color")


def test_reduced_motion_turns_off_smooth_scrolling(open_page):
    moving = open_page(reduced_motion="no-preference")
    moving.goto("/")
    still = open_page(reduced_motion="reduce")
    still.goto("/")
    assert style(moving, "html", "scrollBehavior") == "smooth"
    assert style(still, "html", "scrollBehavior") == "auto"


def test_print_shows_the_content_without_navigation(open_page):
    page = open_page()
    page.goto("/news/2009/07/seoul-mous-june/")
    page.emulate_media(media="print")
    for hidden in (".portal-nav", ".portal-lang", ".portal-skip-link", ".portal-back-to-top"):
        assert style(page, hidden, "display") == "none", hidden
    assert style(page, "main", "display") != "none"
    assert style(page, "body", "backgroundColor") == "rgb(255, 255, 255)"
    source_link = page.locator(".portal-sources a[href^='http']").first
    if source_link.count():
        after = source_link.evaluate("el => getComputedStyle(el, '::after').content")
        assert "http" in after
    pdf = page.pdf()
    assert pdf[:4] == b"%PDF"


def test_back_to_top_link_leads_to_the_top(open_page):
    page = open_page(width=375)
    page.goto("/news/2009/07/seoul-mous-june/")
    link = page.get_by_role("link", name="Back to top")
    link.scroll_into_view_if_needed()
    assert page.evaluate("window.scrollY") > 0
    link.click()
    page.wait_for_url("**#top")
    # Smooth scrolling (no reduced-motion preference here) takes a moment to arrive.
    page.locator(".portal-skip-link").wait_for(state="attached")
    for _ in range(50):
        if page.evaluate("window.scrollY") == 0:
            break
        page.wait_for_timeout(100)
    assert page.evaluate("window.scrollY") == 0
