"""The checks across files (plugins/portal/checks.py) and the dry writer, rule by rule.

Whole rules on real content are in tests/functional/test_check_task.py (one bad file
per rule); here are the small functions they are made of.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from portal import report
from portal.checks import (
    _URL_ATTRIBUTE,
    LinkScans,
    SourceLines,
    _attribute_url,
    _produces,
    check_settings,
    lang_suffix,
    output_files,
    overwrite_problem,
    site_target,
    zone_problem,
)
from portal.drywriter import DryWriter, Owner, collision
from portal.model import ERROR, Problem

from tools.build import load_settings

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("path", "suffix"),
    [
        ("articles/2009/2009-07-13-seoul-mous-june.de.md", "de"),
        ("articles/2009/2009-07-13-seoul-mous-june.md", None),
        ("pages/about.en.md", "en"),
        ("pages/about.pt-BR.md", "pt-BR"),
        ("pages/v1.2.md", None),
        ("pages/about.md", None),
    ],
)
def test_lang_suffix(path: str, suffix: str | None):
    assert lang_suffix(path) == suffix


PAGE = "news/2009/07/seoul-mous-june/"


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("/cities/seoul/", "cities/seoul/"),
        ("/cities/seoul", "cities/seoul"),
        ("/", ""),
        ("../../../../mous/", "mous/"),
        ("../../../../../../mous/", "mous/"),
        ("images/a.png", "news/2009/07/seoul-mous-june/images/a.png"),
        ("/cities/seoul/?sort=name#rankings", "cities/seoul/"),
        ("/theme/css/portal.css", "theme/css/portal.css"),
        ("/a%20b/", "a b/"),
        ("#main-content", None),
        ("https://www.koreaherald.com/", None),
        ("//cdn.example.com/x.js", None),
        ("mailto:editors@example.org", None),
        ("{filename}/articles/x.md", None),
        ("|filename|x.md", None),
        ("", None),
    ],
)
def test_site_target(url: str, target: str | None):
    assert site_target(url, PAGE) == target


def test_site_target_of_absolute_links_to_the_site_itself():
    assert site_target("https://egov.example/cities/", PAGE, "https://egov.example") == "cities/"
    assert site_target("https://other.example/cities/", PAGE, "https://egov.example") is None
    assert site_target("https://egov.example/cities/", PAGE, "") is None


def test_a_folder_url_needs_its_index_and_a_bare_one_may_be_either():
    produced = {"index.html", "cities/index.html", "theme/css/portal.css"}
    assert _produces(produced, "")
    assert _produces(produced, "cities/")
    assert _produces(produced, "cities")  # the server redirects to cities/
    assert _produces(produced, "theme/css/portal.css")
    assert not _produces(produced, "mous/")
    assert not _produces(produced, "theme/css/")


def test_output_files_lists_every_file_relative(tmp_path: Path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "index.html").write_text("x")
    (tmp_path / "robots.txt").write_text("x")
    assert output_files(tmp_path) == {"a/b/index.html", "robots.txt"}


def test_output_files_lists_what_os_walk_lists(tmp_path: Path):
    (tmp_path / "site" / "a" / "b").mkdir(parents=True)
    (tmp_path / "site" / "a" / "b" / "x.html").write_text("x")
    (tmp_path / "site" / "a" / "y.css").write_text("y")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "z.txt").write_text("z")
    (tmp_path / "site" / "linked-folder").symlink_to(tmp_path / "elsewhere")
    (tmp_path / "site" / "linked-file.txt").symlink_to(tmp_path / "elsewhere" / "z.txt")
    (tmp_path / "site" / "dangling").symlink_to(tmp_path / "nowhere")
    walked = {
        os.path.relpath(os.path.join(folder, name), tmp_path / "site")
        for folder, _dirs, names in os.walk(tmp_path / "site")
        for name in names
    }
    assert output_files(tmp_path / "site") == walked
    assert walked == {"a/b/x.html", "a/y.css", "linked-file.txt", "dangling"}
    assert output_files(tmp_path / "missing") == set()


def test_the_nth_line_is_what_the_nth_call_of_line_of_returns(tmp_path: Path):
    text = "Title: x\n\n[a](one) and [b](one)\n[c](two)\n\n[d](one)\n"
    (tmp_path / "page.md").write_text(text, encoding="utf-8")
    in_order = SourceLines(str(tmp_path))
    calls = [("one", n) for n in range(1, 5)] + [("two", 1), ("two", 2), ("none", 1)]
    expected = {key: in_order.line_of("page.md", key[0]) for key in calls}
    assert list(expected.values()) == [3, 6, 1, 1, 4, 1, 1]
    lazy = SourceLines(str(tmp_path))
    for needle, call in [*reversed(calls), *calls]:  # in any order, any number of times
        assert lazy.nth_line_of("page.md", needle, call) == expected[(needle, call)]


def test_link_scans_are_kept_by_digest_and_pruned_to_what_was_used(tmp_path: Path):
    file = tmp_path / "links.pickle"
    first = LinkScans(file)
    one = '<a href="/x/">x</a><img src=\'y.png\'> <a href="?a=1&amp;b=2">q</a>'
    other = '<a href="/z/">z</a>'
    assert first.find(one, _URL_ATTRIBUTE, _attribute_url) == ("/x/", "y.png", "?a=1&b=2")
    assert first.find(other, _URL_ATTRIBUTE, _attribute_url) == ("/z/",)
    first.save()
    second = LinkScans(file)
    assert len(second.known) == 2
    second.known = {key: ("kept",) for key in second.known}  # served from the file
    assert second.find(one, _URL_ATTRIBUTE, _attribute_url) == ("kept",)
    second.save()
    assert list(LinkScans(file).known.values()) == [("kept",)]  # `other` was not used
    file.write_bytes(b"not a pickle")
    assert LinkScans(file).known == {}
    assert LinkScans(None).find(other, _URL_ATTRIBUTE, _attribute_url) == ("/z/",)


def test_a_time_the_clocks_skip_does_not_exist():
    skipped = dt.datetime(2020, 3, 29, 2, 30, tzinfo=BERLIN)
    assert zone_problem(skipped) == (
        "2020-03-29 02:30 does not exist in Europe/Berlin (the clocks skip that hour); "
        "give the time with an offset, like '+01:00'"
    )


def test_a_time_the_clocks_repeat_is_ambiguous():
    twice = dt.datetime(2020, 10, 25, 2, 30, tzinfo=BERLIN)
    assert zone_problem(twice) == (
        "2020-10-25 02:30 happens twice in Europe/Berlin (the clocks go back); "
        "add an offset, like '+02:00', to say which"
    )


@pytest.mark.parametrize(
    "value",
    [
        dt.datetime(2020, 3, 29, 3, 30, tzinfo=BERLIN),
        dt.datetime(2020, 3, 29, 2, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        dt.datetime(2020, 10, 25, 2, 30, tzinfo=dt.UTC),
        dt.datetime(2020, 1, 1, tzinfo=BERLIN),
        None,
    ],
)
def test_ordinary_times_and_explicit_offsets_are_fine(value: dt.datetime | None):
    assert zone_problem(value) is None


def test_settings_need_a_known_time_zone():
    settings = {"TIMEZONE": "Europe/Berln", "DEFAULT_LANG": "en", "PORTAL": {}}
    assert check_settings(settings, "publishconf.py") == [
        Problem(
            "publishconf.py",
            1,
            "TIMEZONE",
            "'Europe/Berln' is not a known time zone; use an IANA name like 'Europe/Berlin'; "
            "did you mean 'Europe/Berlin'?",
        )
    ]
    assert check_settings({"TIMEZONE": "America"})[0].field == "TIMEZONE"  # a folder, no zone
    missing = check_settings({"DEFAULT_LANG": "en"})
    assert [p.message for p in missing] == [
        "is not set; dates without a time zone cannot be placed in time (set it to an IANA "
        "name like 'Europe/Berlin')"
    ]


def test_settings_languages_include_the_default():
    settings = {"TIMEZONE": "UTC", "DEFAULT_LANG": "en", "PORTAL": {"languages": ["de"]}}
    assert [str(p) for p in check_settings(settings)] == [
        "pelicanconf.py:1: PORTAL: languages ['de'] do not include DEFAULT_LANG 'en'"
    ]
    assert check_settings(load_settings()) == []


def test_pelicans_refusal_to_overwrite_becomes_a_problem(tmp_path: Path):
    message = f'Failed to overwrite "{tmp_path}/cities/index.html" as Pelican has already written'
    assert overwrite_problem(message, tmp_path) == Problem(
        "cities/index.html", 1, "output", "two pages of the site are written to this path"
    )
    assert overwrite_problem("something else went wrong", tmp_path) is None


# --------------------------------------------------------------------------
# The dry writer


class _Template:
    def __init__(self, name: str):
        self.name = name


def test_dry_writer_records_every_page_of_a_paginated_listing(tmp_path: Path):
    settings = load_settings()
    writer = DryWriter(str(tmp_path), settings=settings)
    articles = list(range(45))  # 20 per page: three pages
    writer.write_file(
        "index.html",
        _Template("index.html"),
        {},
        paginated={"articles": articles},
        template_name="index",
        url="",
    )
    assert sorted(writer.claims) == ["index.html", "page/2/index.html", "page/3/index.html"]
    assert list(tmp_path.iterdir()) == [], "nothing is written"


def test_dry_writer_reports_a_content_page_that_takes_a_sites_url(tmp_path: Path):
    report.start()
    writer = DryWriter(str(tmp_path), settings=load_settings())

    class Record:
        path = "pages/cities.md"
        lines = {"slug": 2}

        def line_of(self, name: str) -> int:
            return self.lines.get(name.lower(), 1)

    class Page:
        record = Record()

    writer.write_file("cities/index.html", _Template("page.html"), {}, page=Page())
    writer.write_file("cities/index.html", _Template("cities.html"), {})
    writer.write_file("feeds/all.atom.xml", _Template("x"), {}, override_output=True)
    assert [str(p) for p in report.current().problems] == [
        "pages/cities.md:2: Slug: its page cities/index.html is also written by another page "
        "of the site; two pages cannot have the same URL, so change the Slug"
    ]


def test_two_templates_writing_one_path_are_reported_at_the_path():
    first, second = Owner(None, 1, "the site's a.html template"), Owner(None, 1, "a feed")
    problem = collision("feeds/x.xml", first, second)
    assert str(problem) == (
        "feeds/x.xml:1: output: written twice: by the site's a.html template and by a feed"
    )
    assert problem.severity == ERROR
