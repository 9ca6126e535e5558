"""The MOUs as open data: JSON (with a JSON Schema), CSV and TimelineJS3 JSON.

Each file is a pure function of the MOU pages and the site index, so tests can
compare it with the records. The schema and the CSV columns are defined once
here; the data documentation page (`/mous/data/`) renders its field tables from
the same definitions, so documentation and data cannot drift apart.

Dates are written only to the precision the record knows: `2009`, `2009-06` or
`2009-06-22`. An MOU whose signing date no source gives has `signed: null` and
its `reported` date; TimelineJS, which needs a `start_date`, gets the report date
with `display_date` saying that the signing date was not published.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from typing import Any

from portal.dates import PartialDate, Precision

SCHEMA_VERSION = "1.0.0"
STATUSES = ("signed", "in force", "expired", "terminated", "draft")
PRECISIONS = {
    Precision.YEAR: "year",
    Precision.MONTH: "month",
    Precision.DAY: "day",
    Precision.MINUTE: "minute",
}
LIST_SEPARATOR = "; "


def site_url(base: str, url: str) -> str:
    """A page's address in the data: absolute with SITEURL, else root-relative."""
    return f"{base.rstrip('/')}/{url}" if base else f"/{url}"


def partial_date(date: PartialDate | None) -> dict[str, str] | None:
    if date is None:
        return None
    return {"date": date.iso, "precision": PRECISIONS[date.precision]}


# --------------------------------------------------------------------------
# mous.json and its schema


