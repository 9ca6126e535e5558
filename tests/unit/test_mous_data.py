"""MOU open data: mous.json matches the records and its schema, mous.csv matches the
records, timeline.json is TimelineJS3 with dates only to the known precision."""

from __future__ import annotations

import csv
import io
import json

import jsonschema
import pytest
from mous import data

from tests.unit.test_mous import article, city, mou, seeds, site

SCHEMA = data.json_schema("https://example.org/mous/mous.schema.json")


def world():
    cities, mous, articles = seeds()
    cities.append(city("wroclaw", "Wrocław", "PL", "Europe", 51.11, 17.03))
    cities.append(city("quito", "Quito", "EC", "Latin America", -0.18, -78.47))
    mous += [
        mou("three-way", ("seoul", "wroclaw", "quito"), "2011", title="Seoul, Wrocław, Quito",
            scope='Open data, "smart" services; staff exchange', status="in force"),
    ]
    articles.append(article("2011-three-way", "Three cities", "2011-05-02"))
    mous[-1].record.sources = ("2011-three-way",)
    return site(cities, mous, articles)


def document(base: str = "https://example.org"):
    portal = world()
    return portal, data.mous_document(
        portal.mous, portal, base, title="MOUs", timeline_url=f"{base}/mous/",
        schema_url=f"{base}/mous/mous.schema.json",
    )


# --- mous.json ------------------------------------------------------------------


def test_the_schema_is_a_valid_json_schema_and_the_document_follows_it():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    _, doc = document()
    jsonschema.Draft202012Validator(SCHEMA).validate(doc)
    assert doc["version"] == data.SCHEMA_VERSION
    assert doc["$schema"] == "https://example.org/mous/mous.schema.json"
    assert doc["count"] == len(doc["mous"]) == 7


def test_json_matches_the_records_oldest_first():
    portal, doc = document()
    assert [m["id"] for m in doc["mous"]] == [p.record.slug for p in portal.mous]
    by_id = {m["id"]: m for m in doc["mous"]}
    kathmandu = by_id["seoul-kathmandu-2009"]
    assert kathmandu["signed"] == {"date": "2009-06-22", "precision": "day"}
    assert kathmandu["reported"] is None and kathmandu["date_known"] is True
    assert kathmandu["url"] == "https://example.org/mous/seoul-kathmandu-2009/"
    assert [p["id"] for p in kathmandu["parties"]] == ["seoul", "kathmandu"]
    assert kathmandu["parties"][1] == {
        "id": "kathmandu", "name": "Kathmandu", "kind": "city", "country": "NP",
        "country_name": "Nepal", "region": "Asia",
        "url": "https://example.org/cities/kathmandu/",
        "latitude": 27.7172, "longitude": 85.324,
    }
    assert kathmandu["sources"] == [{
        "id": "2009-seoul-mous-june", "title": "Seoul signs three MOUs",
        "url": "https://example.org/news/2009-seoul-mous-june/", "published": "2009-07-13",
    }]
    assert by_id["seoul-busan-2010"]["signed"] == {"date": "2010-03", "precision": "month"}
    assert by_id["three-way"]["signed"] == {"date": "2011", "precision": "year"}
    assert [p["name"] for p in by_id["three-way"]["parties"]] == ["Seoul", "Wrocław", "Quito"]


def test_json_never_invents_a_signing_date():
    _, doc = document()
    moscow = next(m for m in doc["mous"] if m["id"] == "seoul-moscow")
    assert moscow["signed"] is None and moscow["date_known"] is False
    assert moscow["reported"] == {"date": "2009-07-10", "precision": "day"}


def test_without_siteurl_addresses_are_root_relative():
    _, doc = document(base="")
    assert doc["mous"][0]["url"].startswith("/mous/")
    assert doc["mous"][0]["sources"][0]["url"].startswith("/news/")


MOSCOW, KATHMANDU = "seoul-moscow", "seoul-kathmandu-2009"


@pytest.mark.parametrize(
    ("mou_id", "change"),
    [
        pytest.param(MOSCOW, lambda m: m.update(reported=None), id="undated-without-report"),
        pytest.param(MOSCOW, lambda m: m.update(date_known=True), id="date-known-but-null"),
        pytest.param(KATHMANDU, lambda m: m.update(date_known=False), id="dated-but-unknown"),
        pytest.param(KATHMANDU, lambda m: m["signed"].update(day=22), id="extra-key-in-date"),
        pytest.param(KATHMANDU, lambda m: m["signed"].update(date="22 June 2009"),
                     id="date-not-iso"),
        pytest.param(KATHMANDU, lambda m: m["signed"].update(precision="week"),
                     id="unknown-precision"),
        pytest.param(KATHMANDU, lambda m: m.update(parties=m["parties"][:1]), id="one-party"),
        pytest.param(KATHMANDU, lambda m: m.update(status="pending"), id="unknown-status"),
        pytest.param(KATHMANDU, lambda m: m.update(sources=[]), id="no-source"),
    ],
)
def test_the_schema_rejects_what_the_content_model_rejects(mou_id, change):
    _, doc = document()
    validator = jsonschema.Draft202012Validator(SCHEMA)
    assert validator.is_valid(doc)
    change(next(m for m in doc["mous"] if m["id"] == mou_id))
    assert not validator.is_valid(doc)


