"""JSON-LD (schema.org) for the portal's page types, built from the typed records.

Each builder takes plain values and returns a dict; `json_ld_script()` serialises
one with `json.dumps` and escapes `<`, `>` and `&`, so no value (a headline with
`</script>` in it) can end the script element early. A JSON-LD block is data, not
script: a Content-Security-Policy without 'unsafe-inline' still allows it.

URL-valued properties are given only when the site has an absolute URL
(`SEO["siteurl"]`); in development they are left out rather than made up.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup
from portal.model import ArticleMeta, City, Event, Source

CONTEXT = "https://schema.org"

# Characters that could end or confuse an HTML script element, as JSON escapes.
_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def json_ld_text(data: Mapping[str, Any]) -> str:
    """The JSON text of `data`, safe to place inside `<script>`."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False, separators=(",", ":"))
    for char, escape in _ESCAPES.items():
        text = text.replace(char, escape)
    return text


def json_ld_script(data: Mapping[str, Any] | None) -> Markup:
    """A `<script type="application/ld+json">` element, or nothing for None."""
    if not data:
        return Markup("")
    # json_ld_text() escaped every character that could matter in a script element.
    return Markup('<script type="application/ld+json">' + json_ld_text(data) + "</script>")


def _prune(data: dict[str, Any]) -> dict[str, Any]:
    """Drop properties without a value (None, "", empty lists)."""
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def organization(name: str, url: str | None = None) -> dict[str, Any]:
    return _prune({"@type": "Organization", "name": name, "url": url})


def citation(source: Source) -> dict[str, Any]:
    """An outside source an article is based on."""
    return _prune(
        {
            "@type": "CreativeWork",
            "publisher": organization(source.publisher),
            "datePublished": source.date.iso,
            "url": source.url,
        }
    )


@dataclass(frozen=True)
class Version:
    """Another language version of an article."""

    lang: str
    headline: str
    url: str | None
    original: bool  # the version in the site's default language


def news_article(
    record: ArticleMeta,
    *,
    sitename: str,
    site_author: str,
    url: str | None = None,
    home_url: str | None = None,
    image_url: str | None = None,
    cities: Iterable[tuple[City, str | None]] = (),
    versions: Iterable[Version] = (),
) -> dict[str, Any]:
    """A NewsArticle: dates, byline, language, section, sources and places."""
    assert record.date is not None
    authors = record.authors or (site_author,)
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "NewsArticle",
        "headline": record.title,
        "description": record.summary,
        "datePublished": record.date.isoformat(),
        "dateModified": (record.modified or record.date).isoformat(),
        "inLanguage": record.lang,
        "articleSection": record.category,
        "keywords": list(record.tags),
        "author": [
            organization(name) if name == site_author else {"@type": "Person", "name": name}
            for name in authors
            if name
        ],
        "publisher": organization(sitename, home_url),
        "citation": [citation(source) for source in record.sources],
        "contentLocation": [_place_ref(city, city_url) for city, city_url in cities],
        "url": url,
        "mainEntityOfPage": url,
        "image": image_url,
    }
    for version in versions:
        ref = _prune(
            {
                "@type": "NewsArticle",
                "headline": version.headline,
                "inLanguage": version.lang,
                "url": version.url,
            }
        )
        if version.original:
            data["translationOfWork"] = ref
        else:
            data.setdefault("workTranslation", []).append(ref)
    return _prune(data)


def _geo(city: City) -> dict[str, Any] | None:
    if city.coordinates is None:
        return None
    return {
        "@type": "GeoCoordinates",
        "latitude": city.coordinates.lat,
        "longitude": city.coordinates.lon,
    }


def _place_ref(city: City, url: str | None) -> dict[str, Any]:
    return _prune({"@type": "Place", "name": city.name, "url": url})


def place(city: City, *, url: str | None = None) -> dict[str, Any]:
    """A city or local government: a Place with its coordinates and country."""
    return _prune(
        {
            "@context": CONTEXT,
            "@type": "Place",
            "additionalType": "https://schema.org/City" if city.kind == "city" else None,
            "name": city.name,
            "geo": _geo(city),
            "address": {"@type": "PostalAddress", "addressCountry": city.country},
            "sameAs": city.website,
            "url": url,
        }
    )


def event(
    record: Event,
    *,
    city: City | None = None,
    url: str | None = None,
) -> dict[str, Any]:
    """An Event; start and end only as precise as they are known ("2008-07")."""
    assert record.start is not None
    address = {"@type": "PostalAddress", "addressLocality": city.name if city else None}
    if city is not None:
        address["addressCountry"] = city.country
    return _prune(
        {
            "@context": CONTEXT,
            "@type": "Event",
            "name": record.title,
            "description": record.summary,
            "startDate": record.start.iso,
            "endDate": record.end.iso if record.end else None,
            "location": _prune(
                {"@type": "Place", "name": record.location, "address": _prune(address)}
            ),
            "organizer": organization(record.organizer),
            "sameAs": record.url,
            "url": url,
        }
    )


def website(
    *,
    sitename: str,
    description: str,
    lang: str,
    url: str | None = None,
    search_target: str | None = None,
) -> dict[str, Any]:
    """The site itself, on its home page; a SearchAction when search has a URL."""
    action = None
    if search_target:
        action = {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": search_target},
            "query-input": "required name=search_term_string",
        }
    return _prune(
        {
            "@context": CONTEXT,
            "@type": "WebSite",
            "name": sitename,
            "description": description,
            "inLanguage": lang,
            "url": url,
            "potentialAction": action,
        }
    )