def json_schema(schema_url: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of mous.json, version SCHEMA_VERSION."""
    text = {"type": "string", "minLength": 1}
    partial = {
        "type": "object",
        "description": "A date written only to the precision that is known.",
        "required": ["date", "precision"],
        "additionalProperties": False,
        "properties": {
            "date": {
                "type": "string",
                "pattern": r"^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)?)?)?)?$",
                "description": "YYYY, YYYY-MM, YYYY-MM-DD, or an ISO 8601 date and time.",
            },
            "precision": {
                "enum": list(PRECISIONS.values()),
                "description": "How much of the date is known: year, month, day or minute.",
            },
        },
    }
    party = {
        "type": "object",
        "required": ["id", "name", "country", "region", "url", "latitude", "longitude"],
        "additionalProperties": False,
        "properties": {
            "id": {**text, "description": "The city's slug on the portal."},
            "name": {**text, "description": "The city's name."},
            "kind": {
                "enum": ["city", "département", "local government"],
                "description": "City, département or local government.",
            },
            "country": {
                "type": "string",
                "pattern": "^[A-Z]{2}$",
                "description": "ISO 3166-1 alpha-2 country code.",
            },
            "country_name": {**text, "description": "The country's name in English."},
            "region": {**text, "description": "World region, as on the portal."},
            "url": {**text, "description": "The city's profile page."},
            "latitude": {
                "type": "number",
                "minimum": -90,
                "maximum": 90,
                "description": "Latitude in decimal degrees.",
            },
            "longitude": {
                "type": "number",
                "minimum": -180,
                "maximum": 180,
                "description": "Longitude in decimal degrees.",
            },
        },
    }
    source = {
        "type": "object",
        "required": ["id", "title", "url", "published"],
        "additionalProperties": False,
        "properties": {
            "id": {**text, "description": "The article's permanent Id."},
            "title": {**text, "description": "The article's headline."},
            "url": {**text, "description": "The article's page."},
            "published": {
                "type": "string",
                "pattern": r"^\d{4}-\d{2}-\d{2}$",
                "description": "The day the article was published on the portal.",
            },
        },
    }
    mou = {
        "type": "object",
        "required": [
            "id",
            "title",
            "url",
            "signed",
            "reported",
            "date_known",
            "scope",
            "status",
            "parties",
            "sources",
        ],
        "additionalProperties": False,
        "properties": {
            "id": {**text, "description": "The MOU's slug; stable, part of its URL."},
            "title": {**text, "description": "The MOU's title."},
            "url": {**text, "description": "The MOU's page."},
            "signed": {
                "anyOf": [{"$ref": "#/$defs/partial_date"}, {"type": "null"}],
                "description": "When it was signed; null when no source gives the date.",
            },
            "reported": {
                "anyOf": [{"$ref": "#/$defs/partial_date"}, {"type": "null"}],
                "description": "The date of the earliest report of it; "
                "always given when signed is null.",
            },
            "date_known": {
                "type": "boolean",
                "description": "Whether a source gives the signing date.",
            },
            "scope": {**text, "description": "What the MOU covers, as reported."},
            "status": {"enum": list(STATUSES), "description": "Its status."},
            "parties": {
                "type": "array",
                "minItems": 2,
                "items": {"$ref": "#/$defs/party"},
                "description": "The cities that signed it, in the order the record lists them.",
            },
            "sources": {
                "type": "array",
                "minItems": 1,
                "items": {"$ref": "#/$defs/source"},
                "description": "The portal articles that report it.",
            },
        },
        "if": {"properties": {"signed": {"type": "null"}}},
        "then": {
            "properties": {
                "reported": {"$ref": "#/$defs/partial_date"},
                "date_known": {"const": False},
            }
        },
        "else": {"properties": {"date_known": {"const": True}}},
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_url,
        "title": "MOUs between cities",
        "description": "Memoranda of understanding between cities, as recorded on the "
        f"portal. Schema version {SCHEMA_VERSION}: a new minor version only adds "
        "optional fields; a new major version changes or removes fields.",
        "type": "object",
        "required": ["$schema", "version", "title", "url", "count", "mous"],
        "additionalProperties": False,
        "properties": {
            "$schema": {**text, "description": "The address of this schema."},
            "version": {
                "type": "string",
                "pattern": r"^1\.\d+\.\d+$",
                "description": "The schema version the file follows (semantic versioning).",
            },
            "title": {**text, "description": "The data set's title."},
            "url": {**text, "description": "The MOU timeline page."},
            "count": {
                "type": "integer",
                "minimum": 0,
                "description": "The number of MOUs in the file.",
            },
            "mous": {
                "type": "array",
                "items": {"$ref": "#/$defs/mou"},
                "description": "Every published MOU, oldest first; MOUs without a "
                "published date sort at their report date.",
            },
        },
        "$defs": {"mou": mou, "party": party, "source": source, "partial_date": partial},
    }


@dataclass(frozen=True)
class FieldDoc:
    """One documented field: its name, JSON type, whether required, and meaning."""

    name: str
    type: str
    required: bool
    description: str


def schema_tables(schema: dict[str, Any]) -> list[tuple[str, list[FieldDoc]]]:
    """The schema's objects as field tables for the documentation page."""
    objects = [("file", schema)] + [(name, spec) for name, spec in schema["$defs"].items()]
    tables = []
    for name, spec in objects:
        required = set(spec.get("required", ()))
        rows = [
            FieldDoc(
                field_name,
                _type_of(field_spec),
                field_name in required,
                field_spec.get("description", ""),
            )
            for field_name, field_spec in spec["properties"].items()
        ]
        tables.append((name, rows))
    return tables


def _type_of(spec: dict[str, Any]) -> str:
    if "$ref" in spec:
        return spec["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in spec:
        return " | ".join(_type_of(option) for option in spec["anyOf"])
    if "enum" in spec:
        return " | ".join(f'"{value}"' for value in spec["enum"])
    if spec.get("type") == "array":
        return f"array of {_type_of(spec['items'])}"
    return str(spec.get("type", "any"))


def mou_json(page: Any, portal: Any, base: str) -> dict[str, Any]:
    """One MOU as an object of mous.json."""
    record = page.record
    parties = []
    for slug in record.parties:
        city_page = portal.city(slug)
        city = city_page.record
        parties.append(
            {
                "id": city.slug,
                "name": city.name,
                "kind": city.kind,
                "country": city.country,
                "country_name": city.country_name("en"),
                "region": city.region,
                "url": site_url(base, city_page.url),
                "latitude": city.coordinates.lat,
                "longitude": city.coordinates.lon,
            }
        )
    sources = []
    for article_id in record.sources:
        article = portal.article(article_id)
        sources.append(
            {
                "id": article_id,
                "title": article.title,
                "url": site_url(base, article.url),
                "published": article.date.date().isoformat(),
            }
        )
    return {
        "id": record.slug,
        "title": record.title,
        "url": site_url(base, page.url),
        "signed": partial_date(record.signed),
        "reported": partial_date(record.reported),
        "date_known": record.date_known,
        "scope": record.scope,
        "status": record.status,
        "parties": parties,
        "sources": sources,
    }


def mous_document(
    mous: Iterable[Any],
    portal: Any,
    base: str,
    *,
    title: str,
    timeline_url: str,
    schema_url: str,
) -> dict[str, Any]:
    """mous.json: every MOU (oldest first) with its parties and sources."""
    items = [mou_json(page, portal, base) for page in mous]
    return {
        "$schema": schema_url,
        "version": SCHEMA_VERSION,
        "title": title,
        "url": timeline_url,
        "count": len(items),
        "mous": items,
    }


# --------------------------------------------------------------------------
# mous.csv


@dataclass(frozen=True)
class Column:
    name: str
    description: str


CSV_COLUMNS = (
    Column("id", "The MOU's slug; the same as id in mous.json."),
    Column("title", "The MOU's title."),
    Column("url", "The MOU's page."),
    Column(
        "signed",
        "Signing date at its known precision (YYYY, YYYY-MM or "
        "YYYY-MM-DD); empty when no source gives it.",
    ),
    Column("signed_precision", "year, month, day or minute; empty when the date is not published."),
    Column("reported", "Date of the earliest report, when recorded."),
    Column("date_known", "true when a source gives the signing date, else false."),
    Column("parties", "City slugs of the parties, separated by '; '."),
    Column("party_names", "Names of the parties, in the same order."),
    Column("countries", "ISO 3166-1 alpha-2 codes of the parties, in the same order."),
    Column("regions", "World regions of the parties, in the same order."),
    Column("scope", "What the MOU covers, as reported."),
    Column("status", "signed, in force, expired, terminated or draft."),
    Column("sources", "Ids of the portal articles that report it, separated by '; '."),
    Column("source_urls", "Pages of those articles, in the same order."),
)


def csv_row(page: Any, portal: Any, base: str) -> list[str]:
    record = page.record
    cities = [portal.city(slug).record for slug in record.parties]
    articles = [portal.article(article_id) for article_id in record.sources]
    row = {
        "id": record.slug,
        "title": record.title,
        "url": site_url(base, page.url),
        "signed": record.signed.iso if record.signed else "",
        "signed_precision": PRECISIONS[record.signed.precision] if record.signed else "",
        "reported": record.reported.iso if record.reported else "",
        "date_known": "true" if record.date_known else "false",
        "parties": LIST_SEPARATOR.join(record.parties),
        "party_names": LIST_SEPARATOR.join(city.name for city in cities),
        "countries": LIST_SEPARATOR.join(city.country for city in cities),
        "regions": LIST_SEPARATOR.join(city.region for city in cities),
        "scope": record.scope,
        "status": record.status,
        "sources": LIST_SEPARATOR.join(record.sources),
        "source_urls": LIST_SEPARATOR.join(site_url(base, a.url) for a in articles),
    }
    return [row[column.name] for column in CSV_COLUMNS]


def mous_csv(mous: Iterable[Any], portal: Any, base: str) -> str:
    """mous.csv: a header row, then one row per MOU, oldest first (RFC 4180)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.name for column in CSV_COLUMNS])
    for page in mous:
        writer.writerow(csv_row(page, portal, base))
    return buffer.getvalue()


# --------------------------------------------------------------------------
# timeline.json (Knight Lab TimelineJS3)


def timeline_date(date: PartialDate) -> dict[str, int]:
    """A TimelineJS date object with only the parts that are known."""
    parts = {"year": date.year}
    if date.month is not None:
        parts["month"] = date.month
    if date.day is not None:
        parts["day"] = date.day
    if date.time is not None:
        parts["hour"] = date.time.hour
        parts["minute"] = date.time.minute
    return parts


def partner_group(page: Any, portal: Any) -> str:
    """The TimelineJS group: the region(s) of the partners.

    The partners are every party after the first, the city whose MOU it is.
    """
    regions = sorted({portal.city(slug).record.region for slug in page.record.parties[1:]})
    return " / ".join(regions)


def timeline_event(page: Any, portal: Any, base: str) -> dict[str, Any]:
    record = page.record
    names = [portal.city(slug).record.name for slug in record.parties]
    paragraphs = []
    if record.signed is None:
        paragraphs.append(
            f"The signing date has not been published; the earliest report of this MOU "
            f"is dated {record.reported.display('en')}, and it is placed at that date."
        )
    paragraphs.append(f"Parties: {', '.join(names)}.")
    paragraphs.append(f"Scope: {record.scope.rstrip('.')}.")
    paragraphs.append(f"Status: {record.status}.")
    html = "".join(f"<p>{_text(text)}</p>" for text in paragraphs)
    links = []
    for article_id in record.sources:
        article = portal.article(article_id)
        links.append(f'<a href="{escape(site_url(base, article.url))}">{_text(article.title)}</a>')
    html += f"<p>Sources: {', '.join(links)}.</p>"
    html += f'<p><a href="{escape(site_url(base, page.url))}">The MOU on the portal</a></p>'
    event: dict[str, Any] = {
        "start_date": timeline_date(record.when),
        "text": {"headline": _text(record.title), "text": html},
        "group": partner_group(page, portal),
        "unique_id": record.slug,
    }
    if record.signed is None:
        event["display_date"] = f"Date not published; reported by {record.reported.display('en')}"
    return event


def timeline_document(
    mous: Iterable[Any], portal: Any, base: str, *, headline: str, text: str
) -> dict[str, Any]:
    """timeline.json: a title slide and one event per MOU, oldest first."""
    return {
        "title": {"text": {"headline": _text(headline), "text": f"<p>{_text(text)}</p>"}},
        "events": [timeline_event(page, portal, base) for page in mous],
    }


def _text(value: str) -> str:
    """Text for TimelineJS's HTML fields: markup characters escaped, quotes kept."""
    return escape(value, quote=False)
