"""Writes the city profiles, their article lists, `/cities/` and `/rankings/`.

Everything comes from the site index (`context["portal"]`): a city's MOUs, events
and articles are looked up by its slug (`mous_by_city`, `events_by_city`,
`articles_by_city`), so the work grows with the number of cities and articles,
never with their product.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from babel.lists import format_list as babel_format_list
from babel.numbers import format_decimal
from jinja2 import pass_context
from jinja2.runtime import Context
from pelican import signals
from pelican.generators import Generator
from pelican.paginator import Paginator
from portal.model import ModelSettings
from portal.settings import dataclass_settings

from . import directory, rankings, svg

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CitiesSettings:
    """The `CITIES` settings dict, with defaults; unknown keys are reported."""

    profile_articles: int = 10  # latest articles on a profile
    articles_per_page: int = 20  # on /cities/<slug>/articles/
    map_label_limit: int = 40  # name the dots on the map up to this many cities
    index_url: str = "cities/"
    sorted_url: str = "cities/by/{key}/"
    articles_url: str = "cities/{slug}/articles/"
    rankings_url: str = "rankings/"

    @classmethod
    def from_pelican(cls, settings: Mapping[str, Any]) -> CitiesSettings:
        return dataclass_settings(settings, "CITIES", cls)


def _language(ctx: Context) -> str:
    page_language = ctx.environment.globals.get("page_language")
    if page_language is not None:
        return ctx.call(page_language)
    return ctx.get("DEFAULT_LANG") or "en"


@pass_context
def format_number(ctx: Context, value: int) -> str:
    """1200000 → "1,200,000" (en), "1.200.000" (de)."""
    return format_decimal(value, locale=_language(ctx))


@pass_context
def format_list(ctx: Context, items: Sequence[Any]) -> str:
    """[2003, 2005, 2007] → "2003, 2005 and 2007" (en), "2003, 2005 und 2007" (de)."""
    return babel_format_list([str(item) for item in items], locale=_language(ctx))


def save_as(url: str) -> str:
    return url + "index.html" if url.endswith("/") or not url else url


class CitiesGenerator(Generator):
    """Renders `city.html`, `city_articles.html`, `cities.html` and `rankings.html`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options = CitiesSettings.from_pelican(self.settings)
        self.env.globals.update(
            ranking_chart=svg.ranking_chart, city_map=svg.city_map, map_place=svg.Place
        )
        self.env.filters.update(format_number=format_number, format_list=format_list)

    def generate_context(self) -> None:
        """Nothing to read: the portal generator has indexed the cities."""

    def generate_output(self, writer: Any) -> None:
        portal = self.context["portal"]
        options = self.options
        lang = self.settings.get("DEFAULT_LANG", "en")
        common = {
            "relative_urls": self.settings["RELATIVE_URLS"],
            "cities_index_url": options.index_url,
            "rankings_url": options.rankings_url,
            "sort_urls": {key: options.sorted_url.format(key=key) for key in directory.SORT_VIEWS},
        }
        self._write_profiles(writer, portal, common)
        city_rows = directory.rows(portal, lang)
        self._write_directory(writer, portal, city_rows, common)
        overview = rankings.overview(portal.cities.values())
        writer.write_file(
            save_as(options.rankings_url),
            self.get_template("rankings"),
            self.context,
            url=options.rankings_url,
            rankings_overview=overview,
            **common,
        )

    def _write_profiles(self, writer: Any, portal: Any, common: dict[str, Any]) -> None:
        options = self.options
        profile = self.get_template("city")
        listing = self.get_template("city_articles")
        for slug, page in portal.cities.items():
            naming = portal.articles_by_city.get(slug, [])
            articles_url = options.articles_url.format(slug=slug) if naming else None
            city_vars = {
                "city": page,
                "articles_url": articles_url,
                "article_total": len(naming),
            }
            writer.write_file(
                page.save_as,
                profile,
                self.context,
                url=page.url,
                articles_naming=naming[: options.profile_articles],
                city_mous=portal.mous_by_city.get(slug, []),
                city_events=portal.events_by_city.get(slug, []),
                city_chart=rankings.chart_series(page.record.rankings),
                city_notes=rankings.disagreements([page]),
                **city_vars,
                **common,
            )
            if articles_url is None:
                continue
            paginator = Paginator(
                save_as(articles_url),
                articles_url,
                naming,
                self.settings,
                options.articles_per_page,
            )
            for number in paginator.page_range:
                articles_page = paginator.page(number)
                writer.write_file(
                    articles_page.save_as,
                    listing,
                    self.context,
                    url=articles_page.url,
                    articles_page=articles_page,
                    articles_paginator=paginator,
                    **city_vars,
                    **common,
                )

    def _write_directory(
        self,
        writer: Any,
        portal: Any,
        city_rows: list[directory.CityRow],
        common: dict[str, Any],
    ) -> None:
        options = self.options
        template = self.get_template("cities")
        regions = ModelSettings.from_pelican(self.settings).regions
        by_name = directory.sorted_rows(city_rows, "name")
        writer.write_file(
            save_as(options.index_url),
            template,
            self.context,
            url=options.index_url,
            sort_view=directory.SORT_VIEWS["name"],
            sorted_view_page=False,
            city_rows=by_name,
            cities_by_region=directory.by_region_and_country(city_rows, regions),
            map_places=[svg.Place(row.record.name, row.record.coordinates) for row in by_name],
            map_label_limit=options.map_label_limit,
            **common,
        )
        for key, view in directory.SORT_VIEWS.items():
            url = common["sort_urls"][key]
            writer.write_file(
                save_as(url),
                template,
                self.context,
                url=url,
                sort_view=view,
                sorted_view_page=True,
                city_rows=directory.sorted_rows(city_rows, key),
                **common,
            )


def add_generator(_pelican: Any) -> type:
    return CitiesGenerator


def register() -> None:
    # City pages render from context["portal"], after the portal generator.
    signals.get_generators.connect(add_generator)
