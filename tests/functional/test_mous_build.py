"""MOU timelines on fixture sites built once each: precision and multi-party MOUs the
seeds lack, and a site of bad MOU records that must stop the build, naming each
file, line and field."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import pytest
from lxml import etree, html

from tests.conftest import read_page
from tools.build import BuildError, build_site

CITIES = {
    "seoul": "Name: Seoul\nCountry: KR\nRegion: Asia\nCoordinates: 37.5665, 126.9780\n",
    "busan": "Name: Busan\nCountry: KR\nRegion: Asia\nCoordinates: 35.1796, 129.0756\n",
    "wroclaw": "Name: Wrocław\nCountry: PL\nRegion: Europe\nCoordinates: 51.11, 17.03\n",
    "quito": "Name: Quito\nCountry: EC\nRegion: Latin America\nCoordinates: -0.18, -78.47\n",
}
ARTICLE = (
    "Title: {title}\nId: {id}\nDate: 2012-06-01\nCategory: Cooperation\n"
    "Source: Example Daily | 2012-05-31\nSummary: A test.\n{extra}\nText.\n"
)
MOU = "Parties: {parties}\nSigned: {signed}\n{reported}Scope: {scope}\nStatus: signed\n" \
      "Sources: {sources}\n{extra}\nBody.\n"


def write_site(root: Path, mous: dict[str, dict[str, str]]) -> Path:
    for folder in ("cities", "articles", "mous"):
        (root / folder).mkdir(parents=True)
    for slug, text in CITIES.items():
        (root / "cities" / f"{slug}.md").write_text(text + "\nA city.\n", encoding="utf-8")
    (root / "articles" / "a.md").write_text(
        ARTICLE.format(title="Three cities sign", id="2012-three", extra=""), encoding="utf-8"
    )
    (root / "articles" / "draft.md").write_text(
        ARTICLE.format(title="Not yet", id="2012-draft", extra="Status: draft\n"),
        encoding="utf-8",
    )
    for name, values in mous.items():
        fields = {"reported": "", "scope": "Cooperation", "sources": "2012-three", "extra": "",
                  "signed": "2010"}
        fields.update(values)
        (root / "mous" / f"{name}.md").write_text(MOU.format(**fields), encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def mou_site(tmp_path_factory) -> Path:
    """MOUs at year and month precision, three parties, and one undated."""
    content = write_site(tmp_path_factory.mktemp("mou-site") / "content", {
        "2011-three-way": {"parties": "seoul, wroclaw, quito", "signed": "2011",
                           "scope": 'Open data, "smart" services'},
        "2010-seoul-busan": {"parties": "seoul, busan", "signed": "2010-03"},
        "unknown-seoul-quito": {"parties": "seoul, quito", "signed": "unknown",
                                "reported": "Reported: 2012-05\n"},
    })
    return build_site(content, content.parent / "output").output


def main(output: Path, url: str):
    return html.fromstring(read_page(output, url)).get_element_by_id("main-content")


def words(element) -> str:
    return " ".join(element.text_content().split())


def test_year_and_month_precision_and_an_undated_group(mou_site: Path):
    timeline = main(mou_site, "mous/").xpath(".//section[@class='portal-mous__timeline']")[0]
    assert [words(h) for h in timeline.xpath(".//h3")] == [
        "2011", "2010", "Date not published — reported by May 2012"
    ]
    dates = [[t.get("datetime") for t in p.xpath(".//time")]
             for p in timeline.xpath(".//p[@class='portal-mou-timeline__date']")]
    assert dates == [["2011"], ["2010-03"], ["2012-05"]]


def test_three_parties_make_three_lines_and_count_in_each_country(mou_site: Path):
    svg = etree.parse(str(mou_site / "mous" / "network.svg")).getroot()
    ns = {"s": "http://www.w3.org/2000/svg"}
    three = svg.xpath("//s:a[@data-mou='2011-three-way']", namespaces=ns)[0]
    assert len(three.xpath("s:line", namespaces=ns)) == 3
    assert len(svg.xpath("//s:a[@data-city]", namespaces=ns)) == 4
    for code in ("pl", "ec", "kr"):
        assert (mou_site / "mous" / "country" / code / "index.html").is_file()
    page = main(mou_site, "mous/partner/wroclaw/")
    assert words(page.xpath(".//h1")[0]) == "MOUs of Wrocław"


def test_data_files_of_the_fixture_site(mou_site: Path):
    document = json.loads((mou_site / "mous" / "mous.json").read_text(encoding="utf-8"))
    schema = json.loads((mou_site / "mous" / "mous.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(document)
    signed = {m["id"]: m["signed"] for m in document["mous"]}
    assert signed == {
        "2010-seoul-busan": {"date": "2010-03", "precision": "month"},
        "2011-three-way": {"date": "2011", "precision": "year"},
        "unknown-seoul-quito": None,
    }
    rows = list(csv.DictReader(io.StringIO(
        (mou_site / "mous" / "mous.csv").read_text(encoding="utf-8"), newline="")))
    three = next(r for r in rows if r["id"] == "2011-three-way")
    assert three["party_names"] == "Seoul; Wrocław; Quito"
    assert three["scope"] == 'Open data, "smart" services'
    timeline = json.loads((mou_site / "mous" / "timeline.json").read_text(encoding="utf-8"))
    starts = {e["unique_id"]: e["start_date"] for e in timeline["events"]}
    assert starts == {"2010-seoul-busan": {"year": 2010, "month": 3},
                      "2011-three-way": {"year": 2011},
                      "unknown-seoul-quito": {"year": 2012, "month": 5}}


# --- bad records ----------------------------------------------------------------------------

BAD = {
    "one-party": ({"parties": "seoul"},
                  "mous/one-party.md:1: Parties: needs two or more cities, got 1"),
    "same-party": ({"parties": "seoul, busan, seoul"},
                   "mous/same-party.md:1: Parties: names 'seoul' twice"),
    "unknown-party": ({"parties": "seoul, atlantis"},
                      "mous/unknown-party.md:1: Parties: unknown city 'atlantis'"),
    "bad-date": ({"parties": "seoul, busan", "signed": "2009-13"},
                 "mous/bad-date.md:2: Signed: month 13 does not exist in '2009-13'"),
    "bad-report": ({"parties": "seoul, busan", "signed": "unknown",
                    "reported": "Reported: last summer\n"},
                   "mous/bad-report.md:3: Reported: expected a date as YYYY, YYYY-MM, "
                   "YYYY-MM-DD or 'YYYY-MM-DD HH:MM', got 'last summer'"),
    "city-source": ({"parties": "seoul, busan", "sources": "busan"},
                    "mous/city-source.md:5: Sources: 'busan' is a city, not an article; "
                    "a source is an article's Id"),
    "unknown-source": ({"parties": "seoul, busan", "sources": "2012-thre"},
                       "mous/unknown-source.md:5: Sources: unknown source article "
                       "'2012-thre'; did you mean '2012-three'?"),
    "draft-source": ({"parties": "seoul, busan", "sources": "2012-draft"},
                     "mous/draft-source.md:5: Sources: source article '2012-draft' is a "
                     "draft or scheduled, not published; publish it first or cite a "
                     "published article"),
    "reserved": ({"parties": "seoul, quito", "extra": "Slug: data\n"},
                 "mous/reserved.md:6: Slug: 'data' is reserved for /mous/data/; "
                 "choose another slug"),
}


@pytest.fixture(scope="session")
def bad_build(tmp_path_factory) -> tuple[BuildError, Path]:
    content = write_site(tmp_path_factory.mktemp("bad-mous") / "content",
                         {name: values for name, (values, _) in BAD.items()})
    output = content.parent / "output"
    with pytest.raises(BuildError) as caught:
        build_site(content, output)
    return caught.value, output


@pytest.mark.parametrize("name", sorted(BAD))
def test_each_bad_mou_stops_the_build_naming_file_line_and_field(bad_build, name):
    error, output = bad_build
    assert BAD[name][1] in [str(p) for p in error.report.errors]
    assert BAD[name][1] in str(error)
    assert not output.exists()


def test_every_bad_mou_is_reported_at_once(bad_build):
    error, _ = bad_build
    assert {f"mous/{name}.md" for name in BAD} <= {p.path for p in error.report.errors}


# --- a site without MOUs ------------------------------------------------------------------


@pytest.fixture(scope="session")
def no_mou_site(tmp_path_factory) -> Path:
    content = write_site(tmp_path_factory.mktemp("no-mous") / "content", {})
    return build_site(content, content.parent / "output").output


def test_a_site_without_mous_still_has_a_timeline_and_empty_data(no_mou_site: Path):
    page = main(no_mou_site, "mous/")
    assert "No MOUs recorded." in words(page)
    assert not page.xpath(".//nav[@class='portal-mou-narrow']")
    assert not page.xpath(".//table")
    document = json.loads((no_mou_site / "mous" / "mous.json").read_text(encoding="utf-8"))
    assert document["count"] == 0 and document["mous"] == []
    header = (no_mou_site / "mous" / "mous.csv").read_text(encoding="utf-8")
    assert header.splitlines() == [header.splitlines()[0]] and header.startswith("id,title,")
    timeline = json.loads((no_mou_site / "mous" / "timeline.json").read_text(encoding="utf-8"))
    assert timeline["events"] == []
    svg = etree.parse(str(no_mou_site / "mous" / "network.svg")).getroot()
    assert len(svg.xpath("//s:circle", namespaces={"s": "http://www.w3.org/2000/svg"})) == 4


def test_a_year_with_only_undated_mous_says_they_were_reported_then(mou_site: Path):
    page = main(mou_site, "mous/year/2012/")
    lede = words(page.xpath(".//p[@class='portal-mous__lede']")[0])
    assert lede == ("1 MOU without a published signing date was first reported in 2012; "
                    "it may have been signed earlier.")
    headings = [words(h) for h in page.xpath(".//h2[@class='portal-mou-timeline__heading']")]
    assert headings == ["Date not published — reported by May 2012"]


# --- the published site: absolute addresses -------------------------------------------------

PUBLIC = "https://egov.example.org"


@pytest.fixture(scope="session")
def published_mou_site(tmp_path_factory) -> Path:
    content = write_site(tmp_path_factory.mktemp("published-mous") / "content", {
        "2010-seoul-busan": {"parties": "seoul, busan", "signed": "2010-03"},
    })
    overrides = {"SITEURL": PUBLIC, "RELATIVE_URLS": False}
    return build_site(content, content.parent / "output", overrides=overrides).output


def test_published_data_links_absolutely(published_mou_site: Path):
    out = published_mou_site / "mous"
    document = json.loads((out / "mous.json").read_text(encoding="utf-8"))
    assert document["$schema"] == f"{PUBLIC}/mous/mous.schema.json"
    assert document["url"] == f"{PUBLIC}/mous/"
    (mou,) = document["mous"]
    assert mou["url"] == f"{PUBLIC}/mous/2010-seoul-busan/"
    assert mou["parties"][1]["url"] == f"{PUBLIC}/cities/busan/"
    schema = json.loads((out / "mous.schema.json").read_text(encoding="utf-8"))
    assert schema["$id"] == f"{PUBLIC}/mous/mous.schema.json"
    timeline = json.loads((out / "timeline.json").read_text(encoding="utf-8"))
    assert f'href="{PUBLIC}/mous/2010-seoul-busan/"' in timeline["events"][0]["text"]["text"]
    rows = list(csv.DictReader(io.StringIO((out / "mous.csv").read_text(encoding="utf-8"),
                                           newline="")))
    assert rows[0]["url"] == f"{PUBLIC}/mous/2010-seoul-busan/"
    svg = etree.parse(str(out / "network.svg")).getroot()
    hrefs = svg.xpath("//s:a/@href", namespaces={"s": "http://www.w3.org/2000/svg"})
    assert hrefs and all(h.startswith(f"{PUBLIC}/") for h in hrefs)
