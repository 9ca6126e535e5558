"""The content model: each field parser, each record rule, each reference rule."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from portal import model
from portal.dates import PartialDate
from portal.model import (
    CONTENT_TYPES,
    ArticleMeta,
    City,
    Coordinates,
    Event,
    FieldError,
    ModelSettings,
    Mou,
    Problem,
    RawField,
    check_references,
    content_type_for,
    parse_record,
)

SETTINGS = ModelSettings(
    timezone=ZoneInfo("Europe/Berlin"),
    categories=("Cooperation", "Rankings"),
    tags=("MOU", "WEGO"),
)


def fields(**values: str) -> list[RawField]:
    """Raw fields in the order given, on lines 1, 2, 3 …; `_` in names becomes `-`."""
    return [
        RawField(name.replace("_", "-"), value, line)
        for line, (name, value) in enumerate(values.items(), start=1)
    ]


ARTICLE = dict(
    Title="Seoul signs three MOUs",
    Id="2009-seoul-mous-june",
    Date="2009-07-13",
    Category="Cooperation",
    Source="The Korea Herald | 2009-07-10",
    Summary="Three agreements in one week.",
)


def parse(kind: str, path: str = "x.md", **values: str):
    return parse_record(CONTENT_TYPES[kind], fields(**values), path, SETTINGS, default_slug="x")


# --- field parsers ---------------------------------------------------------


def test_text_collapses_whitespace_and_refuses_empty():
    assert model.text("  a \n b ", SETTINGS) == "a b"
    with pytest.raises(FieldError, match="must not be empty"):
        model.text("   ", SETTINGS)


@pytest.mark.parametrize("value", ["2009-seoul", "abc", "a-1-b"])
def test_identifier_accepts_slug_like_ids(value):
    assert model.identifier(value, SETTINGS) == value


@pytest.mark.parametrize("value", ["Seoul", "a_b", "-a", "a--b", ""])
def test_identifier_refuses_anything_else(value):
    with pytest.raises(FieldError, match="expected lower-case letters"):
        model.identifier(value, SETTINGS)


def test_vocabulary_is_case_insensitive_and_names_the_choices():
    category = model.ARTICLE_FIELDS[4]
    assert category.name == "Category"
    assert category.parse("cooperation", SETTINGS) == "Cooperation"
    with pytest.raises(FieldError) as excinfo:
        category.parse("Sports", SETTINGS)
    assert str(excinfo.value) == (
        "expected one of: Cooperation, Rankings but received: 'Sports'"
    )


def test_publication_datetime_needs_a_day_and_is_aware():
    value = model.publication_datetime("2009-07-13", SETTINGS)
    assert value == dt.datetime(2009, 7, 13, tzinfo=ZoneInfo("Europe/Berlin"))
    with pytest.raises(FieldError, match=r"needs at least a day \(YYYY-MM-DD\), got '2009-07'"):
        model.publication_datetime("2009-07", SETTINGS)


def test_unknown_or_date():
    assert model.unknown_or_date("unknown", SETTINGS) is None
    assert model.unknown_or_date("Unknown", SETTINGS) is None
    assert model.unknown_or_date("2009-06", SETTINGS) == PartialDate(2009, 6)


def test_source_with_and_without_url():
    assert model.source("The Korea Herald | 2009-07-10", SETTINGS) == model.Source(
        "The Korea Herald", PartialDate(2009, 7, 10)
    )
    with_url = model.source("SMG | 2010-07 | https://english.seoul.go.kr/", SETTINGS)
    assert with_url.url == "https://english.seoul.go.kr/"
    assert with_url.date.iso == "2010-07"
    with pytest.raises(FieldError, match="expected 'publisher | date | optional URL'"):
        model.source("The Korea Herald", SETTINGS)
    with pytest.raises(FieldError, match="expected an http"):
        model.source("X | 2009 | ftp://x", SETTINGS)


def test_image_needs_alt_text_and_a_local_path():
    assert model.image("images/a.jpg | PCs in boxes", SETTINGS) == model.Image(
        "images/a.jpg", "PCs in boxes"
    )
    with pytest.raises(FieldError, match="alt text is required"):
        model.image("images/a.jpg", SETTINGS)
    with pytest.raises(FieldError, match="expected a path under content/"):
        model.image("https://cdn.example/a.jpg | x", SETTINGS)
    with pytest.raises(FieldError, match="expected a path under content/"):
        model.image("../secret.jpg | x", SETTINGS)


def test_country_is_an_iso_code():
    assert model.country("np", SETTINGS) == "NP"
    with pytest.raises(FieldError, match="alpha-2 code like 'KR', got 'Nepal'"):
        model.country("Nepal", SETTINGS)
    with pytest.raises(FieldError, match="got 'XX'"):
        model.country("XX", SETTINGS)


def test_coordinates_on_the_globe():
    assert model.coordinates("27.7172, 85.3240", SETTINGS) == Coordinates(27.7172, 85.324)
    with pytest.raises(FieldError, match="outside the globe"):
        model.coordinates("95, 10", SETTINGS)
    with pytest.raises(FieldError, match="expected 'latitude, longitude'"):
        model.coordinates("north", SETTINGS)


def test_positive_int():
    assert model.positive_int("1,200,000", SETTINGS) == 1_200_000
    for bad in ("0", "-5", "many", "1.5"):
        with pytest.raises(FieldError, match="expected a positive whole number"):
            model.positive_int(bad, SETTINGS)


def test_url_field():
    assert model.url_field("https://sf.gov/", SETTINGS) == "https://sf.gov/"
    with pytest.raises(FieldError, match="expected an http\\(s\\) URL, got 'sf.gov'"):
        model.url_field("sf.gov", SETTINGS)


def test_ranking_line():
    line = "2009 | 1 | 100 Cities Survey on e-Government | Rutgers and SKKU | 2010-seoul-first"
    assert model.ranking(line, SETTINGS) == model.Ranking(
        2009, 1, "100 Cities Survey on e-Government", "Rutgers and SKKU", "2010-seoul-first"
    )
    with pytest.raises(FieldError, match="expected 'year | rank | survey"):
        model.ranking("2009 | 1", SETTINGS)
    with pytest.raises(FieldError, match="four-digit survey year"):
        model.ranking("09 | 1 | s | b | src", SETTINGS)


def test_comma_list_and_line_list():
    parse = model.comma_list(model.identifier)
    assert parse("seoul, kathmandu,", SETTINGS) == ("seoul", "kathmandu")
    lines = model.line_list(model.source)
    assert len(lines("A | 2009\nB | 2010", SETTINGS)) == 2


# --- whole records ---------------------------------------------------------


def test_article_record_is_typed():
    record, problems = parse("article", **ARTICLE, Tags="mou, WEGO", Cities="seoul, kathmandu")
    assert problems == []
    assert isinstance(record, ArticleMeta)
    assert record.slug == "seoul-signs-three-mous"
    assert record.lang == "en"
    assert record.tags == ("mou", "WEGO")
    assert record.cities == ("seoul", "kathmandu")
    assert record.sources[0].publisher == "The Korea Herald"
    assert record.line_of("Cities") == 8


def test_every_missing_required_field_is_reported_at_once():
    record, problems = parse("article", Title="Only a title")
    assert record is None
    assert [p.field for p in problems] == ["Id", "Date", "Category", "Source", "Summary"]
    assert str(problems[0]) == "x.md:1: Id: is required for articles"


def test_unknown_field_suggests_the_nearest_name():
    values = dict(ARTICLE)
    values["Catgory"] = values.pop("Category")
    _, problems = parse("article", **values)
    messages = {str(p) for p in problems}
    assert "x.md:6: Catgory: unknown field for articles; did you mean 'Category'?" in messages


def test_field_given_twice():
    raw = fields(**ARTICLE) + [RawField("title", "Again", 9)]
    _, problems = parse_record(CONTENT_TYPES["article"], raw, "x.md", SETTINGS)
    assert [str(p) for p in problems] == ["x.md:9: Title: given twice (first on line 1)"]


def test_modified_before_date():
    _, problems = parse("article", **ARTICLE, Modified="2009-07-01")
    assert [str(p) for p in problems] == ["x.md:7: Modified: is before Date"]


def test_city_record():
    record, problems = parse(
        "city", Name="Wrocław", Country="PL", Region="Europe", Coordinates="51.1, 17.03"
    )
    assert problems == []
    assert isinstance(record, City)
    assert record.slug == "wroclaw"
    assert record.country_name("en") == "Poland"
    assert record.country_name("de") == "Polen"


def test_mou_with_known_date():
    record, problems = parse(
        "mou", Parties="seoul, kathmandu", Signed="2009-06-22", Scope="e-gov",
        Status="signed", Sources="2009-seoul-mous-june",
    )
    assert problems == []
    assert isinstance(record, Mou)
    assert record.date_known and record.when.display() == "22 June 2009"
    assert record.title == "Seoul – Kathmandu"


def test_mou_with_unknown_date_is_placed_by_its_report_and_never_invented():
    record, problems = parse(
        "mou", Parties="seoul, moscow", Signed="unknown", Reported="2009-07-10",
        Scope="e-gov", Status="signed", Sources="a",
    )
    assert problems == []
    assert record.signed is None
    assert record.when.display() == "by 10 July 2009"
    assert record.when.bound


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (dict(Parties="seoul"), "x.md:1: Parties: needs two or more cities, got 1"),
        (dict(Parties="seoul, seoul, hanoi"), "x.md:1: Parties: names 'seoul' twice"),
        (dict(Signed="unknown"), "x.md:2: Reported: is required when Signed is unknown"),
        (dict(Signed="2009-31-01"), "x.md:2: Signed: month 31 does not exist in '2009-31-01'"),
        (dict(Status="pending"), "x.md:4: Status: expected one of: signed, in force, expired, "
         "terminated, draft but received: 'pending'"),
    ],
)
def test_bad_mou_records(values, message):
    base = dict(Parties="seoul, kathmandu", Signed="2009-06-22", Scope="s", Status="signed",
                Sources="a")
    base.update(values)
    _, problems = parse("mou", **base)
    assert message in [str(p) for p in problems]


def test_event_end_before_start():
    _, problems = parse(
        "event", Title="T", Start="2010-09-08", End="2010-09-06", Location="Seoul",
        City="seoul", Organizer="SMG", Sources="a",
    )
    assert [str(p) for p in problems] == ["x.md:3: End: is before Start"]


def test_content_type_from_folder():
    assert content_type_for("articles/2009/x.md").name == "article"
    assert content_type_for("cities/seoul.md").name == "city"
    assert content_type_for("mous/x.md").name == "mou"
    assert content_type_for("events/x.md").name == "event"
    assert content_type_for("pages/about.md").name == "page"
    assert content_type_for("misc/x.md") is None


# --- references across records ----------------------------------------------


def _article(**overrides) -> ArticleMeta:
    values = dict(path="articles/a.md", slug="a", id="art-a", title="A", lang="en",
                  lines={"cities": 7})
    values.update(overrides)
    return ArticleMeta(**values)


def _city(slug: str) -> City:
    return City(path=f"cities/{slug}.md", slug=slug, name=slug.title())


def test_references_to_unknown_records_name_file_line_and_field():
    cities = {"seoul": _city("seoul")}
    mou = Mou(path="mous/m.md", slug="m", parties=("seoul", "kathmandu"),
              sources=("art-a", "nope"), lines={"parties": 1, "sources": 5})
    event = Event(path="events/e.md", slug="e", city="seol", sources=("art-a",),
                  lines={"city": 5}, start=PartialDate(2010))
    problems = check_references([_article(cities=("seoul", "barcelona"))], cities, [mou], [event])
    assert [str(p) for p in problems] == [
        "articles/a.md:7: Cities: unknown city 'barcelona'",
        "mous/m.md:1: Parties: unknown city 'kathmandu'",
        "mous/m.md:5: Sources: unknown source article 'nope'",
        "events/e.md:5: City: unknown city 'seol'; did you mean 'seoul'?",
    ]


def test_duplicate_slugs_and_ids():
    first = _article()
    second = _article(path="articles/b.md")
    problems = check_references([first, second], {}, [], [])
    assert Problem("articles/b.md", 1, "Slug",
                   "article slug 'a' is already used by articles/a.md") in problems
    assert Problem("articles/b.md", 1, "Id",
                   "'art-a' in 'en' is already used by articles/a.md") in problems


def test_a_translation_may_share_slug_and_id_in_another_language():
    problems = check_references(
        [_article(), _article(path="articles/a.de.md", lang="de")], {}, [], []
    )
    assert problems == []
