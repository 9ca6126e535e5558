"""A deterministic synthetic corpus: the portal's content at any scale.

`generate(dest, CorpusSpec(articles=10_000))` writes a content folder that passes
every check of the content model: about 500 cities with countries, regions and
coordinates, 2,000 MOUs between them, events, and N articles (15% of them with a
German translation under the same Id) of about 700 words of Markdown with headings,
lists, links to other articles and to outside sources, and tables. Categories and
tags come from the `PORTAL` vocabulary in the settings. The same spec (and seed)
always gives byte-identical files.

It is what `invoke bench` builds and what the incremental-build tests change; the
helpers at the bottom make the changes an editor makes (edit a body, add, rename).

    python -m tools.corpus DEST --articles 1000
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _path in (ROOT, ROOT / "plugins"):  # `python tools/corpus.py` too, not only `-m`
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from portal.slugs import slugify  # noqa: E402

MARKER = ".corpus.json"  # dot files are not content; marks a folder as generated
FIRST_DAY = dt.date(2001, 1, 1)
LAST_DAY = dt.date(2025, 12, 31)

# ISO 3166-1 codes per region, with a rough box of coordinates (lat, lon ranges).
REGIONS: dict[str, tuple[tuple[str, ...], tuple[float, float], tuple[float, float]]] = {
    "Africa": (("KE", "NG", "ZA", "GH", "ET", "RW", "SN", "TZ", "EG", "MA"), (-34, 35), (-17, 50)),
    "Asia": (
        ("KR", "JP", "CN", "IN", "NP", "VN", "MN", "KZ", "TR", "ID", "PH", "TH"),
        (0, 55),
        (30, 145),
    ),
    "Europe": (
        ("DE", "FR", "ES", "PL", "IT", "NL", "SE", "FI", "AT", "EE", "PT", "CZ"),
        (36, 65),
        (-9, 40),
    ),
    "Latin America": (("BR", "MX", "AR", "CL", "CO", "PE", "UY", "EC"), (-50, 30), (-110, -35)),
    "North America": (("US", "CA"), (25, 60), (-125, -60)),
    "Oceania": (("AU", "NZ", "FJ"), (-45, -5), (110, 180)),
}

_ONSETS = (
    "b",
    "d",
    "g",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "z",
    "br",
    "kr",
    "st",
    "tr",
    "sh",
    "ch",
    "w",
    "h",
    "j",
    "ł",
    "ż",
    "š",
)
_VOWELS = ("a", "e", "i", "o", "u", "a", "e", "o", "ö", "é", "ã", "ü")
_CODAS = ("", "", "n", "r", "l", "m", "s", "k", "nd", "rg", "sk", "ng")
_SUFFIXES = ("", "", "", "", " City", "burg", "ville", "abad", "pur", "grad", "stad", "polis")

SERVICES = (
    "an open data portal",
    "online tax payment",
    "a digital identity card",
    "a citizen complaints app",
    "e-procurement",
    "a one-stop service centre",
    "smart parking sensors",
    "an online building permit system",
    "e-voting trials",
    "a municipal cloud",
    "free public Wi-Fi",
    "a 311 service line",
    "digital land registry",
    "an e-learning platform for civil servants",
    "online business registration",
    "a participatory budgeting website",
    "a geographic information system",
    "electronic health records",
    "a cyber security centre",
    "a recycled PC programme",
)
AGENCIES = (
    "the mayor's office",
    "the city council",
    "the IT department",
    "the chief information officer",
    "the e-government bureau",
    "the national ministry of interior",
    "a local university",
    "the World Bank",
    "UNDESA",
    "WEGO",
    "a regional development agency",
)
PUBLISHERS = (
    ("The Korea Herald", "https://www.koreaherald.com/"),
    ("Government Technology", "https://www.govtech.com/"),
    ("Le Monde", "https://www.lemonde.fr/"),
    ("El País", "https://elpais.com/"),
    ("Frankfurter Allgemeine", "https://www.faz.net/"),
    ("The Hindu", "https://www.thehindu.com/"),
    ("Daily Nation", "https://nation.africa/"),
    ("City press office", None),
    ("UN e-Government Survey", "https://publicadministration.un.org/"),
    ("Rutgers University-Newark", None),
)
_EN_SENTENCES = (
    "{city} has introduced {service}, {agency} announced on {date}.",
    "The project cost about {money} and was completed in {months} months.",
    "According to {agency}, more than {count} residents used the service in its first year.",
    "Officials in {city} said the system would be extended to {other} by {year}.",
    "The city first studied {service} after a visit to {other} in {year}.",
    "Critics argued that older residents could be left behind by {service}.",
    "{agency} plans to publish the source code so that other cities can reuse it.",
    "Staff from {other} spent {months} months in {city} to learn how the system works.",
    "The council approved a budget of {money} for the next phase.",
    "Usage grew by {percent} percent between {year} and the following year.",
    "The new portal answers about {count} requests a day, the city says.",
    "Both cities agreed to exchange staff and share technical documentation.",
    "A survey found that {percent} percent of users were satisfied with {service}.",
    "{city} ranked among the leading cities in a survey of municipal websites.",
    "The initiative is part of a wider plan to move paper forms online.",
    "Training sessions for civil servants were held in {city} and {other}.",
    "The mayor described {service} as a way to make the administration more open.",
    "Independent auditors reviewed the system before it went live.",
    "Data from the platform is released under an open licence every {months} months.",
    "{agency} said privacy safeguards had been reviewed by an outside panel.",
)
_DE_SENTENCES = (
    "{city} hat {service} eingeführt, teilte {agency} am {date} mit.",
    "Das Projekt kostete rund {money} und wurde in {months} Monaten abgeschlossen.",
    "Nach Angaben von {agency} nutzten im ersten Jahr mehr als {count} Einwohner den Dienst.",
    "Die Verwaltung von {city} will das System bis {year} auf {other} ausweiten.",
    "Die Stadt prüfte {service} erstmals nach einem Besuch in {other} im Jahr {year}.",
    "Kritiker befürchten, dass ältere Menschen bei {service} zurückbleiben.",
    "{agency} will den Quellcode veröffentlichen, damit andere Städte ihn nutzen können.",
    "Fachleute aus {other} verbrachten {months} Monate in {city}, um das System kennenzulernen.",
    "Der Stadtrat bewilligte {money} für die nächste Phase.",
    "Die Nutzung stieg zwischen {year} und dem Folgejahr um {percent} Prozent.",
    "Beide Städte vereinbarten einen Austausch von Personal und technischen Unterlagen.",
    "Eine Umfrage ergab, dass {percent} Prozent der Nutzer zufrieden waren.",
    "Die Initiative gehört zu einem größeren Plan, Papierformulare abzuschaffen.",
    "Unabhängige Prüfer haben das System vor dem Start begutachtet.",
)
_DE_SET = frozenset(_DE_SENTENCES)
_DE_AGENCIES = (
    "das Büro des Bürgermeisters",
    "der Stadtrat",
    "die IT-Abteilung",
    "der IT-Beauftragte der Stadt",
    "das Innenministerium",
    "eine örtliche Universität",
)
_EN_TITLES = (
    "{city} launches {service}",
    "{city} and {other} sign e-government agreement",
    "How {city} built {service}",
    "{city} tops regional e-government survey",
    "{other} studies {city}'s approach to {service}",
    "{city} hosts forum on digital cities",
    "{city} expands {service} to all districts",
    "Lessons from {city}'s move to {service}",
)
_DE_TITLES = (
    "{city} startet {service}",
    "{city} und {other} vereinbaren Zusammenarbeit",
    "Wie {city} {service} aufgebaut hat",
    "{city} führt regionale E-Government-Umfrage an",
)
_EN_HEADINGS = (
    "Background",
    "How it works",
    "Costs and funding",
    "What comes next",
    "Reactions",
    "Figures",
    "The partners",
    "Open questions",
)
_DE_HEADINGS = (
    "Hintergrund",
    "So funktioniert es",
    "Kosten",
    "Wie es weitergeht",
    "Reaktionen",
    "Zahlen",
    "Die Partner",
    "Offene Fragen",
)
_SCOPES = (
    "E-government cooperation: consulting, technical assistance and staff exchange",
    "Sharing of open data practice and joint training of civil servants",
    "Transfer of an online civil petition system",
    "Joint development of smart city services",
    "Cooperation on digital identity and online services",
)
_EVENT_KINDS = ("forum", "summit", "workshop", "conference", "assembly", "hackathon")
_WORDS_PER_ARTICLE = 700


@dataclass(frozen=True)
class CorpusSpec:
    """What to generate. Same spec, same bytes."""

    articles: int = 10_000
    cities: int = 500
    mous: int = 2_000
    events: int | None = None  # default: one per 25 articles, at least 5
    translation_share: float = 0.15
    seed: int = 2001
    categories: tuple[str, ...] = ()  # default: PORTAL["categories"] of pelicanconf.py
    tags: tuple[str, ...] = ()  # default: PORTAL["tags"]

    @property
    def event_count(self) -> int:
        return self.events if self.events is not None else max(5, self.articles // 25)


@dataclass
class Corpus:
    """What was written: counts and the article files (relative to the folder)."""

    root: Path
    spec: CorpusSpec
    articles: list[str] = field(default_factory=list)
    translations: list[str] = field(default_factory=list)
    cities: list[str] = field(default_factory=list)
    mous: int = 0
    events: int = 0

    @property
    def files(self) -> int:
        pages = len(self.articles) + len(self.translations) + len(self.cities)
        return pages + self.mous + self.events


@dataclass
class _Article:
    number: int
    date: dt.date
    slug: str
    id: str
    path: str
    cities: tuple[str, ...]
    de_path: str | None = None

    @classmethod
    def dated(cls, number: int, when: dt.date, slug: str, cities: tuple[str, ...]) -> _Article:
        """An article of `when`: its Id and file path follow from the date and slug."""
        path = f"articles/{when.year}/{when.isoformat()}-{slug}.md"
        return cls(number, when, slug, f"{when.year}-{slug}", path, cities)


def _vocabulary(spec: CorpusSpec) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if spec.categories and spec.tags:
        return spec.categories, spec.tags
    from tools.build import load_settings  # noqa: PLC0415 - Pelican loads slowly

    portal = load_settings().get("PORTAL", {})
    return (
        spec.categories or tuple(portal["categories"]),
        spec.tags or tuple(portal.get("tags") or ("e-government",)),
    )


def _city_name(rng: random.Random) -> str:
    syllables = rng.choice((2, 2, 3))
    name = "".join(
        rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(syllables)
    )
    name += rng.choice(_SUFFIXES)
    return name[0].upper() + name[1:]


def _day(rng: random.Random) -> dt.date:
    return FIRST_DAY + dt.timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1))


class _Writer:
    """Sentences and Markdown blocks from one random stream."""

    def __init__(self, rng: random.Random, city_names: dict[str, str]):
        self.rng = rng
        self.city_names = city_names
        self.slugs = list(city_names)

    def fill(self, template: str, cities: Sequence[str], when: dt.date) -> str:
        rng = self.rng
        other = self.city_names[rng.choice(self.slugs)]
        german = template in _DE_SET
        text = template.format(
            city=self.city_names[cities[0]],
            other=self.city_names[cities[-1]] if len(cities) > 1 else other,
            service=rng.choice(SERVICES),
            agency=rng.choice(_DE_AGENCIES if german else AGENCIES),
            date=when.isoformat(),
            money=f"{rng.randrange(1, 90)} million euros",
            months=rng.randrange(3, 30),
            count=f"{rng.randrange(2, 900) * 1000:,}",
            year=when.year + rng.randrange(0, 4),
            percent=rng.randrange(5, 95),
        )
        return text[0].upper() + text[1:]

    def paragraph(
        self, sentences: Sequence[str], cities: Sequence[str], when: dt.date, n: int
    ) -> str:
        return " ".join(self.fill(self.rng.choice(sentences), cities, when) for _ in range(n))

    def body(self, article: _Article, lang: str, link_to: tuple[str, str] | None) -> str:
        rng = self.rng
        sentences = _DE_SENTENCES if lang == "de" else _EN_SENTENCES
        headings = _DE_HEADINGS if lang == "de" else _EN_HEADINGS
        cities, when = article.cities, article.date
        publisher, url = rng.choice(PUBLISHERS)
        blocks = [self.paragraph(sentences, cities, when, 5)]
        if url:
            blocks[0] += f" The [original report]({url}) has further details."
        words = sum(len(b.split()) for b in blocks)
        section = 0
        while words < _WORDS_PER_ARTICLE:
            heading = headings[(article.number + section) % len(headings)]
            blocks.append(f"## {heading}")
            blocks.append(self.paragraph(sentences, cities, when, rng.randrange(4, 7)))
            kind = section % 3
            if kind == 0:
                blocks.append(
                    "\n".join(
                        f"- {self.fill(rng.choice(sentences), cities, when)}"
                        for _ in range(rng.randrange(3, 6))
                    )
                )
            elif kind == 1:
                rows = [
                    "| Year | Service | Users |",
                    "|------|---------|------:|",
                ]
                for offset in range(rng.randrange(3, 6)):
                    rows.append(
                        f"| {when.year + offset} | {rng.choice(SERVICES)} | "
                        f"{rng.randrange(1, 500) * 100:,} |"
                    )
                blocks.append("\n".join(rows))
            else:
                blocks.append(
                    "\n".join(
                        f"{i}. {self.fill(rng.choice(sentences), cities, when)}"
                        for i in range(1, rng.randrange(3, 5))
                    )
                )
            blocks.append(self.paragraph(sentences, cities, when, rng.randrange(3, 6)))
            section += 1
            words = sum(len(b.split()) for b in blocks)
        if link_to:
            label, target = link_to
            blocks.append(
                ("Siehe auch: " if lang == "de" else "See also: ")
                + f"[{label}]({{filename}}/{target})."
            )
        source = "Quelle" if lang == "de" else "Source"
        blocks.append(f"*{source}: {publisher}, {when.isoformat()}.*")
        return "\n\n".join(blocks) + "\n"


def _header(fields: Sequence[tuple[str, str]]) -> str:
    return "".join(f"{name}: {value}\n" for name, value in fields if value) + "\n"


def generate(dest: str | Path, spec: CorpusSpec = CorpusSpec()) -> Corpus:
    """Write the corpus for `spec` into `dest` (replaced if it holds an older corpus)."""
    dest = Path(dest)
    if dest.exists():
        if any(dest.iterdir()) and not (dest / MARKER).exists():
            raise FileExistsError(f"{dest} is not empty and is not a generated corpus")
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    categories, tags = _vocabulary(spec)
    rng = random.Random(spec.seed)
    corpus = Corpus(dest, spec)

    # Cities: unique slugs, countries consistent with regions.
    city_names: dict[str, str] = {}
    city_fields: dict[str, list[tuple[str, str]]] = {}
    region_names = sorted(REGIONS)
    while len(city_names) < spec.cities:
        name = _city_name(rng)
        slug = slugify(name)
        if not slug or slug in city_names:
            continue
        region = rng.choice(region_names)
        countries, (lat0, lat1), (lon0, lon1) = REGIONS[region]
        city_names[slug] = name
        city_fields[slug] = [
            ("Name", name),
            ("Country", rng.choice(countries)),
            ("Region", region),
            ("Coordinates", f"{rng.uniform(lat0, lat1):.4f}, {rng.uniform(lon0, lon1):.4f}"),
            ("Kind", rng.choice(("city",) * 8 + ("local government",))),
            ("Population", str(rng.randrange(20, 9000) * 1000)),
            ("Website", f"https://www.{slug}.example.org/"),
        ]
    slugs = list(city_names)
    writer = _Writer(rng, city_names)

    # Article plan first: MOUs, events and rankings cite article Ids.
    plan: list[_Article] = []
    for number in range(1, spec.articles + 1):
        when = _day(rng)
        cities = tuple(rng.sample(slugs, rng.choice((1, 2, 2, 3, 4))))
        title_slug = slugify(
            rng.choice(_EN_TITLES).format(
                city=city_names[cities[0]],
                other=city_names[cities[-1]],
                service=rng.choice(SERVICES),
            )
        )
        slug = f"{title_slug[:60].rstrip('-')}-{number}"
        plan.append(_Article.dated(number, when, slug, cities))
    for article in plan:
        if rng.random() < spec.translation_share:
            article.de_path = article.path[: -len(".md")] + ".de.md"

    for article in plan:
        earlier = plan[rng.randrange(article.number - 1)] if article.number > 1 else None
        _write_article(dest, article, earlier, writer, categories, tags, corpus)

    # Rankings on some cities cite articles that name them.
    by_city: dict[str, list[_Article]] = {}
    for article in plan:
        for slug in article.cities:
            by_city.setdefault(slug, []).append(article)
    for index, slug in enumerate(slugs):
        fields = city_fields[slug]
        if index % 10 == 0:
            fields.append(("Wego-Role", rng.choice(("Member", "Founding member", "Observer"))))
            fields.append(("Wego-Since", f"{rng.randrange(2010, 2024)}-{rng.randrange(1, 13):02d}"))
        sources = by_city.get(slug, [])
        if index % 20 == 0 and sources:
            rows = [
                f"{rng.randrange(2003, 2024)} | {rng.randrange(1, 100)} | "
                f"100 Cities Survey on e-Government | Rutgers University-Newark and SKKU | "
                f"{rng.choice(sources).id}"
                for _ in range(rng.randrange(1, 4))
            ]
            fields.append(("Rankings", "\n    ".join(rows)))
        body = writer.paragraph(_EN_SENTENCES, (slug,), _day(rng), 6)
        _write(dest / "cities" / f"{slug}.md", _header(fields) + body + "\n")
        corpus.cities.append(f"cities/{slug}.md")

    # MOUs between two or three cities, citing one or two articles.
    names_used: set[str] = set()
    for _ in range(spec.mous):
        parties = rng.sample(slugs, 3 if rng.random() < 0.1 else 2)
        sources = rng.sample(plan, min(len(plan), rng.choice((1, 2))))
        signed = _day(rng)
        precision = rng.random()
        known = precision < 0.85
        signed_text = (
            signed.isoformat()
            if precision < 0.6
            else signed.strftime("%Y-%m")
            if precision < 0.75
            else str(signed.year)
            if known
            else "unknown"
        )
        reported = max(signed, max(s.date for s in sources)) if not known else None
        base = f"{signed.year if known else 'unknown'}-{parties[0]}-{parties[1]}"
        name, n = base, 1
        while name in names_used:
            n += 1
            name = f"{base}-{n}"
        names_used.add(name)
        fields = [
            ("Parties", ", ".join(parties)),
            ("Signed", signed_text),
            ("Reported", reported.isoformat() if reported else ""),
            ("Scope", rng.choice(_SCOPES)),
            ("Status", rng.choice(("signed", "signed", "in force", "expired"))),
            ("Sources", ", ".join(s.id for s in sources)),
        ]
        body = writer.paragraph(_EN_SENTENCES, tuple(parties), signed, 3)
        _write(dest / "mous" / f"{name}.md", _header(fields) + body + "\n")
        corpus.mous += 1

    # Events in cities, citing articles.
    for number in range(1, spec.event_count + 1):
        city = rng.choice(slugs)
        start = _day(rng)
        kind = rng.choice(_EVENT_KINDS)
        title = f"{city_names[city]} e-government {kind} {start.year}"
        slug = f"{slugify(title)}-{number}"
        sources = rng.sample(plan, min(len(plan), rng.choice((1, 2))))
        fields = [
            ("Title", title),
            ("Start", start.isoformat()),
            ("End", (start + dt.timedelta(days=rng.randrange(0, 4))).isoformat()),
            ("Location", city_names[city]),
            ("City", city),
            ("Organizer", f"{city_names[city]} city government"),
            ("Sources", ", ".join(s.id for s in sources)),
            ("Summary", f"A {kind} on digital government hosted by {city_names[city]}."),
            ("Slug", slug),
        ]
        body = writer.paragraph(_EN_SENTENCES, (city,), start, 4)
        _write(dest / "events" / f"{start.isoformat()}-{slug}.md", _header(fields) + body + "\n")
        corpus.events += 1

    for lang in ("en", "de"):
        for slug, title in (("about", "About this portal"), ("accessibility", "Accessibility")):
            suffix = ".de.md" if lang == "de" else ".md"
            fields = [("Title", title), ("Slug", slug), ("Lang", lang if lang == "de" else "")]
            body = writer.paragraph(
                _DE_SENTENCES if lang == "de" else _EN_SENTENCES, (slugs[0],), FIRST_DAY, 4
            )
            _write(dest / "pages" / f"{slug}{suffix}", _header(fields) + body + "\n")

    (dest / MARKER).write_text(json.dumps(asdict(spec), sort_keys=True) + "\n", encoding="utf-8")
    return corpus


def _write_article(
    dest: Path,
    article: _Article,
    earlier: _Article | None,
    writer: _Writer,
    categories: Sequence[str],
    tags: Sequence[str],
    corpus: Corpus,
) -> None:
    rng = writer.rng
    category = categories[article.number % len(categories)]
    article_tags = rng.sample(list(tags), min(len(tags), rng.choice((1, 2, 3))))
    publisher, url = rng.choice(PUBLISHERS)
    source = f"{publisher} | {article.date.isoformat()}" + (f" | {url}" if url else "")
    modified = ""
    if rng.random() < 0.1:
        modified = (article.date + dt.timedelta(days=rng.randrange(1, 30))).isoformat() + " 10:00"
        if dt.date.fromisoformat(modified[:10]) > LAST_DAY:
            modified = ""
    for lang in ("en", "de") if article.de_path else ("en",):
        titles = _DE_TITLES if lang == "de" else _EN_TITLES
        title = writer.fill(rng.choice(titles), article.cities, article.date)
        summary = writer.paragraph(
            _DE_SENTENCES if lang == "de" else _EN_SENTENCES, article.cities, article.date, 2
        )
        link = None
        if earlier is not None:
            target = earlier.de_path if lang == "de" and earlier.de_path else earlier.path
            link = ("ein früherer Bericht" if lang == "de" else "an earlier report", target)
        fields = [
            ("Title", title),
            ("Id", article.id),
            ("Date", article.date.isoformat()),
            ("Modified", modified),
            ("Lang", "de" if lang == "de" else ""),
            ("Category", category),
            ("Tags", ", ".join(article_tags)),
            ("Cities", ", ".join(article.cities)),
            ("Source", source),
            ("Summary", summary),
            ("Slug", article.slug),
            ("Authors", "Portal editors"),
        ]
        path = article.de_path if lang == "de" else article.path
        assert path is not None
        _write(dest / path, _header(fields) + writer.body(article, lang, link))
        (corpus.translations if lang == "de" else corpus.articles).append(path)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# --------------------------------------------------------------------------
# Changes an editor makes (used by the bench and the incremental-build tests)


def edit_body(path: str | Path, note: str = "Updated with new figures.") -> None:
    """Append a paragraph to a content file's body; its header stays as it was."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + f"\n\n*Editor's note:* {note}\n", encoding="utf-8")