def test_schema_tables_document_every_field():
    tables = dict(data.schema_tables(SCHEMA))
    assert set(tables) == {"file", "mou", "party", "source", "partial_date"}
    for name, spec in [("file", SCHEMA)] + list(SCHEMA["$defs"].items()):
        rows = tables[name]
        assert [r.name for r in rows] == list(spec["properties"])
        assert all(r.description for r in rows), name
    signed = next(r for r in tables["mou"] if r.name == "signed")
    assert signed.type == "partial_date | null" and signed.required
    parties = next(r for r in tables["mou"] if r.name == "parties")
    assert parties.type == "array of party"


# --- mous.csv -------------------------------------------------------------------


def test_csv_has_a_header_and_one_row_per_mou_matching_the_records():
    portal = world()
    text = data.mous_csv(portal.mous, portal, "https://example.org")
    assert not text.startswith("\ufeff")
    assert text.endswith("\r\n")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert list(rows[0]) == [c.name for c in data.CSV_COLUMNS]
    assert [r["id"] for r in rows] == [p.record.slug for p in portal.mous]
    by_id = {r["id"]: r for r in rows}
    assert by_id["seoul-kathmandu-2009"] == {
        "id": "seoul-kathmandu-2009", "title": "Seoul – Kathmandu MOU",
        "url": "https://example.org/mous/seoul-kathmandu-2009/",
        "signed": "2009-06-22", "signed_precision": "day", "reported": "",
        "date_known": "true", "parties": "seoul; kathmandu",
        "party_names": "Seoul; Kathmandu", "countries": "KR; NP", "regions": "Asia; Asia",
        "scope": "E-government cooperation", "status": "signed",
        "sources": "2009-seoul-mous-june",
        "source_urls": "https://example.org/news/2009-seoul-mous-june/",
    }
    moscow = by_id["seoul-moscow"]
    assert (moscow["signed"], moscow["signed_precision"], moscow["reported"],
            moscow["date_known"]) == ("", "", "2009-07-10", "false")
    three = by_id["three-way"]
    assert three["party_names"] == "Seoul; Wrocław; Quito"
    assert three["scope"] == 'Open data, "smart" services; staff exchange'  # quoted, intact
    assert (three["signed"], three["signed_precision"]) == ("2011", "year")


def test_csv_encodes_as_utf8():
    portal = world()
    raw = data.mous_csv(portal.mous, portal, "").encode("utf-8")
    assert "Wrocław".encode() in raw


# --- timeline.json (TimelineJS3) --------------------------------------------------


def timeline():
    portal = world()
    return portal, data.timeline_document(
        portal.mous, portal, "https://example.org", headline="MOUs", text="All of them."
    )


def test_timeline_has_a_title_and_every_required_key():
    portal, doc = timeline()
    json.dumps(doc)  # serialisable as is
    assert doc["title"]["text"] == {"headline": "MOUs", "text": "<p>All of them.</p>"}
    assert len(doc["events"]) == len(portal.mous)
    for event in doc["events"]:
        assert {"start_date", "text", "group", "unique_id"} <= set(event)
        assert set(event["text"]) == {"headline", "text"}
        assert isinstance(event["start_date"]["year"], int)
    ids = [e["unique_id"] for e in doc["events"]]
    assert ids == [p.record.slug for p in portal.mous] and len(set(ids)) == len(ids)


def test_timeline_dates_only_to_the_known_precision():
    _, doc = timeline()
    dates = {e["unique_id"]: e["start_date"] for e in doc["events"]}
    assert dates["seoul-kathmandu-2009"] == {"year": 2009, "month": 6, "day": 22}
    assert dates["seoul-busan-2010"] == {"year": 2010, "month": 3}
    assert dates["three-way"] == {"year": 2011}


def test_timeline_places_an_undated_mou_at_its_report_and_says_so():
    _, doc = timeline()
    moscow = next(e for e in doc["events"] if e["unique_id"] == "seoul-moscow")
    assert moscow["start_date"] == {"year": 2009, "month": 7, "day": 10}
    assert moscow["display_date"] == "Date not published; reported by 10 July 2009"
    assert moscow["text"]["text"].startswith("<p>The signing date has not been published")
    dated = next(e for e in doc["events"] if e["unique_id"] == "seoul-kathmandu-2009")
    assert "display_date" not in dated


def test_timeline_groups_by_partner_region_and_links_sources():
    _, doc = timeline()
    groups = {e["unique_id"]: e["group"] for e in doc["events"]}
    assert groups["seoul-barcelona-2009"] == "Europe"
    assert groups["seoul-nairobi"] == "Africa"
    assert groups["seoul-kathmandu-2009"] == "Asia"
    assert groups["three-way"] == "Europe / Latin America"
    text = next(e for e in doc["events"] if e["unique_id"] == "seoul-la-manche-2009")["text"]
    assert '<a href="https://example.org/news/2009-la-manche/">La Manche and Seoul</a>' in (
        text["text"]
    )
    assert '<a href="https://example.org/mous/seoul-la-manche-2009/">' in text["text"]


def test_timeline_text_escapes_markup():
    portal = world()
    portal.mous[-1].record.scope = "Pilots <b>now</b> & later"
    doc = data.timeline_document(portal.mous, portal, "", headline="<MOUs>", text="x")
    assert "Pilots &lt;b&gt;now&lt;/b&gt; &amp; later" in doc["events"][-1]["text"]["text"]
    assert doc["title"]["text"]["headline"] == "&lt;MOUs&gt;"
