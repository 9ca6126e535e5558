"""SEO and sharing: canonical URLs, OpenGraph, JSON-LD, `sitemap.xml`, `robots.txt`.

- `partials/head_seo.html` (included by base.html in `<head>`) prints `seo_head()`:
  a canonical link, OpenGraph properties and a JSON-LD block (NewsArticle for
  articles, Place for cities, Event for events, WebSite on the home page).
- After the build, `sitemap.xml` lists every page with `lastmod` and
  `hreflang` alternates, and `robots.txt` points to it.

Settings (`SEO` in pelicanconf.py; see `config.DEFAULTS`): canonical links,
og:url and JSON-LD URLs need an absolute site URL. `SEO["siteurl"]` defaults to
SITEURL; in development SITEURL is "" and they are left out (the sitemap then
holds root-relative paths and robots.txt says so). publishconf.py sets SITEURL.
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
from portal.model import Problem

from .config import SeoConfig, read_config
from .head import SeoHead, head_for
from .sitemap import (
    Entry,
    content_entries,
    hidden_urls,
    output_entries,
    robots_text,
    write_sitemap,
)

logger = logging.getLogger(__name__)


@dataclass
class _Build:
    """The build's configuration and what the content objects know of URLs."""

    config: SeoConfig | None = None
    known: dict[str, Entry] = field(default_factory=dict)
    hidden: set[str] = field(default_factory=set)


_build = _Build()


def configure(pelican: Any) -> None:
    """Read `SEO` once per build; a bad setting is a build error naming it."""
    global _build
    try:
        _build = _Build(read_config(pelican.settings))
    except ValueError as exc:
        _build = _Build()
        report.current().add_problems([Problem("pelicanconf.py", 1, "SEO", str(exc))])


@pass_context
def seo_head(ctx: Context) -> SeoHead:
    if _build.config is None:
        return SeoHead()
    return head_for(ctx, _build.config)


def install(generator: Any) -> None:
    if hasattr(generator, "env"):
        generator.env.globals["seo_head"] = seo_head


def remember_content(generators: list[Any]) -> None:
    """Dates and language versions of every article and page, by URL."""
    context = generators[0].context
    if _build.config is not None:
        _build.known = content_entries(context, _build.config.default_lang)
        _build.hidden = hidden_urls(context)


def write_files(pelican: Any) -> None:
    """The sitemap and robots.txt, over what the build wrote."""
    config = _build.config
    if config is None:
        return
    output = Path(pelican.output_path)
    files = incremental.output_inventory(output)  # taken once at the end of the output
    entries = output_entries(output, _build.known, config.sitemap_exclude, _build.hidden, files)
    written = write_sitemap(output, entries, config)
    robots = output / config.robots_save_as
    if robots.exists():
        logger.warning(
            "seo: kept the robots.txt from the content; make sure it names %s",
            config.location(config.sitemap_save_as),
        )
    else:
        robots.write_text(robots_text(config), encoding="utf-8")
    logger.info("seo: %d URLs in %s", len(entries), ", ".join(p.name for p in written))


def register() -> None:
    # Read the SEO settings once per build.
    signals.initialized.connect(configure)
    # Give every template environment seo_head() for partials/head_seo.html.
    signals.generator_init.connect(install)
    # Remember dates and translations of articles and pages, before writing.
    signals.all_generators_finalized.connect(remember_content)
    # After everything is written (into the staging folder): sitemap and robots.txt.
    signals.finalized.connect(write_files)
