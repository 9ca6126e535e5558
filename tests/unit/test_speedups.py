"""Pelican's hot spots, made linear: the same results as Pelican's own code."""

from __future__ import annotations

import copy
import datetime as dt
import os

import pytest
from pelican.contents import Article
from pelican.generators import ArticlesGenerator
from pelican.settings import DEFAULT_CONFIG
from portal import speedups

ZONE = dt.timezone(dt.timedelta(hours=1))


@pytest.fixture
def settings() -> dict:
    settings = copy.deepcopy(DEFAULT_CONFIG)
    settings.update(
        ARTICLE_URL="news/{date:%Y}/{slug}/",
        ARTICLE_SAVE_AS="news/{date:%Y}/{slug}/index.html",
        ARTICLE_LANG_URL="{lang}/news/{slug}/",
        YEAR_ARCHIVE_SAVE_AS="archives/{date:%Y}/",
        YEAR_ARCHIVE_URL="archives/{date:%Y}/",
        MONTH_ARCHIVE_SAVE_AS="m/{date:%Y}/{date:%m}/",
        MONTH_ARCHIVE_URL="m/{date:%Y}/{date:%m}/",
        PATH="/content",
    )
    return settings


def articles(settings: dict, count: int = 30) -> list[Article]:
    items = []
    for n in range(count):
        for lang in ("en", "de") if n % 4 == 0 else ("en",):
            date = dt.datetime(2001 + n % 5, 1 + n % 12, 1, tzinfo=ZONE)
            items.append(
                Article(
                    f"<p>{n}</p>",
                    {
                        "title": f"Story {n}",
                        "slug": f"story-{n}",
                        "lang": lang,
                        "entry_id": f"id-{n}",
                        "date": date,
                    },
                    settings=settings,
                    source_path=f"/content/articles/s{n}.{lang}.md",
                )
            )
    return items


def test_process_translations_matches_pelicans(settings):
    mine = speedups.process_translations(articles(settings), "entry_id")
    theirs = speedups.original_process_translations(articles(settings), "entry_id")
    assert [[a.source_path for a in part] for part in mine] == [
        [a.source_path for a in part] for part in theirs
    ]
    originals, translations = mine
    assert len(originals) == 30 and len(translations) == 8
    assert all(t.lang == "de" for t in translations)
    assert originals[0].translations and originals[0].translations[0].lang == "de"


def test_period_archives_match_pelicans(settings):
    items = sorted(articles(settings), key=lambda a: a.date, reverse=True)
    generator = object.__new__(ArticlesGenerator)
    mine = speedups._build_period_archives(generator, items, items[::2], settings)
    theirs = speedups.original_build_period_archives(generator, items, items[::2], settings)
    assert mine.keys() == theirs.keys() == {"year", "month"}
    for granularity in mine:
        assert mine[granularity] == theirs[granularity]


def test_member_list_is_a_list_with_identity_membership(settings):
    items = articles(settings, 5)
    members = speedups.MemberList(items[:3])
    assert members == items[:3] and isinstance(members, list)
    assert items[0] in members and items[4] not in members
    members.append(items[4])
    assert items[4] in members


def test_urls_are_cached_and_follow_changes(settings):
    speedups.install()
    article = articles(settings, 1)[0]
    assert article.url == "news/2001/story-0/"
    assert article.url is article.url  # computed once
    article.slug = "renamed"
    assert article.url == "news/2001/renamed/"
    article.status = "draft"
    assert article.url == article.settings["DRAFT_URL"].format(slug="renamed")
    article.override_save_as = "elsewhere/index.html"
    assert article.save_as == "elsewhere/index.html"


@pytest.mark.parametrize(
    "text", ["2009-07-13", "2024-02-29", "2001-12-31", "2009-07-13 14:30", "13 July 2009"]
)
def test_get_date_matches_pelicans(text):
    from pelican.utils import get_date

    assert speedups.get_date(text) == get_date(text)
    assert type(speedups.get_date(text)) is type(get_date(text))


def test_get_date_rejects_impossible_days_like_pelican():
    from pelican.utils import get_date

    for parse in (speedups.get_date, get_date):
        with pytest.raises(ValueError, match="not a valid date"):
            parse("2009-02-30")


@pytest.mark.parametrize(
    "source_path",
    [
        "/content/articles/s1.md",
        "articles/s1.md",
        "/content/articles/../pages/p.md",
        "/elsewhere/x.md",
        "/content//articles/./s1.md",
        None,
    ],
)
def test_relative_source_paths_match_pelicans(settings, source_path):
    article = articles(settings, 1)[0]
    article.source_path = source_path
    assert speedups.get_relative_source_path(article) == speedups.original_get_relative_source_path(
        article
    )
    assert speedups.get_relative_source_path(
        article, "articles/../x.md"
    ) == speedups.original_get_relative_source_path(article, "articles/../x.md")


