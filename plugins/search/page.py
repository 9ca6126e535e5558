"""The search page, one per site language (`/search/`, `/de/search/`).

The page offers a search form with a select per filter (city, category, year,
language, type), each listing exactly the values the index holds. The form is
`hidden` until `theme/js/search.js` has loaded Pagefind; without JavaScript the
page says so and links to the listings that reach the same content.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pelican.generators import Generator

from . import filters
from .config import SearchConfig, read_config


@dataclass(frozen=True)
class Link:
    label: str
    url: str  # relative to SITEURL


@dataclass(frozen=True)
class SearchPage:
    """What search.html needs: where the index is, and what the filters offer."""

    lang: str
    url: str
    bundle_url: str  # relative to SITEURL, ends in /
    options: filters.FilterOptions
    categories: tuple[Link, ...]  # browse links for readers without JavaScript
    years: tuple[Link, ...]


def browse_links(
    context: dict[str, Any], settings: dict[str, Any], years: tuple[int, ...]
) -> tuple[tuple[Link, ...], tuple[Link, ...]]:
    """Category pages and year archives: the way in without JavaScript."""
    categories = tuple(
        sorted(
            (Link(str(category), category.url) for category, _ in context.get("categories", [])),
            key=lambda link: link.label.lower(),
        )
    )
    year_links: tuple[Link, ...] = ()
    pattern = settings.get("YEAR_ARCHIVE_URL")
    if pattern and settings.get("YEAR_ARCHIVE_SAVE_AS"):
        year_links = tuple(
            Link(str(year), pattern.format(date=dt.date(year, 1, 1))) for year in years
        )
    return categories, year_links


class SearchPageGenerator(Generator):
    """Writes `search.html` once per site language."""

    def generate_context(self) -> None:
        """Nothing to read; the filter values are gathered when writing."""

    def generate_output(self, writer: Any) -> None:
        config: SearchConfig = read_config(self.settings)
        options = filters.options(self.context, config.languages)
        categories, years = browse_links(self.context, self.settings, options.article_years)
        template = self.get_template("search")
        versions = [(lang, config.url(lang)) for lang in config.languages]
        for lang in config.languages:
            page = SearchPage(
                lang=lang,
                url=config.url(lang),
                bundle_url=config.bundle_dir + "/",
                options=options,
                categories=categories,
                years=years,
            )
            writer.write_file(
                config.save_as(lang),
                template,
                self.context,
                relative_urls=self.settings["RELATIVE_URLS"],
                url=page.url,
                page_lang=lang,
                page_versions=versions,  # the language switcher and hreflang (plugins/i18n)
                search_page=page,
            )
