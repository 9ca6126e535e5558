"""The read cache: fingerprints, digests, metadata round trips, and cached reads."""

from __future__ import annotations

import fnmatch
import gc
from pathlib import Path

import pytest
from pelican.urlwrappers import Category, Tag
from portal import cache, report
from portal.model import WARNING, ArticleMeta

from tools.build import load_settings

ARTICLE = """Title: Cached story
Id: 2009-cached-story
Date: 2009-07-10
Category: Cooperation
Tags: MOU, open data
Source: The Korea Herald | 2009-07-10
Summary: One sentence.

Some *text* with <span style="color: red">style</span>.
"""


@pytest.fixture
def site(tmp_path: Path) -> dict:
    content = tmp_path / "content"
    (content / "articles").mkdir(parents=True)
    (content / "articles" / "story.md").write_text(ARTICLE, encoding="utf-8")
    settings = load_settings(
        content=content, output=tmp_path / "out", overrides={"CACHE_PATH": str(tmp_path / "cache")}
    )
    return {"settings": settings, "path": content / "articles" / "story.md"}


def _read(settings: dict, path: Path) -> tuple[str, dict, cache.Session]:
    report.start()
    session = cache.start(settings)
    reader = cache.CachedPortalReader(settings)
    html, metadata = reader.read(str(path))
    session.save()
    return html, metadata, session


def test_settings_fingerprint_is_stable_and_ignores_where_output_goes(site):
    settings = dict(site["settings"])
    settings["JINJA_FILTERS"] = {"f": len}  # functions have addresses in their repr
    settings["A_SET"] = {"b", "a", "c"}
    first = cache.settings_fingerprint(settings)
    assert cache.settings_fingerprint({**settings, "A_SET": {"c", "a", "b"}}) == first
    assert cache.settings_fingerprint({**settings, "OUTPUT_PATH": "/elsewhere"}) == first
    assert cache.settings_fingerprint({**settings, "SITENAME": "Other"}) != first
    portal = {**settings["PORTAL"], "tags": [*settings["PORTAL"]["tags"], "new tag"]}
    assert cache.settings_fingerprint({**settings, "PORTAL": portal}) != first


def test_header_and_body_digests_change_independently():
    header, body = cache.split_digests(ARTICLE.encode(), "articles/a.md")
    edited_body = cache.split_digests((ARTICLE + "\nMore.\n").encode(), "articles/a.md")
    retitled = cache.split_digests(
        ARTICLE.replace("Cached story", "Other").encode(), "articles/a.md"
    )
    assert edited_body[0] == header and edited_body[1] != body
    assert retitled[0] != header and retitled[1] == body


def test_url_wrappers_survive_the_round_trip_with_the_current_settings(site):
    settings = site["settings"]
    metadata = {
        "category": Category("Cooperation", settings),
        "tags": [Tag("open data", settings)],
        "title": "T",
    }
    plain, wrappers = cache.encode_metadata(metadata)
    assert plain == {"title": "T"}
    assert "settings" not in repr(wrappers)  # nothing settings-bound is kept
    decoded = cache.decode_metadata(plain, wrappers, settings)
    assert decoded["title"] == "T"
    assert isinstance(decoded["category"], Category) and decoded["category"].slug == "cooperation"
    assert decoded["tags"][0].url == "tag/open-data/"
    assert decoded["tags"][0].settings is settings


def test_equal_wrappers_are_made_once_per_build_and_keep_their_slug(site):
    settings = site["settings"]
    odd = Tag("open data", settings)
    odd.slug = "od"  # a slug of its own survives the round trip
    first = cache.encode_metadata({"tags": [Tag("MOU", settings), odd]})
    second = cache.encode_metadata(
        {"tags": [Tag("MOU", settings)], "category": Category("MOU", settings)}
    )
    made: dict = {}
    one = cache.decode_metadata(*first, settings, made)
    two = cache.decode_metadata(*second, settings, made)
    assert one["tags"][0] is two["tags"][0]
    assert isinstance(two["category"], Category) and two["category"] is not two["tags"][0]
    assert one["tags"][1].slug == "od" and one["tags"][1].name == "open data"
    assert isinstance(one["tags"], list) and isinstance(two["category"], Category)


def test_metadata_mixing_wrappers_and_other_values_is_refused(site):
    with pytest.raises(TypeError, match="mixes"):
        cache.encode_metadata({"tags": [Tag("MOU", site["settings"]), "plain"]})


