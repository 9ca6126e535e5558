"""Every bad MOU record stops the build with its file, line and field named.

Record rules and references are the content model's (plugins/portal/model.py);
the rules that need the whole build are plugins/mous/validation.py.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from mous import validation
from mous.generator import MouSettings
from portal.model import (
    CONTENT_TYPES,
    ArticleMeta,
    City,
    Event,
    ModelSettings,
    Mou,
    RawField,
    check_references,
    parse_record,
)

SETTINGS = ModelSettings(timezone=ZoneInfo("Europe/Berlin"))
GOOD = {
    "Parties": "seoul, kathmandu",
    "Signed": "2009-06-22",
    "Scope": "E-government cooperation",
    "Status": "signed",
    "Sources": "2009-seoul-mous-june",
}


def parse(**changes: str | None):
    values = {**GOOD, **changes}
    raw = [
        RawField(name, value, line)
        for line, (name, value) in enumerate(values.items(), start=1)
        if value is not None
    ]
    return parse_record(CONTENT_TYPES["mou"], raw, "mous/bad.md", SETTINGS, default_slug="bad")


def messages(problems) -> list[str]:
    return [str(p) for p in problems]


def test_a_good_record_has_no_problem():
    record, problems = parse()
    assert problems == [] and isinstance(record, Mou)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param({"Parties": "seoul"},
                     "mous/bad.md:1: Parties: needs two or more cities, got 1", id="one-party"),
        pytest.param({"Parties": ","},
                     "mous/bad.md:1: Parties: needs two or more cities, got 0", id="no-party"),
        pytest.param({"Parties": "seoul, kathmandu, seoul"},
                     "mous/bad.md:1: Parties: names 'seoul' twice", id="same-party-twice"),
        pytest.param({"Signed": "22 June 2009"},
                     "mous/bad.md:2: Signed: expected a date as YYYY, YYYY-MM, YYYY-MM-DD or "
                     "'YYYY-MM-DD HH:MM', got '22 June 2009'", id="unparseable-signed"),
        pytest.param({"Signed": "2009-02-30"},
                     "mous/bad.md:2: Signed: '2009-02-30' is not a date in the calendar",
                     id="impossible-signed"),
        pytest.param({"Signed": "unknown", "Reported": "July 2009"},
                     "mous/bad.md:6: Reported: expected a date as YYYY, YYYY-MM, YYYY-MM-DD "
                     "or 'YYYY-MM-DD HH:MM', got 'July 2009'", id="unparseable-reported"),
        pytest.param({"Signed": "unknown"},
                     "mous/bad.md:2: Reported: is required when Signed is unknown",
                     id="unknown-without-report"),
        pytest.param({"Reported": "2009-06-01"},
                     "mous/bad.md:6: Reported: is before Signed", id="reported-before-signed"),
        pytest.param({"Sources": ""},
                     "mous/bad.md:5: Sources: needs at least one source article Id",
                     id="no-source"),
        pytest.param({"Sources": "2009-seoul-mous-june, 2009-seoul-mous-june"},
                     "mous/bad.md:5: Sources: names '2009-seoul-mous-june' twice",
                     id="same-source-twice"),
        pytest.param({"Sources": "https://www.koreaherald.com/"},
                     "mous/bad.md:5: Sources: expected lower-case letters, digits and hyphens "
                     "(like '2009-seoul-mous'), got 'https://www.koreaherald.com/'",
                     id="source-is-a-url"),
        pytest.param({"Parties": None},
                     "mous/bad.md:1: Parties: is required for mous", id="parties-missing"),
    ],
)
def test_each_bad_record_fails_with_its_message(changes, message):
    record, problems = parse(**changes)
    assert record is None
    assert message in messages(problems)


# --- references (check_references) ------------------------------------------------


def _mou(**overrides) -> Mou:
    values = dict(path="mous/m.md", slug="m", parties=("seoul", "kathmandu"),
                  sources=("2009-seoul-mous-june",), lines={"parties": 1, "sources": 6})
    values.update(overrides)
    return Mou(**values)


def _references(mou: Mou) -> list[str]:
    cities = {slug: City(path=f"cities/{slug}.md", slug=slug, name=slug.title())
              for slug in ("seoul", "kathmandu")}
    articles = [ArticleMeta(path="articles/a.md", slug="a", id="2009-seoul-mous-june")]
    events = [Event(path="events/e.md", slug="cio-meeting-2009", city="seoul",
                    sources=("2009-seoul-mous-june",))]
    other = _mou(path="mous/other.md", slug="seoul-kathmandu-2009")
    return messages(check_references(articles, cities, [mou, other], events))


def test_an_unknown_party():
    assert _references(_mou(parties=("seoul", "kathmandoo"))) == [
        "mous/m.md:1: Parties: unknown city 'kathmandoo'; did you mean 'kathmandu'?"
    ]


def test_an_unknown_source_article():
    assert _references(_mou(sources=("2009-seoul-mous-jun",))) == [
        "mous/m.md:6: Sources: unknown source article '2009-seoul-mous-jun'; "
        "did you mean '2009-seoul-mous-june'?"
    ]


@pytest.mark.parametrize(
    ("ref", "kind"),
    [("kathmandu", "a city"), ("seoul-kathmandu-2009", "an MOU"),
     ("cio-meeting-2009", "an event")],
)
def test_a_source_that_is_not_an_article(ref, kind):
    assert _references(_mou(sources=(ref,))) == [
        f"mous/m.md:6: Sources: {ref!r} is {kind}, not an article; a source is an article's Id"
    ]


# --- rules that need the whole build (plugins/mous/validation.py) -------------------


def test_a_draft_or_scheduled_source_is_refused_outside_preview():
    mou = _mou(sources=("2009-seoul-mous-june", "2010-draft"))
    problems = validation.unpublished_sources([mou], {"2009-seoul-mous-june"}, {"2010-draft"})
    assert messages(problems) == [
        "mous/m.md:6: Sources: source article '2010-draft' is a draft or scheduled, not "
        "published; publish it first or cite a published article"
    ]
    # An Id that is no article at all is the content model's message, not this one.
    assert validation.unpublished_sources([_mou(sources=("nope",))], set(), set()) == []


def test_a_slug_that_a_timeline_page_needs_is_refused():
    reserved = MouSettings().reserved_slugs("mous/{slug}/")
    assert {"year", "partner", "country", "network", "data", "mous.json", "mous.csv",
            "timeline.json", "network.svg", "mous.schema.json"} == set(reserved)
    problems = validation.reserved_slugs(
        [_mou(slug="data", lines={"slug": 8}), _mou(slug="seoul-kathmandu")], reserved
    )
    assert messages(problems) == [
        "mous/m.md:8: Slug: 'data' is reserved for /mous/data/; choose another slug"
    ]


def test_no_reserved_slug_when_mous_live_elsewhere():
    assert MouSettings().reserved_slugs("agreements/{slug}/") == {}
