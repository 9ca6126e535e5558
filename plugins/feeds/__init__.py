"""Feeds for subscribers: every feed a reader could want, valid, stable, discoverable.

Replaces Pelican's own feeds (off in pelicanconf.py). All files are under `/feeds/`:

    feeds/all.atom.xml  all.rss.xml  all.json      every article (originals; translations
                                                   linked with hreflang)
    feeds/lang/<lang>.atom.xml  .rss.xml           every article in one language
    feeds/category/<slug>.atom.xml  .rss.xml       one category (every configured one)
    feeds/tag/<slug>.atom.xml  .rss.xml            one tag (every configured or used one)
    feeds/city/<slug>.atom.xml  .rss.xml  .json    articles naming a city
    feeds/mous.atom.xml  .rss.xml                  one entry per MOU, linking its page
    feeds/events.atom.xml  .rss.xml  events.ics    events; iCalendar per RFC 5545
    feeds/archive/<feed>/<n>.<ext>                 RFC 5005 archive pages (1 = oldest)
    feeds/feeds.opml                               every subscription feed, for import
    feeds/  (de/feeds/)                            the page listing them all
    feeds/feed.xsl  (feed.de.xsl)                  makes Atom/RSS readable in a browser

Settings: `FEEDS = {...}` in pelicanconf.py, over `settings.DEFAULTS`:
`siteurl` (absolute URL for development; an absolute SITEURL, else FEED_DOMAIN, wins),
`id_authority` and `id_date` (the fixed `tag:` URI authority: IDs never depend on
the site URL), `max_items`, `websub_hub`.

Rebuilds: every file is put with the content files whose bodies it shows (its
entries'); when no header, setting, template or the date changed, only the files
holding an entry whose body changed are made again (entries are made lazily, for
those files only) and every other file is linked from the last good output
(`portal.incremental.reuse_file`). When nothing the feeds use changed, the whole
generator's output is reused (`incremental_output`).

Full builds (100 files or more to make, `PERFORMANCE["workers"]` of 2 or more): the
build process and forked workers first make every entry once with its Atom, RSS and
JSON text (each every Nth entry; a worker's texts come back as one blob per format),
then every Nth file from those texts (`portal.incremental.run_in_workers`). The
bytes are the same as when every file is made in one process.

Entry IDs, dates and precision rules: see `entries` and `ical`. Templates get the
Jinja global `feed_links()` (`generator.install_feed_links`) and
`context["feed_catalog"]`; `partials/head_feeds.html` advertises a page's feeds.
"""

from __future__ import annotations

from typing import Any

from pelican import signals

from .catalog import Catalog, FeedLink, FeedRef
from .generator import FeedsGenerator, install_feed_links
from .settings import FeedSettings

__all__ = ["Catalog", "FeedLink", "FeedRef", "FeedSettings", "FeedsGenerator", "register"]


def add_generator(_pelican: Any) -> type:
    return FeedsGenerator


def register() -> None:
    # Reads the site index after the portal generator; writes every feed file.
    signals.get_generators.connect(add_generator)
    # Every generator's templates get `feed_links()` for <link rel="alternate">.
    signals.generator_init.connect(install_feed_links)
