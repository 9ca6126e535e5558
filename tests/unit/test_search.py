"""The search plugin's parts: settings, each page's filters, running Pagefind."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pelican.settings import DEFAULT_CONFIG
from portal.index import CityPage, SiteIndex
from portal.model import CONTENT_TYPES, ModelSettings, RawField, parse_record
from search.config import read_config
from search.filters import SearchEntry, entry_for
from search.pagefind import (
    SHARDS_FILE,
    IndexSummary,
    SearchIndexError,
    build_index,
    index_shards,
    mirror_pages,
    pagefind_command,
    plan_shards,
    read_summary,
    run_pagefind,
)

MODEL = ModelSettings(timezone=ZoneInfo("Europe/Berlin"), categories=("Cooperation",), tags=())


def record(kind: str, **values: str):
    raw = [RawField(name, value, line) for line, (name, value) in enumerate(values.items(), 1)]
    parsed, problems = parse_record(CONTENT_TYPES[kind], raw, f"{kind}.md", MODEL, default_slug="x")
    assert parsed is not None, problems
    return parsed


def city_page(slug: str, name: str) -> CityPage:
    city = record("city", Name=name, Slug=slug, Country="KR", Region="Asia",
                  Coordinates="37.5665, 126.9780")
    metadata = {"title": name, "slug": slug, "record": city,
                "url": f"cities/{slug}/", "save_as": f"cities/{slug}/index.html"}
    return CityPage("", metadata=metadata, settings=dict(DEFAULT_CONFIG))


@pytest.fixture(scope="module")
def portal() -> SiteIndex:
    return SiteIndex.build([], [city_page("seoul", "Seoul"), city_page("la-manche", "La Manche")],
                           [], [])


def settings(**overrides):
    base = {"DEFAULT_LANG": "en", "PORTAL": {"languages": ["en", "de"]}}
    base.update(overrides)
    return base


# ------------------------------------------------------------------ settings


def test_a_search_page_per_language():
    config = read_config(settings())
    assert config.url("en") == "search/" and config.save_as("en") == "search/index.html"
    assert config.url("de") == "de/search/" and config.save_as("de") == "de/search/index.html"
    assert config.url("fr") == "search/"  # not a site language: the default page
    assert config.index_language == "en"


def test_unknown_and_bad_settings_are_named():
    with pytest.raises(ValueError, match=r"SEARCH: unknown setting\(s\) bundle; known: bundle_dir"):
        read_config(settings(SEARCH={"bundle": "x"}))
    with pytest.raises(ValueError, match="bundle_dir must be a folder under the output"):
        read_config(settings(SEARCH={"bundle_dir": "../elsewhere"}))
    for bad in (0, -3, 2.5, "100", True):
        with pytest.raises(ValueError, match="shard_pages must be a whole number above 0"):
            read_config(settings(SEARCH={"shard_pages": bad}))
    for bad in (0, -1, 1.5, "2", False):
        with pytest.raises(ValueError, match="jobs must be a whole number above 0 or None"):
            read_config(settings(SEARCH={"jobs": bad}))


def test_pagefind_runs_one_shard_per_cpu_at_a_time_unless_told_otherwise():
    assert read_config(settings()).jobs == (os.cpu_count() or 1)
    assert read_config(settings(SEARCH={"jobs": 3})).jobs == 3


# ------------------------------------------------------------------ filters


def test_an_article_is_filtered_by_type_category_cities_year_and_language(portal):
    article = record("article", Title="Seoul and La Manche", Id="x", Date="2009-06-30",
                     Category="Cooperation", Cities="seoul, la-manche",
                     Source="The Korea Herald | 2009-07-10", Summary="S.")
    entry = entry_for(article, portal, "de")
    assert entry == SearchEntry(
        (
            ("type", "article"),
            ("category", "Cooperation"),
            ("city", "Seoul"),
            ("city", "La Manche"),
            ("year", "2009"),
            ("language", "de"),
        ),
        "2009-06-30",
    )


def test_an_mou_with_an_unknown_date_has_no_year(portal):
    known = record("mou", Parties="seoul, la-manche", Signed="2009-06", Scope="S",
                   Status="signed", Sources="x")
    entry = entry_for(known, portal, "en")
    assert ("year", "2009") in entry.filters and entry.date == "2009-06"
    assert [v for k, v in entry.filters if k == "city"] == ["Seoul", "La Manche"]
    unknown = record("mou", Parties="seoul, la-manche", Signed="unknown", Reported="2010-07-21",
                     Scope="S", Status="signed", Sources="x")
    entry = entry_for(unknown, portal, "en")
    assert not [k for k, _ in entry.filters if k == "year"] and entry.date is None


def test_events_cities_and_pages(portal):
    event = record("event", Title="Forum", Start="2008-07", Location="Seoul", City="seoul",
                   Organizer="SMG", Sources="x")
    entry = entry_for(event, portal, "en")
    assert entry.filters == (("type", "event"), ("city", "Seoul"), ("year", "2008"),
                             ("language", "en"))
    assert entry.date == "2008-07"
    city = portal.city("seoul").record
    assert entry_for(city, portal, "en").filters == (("type", "city"), ("city", "Seoul"),
                                                     ("language", "en"))
    page = record("page", Title="About")
    assert entry_for(page, portal, "de").filters == (("type", "page"), ("language", "de"))
    assert entry_for(object(), portal, "en") is None


# ------------------------------------------------------------------ Pagefind


def test_one_index_for_all_languages_unless_told_otherwise(tmp_path: Path):
    command = pagefind_command(tmp_path / "site", tmp_path / "bundle", read_config(settings()))
    assert Path(command[0]).name == "pagefind" and os.access(command[0], os.X_OK)  # the wheel's
    assert command[command.index("--force-language") + 1] == "en"
    assert command[command.index("--site") + 1] == str(tmp_path / "site")
    assert command[command.index("--output-path") + 1] == str(tmp_path / "bundle")
    config = read_config(settings(SEARCH={"index_language": ""}))
    split = pagefind_command(tmp_path, tmp_path, config)
    assert "--force-language" not in split


def content_page(title: str, lang: str = "en", text: str = "E-Government in Seoul.") -> str:
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><title>{title}</title>'
        '<meta name="search:city" content="Seoul" data-pagefind-filter="city[content]">'
        f"</head><body><nav>Menu</nav><article data-pagefind-body><h1>{title}</h1>"
        f"<p>{text}</p></article></body></html>"
    )


def test_pagefind_indexes_only_marked_content_with_its_filters(tmp_path: Path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text(content_page("Seoul", "de"), encoding="utf-8")
    (tmp_path / "index.html").write_text(
        "<!DOCTYPE html><html lang='en'><head><title>List</title></head>"
        "<body><p>A listing</p></body></html>",
        encoding="utf-8",
    )
    summary = run_pagefind(tmp_path, tmp_path / "pagefind", read_config(settings()))
    assert summary.pages == 1
    assert summary.languages == ("en",)  # the German page too, in the one index
    assert (tmp_path / "pagefind" / "pagefind.js").is_file()
    assert list((tmp_path / "pagefind" / "filter").iterdir())


def test_a_failing_pagefind_is_an_error_naming_its_status(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", "/bin/false")
    with pytest.raises(SearchIndexError, match="Pagefind exited with status 1"):
        run_pagefind(tmp_path, tmp_path / "pagefind", read_config(settings()))


# ------------------------------------------------------------------ shards


def test_pages_are_spread_over_shards_that_adding_a_page_barely_changes():
    names = [f"news/2009/{n:04d}/index.html" for n in range(1000)]
    shards = plan_shards(names, 300)
    assert len(shards) == 4  # ceil(1000 / 300)
    assert sorted(name for shard in shards for name in shard.pages) == sorted(names)
    assert all(200 <= len(shard.pages) <= 300 for shard in shards), [len(s.pages) for s in shards]
    assert plan_shards(reversed(names), 300) == shards  # order does not matter
    grown = plan_shards([*names, "news/2010/new/index.html"], 300)
    changed = [a.number for a, b in zip(shards, grown, strict=True) if a.pages != b.pages]
    assert len(changed) == 1  # the new page's shard only
    assert len(plan_shards(names[:10], 300)) == 1


def build_site_index(output: Path, pages: dict[str, str], previous: Path | None = None):
    for name, text in pages.items():
        path = output / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.unlink(missing_ok=True)  # a new file, as the portal's writer makes one
            path.write_text(text, encoding="utf-8")
    config = read_config(settings(SEARCH={"shard_pages": 2}))
    return build_index(output, list(pages), config, previous)


def test_the_index_is_sharded_and_unchanged_shards_are_taken_over(tmp_path: Path):
    pages = {f"p{n}/index.html": content_page(f"Page {n}") for n in range(5)}
    first = tmp_path / "first"
    index = build_site_index(first, pages)
    listed = json.loads((first / "pagefind" / SHARDS_FILE).read_text(encoding="utf-8"))
    assert [item["path"] for item in listed["shards"]] == ["shard-0/", "shard-1/", "shard-2/"]
    assert sum(item["pages"] for item in listed["shards"]) == index.pages == 5
    assert index.reused == ()
    for item in listed["shards"]:
        assert (first / "pagefind" / item["path"] / "pagefind.js").is_file()
    assert not list((first / "pagefind").glob(".site-*"))  # the linked page folders are gone

    # The next build (a copy made of hard links, as the portal's writer keeps pages):
    # one page changed, so only its shard is indexed again.
    second = tmp_path / "second"
    for name in pages:
        (second / name).parent.mkdir(parents=True)
        (second / name).hardlink_to(first / name)
    edited = "p3/index.html"
    pages[edited] = content_page("Page 3", text="Now about Kathmandu.")
    index = build_site_index(second, pages, previous=first)
    edited_shard = next(s.number for s in index.shards if edited in s.pages)
    assert sorted(index.reused) == sorted({0, 1, 2} - {edited_shard})
    assert index.pages == 5
    kept = next(s for s in index.shards if s.number != edited_shard)
    old, new = (root / "pagefind" / kept.folder / "pagefind.js" for root in (first, second))
    assert old.stat().st_ino == new.stat().st_ino  # taken over, not indexed again
    assert json.loads((second / "pagefind" / SHARDS_FILE).read_text(encoding="utf-8")) == listed


def test_an_empty_or_missing_index_is_an_error(tmp_path: Path):
    with pytest.raises(SearchIndexError, match="no readable pagefind-entry.json"):
        read_summary(tmp_path)
    (tmp_path / "pagefind-entry.json").write_text(
        json.dumps({"version": "1.5.2", "languages": {"en": {"page_count": 0}}})
    )
    with pytest.raises(SearchIndexError, match="indexed no pages"):
        read_summary(tmp_path)


def test_a_shard_mirror_is_kept_in_step_with_the_output(tmp_path: Path):
    output, site = tmp_path / "output", tmp_path / "mirror"
    for name in ("a/index.html", "b/index.html", "c/index.html"):
        (output / name).parent.mkdir(parents=True)
        (output / name).write_text(name, encoding="utf-8")
    mirror_pages(output, ["a/index.html", "b/index.html"], site)
    assert (site / "a/index.html").samefile(output / "a/index.html")
    kept = (site / "a/index.html").stat().st_ino
    (output / "b/index.html").unlink()
    (output / "b/index.html").write_text("b, changed", encoding="utf-8")  # a new file
    mirror_pages(output, ["a/index.html", "b/index.html", "c/index.html"], site)
    assert (site / "b/index.html").read_text(encoding="utf-8") == "b, changed"
    assert (site / "a/index.html").stat().st_ino == kept
    mirror_pages(output, ["c/index.html"], site)
    files = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    assert files == ["c/index.html"]


def fake_pagefind(monkeypatch, run):
    """Replace Pagefind by `run(site, bundle)`; a bundle with one page per mirrored file."""

    def fake(site: Path, bundle: Path, _config, _cpu=None) -> IndexSummary:
        run(site, bundle)
        bundle.mkdir(parents=True)
        (bundle / "pagefind.js").write_text("", encoding="utf-8")
        return IndexSummary(bundle, len(list(site.rglob("*.html"))), ("en",))

    monkeypatch.setattr("search.pagefind.run_pagefind", fake)


def test_shards_are_indexed_at_once_and_listed_in_shard_order(tmp_path: Path, monkeypatch):
    """Three concurrent runs finishing last shard first: the same index as one at a time."""
    pages = {f"p{n}/index.html": content_page(f"Page {n}") for n in range(5)}
    finished = {number: threading.Event() for number in range(3)}
    order = []

    def last_shard_first(site: Path, _bundle: Path) -> None:
        number = int(site.name.removeprefix("shard-"))
        if number + 1 in finished:  # ends only once a run started beside it has ended
            assert finished[number + 1].wait(timeout=30), f"shard {number + 1} never ran"
        order.append(number)
        finished[number].set()

    fake_pagefind(monkeypatch, last_shard_first)
    for name, text in pages.items():
        (tmp_path / "out" / name).parent.mkdir(parents=True)
        (tmp_path / "out" / name).write_text(text, encoding="utf-8")
    config = read_config(settings(SEARCH={"shard_pages": 2, "jobs": 3}))
    index = build_index(tmp_path / "out", list(pages), config, mirrors=tmp_path / "mirrors")
    assert order == [2, 1, 0] and index.pages == 5 and index.reused == ()
    listed = json.loads((tmp_path / "out/pagefind" / SHARDS_FILE).read_text(encoding="utf-8"))
    assert [item["path"] for item in listed["shards"]] == ["shard-0/", "shard-1/", "shard-2/"]
    assert [item["pages"] for item in listed["shards"]] == [len(s.pages) for s in index.shards]


def test_no_more_than_jobs_pagefind_runs_at_a_time(tmp_path: Path, monkeypatch):
    lock, running, most = threading.Lock(), [0], [0]

    def counted(_site: Path, _bundle: Path) -> None:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        with lock:
            running[0] -= 1

    fake_pagefind(monkeypatch, counted)
    shards = plan_shards([f"p{n}/index.html" for n in range(12)], 2)
    for name in (name for shard in shards for name in shard.pages):
        (tmp_path / "out" / name).parent.mkdir(parents=True)
        (tmp_path / "out" / name).write_text(content_page(name), encoding="utf-8")
    config = read_config(settings(SEARCH={"jobs": 2}))
    summaries = index_shards(tmp_path / "out", shards, tmp_path / "bundle", config)
    assert sorted(summaries) == [s.number for s in shards if s.pages] and 1 <= most[0] <= 2
    assert sum(summary.pages for summary in summaries.values()) == 12
    assert not list((tmp_path / "bundle").glob(".site-*"))  # the page folders are gone


def test_after_a_failing_shard_no_other_starts_and_its_error_is_raised(
    tmp_path: Path, monkeypatch
):
    started = []

    def failing(site: Path, _bundle: Path) -> None:
        started.append(site.name)
        raise SearchIndexError(f"Pagefind exited with status 1: {site.name}")

    fake_pagefind(monkeypatch, failing)
    pages = {f"p{n}/index.html": content_page(f"Page {n}") for n in range(5)}
    for name, text in pages.items():
        (tmp_path / "out" / name).parent.mkdir(parents=True)
        (tmp_path / "out" / name).write_text(text, encoding="utf-8")
    config = read_config(settings(SEARCH={"shard_pages": 2, "jobs": 1}))
    with pytest.raises(SearchIndexError, match="status 1: .site-shard-0"):
        build_index(tmp_path / "out", list(pages), config)
    assert started == [".site-shard-0"]
    assert not (tmp_path / "out/pagefind" / SHARDS_FILE).exists()


def test_concurrent_runs_get_a_cpu_each_when_there_is_one_for_each(monkeypatch):
    from search import pagefind

    monkeypatch.setattr(pagefind.os, "sched_getaffinity", lambda _pid: {0, 1, 2}, raising=False)
    monkeypatch.setattr(pagefind.shutil, "which", lambda name: f"/usr/bin/{name}")
    assert pagefind.pinned_cpus(2) == [0, 1]
    assert pagefind.pinned_cpus(1) is None  # one run: Pagefind may use every CPU
    assert pagefind.pinned_cpus(4) is None  # more runs than CPUs: left to the scheduler
    config = read_config(settings())
    command = pagefind.pagefind_command(Path("site"), Path("bundle"), config, cpu=1)
    assert command[:3] == ["taskset", "--cpu-list", "1"]
    monkeypatch.setattr(pagefind.shutil, "which", lambda _name: None)
    assert pagefind.pinned_cpus(2) is None  # no taskset: not pinned


def test_pinned_runs_index_every_shard_with_the_cpus_they_were_given(tmp_path: Path, monkeypatch):
    from search import pagefind

    pages = {f"p{n}/index.html": content_page(f"Page {n}") for n in range(6)}
    used: list[int | None] = []
    lock = threading.Lock()

    def fake(site: Path, bundle: Path, _config, cpu=None) -> IndexSummary:
        with lock:
            used.append(cpu)
        bundle.mkdir(parents=True)
        (bundle / "pagefind.js").write_text("", encoding="utf-8")
        return IndexSummary(bundle, len(list(site.rglob("*.html"))), ("en",))

    monkeypatch.setattr(pagefind, "run_pagefind", fake)
    monkeypatch.setattr(pagefind, "pinned_cpus", lambda jobs: [5, 7][:jobs])
    output = tmp_path / "out"
    for name, text in pages.items():
        (output / name).parent.mkdir(parents=True, exist_ok=True)
        (output / name).write_text(text, encoding="utf-8")
    config = read_config(settings(SEARCH={"shard_pages": 2, "jobs": 2}))
    index = build_index(output, list(pages), config)
    assert index.pages == 6 and len(used) == 3
    assert used.count(None) == 1 and set(used) <= {5, 7, None}  # the last to start: unpinned


def _counting_pagefind(monkeypatch, gate: threading.Event | None = None):
    """A fake Pagefind that records how many runs were at work at once."""
    from search import pagefind

    state = {"now": 0, "most": 0, "runs": 0}
    lock = threading.Lock()

    def fake(site: Path, bundle: Path, _config, _cpu=None) -> IndexSummary:
        with lock:
            state["now"] += 1
            state["runs"] += 1
            state["most"] = max(state["most"], state["now"])
        if gate is not None:
            gate.wait(5)
        with lock:
            state["now"] -= 1
        bundle.mkdir(parents=True)
        (bundle / "pagefind.js").write_text("", encoding="utf-8")
        return IndexSummary(bundle, len(list(site.rglob("*.html"))), ("en",))

    monkeypatch.setattr(pagefind, "run_pagefind", fake)
    return state


def _plan_of(tmp_path: Path, pages: int, jobs: int):
    from search.pagefind import plan_index

    output = tmp_path / "out"
    names = [f"p{n}/index.html" for n in range(pages)]
    for name in names:
        (output / name).parent.mkdir(parents=True, exist_ok=True)
        (output / name).write_text(content_page(name), encoding="utf-8")
    config = read_config(settings(SEARCH={"shard_pages": 1, "jobs": jobs}))
    return plan_index(output, names, config)


def test_one_run_at_a_time_until_all_jobs_are_allowed(tmp_path: Path, monkeypatch):
    from search.pagefind import run_plan

    state = _counting_pagefind(monkeypatch)
    plan = _plan_of(tmp_path, 4, jobs=2)
    index = run_plan(plan)  # all_jobs never set: the build process kept the other CPU
    assert index.pages == 4 and state["most"] == 1


def test_all_jobs_run_at_once_when_allowed(tmp_path: Path, monkeypatch):
    from search.pagefind import run_plan

    gate = threading.Event()
    state = _counting_pagefind(monkeypatch, gate)
    plan = _plan_of(tmp_path, 4, jobs=2)
    plan.all_jobs.set()
    threading.Timer(1.0, gate.set).start()  # both runs must have started by then
    assert run_plan(plan).pages == 4 and state["most"] == 2


def test_a_cancelled_index_starts_no_further_run(tmp_path: Path, monkeypatch):
    from search.pagefind import run_plan

    gate = threading.Event()
    state = _counting_pagefind(monkeypatch, gate)
    plan = _plan_of(tmp_path, 4, jobs=2)
    plan.cancelled.set()  # the build failed: what runs may end, nothing new starts
    gate.set()
    with pytest.raises(SearchIndexError, match="cancelled"):
        run_plan(plan)
    assert state["runs"] == 0
