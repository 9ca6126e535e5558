"""The cities table sorts in place with JavaScript (sortable-table.js)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

ROWS = """() => Array.from(document.querySelectorAll('#cities-table tbody tr'))
  .map(r => Array.from(r.cells).map(c => c.textContent.trim()))"""
SORT = """() => Array.from(document.querySelectorAll('#cities-table thead th'))
  .map(th => th.getAttribute('aria-sort'))"""


def test_headers_become_buttons_that_sort_in_place(open_page):
    page = open_page()
    page.goto("/cities/")
    buttons = page.locator("#cities-table thead th button")
    assert buttons.count() == 5
    assert page.locator("#cities-table thead th a").count() == 0
    start_url = page.url

    page.get_by_role("button", name="MOUs").click()
    rows = page.evaluate(ROWS)
    counts = [int(r[3]) for r in rows]
    assert counts == sorted(counts, reverse=True) and rows[0][0] == "Seoul"
    assert page.evaluate(SORT) == [None, None, None, "descending", None]
    # ties keep name order
    ones = [r[0] for r in rows if r[3] == "1"]
    assert ones == sorted(ones)
    status = page.locator("#cities-table .portal-sortable__status").inner_text()
    assert status == "sorted by MOUs, descending"

    page.get_by_role("button", name="MOUs").click()
    counts = [int(r[3]) for r in page.evaluate(ROWS)]
    assert counts == sorted(counts)
    assert page.evaluate(SORT)[3] == "ascending"

    page.get_by_role("button", name="Country").click()
    rows = page.evaluate(ROWS)
    assert rows[0][1] == "France" and rows[-1][1] == "Vietnam"
    assert page.evaluate(SORT) == [None, "ascending", None, None, None]
    assert page.url == start_url  # sorted in place, no navigation


def test_sorting_works_from_the_keyboard(open_page):
    page = open_page()
    page.goto("/cities/by/articles/")
    page.locator("#cities-table thead th button").nth(0).focus()
    page.keyboard.press("Enter")
    names = [r[0] for r in page.evaluate(ROWS)]
    assert names == sorted(names)
    assert page.evaluate(SORT)[0] == "ascending"
