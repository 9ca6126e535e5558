"""Placing cities on a flat map drawn at build time (no tiles, no script).

An equirectangular projection fitted to the cities shown, with a margin, so a map
of a few cities is not a dot in an empty world. Used by the cities map and the MOU
network view.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .model import Coordinates


@dataclass(frozen=True)
class Projection:
    """Maps (lat, lon) to (x, y) in an SVG view box `width` × `height`."""

    west: float
    east: float
    south: float
    north: float
    width: float
    height: float
    padding: float

    def point(self, where: Coordinates) -> tuple[float, float]:
        inner_w = self.width - 2 * self.padding
        inner_h = self.height - 2 * self.padding
        x = self.padding + (where.lon - self.west) / (self.east - self.west) * inner_w
        y = self.padding + (self.north - where.lat) / (self.north - self.south) * inner_h
        return round(x, 1), round(y, 1)


def fit(
    places: Iterable[Coordinates],
    width: float = 800,
    height: float = 400,
    padding: float = 24,
    margin_degrees: float = 5,
) -> Projection:
    """A projection showing every place, keeping the world's 2:1 aspect where it can."""
    places = list(places)
    if not places:
        return Projection(-180, 180, -90, 90, width, height, padding)
    west = max(-180.0, min(p.lon for p in places) - margin_degrees)
    east = min(180.0, max(p.lon for p in places) + margin_degrees)
    south = max(-90.0, min(p.lat for p in places) - margin_degrees)
    north = min(90.0, max(p.lat for p in places) + margin_degrees)
    # Widen the narrower span so degrees keep one scale on both axes.
    span_lon, span_lat = east - west, north - south
    target_ratio = (width - 2 * padding) / (height - 2 * padding)
    if span_lon / span_lat < target_ratio:
        extra = (span_lat * target_ratio - span_lon) / 2
        west, east = west - extra, east + extra
    else:
        extra = (span_lon / target_ratio - span_lat) / 2
        south, north = south - extra, north + extra
    return Projection(west, east, south, north, width, height, padding)
