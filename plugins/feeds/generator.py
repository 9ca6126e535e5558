"""FeedsGenerator: decides which feeds exist (context) and writes them all (output)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from jinja2 import pass_context
from pelican.generators import Generator
from portal import cache as portal_cache
from portal import incremental

from .catalog import Catalog, FeedLink, FeedRef, build_catalog, links_for_page
from .entries import (
    Entry,
    EntryFactory,
    FeedDocument,
    Link,
    article_sort_key,
    by_name,
    language_entries,
    newest_update,
    record_sort_key,
)
from .ical import render_calendar
from .jsonfeed import item_json, keep_item_json, render_json_feed
from .opml import render_opml
from .settings import FeedSettings
from .xmlfeed import entry_xml, feedgen_entry, keep_entry_xml, render_feed

logger = logging.getLogger(__name__)

CATALOG_KEY = "feed_catalog"  # context["feed_catalog"]: the Catalog
FEEDS_PAGE_URL = "feeds/"
FEEDS_PAGE_LANG_URL = "{lang}/feeds/"
OPML_URL = "feeds/feeds.opml"
PARALLEL_MIN_FILES = 100  # fewer feed files than this to make are made in-process
# Entries (or files) per process and round of workers: a worker's memory (the pages
# it copies from the build process) stays bounded, whatever the size of the site.
ROUND_SIZE = 2500


@dataclass(frozen=True)
class PendingFile:
    """A feed file to make (every other one is kept from the last good output)."""

    fmt: str
    items: Callable[[], Sequence[Any]]  # the content it shows, in its order
    entry: Callable[[Any], Entry]  # one item's entry
    write: Callable[[Sequence[Any], list[Entry]], None]  # puts (items, entries) in place

    def make(self) -> None:
        items = self.items()
        self.write(items, [self.entry(item) for item in items])


def make_all(files: Iterable[PendingFile]) -> None:
    for file in files:
        file.make()


def stylesheet_url(lang: str, default_lang: str) -> str:
    """Site-relative URL of the XSL that shows feeds of `lang` in a browser."""
    return "feeds/feed.xsl" if lang == default_lang else f"feeds/feed.{lang}.xsl"


def feeds_page_url(lang: str, default_lang: str) -> str:
    return FEEDS_PAGE_URL if lang == default_lang else FEEDS_PAGE_LANG_URL.format(lang=lang)


def _home_url(lang: str, settings: dict[str, Any]) -> str:
    try:  # the i18n plugin knows where a language's home page is
        from i18n import home_url
    except ImportError:
        return ""
    return home_url(lang, settings)


class FeedsGenerator(Generator):
    """Atom, RSS, JSON Feed, iCalendar, OPML, the /feeds/ page and the XSL."""

    # Every file goes through the writer or portal.incremental.put_file, so a build
    # that changed nothing the feeds use reuses all of them (portal.performance).
    incremental_output = True

    def generate_context(self) -> None:
        self.feed_settings = FeedSettings.from_pelican(self.settings)
        fs = self.feed_settings
        portal = self.context["portal"]
        vocabulary = self.settings.get("PORTAL", {})
        self.categories = by_name(self.context.get("categories", []))
        self.tags = by_name(self.context.get("tags", []))
        catalog = build_catalog(
            default_lang=fs.default_lang,
            languages=fs.languages,
            categories=[*vocabulary.get("categories", []), *self.categories],
            tags=[*vocabulary.get("tags", []), *self.tags],
            cities={slug: page.record.name for slug, page in portal.cities.items()},
        )
        self.context[CATALOG_KEY] = catalog
        from i18n import load_catalogs

        self.translations = load_catalogs(self.settings["THEME"], list(fs.languages))

    # ------------------------------------------------------------------ helpers

    def gettext(self, lang: str, message: str) -> str:
        translations = self.translations.get(lang)
        return translations.gettext(message) if translations is not None else message

    def label(self, ref: FeedRef, lang: str | None = None) -> str:
        """A feed's name without the site's: "Articles naming Seoul"."""
        lang = lang or ref.lang
        _ = lambda message: self.gettext(lang, message)  # noqa: E731
        return {
            "all": lambda: _("All articles"),
            "lang": lambda: _("Articles in %(language)s") % {"language": ref.name},
            "category": lambda: _("Category: %(name)s") % {"name": ref.name},
            "tag": lambda: _("Tag: %(name)s") % {"name": ref.name},
            "city": lambda: _("Articles naming %(city)s") % {"city": ref.name},
            "mous": lambda: _("MOUs"),
            "events": lambda: _("Events"),
        }[ref.kind]()

    def title(self, ref: FeedRef) -> str:
        return f"{self.feed_settings.sitename} — {self.label(ref)}"

    def home(self, ref: FeedRef) -> str:
        """Site-relative URL of the HTML page a feed mirrors."""
        if ref.kind == "lang":
            return _home_url(ref.key, self.settings)
        if ref.kind == "category" and ref.name in self.categories:
            return self.settings["CATEGORY_URL"].format(slug=ref.key)
        if ref.kind == "tag" and ref.name in self.tags:
            return self.settings["TAG_URL"].format(slug=ref.key)
        if ref.kind == "city":
            return self.context["portal"].cities[ref.key].url
        return {"mous": "mous/", "events": "events/"}.get(ref.kind, "")

    # ------------------------------------------------------------------ output

    def generate_output(self, writer: Any) -> None:
        """Every feed file; entries are made only for the files that are made.

        Membership and order of every feed come from headers alone (dates, ids,
        categories, tags, cities), and so do the feeds' `updated` dates. A file is
        therefore made again only when the site digest changed (a full build) or when
        the body of one of its entries did: every other file is kept from the last
        good output (`incremental.reuse_file`), with its entries' sources as deps.
        """
        fs = self.feed_settings
        catalog: Catalog = self.context[CATALOG_KEY]
        portal = self.context["portal"]
        factory = self.entry_factory = EntryFactory(fs, portal, self.gettext)
        self.entry_cache: dict = {}  # each entry's Atom/RSS element, made once
        self.json_cache: dict = {}  # each entry's JSON Feed item, made once
        articles = list(self.context.get("articles", []))
        self.site_updated = max(
            map(factory.article_updated, articles),
            default=dt.datetime(int(fs.id_date[:4]), 1, 1, tzinfo=fs.timezone),
        )
        sources: dict[tuple[str, str], Callable[[], Iterable[Any]]] = {
            ("all", ""): lambda: articles,
        }
        for ref in catalog.languages:
            sources[("lang", ref.key)] = lambda ref=ref: language_entries(articles, ref.key)
        for ref in catalog.categories:
            sources[("category", ref.key)] = lambda ref=ref: self.categories.get(ref.name, [])
        for ref in catalog.tags:
            sources[("tag", ref.key)] = lambda ref=ref: self.tags.get(ref.name, [])
        for ref in catalog.cities:
            sources[("city", ref.key)] = lambda ref=ref: portal.articles_by_city.get(ref.key, [])
        sources[("mous", "")] = lambda: portal.mous
        sources[("events", "")] = lambda: portal.events
        makers: dict[str, tuple[Callable[[Any], tuple], Callable[[Any], Entry]]] = {
            "mous": (record_sort_key, factory.mou),
            "events": (record_sort_key, factory.event),
        }
        articles_maker = (article_sort_key, factory.article)

        pending: list[PendingFile] = []
        for ref in catalog.all():
            sort_key, make = makers.get(ref.kind, articles_maker)
            items = list(sources[(ref.kind, ref.key)]())
            # Newest first, sorted only if one of the feed's files is made.
            newest_first = functools.cache(
                lambda items=items, key=sort_key: sorted(items, key=key, reverse=True)
            )
            for fmt in ref.formats:
                if fmt != "ics":
                    pending += self.feed_files(ref, fmt, len(items), newest_first, make)
        pending += self.calendar_files(catalog.events, portal.events, factory.event)
        self.make_files(pending)
        self.write_opml(catalog)
        self.write_pages(writer, catalog)
        # A full build's entries: hundreds of MB.
        self.entry_cache, self.json_cache, self.entry_factory = {}, {}, None

    def _path(self, url: str) -> str:
        return os.path.join(self.output_path, url)  # URLs use "/", as POSIX paths do

    def _write(self, url: str, data: bytes, sources: Iterable[Any] = ()) -> None:
        """Put a file in place (a new file only when its bytes changed).

        `sources`: the content objects whose bodies the file shows.
        """
        path = self._path(url)
        incremental.put_file(path, data, _source_paths(sources))
        logger.debug("feeds: writing %s", path)

    def _reused(self, url: str) -> bool:
        """True when the last good output's file is still right and is now in place."""
        return incremental.reuse_file(self._path(url))

    def _document(
        self,
        ref: FeedRef,
        fmt: str,
        url: str,
        entries: Sequence[Entry],
        links: Iterable[Link] = (),
        archive: bool = False,
        next_url: str | None = None,
    ) -> FeedDocument:
        fs = self.feed_settings
        return FeedDocument(
            id=f"tag:{fs.id_authority},{fs.id_date}:feeds/{ref.path}",
            title=self.title(ref),
            subtitle=self.gettext(ref.lang, fs.subtitle),
            lang=ref.lang,
            author=fs.author,
            self_url=fs.url(url),
            home_url=fs.url(self.home(ref)),
            updated=newest_update(entries, self.site_updated),
            entries=tuple(entries),
            links=tuple(links),
            archive=archive,
            next_url=fs.url(next_url) if next_url else None,
            hub=fs.websub_hub,
            stylesheet=(
                f"{fs.site_path}/{stylesheet_url(ref.lang, fs.default_lang)}"
                if fmt in ("atom", "rss")
                else None
            ),
        )

    def make_files(self, pending: Sequence[PendingFile]) -> None:
        """Make the `pending` files; in forked workers when there are many.

        First each entry is made, with its text in every format that shows it, by
        one process (every Nth entry; this one and forked workers); the parent keeps
        what the workers send back. Then they make every Nth file from those texts
        (shared copy-on-write). Both in rounds of `ROUND_SIZE` per process.
        """
        workers = portal_cache.performance_settings(self.settings)["workers"]
        if workers < 2 or len(pending) < PARALLEL_MIN_FILES:
            make_all(pending)
            return
        needed: dict[int, tuple[Any, Callable[[Any], Entry], set[str]]] = {}
        for file in pending:
            for item in file.items():
                formats = needed.setdefault(id(item), (item, file.entry, set()))[2]
                if file.fmt in ("atom", "rss", "json"):
                    formats.add(file.fmt)
        work = list(needed.values())
        for start in range(0, len(work), ROUND_SIZE * workers):
            self._serialise_round(work[start : start + ROUND_SIZE * workers], workers)
        for file in pending:  # the entries here have no content_html: only their texts
            if file.fmt in ("atom", "rss", "json") and not all(
                self._has_text(file.entry(item), file.fmt) for item in file.items()
            ):
                raise RuntimeError(f"feeds: an entry of {file.fmt} was not made in advance")
        for start in range(0, len(pending), ROUND_SIZE * workers):
            files = pending[start : start + ROUND_SIZE * workers]
            incremental.run_in_workers(
                [functools.partial(make_all, files[worker::workers]) for worker in range(workers)],
                first_here=True,
            )

    def _serialise_round(
        self, work: Sequence[tuple[Any, Callable[[Any], Entry], set[str]]], workers: int
    ) -> None:
        """Entries and texts of `work`: a share in this process, the others in workers."""
        shares = [work[worker::workers] for worker in range(workers)]
        made = incremental.run_in_workers(
            [functools.partial(self.serialise_entries, share) for share in shares],
            first_here=True,
        )
        for share, (entries, texts) in zip(shares, made, strict=True):
            for (item, _make, _formats), entry in zip(share, entries, strict=True):
                self.entry_factory.remember(item, entry)
            for fmt, (blob, spans) in texts.items():
                # Views into one blob per format: workers reading them copy no pages.
                view = memoryview(blob)
                for index, start, end in spans:
                    if fmt == "json":
                        keep_item_json(self.json_cache, entries[index], view[start:end])
                    else:
                        keep_entry_xml(self.entry_cache, entries[index], fmt, view[start:end])

    def _has_text(self, entry: Entry, fmt: str) -> bool:
        if fmt == "json":
            return id(entry) in self.json_cache
        return (fmt, id(entry)) in self.entry_cache

    def serialise_entries(
        self, work: Iterable[tuple[Any, Callable[[Any], Entry], set[str]]]
    ) -> tuple[list[Entry], dict[str, tuple[bytearray, list[tuple[int, int, int]]]]]:
        """Each (item, its maker, formats): its entry and the entry's text in each format.

        The texts of one format come as one blob with (entry index, start, end) spans;
        the entries without their `content_html` (their texts hold it).
        """
        entries: list[Entry] = []
        blobs: dict[str, bytearray] = {}
        spans: dict[str, list[tuple[int, int, int]]] = {}
        for index, (item, make, formats) in enumerate(work):
            entry = make(item)
            feed_entry = feedgen_entry(entry) if formats - {"json"} else None
            for fmt in formats:
                if fmt == "json":
                    text = item_json(entry, {})
                else:
                    text = entry_xml(entry, fmt, {}, feed_entry)
                blob = blobs.setdefault(fmt, bytearray())
                spans.setdefault(fmt, []).append((index, len(blob), len(blob) + len(text)))
                blob += text
            entries.append(dataclasses.replace(entry, content_html=""))
        return entries, {fmt: (blob, spans[fmt]) for fmt, blob in blobs.items()}

    def _render(self, document: FeedDocument, fmt: str) -> bytes:
        if fmt == "json":
            return render_json_feed(document, self.json_cache)
        return render_feed(document, fmt, self.entry_cache)

    def feed_files(
        self,
        ref: FeedRef,
        fmt: str,
        count: int,
        newest_first: Callable[[], Sequence[Any]],
        make: Callable[[Any], Entry],
    ) -> list[PendingFile]:
        """The subscription document (newest `max_items`) and RFC 5005 archive pages.

        `count` items, `newest_first()` the feed's content in order (asked for only
        when a file is made); `make` turns one into its entry. Returns the files to
        make: the others are kept from the last good output.
        Archive pages are full pages of `max_items`, numbered oldest first, so a page
        never changes once full. JSON Feed chains the same pages through `next_url`.
        """
        fs = self.feed_settings
        size = fs.max_items
        pages = count // size if count > size else 0
        media_type = FeedLink(ref, fmt).media_type
        url = ref.url(fmt)
        pending = []
        if not self._reused(url):
            links = []
            if pages:
                links.append(Link(fs.url(ref.archive_url(fmt, pages)), "prev-archive", media_type))
            write = functools.partial(
                self.write_document,
                ref,
                fmt,
                url,
                links=links,
                next_url=ref.archive_url(fmt, pages) if pages else None,
            )
            pending.append(
                PendingFile(fmt, functools.partial(_slice, newest_first, 0, size), make, write)
            )
        for number in range(1, pages + 1):
            archive_url = ref.archive_url(fmt, number)
            if self._reused(archive_url):
                continue
            links = [Link(fs.url(url), "current", media_type)]
            if number > 1:
                links.append(
                    Link(fs.url(ref.archive_url(fmt, number - 1)), "prev-archive", media_type)
                )
            if number < pages:
                links.append(
                    Link(fs.url(ref.archive_url(fmt, number + 1)), "next-archive", media_type)
                )
            write = functools.partial(
                self.write_document,
                ref,
                fmt,
                archive_url,
                links=links,
                archive=True,
                next_url=ref.archive_url(fmt, number - 1) if number > 1 else None,
            )
            # Page `number` holds the oldest items (number - 1) * size … number * size - 1.
            chunk = functools.partial(
                _slice, newest_first, count - number * size, count - (number - 1) * size
            )
            pending.append(PendingFile(fmt, chunk, make, write))
        return pending

    def write_document(
        self,
        ref: FeedRef,
        fmt: str,
        url: str,
        items: Sequence[Any],
        entries: Sequence[Entry],
        *,
        links: Iterable[Link],
        archive: bool = False,
        next_url: str | None = None,
    ) -> None:
        """Render one feed file of `entries` (made from `items`) and put it in place."""
        document = self._document(ref, fmt, url, entries, links, archive=archive, next_url=next_url)
        self._write(url, self._render(document, fmt), items)

    def calendar_files(
        self, ref: FeedRef, events: Sequence[Any], make: Callable[[Any], Entry]
    ) -> list[PendingFile]:
        """The iCalendar file of `events` (in the site index's order), unless kept."""
        url = ref.url("ics")
        if self._reused(url):
            return []
        write = functools.partial(self.write_calendar, ref, url)
        return [PendingFile("ics", lambda: events, make, write)]

    def write_calendar(
        self, ref: FeedRef, url: str, events: Sequence[Any], entries: Sequence[Entry]
    ) -> None:
        fs = self.feed_settings
        lang = fs.default_lang
        _ = lambda message: self.gettext(lang, message)  # noqa: E731
        data = render_calendar(
            list(zip(events, entries, strict=True)),
            name=self.title(ref),
            description=_(fs.subtitle),
            url=fs.url("events/"),
            authority=fs.id_authority,
            lang=lang,
            labels={
                "organizer": _("Organizer"),
                "unknown_days": _("exact dates unknown"),
                "imprecise": _(
                    "Date known only to %(date)s: this calendar entry spans that whole "
                    "period; the exact days are not known."
                ),
            },
        )
        self._write(url, data, events)

    def write_opml(self, catalog: Catalog) -> None:
        if self._reused(OPML_URL):  # titles, URLs and dates: headers and settings only
            return
        fs = self.feed_settings
        lang = fs.default_lang
        groups = []
        for fmt in ("atom", "rss", "json"):
            outlines = []
            for ref in catalog.all():
                if fmt not in ref.formats:
                    continue
                link = FeedLink(ref, fmt)
                outlines.append(
                    {
                        "type": "rss",
                        "text": f"{self.title(ref)} ({link.format_name})",
                        "title": f"{self.title(ref)} ({link.format_name})",
                        "xmlUrl": fs.url(link.url),
                        "htmlUrl": fs.url(self.home(ref)),
                        "language": ref.lang,
                    }
                )
            groups.append((f"{fs.sitename} — {FeedLink(catalog.site, fmt).format_name}", outlines))
        data = render_opml(
            title=f"{fs.sitename} — {self.gettext(lang, 'Feeds')}",
            owner=fs.author,
            docs_url=fs.url(FEEDS_PAGE_URL),
            updated=self.site_updated,
            groups=groups,
        )
        self._write(OPML_URL, data)

    def write_pages(self, writer: Any, catalog: Catalog) -> None:
        """/feeds/ (and /<lang>/feeds/) listing every feed; the XSL in each language."""
        fs = self.feed_settings
        template = self.get_template("feeds")
        xsl = self.env.get_template("feeds/feed.xsl")
        page_versions = [(lang, feeds_page_url(lang, fs.default_lang)) for lang in fs.languages]
        for lang, url in page_versions:
            writer.write_file(
                url + "index.html",
                template,
                self.context,
                relative_urls=self.settings["RELATIVE_URLS"],
                url=url,
                page_lang=lang,
                page_versions=page_versions,  # the language switcher and hreflang (i18n)
                feeds_site_url=fs.site_url,
                feeds_webcal_url="webcal://" + fs.url(catalog.events.url("ics")).split("://", 1)[1],
                feeds_hub=fs.websub_hub,
                feeds_opml_url=OPML_URL,
                feeds_max_items=fs.max_items,
            )
            if self._reused(stylesheet_url(lang, fs.default_lang)):  # theme and settings
                continue
            local = dict(self.context)
            local.update(
                page_lang=lang,
                feeds_site_path=fs.site_path,
                feeds_page_url=feeds_page_url(lang, fs.default_lang),
            )
            self._write(stylesheet_url(lang, fs.default_lang), xsl.render(local).encode("utf-8"))


def _slice(items: Callable[[], Sequence[Any]], start: int, stop: int) -> Sequence[Any]:
    return items()[start:stop]


def _source_paths(sources: Iterable[Any]) -> list[str]:
    """The content files (relative source paths) of `sources`, for the manifest."""
    return [path for item in sources if (path := getattr(item, "relative_source_path", None))]


def install_feed_links(generator: Any) -> None:
    """The Jinja global `feed_links(kind=None, key="")`.

    With no arguments: the feeds the current page advertises (site + context).
    With a kind and key (`feed_links("city", "seoul")`): that feed's files.
    Each item has `.url` (relative to SITEURL), `.media_type`, `.format`,
    `.format_name` and `.ref` (kind, key, name, lang).
    """
    env = getattr(generator, "env", None)
    if env is None:
        return

    @pass_context
    def feed_links(ctx: Any, kind: str | None = None, key: str = "") -> list[FeedLink]:
        catalog: Catalog | None = ctx.get(CATALOG_KEY)
        if catalog is None:
            return []
        if kind is not None:
            ref = catalog.get(kind, key)
            return ref.links() if ref else []
        from i18n import page_language

        return links_for_page(catalog, ctx, page_language(ctx))

    env.globals["feed_links"] = feed_links