def add_article(content: str | Path, number: int, seed: int = 7) -> Path:
    """Write one more valid English article (cities taken from the folder's profiles)."""
    content = Path(content)
    rng = random.Random(seed * 1_000_003 + number)
    city_names = {
        p.stem: p.read_text(encoding="utf-8").split("\n", 1)[0].removeprefix("Name: ")
        for p in sorted((content / "cities").glob("*.md"))
    }
    categories, tags = _vocabulary(CorpusSpec())
    writer = _Writer(rng, city_names)
    when = dt.date(2025, 12, 1) + dt.timedelta(days=number % 28)
    cities = tuple(rng.sample(sorted(city_names), min(2, len(city_names))))
    slug = f"added-report-{number}"
    article = _Article.dated(number, when, slug, cities)
    existing = sorted(
        p.relative_to(content).as_posix()
        for p in (content / "articles").rglob("*.md")
        if not p.name.endswith(".de.md")
    )
    earlier = None
    if existing:
        target = existing[rng.randrange(len(existing))]
        earlier = _Article(0, when, "", "", target, ())
    corpus = Corpus(content, CorpusSpec())
    _write_article(content, article, earlier, writer, categories, tags, corpus)
    return content / article.path


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--articles", type=int, default=CorpusSpec.articles)
    parser.add_argument("--cities", type=int, default=CorpusSpec.cities)
    parser.add_argument("--mous", type=int, default=CorpusSpec.mous)
    parser.add_argument("--events", type=int, default=None)
    parser.add_argument("--seed", type=int, default=CorpusSpec.seed)
    args = parser.parse_args(argv)
    corpus = generate(
        args.dest,
        CorpusSpec(
            articles=args.articles,
            cities=args.cities,
            mous=args.mous,
            events=args.events,
            seed=args.seed,
        ),
    )
    print(
        f"{corpus.files} content files in {args.dest}: {len(corpus.articles)} articles, "
        f"{len(corpus.translations)} translations, {len(corpus.cities)} cities, "
        f"{corpus.mous} MOUs, {corpus.events} events"
    )


if __name__ == "__main__":
    main()