def test_a_second_read_comes_from_the_cache_with_the_same_result(site):
    html, metadata, first = _read(site["settings"], site["path"])
    assert first.stats["read"] == 1 and first.stats["hits"] == 0
    assert all(path.is_file() for path in cache.cache_files(site["settings"]))
    again_html, again_metadata, second = _read(site["settings"], site["path"])
    assert second.stats == {"hits": 1, "read": 0, "parallel": 0}
    assert again_html == html
    assert isinstance(again_metadata["record"], ArticleMeta)
    assert again_metadata["record"] == metadata["record"]
    assert [t.name for t in again_metadata["tags"]] == ["MOU", "open data"]


def test_warnings_are_reported_again_on_a_cached_read(site):
    _read(site["settings"], site["path"])
    _read(site["settings"], site["path"])
    warnings = [p for p in report.current().problems if p.severity == WARNING]
    assert any("inline styles" in p.message for p in warnings)


def test_an_edit_or_a_setting_change_reads_the_file_again(site):
    _read(site["settings"], site["path"])
    site["path"].write_text(ARTICLE.replace("One sentence.", "Two sentences."), encoding="utf-8")
    _html, metadata, session = _read(site["settings"], site["path"])
    assert session.stats["read"] == 1 and metadata["record"].summary == "Two sentences."
    changed = {**site["settings"], "SITENAME": "A renamed portal"}
    _html, _metadata, session = _read(changed, site["path"])
    assert session.stats == {"hits": 0, "read": 1, "parallel": 0}


def test_errors_are_not_cached(site):
    site["path"].write_text(ARTICLE.replace("Cooperation", "Gossip"), encoding="utf-8")
    for _ in range(2):
        report.start()
        session = cache.start(site["settings"])
        with pytest.raises(Exception, match="Gossip"):
            cache.CachedPortalReader(site["settings"]).read(str(site["path"]))
        session.save()
        assert session.stats["read"] == 1
    assert report.current().files["articles/story.md"] == report.REJECTED


def _parallel_session(site, monkeypatch) -> tuple[Path, cache.Session, cache.CachedPortalReader]:
    """Twelve more stories and a session whose cold reads go to two workers."""
    content = site["path"].parent
    for number in range(12):
        (content / f"story-{number}.md").write_text(
            ARTICLE.replace("cached-story", f"cached-story-{number}"), encoding="utf-8"
        )
    monkeypatch.setattr(cache, "MIN_PARALLEL", 4)
    settings = {**site["settings"], "PERFORMANCE": {"workers": 2}}
    report.start()
    session = cache.start(settings)
    return content, session, cache.CachedPortalReader(settings)


def test_cold_reads_run_in_parallel_workers(site, monkeypatch):
    content, session, reader = _parallel_session(site, monkeypatch)
    # Asked for in any order: each result is taken from the workers as it comes.
    html = [reader.read(str(content / f"story-{n}.md"))[0] for n in reversed(range(12))]
    assert session.stats["parallel"] == 13  # every file under PATH, read by the pool
    assert session.stats["read"] == 0
    assert len(set(html)) == 1 and "<em>text</em>" in html[0]
    # story.md was not asked for: once every generator has its context, the rest
    # is collected and the workers end (performance.finish_reading).
    session.finish()
    assert not session.pending and session._pool is None
    assert "articles/story.md" in session.prefetched
    assert reader.read(str(site["path"]))[0] and session.stats["read"] == 0
    # The entries that came back live all build: frozen for the collector, until saved.
    assert gc.isenabled() and session.frozen and gc.get_freeze_count() > 0
    session.save()
    assert not session.frozen and gc.get_freeze_count() == 0


def test_a_build_that_fails_while_the_workers_read_drops_their_results(site, monkeypatch):
    content, session, reader = _parallel_session(site, monkeypatch)
    reader.read(str(content / "story-0.md"))
    session.save()  # e.g. tools/build.py after a failed build: no wait for the rest
    assert session._pool is None and not session.pending
    assert "articles/story-0.md" in session.stored


def test_unknown_performance_keys_are_named(caplog):
    assert cache.performance_settings({"PERFORMANCE": {"workers": 3}})["workers"] == 3
    cache.performance_settings({"PERFORMANCE": {"wokers": 3}})
    assert "wokers" in caplog.text


def test_a_file_touched_without_a_change_is_still_a_hit(site):
    _read(site["settings"], site["path"])
    site["path"].write_bytes(site["path"].read_bytes())  # new mtime and ctime, same bytes
    _html, _metadata, session = _read(site["settings"], site["path"])
    assert session.stats == {"hits": 1, "read": 0, "parallel": 0}
    assert session.stored["articles/story.md"].stamp == cache.stamp_of(str(site["path"]))


