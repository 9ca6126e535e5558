"""axe-core finds no WCAG 2.1 A/AA violation on any page type, on desktop and phone."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import PAGE_TYPES, WIDTHS

pytestmark = pytest.mark.browser

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa"]},
    "resultTypes": ["violations"],
}


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


def load(page, path: str) -> None:
    response = page.goto(path)
    assert response is not None
    expected = 404 if path == PAGE_TYPES["not-found"] else 200
    assert response.status == expected, f"{path} answered {response.status}"


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("path", PAGE_TYPES.values(), ids=PAGE_TYPES.keys())
def test_no_axe_violations(open_page, axe: Axe, path: str, width: int):
    page = open_page(width=width)
    load(page, path)
    result = axe.run(page, options=AXE_OPTIONS)
    assert result.violations_count == 0, result.generate_report()


@pytest.mark.parametrize(
    "name", ["home", "article", "city", "home-de", "not-found"]
)
def test_no_axe_violations_in_dark_mode(open_page, axe: Axe, name: str):
    page = open_page(color_scheme="dark")
    load(page, PAGE_TYPES[name])
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background != "rgb(255, 255, 255)", "dark mode is not applied"
    result = axe.run(page, options=AXE_OPTIONS)
    assert result.violations_count == 0, result.generate_report()
