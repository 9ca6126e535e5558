"""Reads cities, MOUs and events, builds the site index, checks every reference.

Runs after Pelican's article and page generators (it is added through
`get_generators`), so the index can relate all content. Writes nothing itself: the
`cities`, `mous` and `events` plugins render pages from `context["portal"]`.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from typing import Any

from pelican.generators import Generator

from . import report
from .index import CityPage, EventPage, MouPage, SiteIndex
from .model import CONTENT_TYPES, ArticleMeta, ContentError, Problem, check_references
from .preview import preview_state

logger = logging.getLogger(__name__)

_CLASSES = {"city": CityPage, "mou": MouPage, "event": EventPage}


class PortalGenerator(Generator):
    """Reads the portal's own content types into `context["portal"]`."""

    def generate_context(self) -> None:
        build = report.current()
        preview = bool(self.settings.get("PORTAL", {}).get("preview"))
        records: dict[str, list[Any]] = {name: [] for name in _CLASSES}
        for name, content_class in _CLASSES.items():
            folder = CONTENT_TYPES[name].folder
            for path in sorted(self.get_files([folder], extensions=("md", "markdown"))):
                try:
                    page = self.readers.read_file(
                        base_path=self.path,
                        path=path,
                        content_class=content_class,
                        context=self.context,
                    )
                except ContentError:
                    self._add_failed_source_path(path)
                    continue
                self.add_source_path(page)
                if page.status == "draft" and not preview:
                    build.account(page.relative_source_path, report.DRAFT)
                    continue
                build.account(page.relative_source_path, report.PUBLISHED)
                records[name].append(page)

        articles = list(self.context.get("articles", []))
        city_pages = records["city"]
        cities: dict[str, CityPage] = {}
        for page in city_pages:
            first = cities.setdefault(page.record.slug, page)
            if first is not page:
                build.add_problems(
                    [
                        Problem(
                            page.record.path,
                            page.record.line_of("Slug"),
                            "Slug",
                            f"city slug {page.record.slug!r} is already used by "
                            f"{first.record.path}",
                        )
                    ]
                )
        build.add_problems(
            check_references(
                article_records(self.context),
                {slug: page.record for slug, page in cities.items()},
                [p.record for p in records["mou"]],
                [p.record for p in records["event"]],
            )
        )
        self.context["portal"] = SiteIndex.build(
            articles, cities.values(), records["mou"], records["event"]
        )


def article_records(context: dict[str, Any]) -> list[ArticleMeta]:
    """Every article read (published, draft, hidden; translations), oldest first.

    Oldest first, so that of two articles with one slug or Id the newer one, usually
    the one just written, is the one reported.
    """
    records = [
        item.record
        for item in context.get("generated_content", {}).values()
        if isinstance(getattr(item, "record", None), ArticleMeta)
    ]
    return sorted(records, key=lambda r: (r.date, r.path))


def content_state(item: Any, now: dt.datetime) -> str:
    """published, draft, scheduled or hidden; in preview, drafts shown are still drafts."""
    status = getattr(item, "status", "published")
    if status == "hidden":
        return report.HIDDEN
    if status == "draft":
        try:
            scheduled = bool(getattr(item, "date", None) and item.date > now)
        except TypeError:  # Pelican's naive "no date" for undated drafts
            scheduled = False
        return report.SCHEDULED if scheduled else report.DRAFT
    marked = preview_state(item.record, now) if hasattr(item, "record") else None
    return {"draft": report.DRAFT, "scheduled": report.SCHEDULED}.get(marked, report.PUBLISHED)


def account_for_content(context: dict[str, Any], settings: dict[str, Any]) -> None:
    """Record the fate of every article and page, and flag files nobody read."""
    build = report.current()
    now = dt.datetime.now(dt.UTC)
    published = []
    for path, item in context.get("generated_content", {}).items():
        if item is not None:  # None: rejected by the reader, already accounted
            state = content_state(item, now)
            build.account(path, state)
            if state == report.PUBLISHED:
                published.append(item)

    content_root = settings["PATH"]
    static_roots = tuple(p.rstrip("/") + "/" for p in settings.get("STATIC_PATHS", []))
    for folder, _dirs, files in os.walk(content_root):
        within = os.path.relpath(folder, content_root).replace(os.sep, "/")
        prefix = "" if within == "." else f"{within}/"
        for name in files:
            relative = prefix + name
            if relative.startswith(static_roots) or name.startswith("."):
                continue
            if relative not in build.files:
                build.add_problems(
                    [
                        Problem(
                            relative,
                            1,
                            "file",
                            "no generator read this file; content must be Markdown "
                            "(.md) in articles/, cities/, mous/, events/ or pages/",
                        )
                    ]
                )
                build.reject(relative)
    if not published:
        build.add_problems([Problem(content_root, 1, "content", "no content was published at all")])
