"""Site search with Pagefind: an index built after every build, and a search page.

- Content pages mark their main content `data-pagefind-body` (article.html,
  page.html, city.html, mou.html, event.html); listings are left out of the index.
- `partials/head_search.html` (included from head_seo.html, in `<head>`) prints
  each page's filters — city, category, year, language, type — as
  `<meta name="search:…" data-pagefind-filter="…[content]">`, from `search_entry()`.
- `SearchPageGenerator` writes `/search/` (and `/de/search/`): a form whose
  selects offer exactly the indexed filter values, run by `theme/js/search.js`
  with Pagefind's JS API; `search_url()` gives templates the page's URL in the
  current language. Without JavaScript the page links to the listings instead.
- Once every page is written (`portal.background.output_complete`, in the
  staging folder before it replaces output/), Pagefind indexes the content pages
  into `/pagefind/` in a thread beside the other `finalized` steps, in shards that
  a rebuild takes over from the last good build when their pages did not change
  (pagefind.py); `finalized` collects it, and any failure fails the build.

Content-Security-Policy: the search page needs, beyond `default-src 'self'`,
    script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'
'wasm-unsafe-eval' lets Pagefind compile its WebAssembly (it allows no eval() and
no inline script). Pagefind runs in a Web Worker (/pagefind/pagefind-worker.js;
worker-src falls back to script-src) and fetches its index files (connect-src).
A policy sent as an HTTP header applies to the worker script too, so the header
must carry 'wasm-unsafe-eval' as well as the page's <meta> policy. No inline
script or style and no other origin is used.

Settings: `SEARCH` in pelicanconf.py; see `config.DEFAULTS`.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from pelican import signals
from portal import background, cache, incremental, performance, report
from portal.model import WARNING, Problem

from .config import SearchConfig, read_config
from .filters import SearchEntry, describe
from .page import SearchPageGenerator
from .pagefind import IndexPlan, PageWrites, SearchIndexError, SiteIndex, plan_index, run_plan

logger = logging.getLogger(__name__)


@dataclass
class _Build:
    config: SearchConfig | None = None
    content_pages: list[str] | None = None  # output files marked data-pagefind-body
    index: SiteIndex | None = None  # what indexing did in this build
    indexing: background.Task[SiteIndex] | None = None  # started once all pages are written
    plan: IndexPlan | None = None  # what `indexing` does
    problems: list[Problem] = field(default_factory=list)


_build = _Build()


def configure(pelican: Any) -> None:
    """Read `SEARCH` once per build; a bad setting is a build error naming it."""
    global _build
    try:
        _build = _Build(read_config(pelican.settings))
    except ValueError as exc:
        _build = _Build()
        report.current().add_problems([Problem("pelicanconf.py", 1, "SEARCH", str(exc))])


def _page_lang(ctx: Context, default: str) -> str:
    item = ctx.get("article") or ctx.get("page")
    return ctx.get("page_lang") or getattr(item, "lang", None) or default


@pass_context
def search_entry(ctx: Context) -> SearchEntry | None:
    if _build.config is None:
        return None
    return describe(ctx, _build.config.default_lang)


@pass_context
def search_url(ctx: Context) -> str:
    """The search page's URL, relative to SITEURL, in the page's language."""
    if _build.config is None:
        return ""
    return _build.config.url(_page_lang(ctx, _build.config.default_lang))


def install(generator: Any) -> None:
    if hasattr(generator, "env"):
        generator.env.globals["search_entry"] = search_entry
        generator.env.globals["search_url"] = search_url


def add_generator(_pelican: Any) -> type | None:
    return SearchPageGenerator if _build.config is not None else None


def list_content(generators: list[Any]) -> None:
    """The pages the index must hold: every content page, in every language."""
    context = generators[0].context
    portal = context.get("portal")
    items = [*context.get("articles", []), *context.get("pages", [])]
    items += context.get("hidden_pages", [])
    items += [translation for item in items for translation in item.translations]
    if portal is not None:
        items += [*portal.cities.values(), *portal.mous, *portal.events]
    _build.content_pages = [item.save_as for item in items if item.save_as]


def mirrors_folder(settings: dict[str, Any]) -> Path:
    """Where the shards' page mirrors of this output folder are kept between builds.

    One per final output folder, so two outputs never share one: a build writes
    into a staging folder, but the output's manifest (named by tools/build.py) is
    the output's own. Mirrors whose output's manifest is gone (the build forgets
    outputs that no longer exist) are removed.
    """
    build = settings.get("PORTAL_BUILD") or {}
    owner = str(build.get("manifest") or os.path.abspath(settings["OUTPUT_PATH"]))
    root = cache.cache_root(settings)
    mirrors = root / f"search-{hashlib.sha1(owner.encode()).hexdigest()[:16]}"
    for marker in root.glob("search-*.owner"):
        with contextlib.suppress(OSError):
            if marker.with_suffix("") != mirrors and not Path(marker.read_text("utf-8")).exists():
                shutil.rmtree(marker.with_suffix(""), ignore_errors=True)
                marker.unlink()
    if build.get("manifest"):
        mirrors.parent.mkdir(parents=True, exist_ok=True)
        mirrors.with_suffix(".owner").write_text(owner, encoding="utf-8")
    return mirrors


def start_index(output_path: str) -> None:
    """Start Pagefind as soon as every page is written: beside the other `finalized` steps.

    The plan (and the take-over of unchanged shards) is made here, and the pages of
    the first shard mirrored, so that the thread starts Pagefind at once instead of
    waiting for the interpreter, which the link checks keep busy meanwhile. Until
    `index_site` (the last step of `finalized`) one Pagefind runs at a time: the
    build process needs the other CPU, and its memory peaks, meanwhile.
    """
    config = _build.config
    state = incremental.current()
    if config is None or _build.content_pages is None or state is None:
        return  # not the portal's writer: index_site() indexes at `finalized`
    plan = _plan(Path(output_path), state.settings, state)
    plan.mirror_first(1)  # one run until `finalized`, which the build process is busy with
    _build.plan = plan
    _build.indexing = background.start(
        "search-index", lambda: run_plan(plan), cancel=plan.cancelled.set
    )


def _plan(output: Path, settings: dict[str, Any], state: Any) -> IndexPlan:
    """The index's plan over `output`, with what the portal's writer knows."""
    assert _build.config is not None
    previous = state.previous if state is not None else None
    writes = PageWrites(state.files, state.changed) if state is not None else None
    return plan_index(
        output,
        _build.content_pages or (),
        _build.config,
        previous,
        mirrors_folder(settings),
        writes,
    )


def index_site(pelican: Any) -> None:
    """Pagefind over the written content pages; a failure fails the build."""
    config = _build.config
    if config is None or _build.content_pages is None:
        return
    build = report.current()
    task, _build.indexing = _build.indexing, None
    try:
        if task is not None and _build.plan is not None:  # started by start_index()
            if len(_build.plan.to_index) > 1:  # more Pagefind runs start now
                performance.release_memory()  # what finalized's other steps freed
            _build.plan.all_jobs.set()  # their CPU and memory are free now
            index = task.result()
        else:
            state = incremental.current()
            index = run_plan(_plan(Path(pelican.output_path), pelican.settings, state))
    except SearchIndexError as exc:
        build.add_problems([Problem("plugins/search", 1, "pagefind", str(exc))])
        raise report.BuildFailed(build) from None
    _build.index = index
    expected = len(_build.content_pages)
    if index.pages != expected:
        build.add_problems(
            [
                Problem(
                    "plugins/search",
                    1,
                    "pagefind",
                    f"indexed {index.pages} pages but the site has {expected} content "
                    "pages: a content template lacks data-pagefind-body, or a listing has it",
                    WARNING,
                )
            ]
        )
    logger.info(
        "search: Pagefind indexed %d pages into /%s/ (%d shards, %d taken over unchanged)",
        index.pages, config.bundle_dir, len(index.shards), len(index.reused),
    )  # fmt: skip


def last_index() -> SiteIndex | None:
    """What the last build in this process indexed and took over (for tests and logs)."""
    return _build.index


def register() -> None:
    # Read the SEARCH settings once per build.
    signals.initialized.connect(configure)
    # Give every template environment search_entry() and search_url().
    signals.generator_init.connect(install)
    # The search page in each site language.
    signals.get_generators.connect(add_generator)
    # List the content pages the index must hold, before writing.
    signals.all_generators_finalized.connect(list_content)
    # Once every page is written (the staging folder, before the swap): the index,
    # built beside the other `finalized` steps and collected at `finalized`.
    background.output_complete.connect(start_index)
    signals.finalized.connect(index_site)
