"""The content model: every content type's fields, parsed once into typed records.

Each content type is a table of `Field`s — name, parser, required, list or single —
in the manner of Pelican's METADATA_PROCESSORS. `parse_record()` turns the raw
`Field: value` lines of one file into a typed record (`ArticleMeta`, `City`, `Mou`,
`Event`, `PageMeta`) or a list of `Problem`s naming file, line and field.
References between records (an article's cities, an MOU's parties and sources) are
checked once all files are read, by `check_references()`.

Plugins, templates and checks use these records; nothing parses metadata again.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from babel import Locale

from .dates import DateError, PartialDate, get_zone, parse_partial_date
from .slugs import slugify

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file, printed like a compiler message."""

    path: str
    line: int
    field: str
    message: str
    severity: str = ERROR

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.message}"


class FieldError(ValueError):
    """Raised by a field parser; the message says what is allowed and what came."""


class ContentError(Exception):
    """A content file that cannot be published; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# --------------------------------------------------------------------------
# Settings the parsers depend on


@dataclass(frozen=True)
class ModelSettings:
    """The settings the model reads, taken once from Pelican's settings."""

    timezone: dt.tzinfo
    default_lang: str = "en"
    languages: tuple[str, ...] = ("en", "de")
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()  # empty: any tag is allowed
    regions: tuple[str, ...] = (
        "Africa",
        "Asia",
        "Europe",
        "Latin America",
        "North America",
        "Oceania",
    )

    @classmethod
    def from_pelican(cls, settings: Mapping[str, Any]) -> ModelSettings:
        portal = settings.get("PORTAL", {})
        zone_name = settings.get("TIMEZONE")
        if not zone_name:
            raise FieldError("TIMEZONE is not set in the settings: dates need a zone")
        kwargs: dict[str, Any] = {
            "timezone": get_zone(zone_name),
            "default_lang": settings.get("DEFAULT_LANG", "en"),
        }
        for key in ("languages", "categories", "tags", "regions"):
            if key in portal:
                kwargs[key] = tuple(portal[key])
        return cls(**kwargs)


# --------------------------------------------------------------------------
# Typed values


@dataclass(frozen=True)
class Source:
    """An outside publication an article is based on."""

    publisher: str
    date: PartialDate
    url: str | None = None


@dataclass(frozen=True)
class Image:
    path: str
    alt: str


@dataclass(frozen=True)
class Coordinates:
    lat: float
    lon: float


@dataclass(frozen=True)
class Ranking:
    """One rank in one edition of a survey, as one source reports it."""

    year: int
    rank: int
    survey: str
    ranked_by: str
    source: str  # an article Id


# --------------------------------------------------------------------------
# Records: one per content file


@dataclass
class Record:
    """What every record has: where it came from and where each field stood."""

    path: str
    slug: str
    lines: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    def line_of(self, field_name: str) -> int:
        return self.lines.get(field_name.lower(), 1)


@dataclass
class ArticleMeta(Record):
    title: str = ""
    id: str = ""
    date: dt.datetime | None = None
    modified: dt.datetime | None = None
    category: str = ""
    tags: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    lang: str = "en"
    summary: str = ""
    authors: tuple[str, ...] = ()
    image: Image | None = None
    status: str = "published"


@dataclass
class City(Record):
    name: str = ""
    country: str = ""  # ISO 3166-1 alpha-2
    region: str = ""
    coordinates: Coordinates | None = None
    kind: str = "city"
    population: int | None = None
    website: str | None = None
    wego_role: str | None = None
    wego_since: PartialDate | None = None
    rankings: tuple[Ranking, ...] = ()

    def country_name(self, lang: str = "en") -> str:
        """The country's name in `lang`, from CLDR."""
        return Locale.parse(lang).territories.get(self.country, self.country)


@dataclass
class Mou(Record):
    parties: tuple[str, ...] = ()
    signed: PartialDate | None = None  # None: no source gives the date
    reported: PartialDate | None = None
    scope: str = ""
    status: str = "signed"
    sources: tuple[str, ...] = ()  # article Ids
    title: str = ""

    @property
    def date_known(self) -> bool:
        return self.signed is not None

    @property
    def when(self) -> PartialDate:
        """The date to place the MOU at: its signing, else "by" its first report."""
        if self.signed is not None:
            return self.signed
        assert self.reported is not None
        return PartialDate(self.reported.year, self.reported.month, self.reported.day, bound=True)

    @property
    def sort_key(self) -> tuple:
        return (self.when.sort_key, self.slug)


