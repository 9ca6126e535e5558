"""Search in the built sample site: the Pagefind index, page markup, the search page."""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from pathlib import Path
from urllib.parse import urljoin

import pytest
from lxml import html

from tests.conftest import SAMPLE_CONTENT, read_page
from tools.build import BuildError, build_site

CONTENT_PAGES = {
    "article": "news/2009/07/kathmandu-cooperation/",
    "article-de": "de/news/2009/07/seoul-absichtserklaerungen-juni/",
    "page": "about/",
    "city": "cities/kathmandu/",
    "mou": "mous/seoul-kathmandu-2009/",
    "event": "events/wegmf-2008/",
}
LISTINGS = ["", "de/", "tag/mou/", "category/cooperation/", "cities/", "mous/", "events/",
            "archives/2009/", "search/", "mous/partner/seoul/"]


def indexed_pages(output: Path) -> dict[str, html.HtmlElement]:
    """Every page with a data-pagefind-body element, by URL."""
    pages = {}
    for path in output.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if "data-pagefind-body" in text:
            pages[path.relative_to(output).as_posix()] = html.fromstring(text)
    return pages


def filters_of(doc: html.HtmlElement) -> dict[str, list[str]]:
    found = defaultdict(list)
    for meta in doc.xpath("//head/meta[@data-pagefind-filter]"):
        name = meta.get("data-pagefind-filter").removesuffix("[content]")
        assert meta.get("name") == f"search:{name}"
        found[name].append(meta.get("content"))
    return dict(found)


def test_the_index_holds_every_content_page_in_one_index(sample_output: Path, sample_site):
    shards = json.loads((sample_output / "pagefind/shards.json").read_text("utf-8"))["shards"]
    assert [shard["path"] for shard in shards] == ["shard-0/"]  # a small site: one shard
    bundle = sample_output / "pagefind" / "shard-0"
    entry = json.loads((bundle / "pagefind-entry.json").read_text("utf-8"))
    content_files = sum(
        1 for path, state in sample_site.report.files.items()
        if state == "published" and path.split("/")[0] in
        ("articles", "pages", "cities", "mous", "events")
    )
    assert list(entry["languages"]) == ["en"]  # German pages too: one index, a language filter
    assert entry["languages"]["en"]["page_count"] == content_files == shards[0]["pages"]
    assert len(indexed_pages(sample_output)) == content_files
    for name in ("pagefind.js", "pagefind-worker.js", "wasm.en.pagefind"):
        assert (bundle / name).is_file()


@pytest.mark.parametrize("kind", CONTENT_PAGES)
def test_content_pages_mark_their_main_content_and_filters(sample_output: Path, kind: str):
    doc = html.fromstring(read_page(sample_output, CONTENT_PAGES[kind]))
    (body,) = doc.xpath("//*[@data-pagefind-body]")
    assert body.xpath("ancestor::main") and body.xpath(".//h1")
    filters = filters_of(doc)
    assert filters["type"] == [kind.removesuffix("-de")]
    assert filters["language"] == [doc.get("lang")]


def test_an_articles_filters_are_its_category_cities_year_and_language(sample_output: Path):
    doc = html.fromstring(read_page(sample_output, CONTENT_PAGES["article"]))
    assert filters_of(doc) == {
        "type": ["article"],
        "category": ["Cooperation"],
        "city": ["Kathmandu", "Seoul"],
        "year": ["2009"],
        "language": ["en"],
    }
    assert doc.xpath('//meta[@data-pagefind-meta="date[content]"]/@content') == ["2009-07-14"]
    german = html.fromstring(read_page(sample_output, CONTENT_PAGES["article-de"]))
    assert filters_of(german)["language"] == ["de"]


@pytest.mark.parametrize("url", LISTINGS)
def test_listings_stay_out_of_the_index(sample_output: Path, url: str):
    page = read_page(sample_output, url)
    assert "data-pagefind-body" not in page
    assert "data-pagefind-filter" not in page


@pytest.mark.parametrize(("url", "lang"), [("search/", "en"), ("de/search/", "de")])
def test_a_search_page_per_language_that_needs_no_inline_script(sample_output, url, lang):
    doc = html.fromstring(read_page(sample_output, url))
    assert doc.get("lang") == lang
    (form,) = doc.xpath("//form[@data-search-form]")
    assert form.get("hidden") is not None  # shown by search.js once Pagefind has loaded
    assert form.get("role") == "search"
    assert urljoin(f"http://x/{url}", form.get("data-bundle")) == "http://x/pagefind/"
    for script in doc.xpath("//script"):
        assert script.get("src") or script.get("type") == "application/ld+json"
        assert not (script.text or "").strip() or script.get("type") == "application/ld+json"
    (module,) = doc.xpath('//script[@type="module"]')
    assert urljoin(f"http://x/{url}", module.get("src")) == "http://x/theme/js/search.js"
    assert (sample_output / "theme/js/search.js").is_file()
    other_lang, other = ("de", "de/search/") if lang == "en" else ("en", "search/")
    (alternate,) = doc.xpath(f'//link[@rel="alternate"][@hreflang="{other_lang}"]')
    assert urljoin(f"http://x/{url}", alternate.get("href")) == f"http://x/{other}"
    for field in ("q", "city", "category", "year", "language", "type"):
        (control,) = form.xpath(f'.//*[@name="{field}"]')
        assert doc.xpath(f'//label[@for="{control.get("id")}"]'), field


def test_the_filters_offer_exactly_the_indexed_values(sample_output: Path):
    offered = {}
    doc = html.fromstring(read_page(sample_output, "search/"))
    for select in doc.xpath("//form[@data-search-form]//select"):
        values = [o.get("value") for o in select.xpath("option")]
        assert values[0] == ""  # "all"
        offered[select.get("name")] = values[1:]
    indexed = defaultdict(set)
    for page in indexed_pages(sample_output).values():
        for name, values in filters_of(page).items():
            indexed[name].update(values)
    assert {name: set(values) for name, values in offered.items()} == indexed
    assert offered["year"] == sorted(offered["year"], reverse=True)
    assert offered["language"] == ["en", "de"]
    assert "Kathmandu" in offered["city"] and "2008" in offered["year"]


def test_without_javascript_the_search_page_links_to_every_way_in(sample_output: Path):
    doc = html.fromstring(read_page(sample_output, "search/"))
    (notice,) = doc.xpath("//*[@data-search-nojs]")
    assert "JavaScript" in notice.text_content() and notice.get("hidden") is None
    links = doc.xpath('//section[contains(@class, "portal-search__browse")]//a/@href')
    targets = {urljoin("http://x/search/", href).removeprefix("http://x/") for href in links}
    assert {"cities/", "mous/", "events/", "tag/", "category/", "archives/",
            "archives/2009/", "archives/2010/", "category/cooperation/"} <= targets
    for target in targets:
        assert (sample_output / target / "index.html").is_file(), target


def test_a_failing_pagefind_fails_the_build_and_keeps_the_output(tmp_path: Path, monkeypatch):
    output = tmp_path / "output"
    output.mkdir()
    (output / "index.html").write_text("the previous build", encoding="utf-8")
    content = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, content)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", "/bin/false")
    with pytest.raises(BuildError) as failure:
        build_site(content, output)
    problems = [str(p) for p in failure.value.report.errors]
    assert any("pagefind: Pagefind exited with status 1" in p for p in problems), problems
    assert (output / "index.html").read_text(encoding="utf-8") == "the previous build"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "output"]  # no staging left
