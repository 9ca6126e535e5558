"""`invoke new`: start a content file in the right folder, named by convention.

    invoke new article "Seoul signs MOU with Kathmandu" --city seoul --city kathmandu
    invoke new article "Seoul unterzeichnet …" --lang de --original 2009-seoul-mous-june
    invoke new city "Kathmandu" --country NP --region Asia --coordinates "27.7172, 85.3240"
    invoke new mou "seoul kathmandu" --signed 2009-06-22
    invoke new event "WEGO general assembly" --start 2012-10 --city seoul
    invoke new page "Contact"

Every required field is filled: with what the command was given, with today's date
(in the site's TIMEZONE), with a fresh article Id, or with a placeholder that is
valid but marked `[TODO: …]` (`invoke check` warns about each one until it is
replaced). Articles and pages start as `Status: draft`, so an unfinished one is
never published; cities, MOUs and events have no draft state, so their placeholders
are valid values that are obviously wrong (Country `ZZ`, "Unknown Region").
References (cities, source articles) always name existing records, so the new file
passes `invoke check` as it is. An existing file is never overwritten.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for _path in (ROOT, ROOT / "plugins"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from portal.model import (  # noqa: E402
    CONTENT_TYPES,
    ArticleMeta,
    City,
    ContentError,
    Event,
    FieldError,
    ModelSettings,
    Mou,
    PageMeta,
    content_type_for,
    parse_record,
)
from portal.reader import decode_utf8, file_slug, split_header  # noqa: E402
from portal.slugs import slugify  # noqa: E402

from tools.build import load_settings  # noqa: E402

KINDS = ("article", "city", "mou", "event", "page")
MAX_SLUG = 60
TODO_BODY = "[TODO: {what}]"


class ScaffoldError(Exception):
    """The file cannot be created; the message says why and what to do."""


@dataclass
class Created:
    """A new content file and what the editor still has to fill in."""

    path: Path
    text: str
    todo: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------
# What exists


@dataclass
class Existing:
    """The records already under content/ (files with errors are left out)."""

    articles: list[ArticleMeta] = field(default_factory=list)
    cities: dict[str, City] = field(default_factory=dict)
    mous: list[Mou] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    pages: list[PageMeta] = field(default_factory=list)

    @classmethod
    def read(cls, content: Path, settings: ModelSettings) -> Existing:
        existing = cls()
        for path in sorted(content.rglob("*.md")):
            relative = path.relative_to(content).as_posix()
            content_type = content_type_for(relative)
            if content_type is None:
                continue
            try:
                text = decode_utf8(path.read_bytes(), relative)
            except (ContentError, OSError):
                continue
            fields, _body, _line, problems = split_header(text, relative)
            record, _problems = parse_record(
                content_type, fields, relative, settings, default_slug=file_slug(relative)
            )
            if record is None or problems:
                continue
            if isinstance(record, ArticleMeta):
                existing.articles.append(record)
            elif isinstance(record, City):
                existing.cities[record.slug] = record
            elif isinstance(record, Mou):
                existing.mous.append(record)
            elif isinstance(record, Event):
                existing.events.append(record)
            elif isinstance(record, PageMeta):
                existing.pages.append(record)
        return existing

    def newest_articles(self, default_lang: str, now: dt.datetime) -> list[ArticleMeta]:
        """Published originals, newest first (drafts and scheduled ones are left out)."""
        originals = [
            a
            for a in self.articles
            if a.lang == default_lang and a.status != "draft" and a.date and a.date <= now
        ]
        return sorted(originals, key=lambda a: (a.date, a.id), reverse=True)

    def article(self, article_id: str, lang: str) -> ArticleMeta | None:
        return next((a for a in self.articles if a.id == article_id and a.lang == lang), None)


# --------------------------------------------------------------------------
# The scaffolder


class Scaffolder:
    """Creates content files under `content`, checked against what exists there."""

    def __init__(
        self,
        content: str | os.PathLike[str] = ROOT / "content",
        settings_file: str | os.PathLike[str] = ROOT / "pelicanconf.py",
        today: dt.date | None = None,
    ):
        self.content = Path(content).resolve()
        self.settings = load_settings(settings_file, self.content)
        self.model = ModelSettings.from_pelican(self.settings)
        self.now = dt.datetime.now(self.model.timezone)
        self.today = today or self.now.date()
        self.existing = Existing.read(self.content, self.model)

    # -- articles and pages

    def article(
        self,
        title: str,
        *,
        lang: str | None = None,
        cities: Iterable[str] = (),
        category: str | None = None,
        original: str | None = None,
    ) -> Created:
        title = _clean(title, "a title")
        default = self.model.default_lang
        lang = self._language(lang)
        cities = self._cities(cities)
        category = self._choice("category", category, self.model.categories)
        natural = _short_slug(title)
        suffix = "" if lang == default else f".{lang}"
        folder = self.content / "articles" / f"{self.today.year}"
        if not original:
            self._refuse_existing(folder / f"{self.today.isoformat()}-{natural}{suffix}.md")
        slug = self._free_slug(natural, {a.slug for a in self.existing.articles if a.lang == lang})
        todo = []
        if original:
            source = self.existing.article(original, default)
            if source is None:
                raise ScaffoldError(
                    f"no {default!r} article has the Id {original!r}"
                    + _hint(original, [a.id for a in self.existing.articles if a.lang == default])
                )
            if lang == default:
                raise ScaffoldError(f"--original makes a translation: give --lang (not {lang!r})")
            if self.existing.article(original, lang):
                raise ScaffoldError(f"{original!r} already has a translation in {lang!r}")
            stem = Path(source.path).name.split(".", 1)[0]
            path = self.content / Path(source.path).parent / f"{stem}.{lang}.md"
            header = {
                "Title": title,
                **self._copied_header(source),
                "Summary": "[TODO: the original's summary, translated]",
                "Lang": lang,
                "Slug": slug,
            }
            todo.append("Summary and the text: translate them from " + source.path)
        else:
            article_id = self._free_slug(
                f"{self.today.year}-{_short_slug(title, 48)}",
                {a.id for a in self.existing.articles},
            )
            path = folder / f"{self.today.isoformat()}-{slug}{suffix}.md"
            header = {
                "Title": title,
                "Id": article_id,
                "Date": self.today.isoformat(),
                "Category": category,
                "Cities": ", ".join(cities),
                "Source": f"[TODO: publisher] | {self.today.isoformat()}",
                "Summary": "[TODO: one sentence for lists and feeds]",
                "Lang": "" if lang == default else lang,
                "Slug": slug,
            }
            todo += [
                "Source: the publisher, the date of its report and its URL",
                "Summary: one sentence",
                f"Category: {category} is the first configured category; change it if needed",
            ]
            if lang != default:
                todo.append(
                    f"a {lang!r} article is a translation: its {default!r} original needs "
                    f"the same Id ({article_id}), or use --original <Id>"
                )
        header["Status"] = "draft"
        todo.append("Status: remove the line (or write 'published') when it is ready")
        body = TODO_BODY.format(what="write the article")
        return self._write(path, header, body, todo)

    def _copied_header(self, source: ArticleMeta) -> dict[str, str]:
        """The original's facts, as written in its file (they are shared by translations)."""
        text = decode_utf8((self.content / source.path).read_bytes(), source.path)
        fields, _body, _line, _problems = split_header(text, source.path)
        keep = ("Id", "Date", "Category", "Tags", "Cities", "Source", "Image")
        spec = CONTENT_TYPES["article"]
        header: dict[str, str] = {}
        for item in fields:
            known = spec.field(item.name)
            if known is not None and known.name in keep:
                header[known.name] = item.value.replace("\n", "\n    ")
        return header

    def page(self, title: str, *, lang: str | None = None, original: str | None = None) -> Created:
        title = _clean(title, "a title")
        lang = self._language(lang)
        default = self.model.default_lang
        suffix = "" if lang == default else f".{lang}"
        if original:  # a translation: the original's Slug and file name
            slug = slugify(original)
            if not any(p.slug == slug and p.lang == default for p in self.existing.pages):
                raise ScaffoldError(
                    f"no {default!r} page has the Slug {original!r}"
                    + _hint(slug, [p.slug for p in self.existing.pages if p.lang == default])
                )
            if lang == default:
                raise ScaffoldError(f"--original makes a translation: give --lang (not {lang!r})")
        else:
            slug = _short_slug(title)
            self._refuse_existing(self.content / "pages" / f"{slug}{suffix}.md")
            slug = self._free_slug(slug, {p.slug for p in self.existing.pages if p.lang == lang})
        path = self.content / "pages" / f"{slug}{suffix}.md"
        header = {
            "Title": title,
            "Slug": slug,
            "Lang": "" if lang == default else lang,
            "Summary": "[TODO: one sentence about the page]",
            "Status": "draft",
        }
        todo = ["Summary: one sentence", "Status: remove the line when the page is ready"]
        return self._write(path, header, TODO_BODY.format(what="write the page"), todo)

    # -- cities, MOUs, events

    def city(
        self,
        name: str,
        *,
        country: str | None = None,
        region: str | None = None,
        coordinates: str | None = None,
    ) -> Created:
        name = _clean(name, "a name")
        slug = slugify(name)
        if not slug:
            raise ScaffoldError(f"cannot make a file name from {name!r}")
        if slug in self.existing.cities:
            raise ScaffoldError(
                f"the city {slug!r} exists already ({self.existing.cities[slug].path})"
            )
        spec = CONTENT_TYPES["city"]
        todo = []
        if country:
            country = self._parse(spec, "Country", country)
        else:
            country = "ZZ"
            todo.append("Country: ZZ ('Unknown Region') stands for the ISO code, like 'NP'")
        region = self._choice("region", region, self.model.regions)
        if coordinates:
            self._parse(spec, "Coordinates", coordinates)
        else:
            coordinates = "0, 0"
            todo.append("Coordinates: 0, 0 stands for 'latitude, longitude' in degrees")
        todo.append(f"Region: check it ({region})")
        header = {
            "Name": name,
            "Country": country,
            "Region": region,
            "Coordinates": coordinates,
            "Slug": slug,
        }
        body = TODO_BODY.format(what="write the city's profile; " + "; ".join(todo))
        return self._write(self.content / "cities" / f"{slug}.md", header, body, todo)

    def mou(
        self, parties: Sequence[str], *, signed: str | None = None, sources: Iterable[str] = ()
    ) -> Created:
        parties = self._cities(parties)
        if len(parties) < 2:
            raise ScaffoldError("an MOU needs two or more different cities")
        spec = CONTENT_TYPES["mou"]
        signed_date = self._parse(spec, "Signed", signed) if signed else None
        when = signed.strip() if signed_date else "unknown"
        sources = self._sources(sources, parties)
        slug = self._free_slug("-".join(parties), {m.slug for m in self.existing.mous})
        todo = ["Scope: what the parties agreed to"]
        header = {
            "Parties": ", ".join(parties),
            "Signed": when,
            "Reported": "" if signed_date else self.today.isoformat(),
            "Scope": "[TODO: what the parties agreed to]",
            "Status": "signed",
            "Sources": ", ".join(sources),
            "Slug": slug,
        }
        if not signed_date:
            todo.append("Reported: the date of the earliest report of the MOU (today for now)")
        todo.append(f"Sources: the articles that report it ({', '.join(sources)} for now)")
        body = TODO_BODY.format(what="describe the agreement; " + "; ".join(todo[1:]))
        path = self.content / "mous" / f"{when}-{'-'.join(parties)}.md"
        return self._write(path, header, body, todo)

    def event(
        self,
        title: str,
        *,
        start: str | None = None,
        city: str | None = None,
        sources: Iterable[str] = (),
    ) -> Created:
        title = _clean(title, "a title")
        spec = CONTENT_TYPES["event"]
        todo = ["Location: the venue or place", "Organizer: who organizes it"]
        if start:
            self._parse(spec, "Start", start)
            start = start.strip()
        else:
            start = self.today.isoformat()
            todo.append("Start: the first day (today for now)")
        if city:
            (city,) = self._cities([city])
        else:
            city = self._likely_city()
            todo.append(f"City: the city where it takes place ({city} for now)")
        sources = self._sources(sources, [city])
        todo.append(f"Sources: the articles that report it ({', '.join(sources)} for now)")
        self._refuse_existing(self.content / "events" / f"{start}-{_short_slug(title)}.md")
        slug = self._free_slug(_short_slug(title), {e.slug for e in self.existing.events})
        header = {
            "Title": title,
            "Start": start,
            "Location": "[TODO: venue or place]",
            "City": city,
            "Organizer": "[TODO: organizer]",
            "Sources": ", ".join(sources),
            "Slug": slug,
        }
        body = TODO_BODY.format(what="describe the event; " + "; ".join(todo[2:]))
        path = self.content / "events" / f"{start}-{slug}.md"
        return self._write(path, header, body, todo)

    # -- helpers

    def _refuse_existing(self, path: Path) -> None:
        if path.exists():
            raise ScaffoldError(f"{self._shown(path)} exists already; it was not overwritten")

    def _write(self, path: Path, header: dict[str, str], body: str, todo: list[str]) -> Created:
        lines = [f"{name}: {value}" for name, value in header.items() if value]
        text = "\n".join(lines) + "\n\n" + body + "\n"
        self._refuse_existing(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as handle:  # "x": never overwrite
            handle.write(text)
        return Created(path, text, todo)

    def _shown(self, path: Path) -> str:
        try:
            return path.relative_to(self.content.parent).as_posix()
        except ValueError:
            return str(path)

    def _language(self, lang: str | None) -> str:
        lang = (lang or self.model.default_lang).strip().lower()
        if lang not in self.model.languages:
            raise ScaffoldError(
                f"--lang must be one of: {', '.join(self.model.languages)} (got {lang!r})"
            )
        return lang

    def _cities(self, slugs: Iterable[str]) -> list[str]:
        found: list[str] = []
        for given in _split(slugs):
            slug = slugify(given)
            if slug not in self.existing.cities:
                raise ScaffoldError(
                    f"no city profile {given!r}"
                    + _hint(slug, list(self.existing.cities))
                    + '; to add one: invoke new city "Name"'
                )
            if slug not in found:
                found.append(slug)
        return found

    def _choice(self, what: str, given: str | None, choices: Sequence[str]) -> str:
        if not choices:
            raise ScaffoldError(f"no {what} is configured in the settings")
        if given is None:
            return choices[0]
        for choice in choices:
            if choice.lower() == given.strip().lower():
                return choice
        raise ScaffoldError(f"{what} must be one of: {', '.join(choices)} (got {given!r})")

    def _parse(self, spec: Any, field_name: str, value: str) -> Any:
        try:
            return spec.field(field_name).parse(value, self.model)
        except FieldError as exc:
            raise ScaffoldError(f"{field_name}: {exc}") from None

    def _sources(self, given: Iterable[str], cities: Sequence[str]) -> list[str]:
        default = self.model.default_lang
        ids = list(_split(given))
        known = {a.id for a in self.existing.articles if a.lang == default}
        for article_id in ids:
            if article_id not in known:
                raise ScaffoldError(
                    f"no article has the Id {article_id!r}" + _hint(article_id, list(known))
                )
        if ids:
            return ids
        newest = self.existing.newest_articles(default, self.now)
        if not newest:
            raise ScaffoldError(
                "a source article is required and there is none yet; "
                'write it first with: invoke new article "Title"'
            )
        wanted = set(cities)
        for fits in (wanted.issubset, wanted.intersection):  # all the cities, then any
            for article in newest:
                if fits(article.cities):
                    return [article.id]
        return [newest[0].id]

    def _likely_city(self) -> str:
        for article in self.existing.newest_articles(self.model.default_lang, self.now):
            for slug in article.cities:
                if slug in self.existing.cities:
                    return slug
        if not self.existing.cities:
            raise ScaffoldError('an event needs a city; create one with: invoke new city "Name"')
        return sorted(self.existing.cities)[0]

    @staticmethod
    def _free_slug(slug: str, taken: set[str]) -> str:
        candidate, number = slug, 2
        while candidate in taken:
            candidate = f"{slug}-{number}"
            number += 1
        return candidate


def _clean(text: str, what: str) -> str:
    text = " ".join(str(text).split())
    if not text:
        raise ScaffoldError(f"give {what}")
    return text


def _short_slug(text: str, limit: int = MAX_SLUG) -> str:
    slug = slugify(text)
    if not slug:
        raise ScaffoldError(f"cannot make a URL slug from {text!r}")
    while len(slug) > limit and "-" in slug:
        slug = slug.rsplit("-", 1)[0]
    return slug[:limit]


def _split(values: Iterable[str]) -> list[str]:
    """Values given as repeated options, comma- or space-separated, in order."""
    if isinstance(values, str):
        values = [values]
    found: list[str] = []
    for value in values:
        found += [part for part in str(value).replace(",", " ").split() if part]
    return found


def _hint(value: str, pool: list[str]) -> str:
    match = difflib.get_close_matches(value, pool, n=1)
    return f" (did you mean {match[0]!r}?)" if match else ""


def create(kind: str, name: str, scaffolder: Scaffolder, **options: Any) -> Created:
    """Dispatch `invoke new KIND NAME [options]` to the scaffolder."""
    if kind == "article":
        return scaffolder.article(
            name,
            lang=options.get("lang"),
            cities=options.get("city") or (),
            category=options.get("category"),
            original=options.get("original"),
        )
    if kind == "page":
        return scaffolder.page(name, lang=options.get("lang"), original=options.get("original"))
    if kind == "city":
        return scaffolder.city(
            name,
            country=options.get("country"),
            region=options.get("region"),
            coordinates=options.get("coordinates"),
        )
    if kind == "mou":
        parties = _split([name, *(options.get("party") or ())])
        return scaffolder.mou(
            parties, signed=options.get("signed"), sources=options.get("source") or ()
        )
    if kind == "event":
        cities = _split(options.get("city") or ())
        return scaffolder.event(
            name,
            start=options.get("start"),
            city=cities[0] if cities else None,
            sources=options.get("source") or (),
        )
    raise ScaffoldError(f"unknown kind {kind!r}; one of: {', '.join(KINDS)}")


def report_lines(created: Created, scaffolder: Scaffolder) -> list[str]:
    lines = [f"Created {scaffolder._shown(created.path)}"]
    if created.todo:
        lines.append("Still to fill in (marked [TODO: …] where the file has a placeholder):")
        lines += [f"  - {item}" for item in created.todo]
    lines.append("Then: invoke check   and   invoke livereload   (to preview it)")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Start a content file: " + ", ".join(KINDS))
    parser.add_argument("kind", choices=KINDS)
    parser.add_argument("name", nargs="+", help="title or name; for an MOU, the city slugs")
    parser.add_argument("--lang")
    parser.add_argument("--city", action="append")
    parser.add_argument("--category")
    parser.add_argument("--original", help="translation: the original's Id (page: Slug)")
    parser.add_argument("--country")
    parser.add_argument("--region")
    parser.add_argument("--coordinates")
    parser.add_argument("--signed")
    parser.add_argument("--source", action="append")
    parser.add_argument("--start")
    parser.add_argument("--content", default=str(ROOT / "content"))
    parser.add_argument("--settings", default=str(ROOT / "pelicanconf.py"))
    args = parser.parse_args(argv)
    options = vars(args)
    name = " ".join(options.pop("name"))
    try:
        scaffolder = Scaffolder(options.pop("content"), options.pop("settings"))
        created = create(options.pop("kind"), name, scaffolder, **options)
    except ScaffoldError as exc:
        print(f"new: {exc}", file=sys.stderr)
        return 1
    print("\n".join(report_lines(created, scaffolder)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