def _read_all(settings: dict, paths: list[Path]) -> cache.Session:
    report.start()
    session = cache.start(settings)
    reader = cache.CachedPortalReader(settings)
    for path in paths:
        reader.read(str(path))
    session.save()
    return session


def test_a_build_rewrites_only_the_shards_of_the_files_that_changed(site, monkeypatch):
    content = site["path"].parent
    paths = [site["path"]]
    for number in range(40):  # enough files for every shard
        path = content / f"story-{number}.md"
        path.write_text(ARTICLE.replace("cached-story", f"cached-story-{number}"), "utf-8")
        paths.append(path)
    settings = site["settings"]
    written: list[Path] = []
    save_shard = cache._save_shard
    monkeypatch.setattr(
        cache, "_save_shard", lambda path, *args: written.append(path) or save_shard(path, *args)
    )
    _read_all(settings, paths)
    assert sorted(written) == sorted(cache.cache_files(settings))
    written.clear()
    assert _read_all(settings, paths).stats["hits"] == len(paths)
    assert written == []  # nothing changed, nothing written

    edited = content / "story-7.md"
    edited.write_text(ARTICLE.replace("cached-story", "edited") + "More.\n", "utf-8")
    session = _read_all(settings, paths)
    assert session.stats["read"] == 1 and session.stats["hits"] == len(paths) - 1
    assert written == [cache.cache_file(settings, cache.shard_of("articles/story-7.md"))]

    paths.remove(edited)  # a file gone: its shard forgets it
    _read_all(settings, paths)
    session = cache.start(settings)
    session.load()
    assert "articles/story-7.md" not in session.stored
    assert len(session.stored) == len(paths)
    session.thaw()


def test_a_lost_shard_costs_only_its_own_files(site):
    content = site["path"].parent
    paths = [site["path"]]
    for number in range(20):
        path = content / f"story-{number}.md"
        path.write_text(ARTICLE.replace("cached-story", f"cached-story-{number}"), "utf-8")
        paths.append(path)
    settings = site["settings"]
    _read_all(settings, paths)
    lost = cache.shard_of("articles/story-3.md")
    cache.cache_file(settings, lost).write_bytes(b"not a pickle")
    in_lost = [p for p in paths if cache.shard_of(f"articles/{p.name}") == lost]
    session = _read_all(settings, paths)
    assert session.stats["read"] == len(in_lost)
    assert session.stats["hits"] == len(paths) - len(in_lost)
    assert _read_all(settings, paths).stats["hits"] == len(paths)
    cache.clear(settings)
    assert not any(path.exists() for path in cache.cache_files(settings))


@pytest.mark.parametrize("name", [".#story.md", "story.md~", ".story.md.swp", "story.md", "a|b.md"])
def test_ignored_names_match_fnmatch(name):
    patterns = [".#*", "*~", ".*.swp", "[ab]|*"]
    expected = any(fnmatch.fnmatch(name, p) for p in patterns)
    assert cache.ignore_matcher(patterns)(name) == expected
    assert cache.ignore_matcher([])(name) is False


def test_content_files_lists_what_a_reader_would_read(site):
    content = site["path"].parent.parent
    (content / "articles" / "2009").mkdir()
    (content / "articles" / "2009" / "a.md").write_text(ARTICLE, "utf-8")
    (content / "articles" / ".#a.md").write_text(ARTICLE, "utf-8")
    (content / "notes.txt").write_text("x", "utf-8")
    found = cache.content_files(site["settings"], ["md"])
    assert found == [
        (str(content / "articles" / "story.md"), "articles/story.md"),
        (str(content / "articles" / "2009" / "a.md"), "articles/2009/a.md"),
    ]


def test_read_ahead_hints_every_file_and_skips_missing_ones(tmp_path, monkeypatch):
    present = [tmp_path / "a.md", tmp_path / "b.md"]
    for path in present:
        path.write_text("Title: A\n\nText.\n", encoding="utf-8")
    hinted: list[int] = []
    monkeypatch.setattr(
        cache.os, "posix_fadvise", lambda fd, _o, _n, _a: hinted.append(fd), raising=False
    )
    paths = [str(present[0]), str(tmp_path / "gone.md"), str(present[1])]
    thread = cache._read_ahead(paths)
    assert thread is not None
    thread.join(5)
    assert not thread.is_alive()
    assert len(hinted) == 2  # both files that exist, the missing one skipped
