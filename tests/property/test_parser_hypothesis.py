"""Arbitrary metadata never crashes the parser: it parses, or it gives clean Problems."""

from __future__ import annotations

import datetime as dt
import string
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from portal.model import (
    CONTENT_TYPES,
    ERROR,
    WARNING,
    ModelSettings,
    Problem,
    RawField,
    Record,
    parse_record,
)
from portal.reader import split_header

MODEL = ModelSettings(
    timezone=ZoneInfo("Europe/Berlin"),
    languages=("en", "de"),
    categories=("Cooperation", "Rankings"),
    tags=("MOU", "WEGO"),
)

# Values that once crashed a parser, or nearly: "²".isdigit() is True but int("²")
# fails; "America" is a folder of the zone database, not a zone.
TRICKY = [
    "²",
    "12³",
    "٣",
    "2009-06-22 12:00 America",
    "2009-06-22 12:00 Etc",
    "2009-06-22 25:61",
    "2009-02-29",
    "9999-12-31 23:59-14:00",
    "1e400, 0",
    "| | |",
    "images/../x.jpg | alt",
    "\ufeffTitle",
]

# Values that look like what fields expect, mixed with anything at all.
_ZONE = r"( ?[+-]\d\d:?\d\d|Z| [A-Za-z/_]{1,20})?"
_DATEISH = st.from_regex(
    r"\A\d{1,5}(-\d{1,3}(-\d{1,3}([ T]\d{1,3}:\d{1,3}(:\d\d)?" + _ZONE + r")?)?)?\Z"
)
_NUMBERISH = st.from_regex(r"\A[-+]?[\d.,_²³¹⁰٠-٩]{0,12}\Z")
_LISTISH = st.lists(st.text(max_size=20), max_size=5).map(", ".join)
_PIPED = st.lists(st.text(max_size=20), max_size=6).map(" | ".join)
VALUES = st.one_of(
    st.text(max_size=80),
    _DATEISH,
    _NUMBERISH,
    _LISTISH,
    _PIPED,
    st.sampled_from(["unknown", "draft", "published", "de", "en", "ZZ", "0, 0", "nan, inf"]),
    st.sampled_from(TRICKY),
    st.lists(_PIPED, max_size=3).map("\n".join),
)


@st.composite
def raw_fields(draw: st.DrawFn, content_type: str) -> list[RawField]:
    known = [f.name for f in CONTENT_TYPES[content_type].fields]
    names = st.one_of(
        st.sampled_from(known),
        st.sampled_from(known).map(str.upper),
        st.from_regex(r"\A[A-Za-z][A-Za-z0-9_-]{0,15}\Z"),
    )
    chosen = draw(st.lists(names, max_size=len(known) + 3))
    return [RawField(name, draw(VALUES), line) for line, name in enumerate(chosen, start=1)]


def assert_clean(record: Record | None, problems: list[Problem], path: str) -> None:
    errors = [p for p in problems if p.severity == ERROR]
    assert (record is None) == bool(errors)
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.path == path
        assert problem.line >= 1
        assert problem.severity in (ERROR, WARNING)
        assert problem.field and problem.message
        assert "\n" not in str(problem), "one problem, one line"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), kind=st.sampled_from(sorted(CONTENT_TYPES)))
def test_arbitrary_fields_parse_or_give_clean_problems(data: st.DataObject, kind: str) -> None:
    fields = data.draw(raw_fields(kind))
    path = f"{CONTENT_TYPES[kind].folder}/x.md"
    record, problems = parse_record(CONTENT_TYPES[kind], fields, path, MODEL, default_slug="x")
    assert_clean(record, problems, path)


@settings(max_examples=300, deadline=None)
@given(value=VALUES, field_name=st.sampled_from(["Date", "Modified", "Source", "Image", "Tags"]))
def test_every_article_field_alone_in_a_valid_article(value: str, field_name: str) -> None:
    base = {
        "Title": "T",
        "Id": "2010-t",
        "Date": "2010-07-15",
        "Category": "Cooperation",
        "Source": "X | 2010",
        "Summary": "S.",
    }
    base[field_name] = value
    fields = [RawField(n, v, i) for i, (n, v) in enumerate(base.items(), start=1)]
    record, problems = parse_record(CONTENT_TYPES["article"], fields, "articles/x.md", MODEL)
    assert_clean(record, problems, "articles/x.md")
    if record is not None:
        assert isinstance(record.date, dt.datetime) and record.date.tzinfo is not None


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_any_file_text_splits_into_fields_and_body(text: str) -> None:
    fields, body, body_line, problems = split_header(text, "articles/x.md")
    assert body_line >= 1
    assert all(f.line >= 1 and f.name[0] in string.ascii_letters for f in fields)
    assert all("\n" not in str(p) for p in problems)


ALL_FIELDS = [(kind, f.name) for kind, ct in sorted(CONTENT_TYPES.items()) for f in ct.fields]


@settings(max_examples=400, deadline=None)
@given(value=VALUES, which=st.sampled_from(ALL_FIELDS))
@example(value="²", which=("city", "Population"))
@example(value="2009-06-22 12:00 America", which=("event", "Start"))
@example(value="2009-06-22 12:00 America", which=("article", "Date"))
def test_any_value_in_any_field(value: str, which: tuple[str, str]) -> None:
    kind, field_name = which
    fields = [RawField(field_name, value, 1)]
    path = f"{CONTENT_TYPES[kind].folder}/x.md"
    record, problems = parse_record(CONTENT_TYPES[kind], fields, path, MODEL, default_slug="x")
    assert_clean(record, problems, path)
    assert any(p.field == field_name or p.line == 1 for p in problems) or record is not None
