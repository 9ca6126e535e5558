"""Writes every city profile and the `/cities/` index from the site index."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from pelican import signals
from pelican.generators import Generator

CITIES_INDEX_SAVE_AS = "cities/index.html"


class CitiesGenerator(Generator):
    """Renders `city.html` for each city and `cities.html` for the index."""

    def generate_context(self) -> None:
        """Nothing to read: the portal generator has indexed the cities."""

    def generate_output(self, writer: Any) -> None:
        portal = self.context["portal"]
        template = self.get_template("city")
        for slug, page in portal.cities.items():
            writer.write_file(
                page.save_as,
                template,
                self.context,
                relative_urls=self.settings["RELATIVE_URLS"],
                url=page.url,
                city=page,
                articles_naming=portal.articles_by_city.get(slug, []),
                city_mous=portal.mous_by_city.get(slug, []),
                city_events=portal.events_by_city.get(slug, []),
            )
        by_region = [
            (region, list(pages))
            for region, pages in groupby(
                sorted(portal.cities.values(), key=lambda p: (p.record.region, p.record.name)),
                key=lambda p: p.record.region,
            )
        ]
        writer.write_file(
            CITIES_INDEX_SAVE_AS,
            self.get_template("cities"),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            url="cities/",
            cities_by_region=by_region,
        )


def add_generator(_pelican: Any) -> type:
    return CitiesGenerator


def register() -> None:
    # City pages render from context["portal"], after the portal generator.
    signals.get_generators.connect(add_generator)