@dataclass
class Event(Record):
    title: str = ""
    start: PartialDate | None = None
    end: PartialDate | None = None
    location: str = ""
    city: str = ""
    organizer: str = ""
    sources: tuple[str, ...] = ()
    summary: str = ""
    url: str | None = None

    @property
    def last_day(self) -> dt.date:
        """The last calendar day the event can cover, at its own precision."""
        return (self.end or self.start).last_day()

    @property
    def sort_key(self) -> tuple:
        return (self.start.sort_key if self.start else (), self.slug)


@dataclass
class PageMeta(Record):
    title: str = ""
    lang: str = "en"
    summary: str = ""
    status: str = "published"


# --------------------------------------------------------------------------
# Field parsers: (text, settings) -> value, raising FieldError

Parser = Callable[[str, ModelSettings], Any]


def text(value: str, _: ModelSettings) -> str:
    value = " ".join(value.split())
    if not value:
        raise FieldError("must not be empty")
    return value


def identifier(value: str, _: ModelSettings) -> str:
    value = value.strip()
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", value):
        raise FieldError(
            f"expected lower-case letters, digits and hyphens (like "
            f"'2009-seoul-mous'), got {value!r}"
        )
    return value


def slug_field(value: str, _: ModelSettings) -> str:
    slug = slugify(value)
    if not slug:
        raise FieldError(f"cannot make a URL slug from {value!r}")
    return slug


def comma_list(item: Parser) -> Parser:
    def parse(value: str, settings: ModelSettings) -> tuple:
        items = [part.strip() for part in value.replace("\n", ",").split(",")]
        return tuple(item(part, settings) for part in items if part)

    parse.__doc__ = f"comma-separated list of {item.__name__}"
    return parse


def line_list(item: Parser) -> Parser:
    def parse(value: str, settings: ModelSettings) -> tuple:
        return tuple(item(line, settings) for line in value.splitlines() if line.strip())

    return parse


def one_of(choices_of: Callable[[ModelSettings], Iterable[str]]) -> Parser:
    """A value from a fixed or configured vocabulary, matched case-insensitively."""

    def parse(value: str, settings: ModelSettings) -> str:
        choices = tuple(choices_of(settings))
        value = " ".join(value.split())
        for choice in choices:
            if choice.lower() == value.lower():
                return choice
        raise FieldError(f"expected one of: {', '.join(choices)} but received: {value!r}")

    return parse


