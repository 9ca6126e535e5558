"""What `partials/head_seo.html` puts in `<head>`: canonical link, OpenGraph, JSON-LD.

`head_for(context, config)` looks at the template context of the page being
rendered (`article`, `page`, `city`, `event`, `mou`, or a listing), and returns a
`SeoHead` of plain values the partial prints. The page's own URL comes from
`output_file`, so every page type, paginated ones included, gets its canonical
URL without a per-template setting.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from babel.core import get_global
from markupsafe import Markup
from portal.model import ArticleMeta, City, Event, PageMeta

from . import structured
from .config import SeoConfig


@dataclass(frozen=True)
class SeoHead:
    canonical: str | None = None
    robots: str | None = None  # e.g. "noindex" for the 404 page
    og: list[tuple[str, str]] = field(default_factory=list)  # (property, content)
    json_ld: Markup = Markup("")


def page_url(output_file: str) -> str:
    """The URL (relative to the site root) a file is served at: folders end in /."""
    output_file = output_file.replace("\\", "/")
    if output_file == "index.html":
        return ""
    if output_file.endswith("/index.html"):
        return output_file[: -len("index.html")]
    return output_file


def main_item(ctx: Mapping[str, Any], url: str) -> tuple[str, Any]:
    """The content object the page at `url` is about, as ("article", article) etc.

    ("", None) for listings: a listing may have a `city` in its context too.
    """
    for kind in ("article", "page", "city", "mou", "event"):
        item = ctx.get(kind)
        if getattr(item, "record", None) is not None and getattr(item, "url", None) == url:
            return kind, item
    return "", None


def og_locale(lang: str) -> str:
    """OpenGraph's language_TERRITORY, from CLDR's likely subtags (de → de_DE)."""
    likely = get_global("likely_subtags").get(lang, "")
    parts = likely.split("_")
    territory = next((p for p in parts[1:] if len(p) == 2 and p.isupper()), "")
    return f"{lang}_{territory}" if territory else lang


def head_for(ctx: Mapping[str, Any], config: SeoConfig) -> SeoHead:
    """The canonical link, OpenGraph properties and JSON-LD of the page in `ctx`."""
    output_file = ctx.get("output_file") or ""
    url = page_url(output_file)
    lang = _page_lang(ctx, config)
    absolute = config.absolute(url)
    if output_file == "404.html":
        return SeoHead(robots="noindex")

    kind, item = main_item(ctx, url)
    article = item if kind == "article" else None
    city = item if kind == "city" else None
    event = item if kind == "event" else None
    mou = item if kind == "mou" else None
    page = item if kind == "page" else None
    portal = ctx.get("portal")
    og: list[tuple[str, str]] = [("og:site_name", config.sitename)]
    data: dict[str, Any] | None = None
    description = ctx.get("SITESUBTITLE") or ""

    if article is not None and isinstance(article.record, ArticleMeta):
        record: ArticleMeta = article.record
        description = record.summary
        og += [("og:type", "article"), ("og:title", record.title)]
        image_url = config.absolute(record.image.path) if record.image else None
        if image_url and record.image:
            og += [("og:image", image_url), ("og:image:alt", record.image.alt)]
        assert record.date is not None
        og.append(("article:published_time", record.date.isoformat()))
        if record.modified:
            og.append(("article:modified_time", record.modified.isoformat()))
        og.append(("article:section", record.category))
        og += [("article:tag", tag) for tag in record.tags]
        data = structured.news_article(
            record,
            sitename=config.sitename,
            site_author=config.author,
            url=absolute,
            home_url=config.absolute(""),
            image_url=image_url,
            cities=_cities(portal, record.cities, config),
            versions=[
                structured.Version(
                    t.lang,
                    t.title,
                    config.absolute(t.url),
                    t.lang == config.default_lang,
                )
                for t in getattr(article, "translations", ())
            ],
        )
    elif city is not None and isinstance(city.record, City):
        description = f"{city.record.name}, {city.record.country_name(lang)}"
        og += [("og:type", "website"), ("og:title", city.record.name)]
        data = structured.place(city.record, url=absolute)
    elif event is not None and isinstance(event.record, Event):
        record_event: Event = event.record
        description = record_event.summary or description
        og += [("og:type", "website"), ("og:title", record_event.title)]
        host = portal.city(record_event.city) if portal is not None else None
        data = structured.event(
            record_event, city=host.record if host is not None else None, url=absolute
        )
    elif mou is not None:
        description = mou.record.scope
        og += [("og:type", "website"), ("og:title", mou.record.title)]
    elif page is not None and isinstance(page.record, PageMeta):
        description = page.record.summary or description
        og += [("og:type", "website"), ("og:title", page.record.title)]
    else:
        og += [("og:type", "website"), ("og:title", config.sitename)]
        if _is_home(ctx, url):
            search = None
            if config.search_url_template and config.siteurl:
                search = config.absolute(config.search_url_template)
            data = structured.website(
                sitename=config.sitename,
                description=description,
                lang=lang,
                url=absolute,
                search_target=search,
            )
    if description:
        og.append(("og:description", description))
    og.append(("og:locale", og_locale(lang)))
    for version in _other_languages(ctx, item, lang):
        og.append(("og:locale:alternate", og_locale(version)))
    if absolute:
        og.append(("og:url", absolute))
    return SeoHead(canonical=absolute, og=og, json_ld=structured.json_ld_script(data))


def _page_lang(ctx: Mapping[str, Any], config: SeoConfig) -> str:
    lang = ctx.get("page_lang")
    if not lang:
        item = ctx.get("article") or ctx.get("page")
        lang = getattr(item, "lang", None)
    return lang or config.default_lang


def _is_home(ctx: Mapping[str, Any], url: str) -> bool:
    """The first page of the home page, or of a further language's home (/de/)."""
    if url == "":
        return True
    first = getattr(ctx.get("articles_page"), "number", 1) == 1
    return bool(ctx.get("language_home")) and first


def _other_languages(ctx: Mapping[str, Any], item: Any, lang: str) -> list[str]:
    """Languages this page also exists in: translations, or a generator's page_versions."""
    found = [t.lang for t in getattr(item, "translations", ())]
    found += [code for code, _url in ctx.get("page_versions") or ()]
    return sorted(set(found) - {lang})


def _cities(
    portal: Any, slugs: tuple[str, ...], config: SeoConfig
) -> list[tuple[City, str | None]]:
    found = []
    for slug in slugs:
        page = portal.city(slug) if portal is not None else None
        if page is not None:
            found.append((page.record, config.absolute(page.url)))
    return found
