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
- On `finalized` (the staging folder, before it replaces output/), Pagefind
  indexes the output into `/pagefind/`; any failure fails the build.

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

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from pelican import signals
from portal import incremental, report
from portal.model import WARNING, Problem

from .config import SearchConfig, read_config
from .filters import SearchEntry, describe
from .page import SearchPageGenerator
from .pagefind import SearchIndexError, build_index, read_summary

logger = logging.getLogger(__name__)


@dataclass
class _Build:
    config: SearchConfig | None = None
    expected_pages: int | None = None  # content pages marked data-pagefind-body
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


def count_content(generators: list[Any]) -> None:
    """How many pages the index should hold: every content page, in every language."""
    context = generators[0].context
    portal = context.get("portal")
    groups = [*context.get("articles", []), *context.get("pages", [])]
    groups += context.get("hidden_pages", [])
    count = sum(1 + len(item.translations) for item in groups)
    if portal is not None:
        count += len(portal.cities) + len(portal.mous) + len(portal.events)
    _build.expected_pages = count


def index_site(pelican: Any) -> None:
    """Pagefind over the written site; a failure fails the build."""
    config = _build.config
    if config is None:
        return
    build = report.current()
    output = Path(pelican.output_path)
    # No HTML page changed since the last good build: its index is still right.
    previous = incremental.unchanged_since_previous(output)
    try:
        if previous is not None and (previous / config.bundle_dir).is_dir():
            incremental.link_tree(previous / config.bundle_dir, output / config.bundle_dir)
            summary = read_summary(output / config.bundle_dir)
        else:
            summary = build_index(output, config)
    except SearchIndexError as exc:
        build.add_problems([Problem("plugins/search", 1, "pagefind", str(exc))])
        raise report.BuildFailed(build) from None
    expected = _build.expected_pages
    if expected is not None and summary.pages != expected:
        build.add_problems(
            [
                Problem(
                    "plugins/search",
                    1,
                    "pagefind",
                    f"indexed {summary.pages} pages but the site has {expected} content "
                    "pages: a content template lacks data-pagefind-body, or a listing has it",
                    WARNING,
                )
            ]
        )
    logger.info("search: Pagefind indexed %d pages into /%s/", summary.pages, config.bundle_dir)


def register() -> None:
    # Read the SEARCH settings once per build.
    signals.initialized.connect(configure)
    # Give every template environment search_entry() and search_url().
    signals.generator_init.connect(install)
    # The search page in each site language.
    signals.get_generators.connect(add_generator)
    # Count the content pages the index must hold, before writing.
    signals.all_generators_finalized.connect(count_content)
    # After everything is written (the staging folder, before the swap): the index.
    signals.finalized.connect(index_site)
