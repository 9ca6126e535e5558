"""Writes the MOU timeline: its pages, its open data and its network view.

Pages: `/mous/` (the global timeline with summary figures), one page per MOU
(`MOU_URL`), per signing year, per partner city and per country (the narrowing
that needs no JavaScript), the network view and the data documentation. Files:
`mous.json` with `mous.schema.json`, `mous.csv`, `timeline.json` (TimelineJS3)
and `network.svg`. Everything is grouped once (`timeline.build_catalog`).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pelican.generators import Generator
from portal import incremental, report
from portal.settings import dataclass_settings

from . import data, validation
from .network import network_layout
from .timeline import MouCatalog, build_catalog

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MouSettings:
    """The `MOUS` settings dict of pelicanconf.py, with its defaults."""

    index_url: str = "mous/"
    year_url: str = "mous/year/{year}/"
    partner_url: str = "mous/partner/{slug}/"
    country_url: str = "mous/country/{code}/"  # {code}: lower-case ISO 3166-1 alpha-2
    network_url: str = "mous/network/"
    data_url: str = "mous/data/"
    json_file: str = "mous/mous.json"
    schema_file: str = "mous/mous.schema.json"
    csv_file: str = "mous/mous.csv"
    timeline_file: str = "mous/timeline.json"
    svg_file: str = "mous/network.svg"
    map_width: int = 800
    map_height: int = 400
    label_limit: int = 40  # draw city names on the map up to this many cities

    @classmethod
    def from_pelican(cls, settings: Mapping[str, Any]) -> MouSettings:
        return dataclass_settings(settings, "MOUS", cls)

    def year(self, year: int) -> str:
        return self.year_url.format(year=year)

    def partner(self, slug: str) -> str:
        return self.partner_url.format(slug=slug)

    def country(self, code: str) -> str:
        return self.country_url.format(code=code.lower())

    def reserved_slugs(self, mou_url: str) -> dict[str, str]:
        """MOU slugs that would land on one of this plugin's own pages or files."""
        prefix = mou_url.split("{slug}", 1)[0]
        reserved = {}
        for url in (
            self.year_url,
            self.partner_url,
            self.country_url,
            self.network_url,
            self.data_url,
            self.json_file,
            self.schema_file,
            self.csv_file,
            self.timeline_file,
            self.svg_file,
        ):
            if url.startswith(prefix):
                first = url[len(prefix) :].split("/", 1)[0]
                if first and "{" not in first:
                    reserved[first] = url
        return reserved


def save_as(url: str) -> str:
    return url + "index.html" if url.endswith("/") else url


class MousGenerator(Generator):
    """Renders the MOU pages and data files from `context["portal"]`.

    Everything it writes goes through the writer or `incremental.put_file`, and is
    made of the site's metadata and the bodies it reads while writing: when none of
    those changed, the whole output is linked from the last good build
    (`incremental_output`, see portal.incremental.IncrementalWriter.reuse_generator).
    """

    incremental_output = True

    def generate_context(self) -> None:
        """Group the MOUs once; report MOUs that would break a page (see validation)."""
        self.mou_settings = MouSettings.from_pelican(self.settings)
        portal = self.context["portal"]
        records = [page.record for page in portal.mous]
        problems = validation.reserved_slugs(
            records, self.mou_settings.reserved_slugs(self.settings["MOU_URL"])
        )
        if not self.settings.get("PORTAL", {}).get("preview"):
            drafts = self.context.get("drafts", [])
            problems += validation.unpublished_sources(
                records, portal.articles_by_id, {d.record.id for d in drafts}
            )
        report.current().add_problems(problems)
        self.catalog = build_catalog(portal.mous, portal.cities)
        self.context["mou_catalog"] = self.catalog

    def _write(self, writer: Any, url: str, template: str, **kwargs: Any) -> None:
        writer.write_file(
            save_as(url),
            self.get_template(template),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            url=url,
            mou_links=self.mou_settings,
            mou_catalog=self.catalog,
            **kwargs,
        )

    def generate_output(self, writer: Any) -> None:
        portal = self.context["portal"]
        catalog: MouCatalog = self.catalog
        links = self.mou_settings
        for page in catalog.mous:
            self._write(writer, page.url, "mou", mou=page)
        self._write(writer, links.index_url, "mous")
        for year, items in catalog.by_year.items():
            self._write(writer, links.year(year), "mous_year", year=year, year_mous=items)
        for slug, items in catalog.by_partner.items():
            partners = [portal.city(other) for other in catalog.partners_of.get(slug, [])]
            self._write(
                writer,
                links.partner(slug),
                "mous_partner",
                city=portal.city(slug),
                partner_mous=items,
                partners=partners,
            )
        for code, items in catalog.by_country.items():
            self._write(
                writer,
                links.country(code),
                "mous_country",
                country=code,
                country_mous=items,
                country_figure=catalog.country_of(code),
            )
        network = network_layout(
            portal.cities.values(),
            catalog.mous,
            catalog.by_partner,
            width=links.map_width,
            height=links.map_height,
            label_limit=links.label_limit,
        )
        self._write(writer, links.network_url, "mous_network", network=network)
        self._write(writer, links.svg_file, "mous_network_svg", network=network, standalone=True)
        self._write_data(writer, portal, catalog)

    def _write_data(self, writer: Any, portal: Any, catalog: MouCatalog) -> None:
        links = self.mou_settings
        base = self.settings.get("SITEURL", "")
        schema_url = data.site_url(base, links.schema_file)
        schema = data.json_schema(schema_url)
        title = f"{self.settings['SITENAME']}: MOUs between cities"
        document = data.mous_document(
            catalog.mous,
            portal,
            base,
            title=title,
            timeline_url=data.site_url(base, links.index_url),
            schema_url=schema_url,
        )
        timeline = data.timeline_document(
            catalog.mous,
            portal,
            base,
            headline=title,
            text=f"{len(catalog.mous)} memoranda of understanding between "
            f"{catalog.partner_count} cities, as reported in the portal's articles.",
        )
        self._dump(links.json_file, _json(document))
        self._dump(links.schema_file, _json(schema))
        self._dump(links.timeline_file, _json(timeline))
        self._dump(links.csv_file, data.mous_csv(catalog.mous, portal, base))
        self._write_data_page(writer, schema, document)

    def _write_data_page(
        self, writer: Any, schema: dict[str, Any], document: dict[str, Any]
    ) -> None:
        writer_kwargs = {
            "schema_tables": data.schema_tables(schema),
            "csv_columns": data.CSV_COLUMNS,
            "schema_version": data.SCHEMA_VERSION,
            "example": _json(document["mous"][-1]) if document["mous"] else "",
        }
        self._write(writer, self.mou_settings.data_url, "mous_data", **writer_kwargs)

    def _dump(self, relative: str, text: str) -> None:
        path = os.path.join(self.output_path, *relative.split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        incremental.put_file(path, text.encode("utf-8"))  # a new file only when it changed
        logger.info("mous: wrote %s", path)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"
