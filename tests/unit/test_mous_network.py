"""The MOU network view's geometry: a node per city at its coordinates, a line per MOU."""

from __future__ import annotations

from mous.network import network_layout
from mous.timeline import build_catalog
from portal.geo import fit

from tests.unit.test_mous import city, mou, seeds, site


def layout(cities, mous, **kwargs):
    portal = site(cities, mous, [])
    catalog = build_catalog(portal.mous, portal.cities)
    return portal, network_layout(
        portal.cities.values(), portal.mous, catalog.by_partner, **kwargs
    )


def test_a_node_per_city_placed_with_the_portal_projection():
    cities, mous, _ = seeds()
    portal, network = layout(cities, mous)
    assert sorted(n.page.record.slug for n in network.nodes) == sorted(portal.cities)
    projection = fit([c.record.coordinates for c in cities], 800, 400)
    for node in network.nodes:
        assert (node.x, node.y) == projection.point(node.page.record.coordinates)
        assert 0 <= node.x <= 800 and 0 <= node.y <= 400


def test_a_line_per_mou_between_its_parties():
    cities, mous, _ = seeds()
    portal, network = layout(cities, mous)
    assert [link.page.record.slug for link in network.links] == [p.record.slug for p in portal.mous]
    points = {n.page.record.slug: (n.x, n.y) for n in network.nodes}
    kathmandu = next(li for li in network.links if li.page.record.slug == "seoul-kathmandu-2009")
    (segment,) = kathmandu.segments
    assert (segment.x1, segment.y1) == points["seoul"]
    assert (segment.x2, segment.y2) == points["kathmandu"]


def test_an_mou_of_three_cities_joins_every_pair():
    cities = [city("a", lat=0, lon=0), city("b", lat=10, lon=10), city("c", lat=20, lon=0)]
    _, network = layout(cities, [mou("abc", ("a", "b", "c"), "2010")])
    assert len(network.links[0].segments) == 3


def test_circles_grow_with_mous_and_cities_without_any_are_hollow_and_drawn_first():
    cities, mous, _ = seeds()
    _, network = layout(cities, mous)
    by_slug = {n.page.record.slug: n for n in network.nodes}
    assert by_slug["berlin"].mous == 0 and by_slug["berlin"].radius == 3.0
    assert by_slug["seoul"].mous == 6
    assert by_slug["seoul"].radius > by_slug["kathmandu"].radius > by_slug["berlin"].radius
    assert network.nodes[-1].page.record.slug == "seoul"  # on top
    assert network.linked_cities == 7


def test_names_are_drawn_only_for_few_cities():
    cities, mous, _ = seeds()
    assert layout(cities, mous)[1].labelled
    assert not layout(cities, mous, label_limit=5)[1].labelled


def test_graticule_lines_fall_inside_the_view():
    cities, mous, _ = seeds()
    _, network = layout(cities, mous)
    assert network.meridians and network.parallels
    assert all(0 <= x <= network.width for x in network.meridians)
    assert all(0 <= y <= network.height for y in network.parallels)
