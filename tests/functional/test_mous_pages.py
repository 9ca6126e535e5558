"""The MOU timeline of the sample site: pages, open data and network view.

The seeds hold nine MOUs of Seoul: three with a published date (Barcelona 15 June,
La Manche 19 June, Kathmandu 22 June 2009) and six without one, first reported on
10 July 2009. Every view must show the three dates and invent none for the six.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import pytest
from lxml import etree, html

from tests.conftest import read_page

DATED = {
    "seoul-barcelona-2009": "2009-06-15",
    "seoul-la-manche-2009": "2009-06-19",
    "seoul-kathmandu-2009": "2009-06-22",
}
UNDATED = {"seoul-ankara", "seoul-astana", "seoul-hanoi", "seoul-moscow", "seoul-nairobi",
           "seoul-ulaanbaatar"}
SVG = "{http://www.w3.org/2000/svg}"


def main(output: Path, url: str) -> html.HtmlElement:
    return html.fromstring(read_page(output, url)).get_element_by_id("main-content")


def words(element) -> str:
    return " ".join(element.text_content().split())


def items_of(element) -> dict[str, html.HtmlElement]:
    """Timeline items by the slug of the MOU they link to."""
    found = {}
    for item in element.xpath(".//li[@class='portal-mou-timeline__item']"):
        href = item.xpath(".//p[@class='portal-mou-timeline__title']/a")[0].get("href")
        found[href.rstrip("/").rsplit("/", 1)[-1]] = item
    return found


# --- /mous/ -----------------------------------------------------------------------


def test_the_nine_seed_mous_with_three_dates_and_six_honestly_undated(sample_output: Path):
    timeline = main(sample_output, "mous/").xpath(".//section[@class='portal-mous__timeline']")[0]
    items = items_of(timeline)
    assert set(items) == set(DATED) | UNDATED
    for slug, day in DATED.items():
        assert [t.get("datetime") for t in items[slug].xpath(".//time")] == [day]
    for slug in UNDATED:
        date = items[slug].xpath(".//p[@class='portal-mou-timeline__date']")[0]
        assert words(date) == "Date not published; reported by 10 July 2009"
        assert [t.get("datetime") for t in items[slug].xpath(".//time")] == ["2009-07-10"]


def test_global_timeline_order_and_headings(sample_output: Path):
    timeline = main(sample_output, "mous/").xpath(".//section[@class='portal-mous__timeline']")[0]
    headings = [words(h) for h in timeline.xpath(".//h3")]
    assert headings == ["2009", "Date not published — reported by 10 July 2009"]
    first_list = timeline.xpath(".//ol")[0]
    assert list(items_of(first_list)) == [
        "seoul-kathmandu-2009", "seoul-la-manche-2009", "seoul-barcelona-2009"
    ]  # newest first
    assert list(items_of(timeline.xpath(".//ol")[-1])) == sorted(UNDATED)  # by title


def test_items_link_parties_sources_and_show_scope_and_status(sample_output: Path):
    item = items_of(main(sample_output, "mous/"))["seoul-kathmandu-2009"]
    hrefs = [a.get("href") for a in item.xpath(".//a")]
    assert "../cities/seoul/" in hrefs and "../cities/kathmandu/" in hrefs
    assert "../news/2009/07/kathmandu-cooperation/" in hrefs
    text = words(item)
    assert "consulting, technical assistance and staff exchange" in text
    assert "Status signed" in text


def test_summary_figures(sample_output: Path):
    figures = main(sample_output, "mous/").xpath(".//section[@class='portal-mou-figures']")[0]
    tables = figures.xpath(".//table")
    per_year = [[words(c) for c in row.xpath("./*")] for row in tables[0].xpath(".//tr")]
    assert per_year[1:] == [["2009", "3", "6"], ["All years", "3", "6"]]
    per_country = {words(r.xpath("./th")[0]): [words(c) for c in r.xpath("./td")]
                   for r in tables[1].xpath("./tbody/tr")}
    assert per_country["South Korea"] == ["1", "9"]
    assert per_country["Nepal"] == ["1", "1"]
    assert len(per_country) == 10
    per_region = {words(r.xpath("./th")[0]): [words(c) for c in r.xpath("./td")]
                  for r in tables[2].xpath("./tbody/tr")}
    assert per_region == {"Asia": ["6", "9"], "Europe": ["3", "3"], "Africa": ["1", "1"]}


def test_narrowing_links_lead_to_year_country_and_partner_pages(sample_output: Path):
    nav = main(sample_output, "mous/").xpath(".//nav[@class='portal-mou-narrow']")[0]
    hrefs = [a.get("href") for a in nav.xpath(".//a")]
    assert "../mous/year/2009/" in hrefs
    assert "../mous/country/np/" in hrefs
    assert "../mous/partner/kathmandu/" in hrefs
    for href in hrefs:
        assert (sample_output / href.removeprefix("../") / "index.html").is_file(), href


def test_data_files_and_documentation_are_linked_from_the_timeline(sample_output: Path):
    page = html.fromstring(read_page(sample_output, "mous/"))
    hrefs = {a.get("href") for a in page.get_element_by_id("main-content").xpath(".//a")}
    for target in ("mous.json", "mous.csv", "timeline.json", "data/"):
        assert f"../mous/{target}" in hrefs
    alternates = {link.get("type") for link in page.xpath("//head/link[@rel='alternate']")}
    assert {"application/json", "text/csv"} <= alternates


def test_timeline_nav_item_is_current(sample_output: Path):
    page = html.fromstring(read_page(sample_output, "mous/"))
    current = page.xpath("//header//a[@aria-current='page']")
    assert [a.get("href") for a in current] == ["../mous/"]


# --- narrowed pages -----------------------------------------------------------------


def test_partner_page_lists_only_that_citys_mous(sample_output: Path):
    page = main(sample_output, "mous/partner/kathmandu/")
    assert words(page.xpath(".//h1")[0]) == "MOUs of Kathmandu"
    assert list(items_of(page)) == ["seoul-kathmandu-2009"]
    partners = page.xpath(".//a[@href='../../../mous/partner/seoul/']")
    assert partners, "Kathmandu's page links to its partner Seoul"
    assert len(items_of(main(sample_output, "mous/partner/seoul/"))) == 9


def test_country_page(sample_output: Path):
    page = main(sample_output, "mous/country/np/")
    assert words(page.xpath(".//h1")[0]) == "MOUs with partners in Nepal"
    assert list(items_of(page)) == ["seoul-kathmandu-2009"]
    assert len(items_of(main(sample_output, "mous/country/kr/"))) == 9


def test_year_page_separates_signed_from_first_reported(sample_output: Path):
    page = main(sample_output, "mous/year/2009/")
    assert words(page.xpath(".//h1")[0]) == "MOUs in 2009"
    assert "3 MOUs signed in 2009." in words(page)
    assert "6 MOUs without a published signing date were first reported in 2009" in words(page)
    headings = [words(h) for h in page.xpath(".//h2[@class='portal-mou-timeline__heading']")]
    assert headings == ["2009", "Date not published — reported by 10 July 2009"]


def test_breadcrumb_leads_back_to_the_timeline(sample_output: Path):
    crumb = main(sample_output, "mous/year/2009/").xpath(".//nav[@aria-label='Breadcrumb']")[0]
    assert crumb.xpath(".//a")[0].get("href") == "../../../mous/"
    assert crumb.xpath(".//li[@aria-current='page']")[0].text == "2009"


# --- a page per MOU -------------------------------------------------------------------


@pytest.mark.parametrize("slug", sorted(DATED))
def test_dated_mou_page(sample_output: Path, slug: str):
    page = main(sample_output, f"mous/{slug}/")
    signed = page.xpath(".//dl[@class='portal-facts']/dd")[0]
    assert [t.get("datetime") for t in signed.xpath(".//time")] == [DATED[slug]]


@pytest.mark.parametrize("slug", sorted(UNDATED))
def test_undated_mou_page_says_so_and_gives_the_report_date(sample_output: Path, slug: str):
    page = main(sample_output, f"mous/{slug}/")
    facts = {words(dt): dd for dt, dd in zip(page.xpath(".//dl[@class='portal-facts']/dt"),
                                              page.xpath(".//dl[@class='portal-facts']/dd"),
                                              strict=True)}
    assert words(facts["Signed"]) == "Date not published"
    assert not facts["Signed"].xpath(".//time")
    assert [t.get("datetime") for t in facts["First reported"].xpath(".//time")] == ["2009-07-10"]


def test_mou_page_links_its_sources_and_partner_timelines(sample_output: Path):
    page = main(sample_output, "mous/seoul-kathmandu-2009/")
    hrefs = [a.get("href") for a in page.xpath(".//a")]
    assert "../../news/2009/07/seoul-mous-june/" in hrefs
    assert "../../news/2009/07/kathmandu-cooperation/" in hrefs
    assert "../../mous/partner/kathmandu/" in hrefs
    assert "../../mous/year/2009/" in hrefs


def test_an_mous_source_article_links_to_that_mou(sample_output: Path):
    page = main(sample_output, "news/2009/07/seoul-mous-june/")
    linked = {a.get("href") for a in page.xpath(".//a")}
    for slug in set(DATED) | UNDATED:
        assert f"../../../../mous/{slug}/" in linked, slug
    other = {a.get("href") for a in main(sample_output, "news/2009/07/kathmandu-cooperation/")
             .xpath(".//a") if "/mous/" in a.get("href", "")}
    assert other == {"../../../../mous/seoul-kathmandu-2009/"}


# --- open data --------------------------------------------------------------------------


def test_mous_json_follows_its_schema_and_holds_the_seed_dates(sample_output: Path):
    document = json.loads((sample_output / "mous" / "mous.json").read_text(encoding="utf-8"))
    schema = json.loads((sample_output / "mous" / "mous.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(document)
    assert document["count"] == 9
    signed = {m["id"]: m["signed"] for m in document["mous"]}
    assert {k: v["date"] for k, v in signed.items() if v} == DATED
    assert {k for k, v in signed.items() if v is None} == UNDATED
    for mou in document["mous"]:
        if mou["id"] in UNDATED:
            assert mou["reported"] == {"date": "2009-07-10", "precision": "day"}


def test_mous_csv_one_row_per_mou(sample_output: Path):
    raw = (sample_output / "mous" / "mous.csv").read_bytes()
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert len(rows) == 9
    assert {r["id"]: r["signed"] for r in rows if r["signed"]} == DATED
    assert {r["id"] for r in rows if r["date_known"] == "false"} == UNDATED
    manche = next(r for r in rows if r["id"] == "seoul-la-manche-2009")
    assert manche["countries"] == "KR; FR" and manche["party_names"] == "Seoul; La Manche"


def test_timeline_json_dates_only_to_the_known_precision(sample_output: Path):
    doc = json.loads((sample_output / "mous" / "timeline.json").read_text(encoding="utf-8"))
    events = {e["unique_id"]: e for e in doc["events"]}
    assert set(events) == set(DATED) | UNDATED
    for slug, day in DATED.items():
        year, month, date = (int(part) for part in day.split("-"))
        assert events[slug]["start_date"] == {"year": year, "month": month, "day": date}
        assert "display_date" not in events[slug]
    for slug in UNDATED:
        assert events[slug]["display_date"] == "Date not published; reported by 10 July 2009"
    assert events["seoul-nairobi"]["group"] == "Africa"
    assert events["seoul-barcelona-2009"]["group"] == "Europe"


def test_data_page_documents_every_csv_column_and_json_field(sample_output: Path):
    page = main(sample_output, "mous/data/")
    documented = {words(code) for code in page.xpath(".//th[@scope='row']/code")}
    header = (sample_output / "mous" / "mous.csv").read_text(encoding="utf-8").splitlines()[0]
    assert set(header.split(",")) <= documented
    schema = json.loads((sample_output / "mous" / "mous.schema.json").read_text(encoding="utf-8"))
    for spec in [schema, *schema["$defs"].values()]:
        assert set(spec["properties"]) <= documented
    assert {"start_date", "display_date", "group", "unique_id"} <= documented
    assert "Date not published; reported by" in words(page)


# --- network view ---------------------------------------------------------------------------


def test_network_svg_parses_with_a_node_per_city_and_a_line_per_mou(sample_output: Path):
    svg = etree.parse(str(sample_output / "mous" / "network.svg")).getroot()
    assert svg.tag == f"{SVG}svg"
    assert svg.find(f"{SVG}title").text == "Network of MOUs between cities"
    assert "9 MOUs" in svg.find(f"{SVG}desc").text
    cities = svg.xpath("//s:a[@data-city]", namespaces={"s": SVG[1:-1]})
    content = Path(__file__).parents[2] / "content" / "cities"
    content_cities = {p.stem for p in content.glob("*.md")}
    assert {a.get("data-city") for a in cities} == content_cities
    assert all(a.find(f"{SVG}circle") is not None for a in cities)
    links = svg.xpath("//s:a[@data-mou]", namespaces={"s": SVG[1:-1]})
    assert {a.get("data-mou") for a in links} == set(DATED) | UNDATED
    assert all(len(a.findall(f"{SVG}line")) == 1 for a in links)
    # Links inside the file work relative to /mous/network.svg.
    assert links[0].get("href").startswith("../mous/")


def test_network_page_inlines_the_svg_and_lists_the_same_links(sample_output: Path):
    page = main(sample_output, "mous/network/")
    svg = page.xpath(".//*[local-name()='svg']")[0]
    assert svg.get("aria-labelledby") == "mou-network-title"
    in_map = {a.get("href") for a in svg.xpath(".//*[local-name()='a'][@data-mou]")}
    listed = {a.get("href") for a in page.xpath(".//section[@class='portal-mou-network__list']"
                                                "//li/a[1]")}
    assert in_map == listed and len(listed) == 9


def test_no_inline_script_and_no_third_party_request(sample_output: Path):
    for path in (sample_output / "mous").rglob("*.html"):
        page = html.fromstring(path.read_text(encoding="utf-8"))
        assert not [s for s in page.xpath("//script") if not s.get("src")], path
        for attribute in page.xpath("//@src | //link/@href"):
            assert not attribute.startswith(("http:", "https:", "//")), (path, attribute)
