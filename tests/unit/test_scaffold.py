"""`invoke new` (tools/scaffold.py): right folder, conventional name, valid fields, no overwrite."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from portal.model import ERROR, content_type_for, parse_record
from portal.reader import decode_utf8, file_slug, split_header

from tests.conftest import ROOT
from tools.scaffold import Scaffolder, ScaffoldError, create

BASE = ROOT / "tests" / "fixtures" / "bad-content" / "_base" / "content"
TODAY = dt.date(2021, 5, 4)


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(BASE, folder)
    return folder


def new(content: Path) -> Scaffolder:
    return Scaffolder(content, today=TODAY)


def parsed(content: Path, path: Path):
    """The file's record as the model parses it, and the problems found."""
    relative = path.relative_to(content).as_posix()
    text = decode_utf8(path.read_bytes(), relative)
    fields, _body, _line, problems = split_header(text, relative)
    record, more = parse_record(
        content_type_for(relative),
        fields,
        relative,
        new(content).model,
        default_slug=file_slug(relative),
    )
    return record, problems + more


def header(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n\n", 1)[0].splitlines()


def test_an_article_starts_as_a_draft_with_every_field(content: Path):
    created = new(content).article(
        "Seoul and Kathmandu open a joint office", cities=["seoul", "Kathmandu"]
    )
    path = content / "articles/2021/2021-05-04-seoul-and-kathmandu-open-a-joint-office.md"
    assert created.path == path
    assert header(path) == [
        "Title: Seoul and Kathmandu open a joint office",
        "Id: 2021-seoul-and-kathmandu-open-a-joint-office",
        "Date: 2021-05-04",
        "Category: Cooperation",
        "Cities: seoul, kathmandu",
        "Source: [TODO: publisher] | 2021-05-04",
        "Summary: [TODO: one sentence for lists and feeds]",
        "Slug: seoul-and-kathmandu-open-a-joint-office",
        "Status: draft",
    ]
    assert path.read_text(encoding="utf-8").endswith("\n\n[TODO: write the article]\n")
    record, problems = parsed(content, path)
    assert problems == [] and record.status == "draft"
    assert record.date == dt.datetime(2021, 5, 4, tzinfo=record.date.tzinfo)


def test_a_long_title_gets_a_short_slug_cut_at_a_word(content: Path):
    title = "The World e-Governments Organization of Cities and Local Governments meets in Seoul"
    created = new(content).article(title)
    record, _problems = parsed(content, created.path)
    assert record.slug == "the-world-e-governments-organization-of-cities-and-local"
    assert len(record.slug) <= 60
    assert record.id == "2021-the-world-e-governments-organization-of-cities"
    assert record.title == title


def test_ids_and_slugs_are_fresh(content: Path):
    first = new(content).article("Seoul and Kathmandu", category="rankings")
    second = Scaffolder(content, today=TODAY + dt.timedelta(days=1)).article("Seoul and Kathmandu")
    one, _ = parsed(content, first.path)
    two, _ = parsed(content, second.path)
    assert (one.id, one.slug, one.category) == (
        "2021-seoul-and-kathmandu",
        "seoul-and-kathmandu",
        "Rankings",
    )
    assert (two.id, two.slug) == ("2021-seoul-and-kathmandu-2", "seoul-and-kathmandu-2")
    assert second.path.name == "2021-05-05-seoul-and-kathmandu-2.md"


def test_a_translation_is_named_after_its_original(content: Path):
    (content / "articles/2020/2020-01-15-seoul-kathmandu.de.md").unlink()
    created = new(content).article(
        "Seoul und Kathmandu arbeiten zusammen", lang="de", original="2020-seoul-kathmandu"
    )
    assert created.path == content / "articles/2020/2020-01-15-seoul-kathmandu.de.md"
    assert header(created.path) == [
        "Title: Seoul und Kathmandu arbeiten zusammen",
        "Id: 2020-seoul-kathmandu",
        "Date: 2020-01-15",
        "Category: Cooperation",
        "Tags: MOU",
        "Cities: seoul, kathmandu",
        "Source: The Example Herald | 2020-01-14 | https://example.org/news/1",
        "Image: images/signing.png | The two mayors at the signing",
        "Summary: [TODO: the original's summary, translated]",
        "Lang: de",
        "Slug: seoul-und-kathmandu-arbeiten-zusammen",
        "Status: draft",
    ]
    record, problems = parsed(content, created.path)
    assert problems == [] and record.lang == "de"


def test_a_translation_needs_a_real_untranslated_original(content: Path):
    scaffolder = new(content)
    with pytest.raises(
        ScaffoldError, match=r"^'2020-seoul-kathmandu' already has a translation in 'de'$"
    ):
        scaffolder.article("Noch einmal", lang="de", original="2020-seoul-kathmandu")
    with pytest.raises(ScaffoldError) as error:
        scaffolder.article("X", lang="de", original="2020-seoul-kathmandoo")
    assert str(error.value) == (
        "no 'en' article has the Id '2020-seoul-kathmandoo' (did you mean '2020-seoul-kathmandu'?)"
    )
    with pytest.raises(ScaffoldError, match="--lang must be one of: en, de"):
        scaffolder.article("X", lang="fr")


def test_cities_must_have_a_profile(content: Path):
    with pytest.raises(ScaffoldError) as error:
        new(content).article("X", cities=["seoul", "sesoul"])
    assert str(error.value) == (
        "no city profile 'sesoul' (did you mean 'seoul'?); to add one: invoke new city \"Name\""
    )


def test_a_city_with_placeholders_that_are_valid_and_obvious(content: Path):
    created = new(content).city("Wrocław")
    assert created.path == content / "cities/wroclaw.md"
    assert header(created.path) == [
        "Name: Wrocław",
        "Country: ZZ",
        "Region: Africa",
        "Coordinates: 0, 0",
        "Slug: wroclaw",
    ]
    record, problems = parsed(content, created.path)
    assert problems == [] and record.country_name() == "Unknown Region"
    assert "[TODO: write the city's profile; Country: ZZ" in created.text


def test_a_city_with_its_facts(content: Path):
    created = new(content).city(
        "Busan", country="kr", region="asia", coordinates="35.1796, 129.0756"
    )
    record, problems = parsed(content, created.path)
    assert problems == []
    assert (record.country, record.region, record.coordinates.lat) == ("KR", "Asia", 35.1796)
    with pytest.raises(ScaffoldError, match=r"^Country: expected an ISO 3166-1 alpha-2 code"):
        new(content).city("Daegu", country="Korea")
    with pytest.raises(
        ScaffoldError, match=r"^the city 'busan' exists already \(cities/busan.md\)$"
    ):
        new(content).city("Busan")


def test_an_mou_between_existing_cities_cites_a_published_article(content: Path):
    created = new(content).mou(["Seoul", "kathmandu"])
    assert created.path == content / "mous/unknown-seoul-kathmandu.md"
    assert header(created.path) == [
        "Parties: seoul, kathmandu",
        "Signed: unknown",
        "Reported: 2021-05-04",
        "Scope: [TODO: what the parties agreed to]",
        "Status: signed",
        "Sources: 2020-seoul-kathmandu",
        "Slug: seoul-kathmandu",
    ]
    record, problems = parsed(content, created.path)
    assert problems == [] and record.signed is None


def test_an_mou_with_its_date_and_no_draft_as_source(content: Path):
    new(content).article("A draft about Seoul and Kathmandu", cities=["seoul", "kathmandu"])
    created = new(content).mou(["seoul", "kathmandu"], signed="2021-04")
    assert created.path == content / "mous/2021-04-seoul-kathmandu.md"
    record, problems = parsed(content, created.path)
    assert problems == []
    assert record.sources == ("2020-seoul-kathmandu",), "the new draft is not a source"
    assert "Reported" not in created.text
    with pytest.raises(ScaffoldError, match="two or more different cities"):
        new(content).mou(["seoul", "seoul"])
    with pytest.raises(ScaffoldError, match=r"^no article has the Id 'nope'$"):
        new(content).mou(["seoul", "kathmandu"], sources=["nope"])


def test_an_event(content: Path):
    created = create(
        "event", "WEGO general assembly", new(content), start="2021-10", city=["seoul"]
    )
    assert created.path == content / "events/2021-10-wego-general-assembly.md"
    assert header(created.path) == [
        "Title: WEGO general assembly",
        "Start: 2021-10",
        "Location: [TODO: venue or place]",
        "City: seoul",
        "Organizer: [TODO: organizer]",
        "Sources: 2020-seoul-kathmandu",
        "Slug: wego-general-assembly",
    ]
    record, problems = parsed(content, created.path)
    assert problems == []


def test_a_page_and_its_translation(content: Path):
    page = new(content).page("Contact us")
    assert header(page.path) == [
        "Title: Contact us",
        "Slug: contact-us",
        "Summary: [TODO: one sentence about the page]",
        "Status: draft",
    ]
    german = new(content).page("Über uns", lang="de", original="about")
    assert german.path == content / "pages/about.de.md"
    record, problems = parsed(content, german.path)
    assert problems == [] and (record.slug, record.lang) == ("about", "de")


@pytest.mark.parametrize(
    ("kind", "name", "options"),
    [
        ("article", "Seoul and Kathmandu agree", {}),
        ("page", "Contact", {}),
        ("mou", "seoul kathmandu", {}),
        ("event", "Forum", {"start": "2021-06-01"}),
    ],
)
def test_an_existing_file_is_never_overwritten(content: Path, kind: str, name: str, options):
    created = create(kind, name, new(content), **options)
    created.path.write_text("edited by hand\n", encoding="utf-8")
    with pytest.raises(ScaffoldError) as error:
        create(kind, name, new(content), **options)
    relative = created.path.relative_to(content.parent).as_posix()
    assert str(error.value) == f"{relative} exists already; it was not overwritten"
    assert created.path.read_text(encoding="utf-8") == "edited by hand\n"


def test_every_scaffold_parses_without_errors(content: Path):
    scaffolder = new(content)
    made = [
        scaffolder.article("A", cities=["seoul"]),
        scaffolder.page("B"),
        scaffolder.city("C"),
        scaffolder.event("D"),
    ]
    made.append(new(content).mou(["seoul", "c"]))
    for created in made:
        record, problems = parsed(content, created.path)
        assert record is not None
        assert [p for p in problems if p.severity == ERROR] == []
        kind = content_type_for(created.path.relative_to(content).as_posix())
        required = {f.name for f in kind.fields if f.required}
        assert required <= {line.split(":", 1)[0] for line in header(created.path)}