def tag(value: str, settings: ModelSettings) -> str:
    """A tag as written; one of `PORTAL["tags"]` (in any case) when that is set."""
    value = text(value, settings)
    if not settings.tags or value.lower() in {choice.lower() for choice in settings.tags}:
        return value
    close = difflib.get_close_matches(value, list(settings.tags), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise FieldError(
        f"{value!r} is not one of the configured tags ({', '.join(settings.tags)}){hint}"
    )


def date_only(value: str, settings: ModelSettings) -> PartialDate:
    try:
        return parse_partial_date(value, settings.timezone)
    except DateError as exc:
        raise FieldError(str(exc)) from None


def publication_datetime(value: str, settings: ModelSettings) -> dt.datetime:
    """A full day or a minute: an article's Date and Modified."""
    date = date_only(value, settings)
    if date.day is None:
        raise FieldError(f"needs at least a day (YYYY-MM-DD), got {value.strip()!r}")
    return date.earliest(settings.timezone)


def unknown_or_date(value: str, settings: ModelSettings) -> PartialDate | None:
    if value.strip().lower() == "unknown":
        return None
    return date_only(value, settings)


def source(value: str, settings: ModelSettings) -> Source:
    parts = [part.strip() for part in value.split("|")]
    if len(parts) not in (2, 3) or not parts[0]:
        raise FieldError(f"expected 'publisher | date | optional URL', got {value.strip()!r}")
    url = url_field(parts[2], settings) if len(parts) == 3 and parts[2] else None
    return Source(parts[0], date_only(parts[1], settings), url)


def url_field(value: str, _: ModelSettings) -> str:
    value = value.strip()
    parsed = urlsplit(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise FieldError(f"expected an http(s) URL, got {value!r}")
    return value


def image(value: str, _: ModelSettings) -> Image:
    path, sep, alt = value.partition("|")
    path, alt = path.strip(), alt.strip()
    if not sep or not path or not alt:
        raise FieldError(
            f"expected 'path | alt text' (alt text is required), got {value.strip()!r}"
        )
    if "://" in path or path.startswith("/") or ".." in path.split("/"):
        raise FieldError(f"expected a path under content/, got {path!r}")
    return Image(path, alt)


def country(value: str, _: ModelSettings) -> str:
    code = value.strip().upper()
    territories = Locale.parse("en").territories
    if not re.fullmatch(r"[A-Z]{2}", code) or code not in territories:
        raise FieldError(f"expected an ISO 3166-1 alpha-2 code like 'KR', got {value.strip()!r}")
    return code


def coordinates(value: str, _: ModelSettings) -> Coordinates:
    try:
        lat_text, lon_text = (part.strip() for part in value.split(","))
        lat, lon = float(lat_text), float(lon_text)
    except ValueError:
        raise FieldError(
            f"expected 'latitude, longitude' in decimal degrees, got {value.strip()!r}"
        ) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise FieldError(f"{value.strip()!r} is outside the globe")
    return Coordinates(lat, lon)


def positive_int(value: str, _: ModelSettings) -> int:
    digits = value.strip().replace(",", "").replace("_", "")
    if not re.fullmatch(r"[0-9]+", digits) or int(digits) <= 0:  # not "²": isdigit() is
        raise FieldError(f"expected a positive whole number, got {value.strip()!r}")
    return int(digits)


def ranking(value: str, settings: ModelSettings) -> Ranking:
    parts = [part.strip() for part in value.split("|")]
    if len(parts) != 5 or not all(parts):
        raise FieldError(
            "expected 'year | rank | survey | ranked by | source article Id', "
            f"got {value.strip()!r}"
        )
    year, rank, survey, ranked_by, source_id = parts
    if not re.fullmatch(r"\d{4}", year):
        raise FieldError(f"expected a four-digit survey year, got {year!r}")
    return Ranking(
        int(year),
        positive_int(rank, settings),
        survey,
        ranked_by,
        identifier(source_id, settings),
    )


# --------------------------------------------------------------------------
# The tables


@dataclass(frozen=True)
class Field:
    """One metadata field of one content type."""

    name: str  # as editors write it, e.g. "Wego-Since"
    parse: Parser
    required: bool = False
    doc: str = ""

    @cached_property
    def key(self) -> str:
        return self.name.lower()

    @cached_property
    def attr(self) -> str:
        return self.key.replace("-", "_")


LANGUAGES = one_of(lambda s: s.languages)
PUBLICATION_STATUS = one_of(lambda _: ("published", "draft"))

ARTICLE_FIELDS = (
    Field("Title", text, True, "headline"),
    Field("Id", identifier, True, "permanent story identifier, shared by translations"),
    Field("Date", publication_datetime, True, "first publication on the portal"),
    Field("Modified", publication_datetime),
    Field("Category", one_of(lambda s: s.categories), True),
    Field("Tags", comma_list(tag), doc="from PORTAL['tags'] when that vocabulary is set"),
    Field("Cities", comma_list(identifier), doc="city slugs"),
    Field("Source", line_list(source), True, "publisher | date | optional URL"),
    Field("Lang", LANGUAGES),
    Field("Summary", text, True),
    Field("Authors", comma_list(text)),
    Field("Image", image),
    Field("Slug", slug_field),
    Field("Status", PUBLICATION_STATUS),
)

CITY_FIELDS = (
    Field("Name", text, True),
    Field("Country", country, True, "ISO 3166-1 alpha-2"),
    Field("Region", one_of(lambda s: s.regions), True),
    Field("Coordinates", coordinates, True, "latitude, longitude"),
    Field("Kind", one_of(lambda _: ("city", "département", "local government"))),
    Field("Population", positive_int),
    Field("Website", url_field),
    Field("Wego-Role", text),
    Field("Wego-Since", date_only),
    Field("Rankings", line_list(ranking)),
    Field("Slug", slug_field),
)

MOU_FIELDS = (
    Field("Parties", comma_list(identifier), True, "two or more city slugs"),
    Field("Signed", unknown_or_date, True, "a date, or 'unknown'"),
    Field("Reported", date_only, doc="required when Signed is unknown"),
    Field("Scope", text, True),
    Field(
        "Status",
        one_of(lambda _: ("signed", "in force", "expired", "terminated", "draft")),
        True,
    ),
    Field("Sources", comma_list(identifier), True, "article Ids"),
    Field("Title", text),
    Field("Slug", slug_field),
)

EVENT_FIELDS = (
    Field("Title", text, True),
    Field("Start", date_only, True),
    Field("End", date_only),
    Field("Location", text, True),
    Field("City", identifier, True, "a city slug"),
    Field("Organizer", text, True),
    Field("Sources", comma_list(identifier), True, "article Ids"),
    Field("Summary", text),
    Field("Url", url_field),
    Field("Slug", slug_field),
)

PAGE_FIELDS = (
    Field("Title", text, True),
    Field("Slug", slug_field),
    Field("Lang", LANGUAGES),
    Field("Summary", text),
    Field("Status", PUBLICATION_STATUS),
)


@dataclass(frozen=True)
class ContentType:
    """A content type: its folder under content/, its fields and its record class."""

    name: str
    folder: str
    fields: tuple[Field, ...]
    record: type[Record]

    def field(self, key: str) -> Field | None:
        return self._fields_by_key.get(key.lower())

    @cached_property
    def _fields_by_key(self) -> dict[str, Field]:
        by_key: dict[str, Field] = {}
        for spec in self.fields:
            by_key.setdefault(spec.key, spec)  # the first of a key, as a scan would find
        return by_key


CONTENT_TYPES = {
    ct.name: ct
    for ct in (
        ContentType("article", "articles", ARTICLE_FIELDS, ArticleMeta),
        ContentType("city", "cities", CITY_FIELDS, City),
        ContentType("mou", "mous", MOU_FIELDS, Mou),
        ContentType("event", "events", EVENT_FIELDS, Event),
        ContentType("page", "pages", PAGE_FIELDS, PageMeta),
    )
}


def content_type_for(relative_path: str) -> ContentType | None:
    """The content type of a file, from its first folder under content/."""
    folder = relative_path.replace("\\", "/").split("/", 1)[0]
    return next((ct for ct in CONTENT_TYPES.values() if ct.folder == folder), None)


# --------------------------------------------------------------------------
# Parsing one file's fields


@dataclass(frozen=True)
class RawField:
    """A field as written: its name as typed, its text and the line it starts on."""

    name: str
    value: str
    line: int


def parse_record(
    content_type: ContentType,
    raw: Iterable[RawField],
    path: str,
    settings: ModelSettings,
    *,
    default_slug: str = "",
) -> tuple[Record | None, list[Problem]]:
    """Parse one file's fields into its record, or say everything that is wrong."""
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for item in raw:
        spec = content_type.field(item.name)
        if spec is None:
            problems.append(
                Problem(path, item.line, item.name, _unknown_field(item.name, content_type))
            )
            continue
        if spec.key in lines:
            problems.append(
                Problem(
                    path,
                    item.line,
                    spec.name,
                    f"given twice (first on line {lines[spec.key]})",
                )
            )
            continue
        lines[spec.key] = item.line
        try:
            values[spec.attr] = spec.parse(item.value, settings)
        except FieldError as exc:
            problems.append(Problem(path, item.line, spec.name, str(exc)))
    for spec in content_type.fields:
        if spec.required and spec.key not in lines:
            problems.append(Problem(path, 1, spec.name, f"is required for {content_type.name}s"))
    if problems:
        return None, problems
    record = _build(content_type, values, path, lines, settings, default_slug)
    problems.extend(_check_record(record))
    return (None if any(p.severity == ERROR for p in problems) else record), problems


def _unknown_field(name: str, content_type: ContentType) -> str:
    names = [f.name for f in content_type.fields]
    close = difflib.get_close_matches(name.title(), names, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else f"; known fields: {', '.join(names)}"
    return f"unknown field for {content_type.name}s{hint}"


def _build(
    content_type: ContentType,
    values: dict[str, Any],
    path: str,
    lines: dict[str, int],
    settings: ModelSettings,
    default_slug: str,
) -> Record:
    values = dict(values)
    slug = values.pop("slug", None)
    if content_type.name == "article":
        values["sources"] = values.pop("source")
        values.setdefault("lang", settings.default_lang)
        slug = slug or slugify(values["title"])
    elif content_type.name == "page":
        values.setdefault("lang", settings.default_lang)
        slug = slug or slugify(values["title"])
    elif content_type.name == "city":
        slug = slug or slugify(values["name"])
    elif content_type.name == "mou":
        slug = slug or default_slug
    elif content_type.name == "event":
        slug = slug or default_slug or slugify(values["title"])
    return content_type.record(path=path, slug=slug, lines=lines, **values)


def _check_record(record: Record) -> list[Problem]:
    """Rules within one record (rules across records: check_references)."""
    problems = []

    def problem(field_name: str, message: str) -> None:
        problems.append(Problem(record.path, record.line_of(field_name), field_name, message))

    if isinstance(record, ArticleMeta):
        if record.modified and record.date and record.modified < record.date:
            problem("Modified", "is before Date")
    elif isinstance(record, Mou):
        if len(record.parties) < 2:
            problem("Parties", f"needs two or more cities, got {len(record.parties)}")
        seen = set()
        for party in record.parties:
            if party in seen:
                problem("Parties", f"names {party!r} twice")
            seen.add(party)
        if not record.sources:
            problem("Sources", "needs at least one source article Id")
        cited = set()
        for ref in record.sources:
            if ref in cited:
                problem("Sources", f"names {ref!r} twice")
            cited.add(ref)
        if record.signed is None and record.reported is None:
            problems.append(
                Problem(
                    record.path,
                    record.line_of("Signed"),
                    "Reported",
                    "is required when Signed is unknown",
                )
            )
        if record.signed and record.reported and record.reported < record.signed:
            problem("Reported", "is before Signed")
        if not record.title:
            record.title = " – ".join(p.replace("-", " ").title() for p in record.parties)
    elif isinstance(record, Event) and record.end and record.start and record.end < record.start:
        problem("End", "is before Start")
    return problems


# --------------------------------------------------------------------------
# References across records


def check_references(
    articles: Iterable[ArticleMeta],
    cities: Mapping[str, City],
    mous: Iterable[Mou],
    events: Iterable[Event],
) -> list[Problem]:
    """Every reference must name a record that exists; every slug is unique."""
    problems: list[Problem] = []
    articles, mous, events = list(articles), list(mous), list(events)
    article_ids = {a.id for a in articles}
    # What a source Id that is no article's Id names instead, for a clearer message.
    not_articles = {e.slug: "an event" for e in events}
    not_articles.update({m.slug: "an MOU" for m in mous})
    not_articles.update({slug: "a city" for slug in cities})

    def need(record: Record, field_name: str, ref: str, pool: Iterable[str], what: str) -> None:
        if ref not in pool:
            if what == "source article" and ref in not_articles:
                message = (
                    f"{ref!r} is {not_articles[ref]}, not an article; a source is an article's Id"
                )
            else:
                hint = difflib.get_close_matches(ref, list(pool), n=1)
                suffix = f"; did you mean '{hint[0]}'?" if hint else ""
                message = f"unknown {what} {ref!r}{suffix}"
            problems.append(Problem(record.path, record.line_of(field_name), field_name, message))

    for article in articles:
        for slug in article.cities:
            need(article, "Cities", slug, cities, "city")
    for city in cities.values():
        for rank in city.rankings:
            need(city, "Rankings", rank.source, article_ids, "source article")
    for mou in mous:
        for party in mou.parties:
            need(mou, "Parties", party, cities, "city")
        for ref in mou.sources:
            need(mou, "Sources", ref, article_ids, "source article")
    for event in events:
        need(event, "City", event.city, cities, "city")
        for ref in event.sources:
            need(event, "Sources", ref, article_ids, "source article")
    problems.extend(_duplicate_slugs("article", [(a.lang, a.slug, a) for a in articles]))
    problems.extend(_duplicate_slugs("MOU", [("", m.slug, m) for m in mous]))
    problems.extend(_duplicate_slugs("event", [("", e.slug, e) for e in events]))
    id_lang: dict[tuple[str, str], ArticleMeta] = {}
    for article in articles:
        first = id_lang.setdefault((article.id, article.lang), article)
        if first is not article:
            problems.append(
                Problem(
                    article.path,
                    article.line_of("Id"),
                    "Id",
                    f"{article.id!r} in {article.lang!r} is already used by {first.path}",
                )
            )
    return problems


def _duplicate_slugs(what: str, items: list[tuple[str, str, Record]]) -> list[Problem]:
    seen: dict[tuple[str, str], Record] = {}
    problems = []
    for lang, slug, record in items:
        first = seen.setdefault((lang, slug), record)
        if first is not record:
            problems.append(
                Problem(
                    record.path,
                    record.line_of("Slug") if "slug" in record.lines else 1,
                    "Slug",
                    f"{what} slug {slug!r} is already used by {first.path}",
                )
            )
    return problems