def test_relative_source_paths_follow_a_relative_content_path(settings, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    article = articles({**settings, "PATH": "content"}, 1)[0]
    article.source_path = str(tmp_path / "content" / "articles" / "s.md")
    assert speedups.get_relative_source_path(article) == "articles/s.md"
    monkeypatch.chdir("/")  # Pelican's answer depends on the working folder here
    assert speedups.get_relative_source_path(article) == speedups.original_get_relative_source_path(
        article
    )


@pytest.mark.parametrize(
    "body",
    [
        "<p>No links, not even the word.</p>",
        '<p><a href="{static}/images/a.png">static</a> <img src="{attach}b.jpg"></p>',
        '<p>A static page <a href="{filename}/articles/x.md">x</a></p>',
        '<p><a href="|static|images/a%20b.png">old syntax</a></p>',
        "",
    ],
)
def test_static_links_match_pelicans(settings, body):
    article = articles(settings, 1)[0]
    article._content = body
    assert speedups.get_static_links(article) == speedups.original_get_static_links(article)


def test_static_links_are_found(settings):
    article = articles(settings, 1)[0]
    article._content = '<p><a href="{static}/images/a.png">a</a></p>'
    assert speedups.get_static_links(article) == {"images/a.png"}


def test_the_file_stamp_cache_stats_nothing_when_it_keeps_nothing(settings, tmp_path, monkeypatch):
    from pelican.cache import FileStampDataCacher

    speedups.install()
    source = tmp_path / "a.md"
    source.write_text("x", encoding="utf-8")
    stats = []
    off = FileStampDataCacher({**settings, "CACHE_PATH": str(tmp_path)}, "c", False, False)
    monkeypatch.setattr(off, "_get_file_stamp", lambda name: stats.append(name) or 1.0)
    off.cache_data(str(source), "data")
    assert off.get_cached_data(str(source), "default") == "default"
    assert stats == []
    on = FileStampDataCacher({**settings, "CACHE_PATH": str(tmp_path)}, "c", True, False)
    on.cache_data(str(source), "data")
    assert on.get_cached_data(str(source), "default") == "data"
    source.write_text("changed", encoding="utf-8")
    os.utime(source, (1, 1))
    assert on.get_cached_data(str(source), "default") == "default"  # stale stamp


def test_period_archives_match_pelicans_for_any_order_and_repeats(settings):
    items = articles(settings)
    dates = sorted(items, key=lambda a: a.date)
    listed = [*items[::-3], items[4], items[4]]  # another order, one article twice
    generator = object.__new__(ArticlesGenerator)
    mine = speedups._build_period_archives(generator, dates, listed, settings)
    theirs = speedups.original_build_period_archives(generator, dates, listed, settings)
    for granularity in ("year", "month"):
        assert [[a.source_path for a in p["articles"]] for p in mine[granularity]] == [
            [a.source_path for a in p["articles"]] for p in theirs[granularity]
        ]


@pytest.mark.parametrize(
    "save_as",
    [
        "news/2001/story-0/index.html",
        "../outside.html",
        "a/../../outside.html",
        "/etc/passwd",
        "a/./b//index.html",
    ],
)
@pytest.mark.parametrize("output_path", ["/output", "/output/", "relative-output"])
def test_save_as_checks_match_pelicans(settings, caplog, save_as, output_path):
    article = articles({**settings, "OUTPUT_PATH": output_path}, 1)[0]
    article.override_save_as = save_as
    assert speedups._has_valid_save_as(article) == speedups.original_has_valid_save_as(article)
    if not speedups.original_has_valid_save_as(article):
        assert "outside output path" in caplog.text


@pytest.mark.parametrize(
    "html",
    [
        '<p><img src="a.png" alt=""></p>',
        '<p><img alt="" src="b.png"></p>',
        '<p><img src="a.png" alt="An image"></p>',
        "<p>No image.</p>",
        "",
    ],
)
def test_empty_alt_warnings_match_pelicans(caplog, html):
    # Pelican's log filter drops a repeated message: each call names its own file
    speedups.find_empty_alt(html, f"mine/{html}.md")
    mine = caplog.text
    caplog.clear()
    speedups.original_find_empty_alt(html, f"pelicans/{html}.md")
    assert mine == caplog.text.replace("pelicans/", "mine/")
    assert ("Empty alt attribute" in mine) == ('alt=""' in html)


def test_content_files_are_listed_as_pelican_lists_them_in_path_order(settings, tmp_path):
    for name in ("b/2.md", "a/9.md", "a-z/1.md", "a/10.md", "c.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    generator = object.__new__(ArticlesGenerator)  # no plugin hooks: only what listing uses
    generator.path, generator.settings = str(tmp_path), settings
    files = generator.get_files([""], extensions=("md",))
    stock = speedups.original_get_files(generator, [""], extensions=("md",))
    assert files == stock and isinstance(files | set(), set)
    assert list(files) == sorted(stock)  # the order the read cache's workers read them in
