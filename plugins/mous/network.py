"""The MOU network view: cities placed by their coordinates, a line per MOU.

Only the geometry is computed here (with `portal.geo.fit`, the portal's one map
projection); `partials/mou_network.html` writes it as SVG, so every label goes
through the interface catalogs. An MOU with more than two parties joins every
pair of them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from portal.geo import Projection, fit
from portal.model import Coordinates

GRATICULE_STEPS = (5, 10, 15, 30, 45, 60)


@dataclass(frozen=True)
class Node:
    """A city on the map; `mous` is how many MOUs it is a party to."""

    page: Any
    x: float
    y: float
    mous: int

    @property
    def radius(self) -> float:
        if not self.mous:
            return 3.0
        return round(min(4 + 1.5 * math.sqrt(self.mous), 16), 1)


@dataclass(frozen=True)
class Segment:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Link:
    """One MOU: a segment between each pair of its parties."""

    page: Any
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class Network:
    width: float
    height: float
    nodes: tuple[Node, ...]  # cities with the most MOUs last, so they are drawn on top
    links: tuple[Link, ...]
    meridians: tuple[float, ...]  # x of each graticule meridian
    parallels: tuple[float, ...]  # y of each graticule parallel
    labelled: bool  # whether city names are drawn (few enough cities)

    @property
    def linked_cities(self) -> int:
        return sum(1 for node in self.nodes if node.mous)


def network_layout(
    cities: Iterable[Any],
    mous: Iterable[Any],
    mous_by_city: Mapping[str, list[Any]],
    *,
    width: float = 800,
    height: float = 400,
    label_limit: int = 40,
) -> Network:
    """Place every city (all have coordinates) and draw a line per MOU between them."""
    cities = list(cities)
    projection = fit([page.record.coordinates for page in cities], width, height)
    points: dict[str, tuple[float, float]] = {}
    nodes = []
    for page in cities:
        x, y = projection.point(page.record.coordinates)
        points[page.record.slug] = (x, y)
        nodes.append(Node(page, x, y, len(mous_by_city.get(page.record.slug, ()))))
    nodes.sort(key=lambda node: (node.mous, node.page.record.slug))
    links = []
    for page in mous:
        segments = tuple(
            Segment(*points[a], *points[b])
            for a, b in combinations(page.record.parties, 2)
            if a in points and b in points
        )
        links.append(Link(page, segments))
    meridians, parallels = _graticule(projection)
    return Network(
        width,
        height,
        tuple(nodes),
        tuple(links),
        meridians,
        parallels,
        labelled=len(nodes) <= label_limit,
    )


def _graticule(projection: Projection) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Meridians and parallels every 5–60 degrees, about a dozen across the view."""
    span = max(projection.east - projection.west, projection.north - projection.south)
    step = next((s for s in GRATICULE_STEPS if span / s <= 12), GRATICULE_STEPS[-1])
    meridians = tuple(
        projection.point(Coordinates(0, lon))[0]
        for lon in range(-180, 181, step)
        if projection.west < lon < projection.east
    )
    parallels = tuple(
        projection.point(Coordinates(lat, 0))[1]
        for lat in range(-90, 91, step)
        if projection.south < lat < projection.north
    )
    return meridians, parallels
