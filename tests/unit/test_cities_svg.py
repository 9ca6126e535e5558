"""Build-time SVG: the ranking chart and the cities map parse and carry text alternatives."""

from __future__ import annotations

import pytest
from cities import svg
from cities.rankings import ChartSeries
from lxml import etree
from markupsafe import Markup
from portal.geo import fit
from portal.model import Coordinates

NS = {"s": svg.SVG_NS}


def parse(markup: str) -> etree._Element:
    return etree.fromstring(str(markup).encode())


def assert_text_alternative(root: etree._Element, title: str, desc: str) -> None:
    assert root.tag == f"{{{svg.SVG_NS}}}svg"
    assert root.get("role") == "img"
    ids = root.get("aria-labelledby").split()
    named = [root.xpath(f"//*[@id='{i}']", namespaces=NS)[0] for i in ids]
    assert [etree.QName(n).localname for n in named] == ["title", "desc"]
    assert named[0].text == title
    assert named[1].text == desc
    # the title is the first child, as SVG requires for an accessible name
    assert etree.QName(root[0]).localname == "title"


def chart(series, **kwargs):
    options = dict(
        chart_id="c", title="Ranks", desc="All ranks", year_label="Year", rank_label="Rank"
    )
    options.update(kwargs)
    return parse(svg.ranking_chart(series, **options))


def test_chart_has_title_desc_and_one_marker_per_point_plus_legend():
    series = [
        ChartSeries("A (X)", [(2003, 1), (2005, 1), (2007, 1), (2009, 1)]),
        ChartSeries("B (Y)", [(2003, 1), (2005, 1), (2007, 1)]),
    ]
    root = chart(series, title="Rankings of Seoul", desc="rank 1 in 2003, 2005, 2007 and 2009")
    assert_text_alternative(root, "Rankings of Seoul", "rank 1 in 2003, 2005, 2007 and 2009")
    groups = root.xpath("//s:g[contains(@class, 'portal-chart__series ')]", namespaces=NS)
    assert len(groups) == 2
    circles = groups[0].xpath("s:circle", namespaces=NS)
    squares = groups[1].xpath("s:polygon", namespaces=NS)
    assert len(circles) == 4 + 1  # four points and the legend's key
    assert len(squares) == 3 + 1
    legend = root.xpath("//s:text[@class='portal-chart__legend']/text()", namespaces=NS)
    assert legend == ["A (X)", "B (Y)"]
    years = root.xpath("//s:text[@class='portal-chart__tick']/text()", namespaces=NS)
    assert {"2003", "2005", "2007", "2009"} <= set(years)


def test_rank_one_is_drawn_above_worse_ranks():
    root = chart([ChartSeries("S", [(2001, 1), (2003, 4)])])
    first, second = root.xpath("//s:g[contains(@class,'series--1')]/s:circle", namespaces=NS)[:2]
    assert float(first.get("cy")) < float(second.get("cy"))
    assert float(first.get("cx")) < float(second.get("cx"))  # later years to the right


def test_markup_text_is_unescaped_once_not_twice():
    root = chart([ChartSeries("S", [(2001, 1)])], title=Markup("Ranks of A&amp;B"))
    assert root.xpath("//s:title/text()", namespaces=NS) == ["Ranks of A&B"]


@pytest.mark.parametrize(
    ("worst", "top", "ticks"),
    [
        (1, 5, [1, 2, 3, 4, 5]),
        (7, 8, [1, 2, 4, 6, 8]),
        (30, 30, [1, 10, 20, 30]),
        (100, 100, [1, 20, 40, 60, 80, 100]),
    ],
)
def test_rank_axis_has_nice_ticks_and_always_rank_one(worst, top, ticks):
    assert svg.rank_axis(worst) == (top, ticks)


PLACES = [
    svg.Place("Seoul", Coordinates(37.5665, 126.9780)),
    svg.Place("Kathmandu", Coordinates(27.7172, 85.3240)),
    svg.Place("Barcelona", Coordinates(41.3874, 2.1686)),
    svg.Place("San Francisco", Coordinates(37.7749, -122.4194)),
]


def test_map_places_each_city_where_geo_fit_puts_it():
    root = parse(svg.city_map(PLACES, map_id="m", title="Map", desc="Four cities"))
    assert_text_alternative(root, "Map", "Four cities")
    projection = fit([p.where for p in PLACES], 800, 400)
    dots = root.xpath("//s:circle[@class='portal-map__dot']", namespaces=NS)
    assert [(float(d.get("cx")), float(d.get("cy"))) for d in dots] == [
        projection.point(p.where) for p in PLACES
    ]
    labels = root.xpath("//s:text[@class='portal-map__label']/text()", namespaces=NS)
    assert sorted(labels) == sorted(p.name for p in PLACES)
    assert root.xpath("//s:line[contains(@class,'portal-map__graticule')]", namespaces=NS)


def test_map_names_no_dots_beyond_the_label_limit():
    root = parse(svg.city_map(PLACES, map_id="m", title="Map", desc="d", label_limit=3))
    assert len(root.xpath("//s:circle", namespaces=NS)) == 4
    assert root.xpath("//s:text", namespaces=NS) == []


def test_map_labels_of_crowded_cities_do_not_overlap():
    crowded = [svg.Place(f"City {i}", Coordinates(50 + i * 0.05, 8 + i * 0.05)) for i in range(6)]
    crowded.append(svg.Place("Far", Coordinates(-30, 150)))
    root = parse(svg.city_map(crowded, map_id="m", title="Map", desc="d"))
    boxes = []
    for text in root.xpath("//s:text", namespaces=NS):
        x, y, width = float(text.get("x")), float(text.get("y")), 6.6 * len(text.text)
        anchor = text.get("text-anchor")
        left = {"start": x, "end": x - width, "middle": x - width / 2}[anchor]
        boxes.append((left, y - 12, left + width, y))
    assert len(boxes) >= 2
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)
