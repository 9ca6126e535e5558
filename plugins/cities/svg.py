"""Build-time SVG for city pages: a ranking chart per city and the map of all cities.

Both are inline `<svg role="img" aria-labelledby="…">` with a `<title>` and a
`<desc>`; the words come from the template (through `_()`), the drawing from here.
The same data is always in a table on the page, so the picture is never the only
way to read it. The XML is built with lxml elements, never by string pasting.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree
from markupsafe import Markup
from portal.geo import fit
from portal.model import Coordinates

SVG_NS = "http://www.w3.org/2000/svg"
_MARKERS = ("circle", "square", "diamond", "triangle")
_NICE_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000)


def _plain(value: object) -> str:
    """Text for an lxml node: a Jinja Markup value is unescaped first."""
    if isinstance(value, Markup):
        return value.unescape()
    return str(value)


def _el(parent: etree._Element | None, tag: str, text: object = None, **attrs: object):
    attributes = {k.rstrip("_").replace("_", "-"): str(v) for k, v in attrs.items()}
    node = (
        etree.Element(f"{{{SVG_NS}}}{tag}", attributes, nsmap={None: SVG_NS})
        if parent is None
        else etree.SubElement(parent, f"{{{SVG_NS}}}{tag}", attributes)
    )
    if text is not None:
        node.text = _plain(text)
    return node


def _figure(svg_id: str, title: object, desc: object, width: float, height: float, css_class: str):
    """The `<svg>` root with its text alternative."""
    svg = _el(
        None,
        "svg",
        id=svg_id,
        class_=css_class,
        viewBox=f"0 0 {_num(width)} {_num(height)}",
        role="img",
        aria_labelledby=f"{svg_id}-title {svg_id}-desc",
        focusable="false",
    )
    _el(svg, "title", title, id=f"{svg_id}-title")
    _el(svg, "desc", desc, id=f"{svg_id}-desc")
    return svg


def _serialize(svg: etree._Element) -> Markup:
    return Markup(etree.tostring(svg, encoding="unicode"))


def _num(value: float) -> str:
    """A coordinate without a trailing `.0`."""
    value = round(value, 1)
    return str(int(value)) if value == int(value) else str(value)


# --------------------------------------------------------------------------
# Ranking chart


def rank_axis(worst_rank: int, min_top: int = 5, max_ticks: int = 5) -> tuple[int, list[int]]:
    """The lowest rank the axis shows and its tick marks (rank 1 always a tick)."""
    worst_rank = max(worst_rank, min_top)
    for step in _NICE_STEPS:
        if math.ceil(worst_rank / step) <= max_ticks:
            break
    else:
        step = 10 ** len(str(worst_rank))
    top = math.ceil(worst_rank / step) * step
    ticks = [1] + [value for value in range(step, top + 1, step) if value != 1]
    return top, ticks


def _marker(parent: etree._Element, shape: str, x: float, y: float, css_class: str) -> None:
    size, big = 5.0, 6.5
    if shape == "circle":
        _el(parent, "circle", cx=_num(x), cy=_num(y), r=_num(size), class_=css_class)
        return
    if shape == "square":
        points = [
            (x - size, y - size),
            (x + size, y - size),
            (x + size, y + size),
            (x - size, y + size),
        ]
    elif shape == "diamond":
        points = [(x, y - big), (x + big, y), (x, y + big), (x - big, y)]
    else:
        points = [(x, y - big), (x + size * 1.2, y + size), (x - size * 1.2, y + size)]
    _el(
        parent,
        "polygon",
        points=" ".join(f"{_num(px)},{_num(py)}" for px, py in points),
        class_=css_class,
    )


def ranking_chart(
    series: Sequence[tuple[str, Sequence[tuple[int, int]]]],
    *,
    chart_id: str,
    title: object,
    desc: object,
    year_label: object,
    rank_label: object,
    width: float = 640,
) -> Markup:
    """Rank by survey year, one line and marker shape per survey; rank 1 at the top.

    `series`: (legend label, [(year, rank), …]) as `rankings.chart_series` makes them.
    Series that share a point are shifted apart sideways so none hides another.
    """
    left, right, top_margin, plot_h = 64.0, 24.0, 16.0, 180.0
    legend_top = top_margin + plot_h + 52
    height = legend_top + 22 * len(series) + 4
    svg = _figure(chart_id, title, desc, width, height, "portal-chart")

    points = [point for _label, data in series for point in data]
    years = sorted({year for year, _rank in points})
    worst = max((rank for _year, rank in points), default=1)
    axis_top, ticks = rank_axis(worst)
    plot_left, plot_right = left, width - right
    plot_w = plot_right - plot_left
    inner = 28.0  # keeps the first and last year off the axes

    def x_of(year: int) -> float:
        if len(years) < 2:
            return plot_left + plot_w / 2
        share = (year - years[0]) / (years[-1] - years[0])
        return plot_left + inner + share * (plot_w - 2 * inner)

    def y_of(rank: int) -> float:
        return top_margin + (rank - 1) / (axis_top - 1) * plot_h

    axes = _el(svg, "g", class_="portal-chart__axes", aria_hidden="true")
    for tick in ticks:
        y = y_of(tick)
        _el(
            axes,
            "line",
            x1=_num(plot_left),
            y1=_num(y),
            x2=_num(plot_right),
            y2=_num(y),
            class_="portal-chart__grid",
        )
        _el(
            axes,
            "text",
            tick,
            x=_num(plot_left - 8),
            y=_num(y + 4),
            text_anchor="end",
            class_="portal-chart__tick",
        )
    base = top_margin + plot_h
    _el(
        axes,
        "line",
        x1=_num(plot_left),
        y1=_num(base),
        x2=_num(plot_right),
        y2=_num(base),
        class_="portal-chart__axis",
    )
    _el(
        axes,
        "line",
        x1=_num(plot_left),
        y1=_num(top_margin),
        x2=_num(plot_left),
        y2=_num(base),
        class_="portal-chart__axis",
    )
    label_every = max(1, math.ceil(len(years) / 12))
    for index, year in enumerate(years):
        if index % label_every == 0:
            _el(
                axes,
                "text",
                year,
                x=_num(x_of(year)),
                y=_num(base + 18),
                text_anchor="middle",
                class_="portal-chart__tick",
            )
    _el(
        axes,
        "text",
        year_label,
        x=_num(plot_left + plot_w / 2),
        y=_num(base + 38),
        text_anchor="middle",
        class_="portal-chart__label",
    )
    _el(
        axes,
        "text",
        rank_label,
        x=_num(16),
        y=_num(top_margin + plot_h / 2),
        text_anchor="middle",
        transform=f"rotate(-90 16 {_num(top_margin + plot_h / 2)})",
        class_="portal-chart__label",
    )

    count = len(series)
    for index, (label, data) in enumerate(series):
        css = f"portal-chart__series portal-chart__series--{index % len(_MARKERS) + 1}"
        group = _el(svg, "g", class_=css, aria_hidden="true")
        shift = (index - (count - 1) / 2) * 7
        coords = [(x_of(year) + shift, y_of(rank)) for year, rank in data]
        if len(coords) > 1:
            _el(
                group,
                "polyline",
                points=" ".join(f"{_num(x)},{_num(y)}" for x, y in coords),
                class_="portal-chart__line",
                fill="none",
            )
        shape = _MARKERS[index % len(_MARKERS)]
        for x, y in coords:
            _marker(group, shape, x, y, "portal-chart__marker")
        legend_y = legend_top + 22 * index
        _marker(group, shape, plot_left + 6, legend_y - 4, "portal-chart__marker")
        _el(
            group,
            "text",
            label,
            x=_num(plot_left + 20),
            y=_num(legend_y),
            class_="portal-chart__legend",
        )
    return _serialize(svg)


# --------------------------------------------------------------------------
# Map of the cities


@dataclass(frozen=True)
class Place:
    """A dot on the map."""

    name: str
    where: Coordinates


def _graticule_step(span: float) -> int:
    for step in (5, 10, 15, 30):
        if span / step <= 8:
            return step
    return 30


def city_map(
    places: Sequence[Place],
    *,
    map_id: str,
    title: object,
    desc: object,
    label_limit: int = 40,
    width: float = 800,
    height: float = 400,
) -> Markup:
    """Every place as a dot on a fitted equirectangular projection (`portal.geo.fit`).

    Graticule lines every few degrees stand in for a base map (no tiles, no external
    data). Places are named next to their dot while there are at most `label_limit`
    of them and a label finds room without covering another.
    """
    projection = fit([p.where for p in places], width, height)
    svg = _figure(map_id, title, desc, width, height, "portal-map")
    frame = _el(svg, "g", class_="portal-map__frame", aria_hidden="true")
    _el(
        frame,
        "rect",
        x="0",
        y="0",
        width=_num(width),
        height=_num(height),
        class_="portal-map__sea",
    )
    step = _graticule_step(projection.east - projection.west)
    lon = math.ceil(projection.west / step) * step
    while lon <= projection.east:
        x, _ = projection.point(Coordinates(0, lon))
        _el(
            frame,
            "line",
            x1=_num(x),
            y1="0",
            x2=_num(x),
            y2=_num(height),
            class_="portal-map__graticule" + (" portal-map__graticule--zero" if lon == 0 else ""),
        )
        lon += step
    lat = math.ceil(projection.south / step) * step
    while lat <= projection.north:
        _, y = projection.point(Coordinates(lat, 0))
        _el(
            frame,
            "line",
            x1="0",
            y1=_num(y),
            x2=_num(width),
            y2=_num(y),
            class_="portal-map__graticule" + (" portal-map__graticule--zero" if lat == 0 else ""),
        )
        lat += step

    dots = _el(svg, "g", class_="portal-map__places", aria_hidden="true")
    placed_boxes: list[tuple[float, float, float, float]] = []
    positions = [(place, projection.point(place.where)) for place in places]
    for _place, (x, y) in positions:
        placed_boxes.append((x - 4, y - 4, x + 4, y + 4))
        _el(dots, "circle", cx=_num(x), cy=_num(y), r="4", class_="portal-map__dot")
    if len(places) <= label_limit:
        for place, (x, y) in positions:
            spot = _label_spot(place.name, x, y, width, height, placed_boxes)
            if spot is None:
                continue
            lx, ly, anchor, box = spot
            placed_boxes.append(box)
            _el(
                dots,
                "text",
                place.name,
                x=_num(lx),
                y=_num(ly),
                text_anchor=anchor,
                class_="portal-map__label",
            )
    return _serialize(svg)


def _label_spot(
    name: str,
    x: float,
    y: float,
    width: float,
    height: float,
    taken: list[tuple[float, float, float, float]],
) -> tuple[float, float, str, tuple[float, float, float, float]] | None:
    """Right, left, above, below or diagonal to the dot: the first spot that fits."""
    w, h = 6.6 * len(name), 12.0
    candidates = (
        (x + 7, y + 4, "start", (x + 7, y - 8, x + 7 + w, y + 4)),
        (x - 7, y + 4, "end", (x - 7 - w, y - 8, x - 7, y + 4)),
        (x, y - 8, "middle", (x - w / 2, y - 8 - h, x + w / 2, y - 8)),
        (x, y + 18, "middle", (x - w / 2, y + 6, x + w / 2, y + 6 + h)),
        (x + 5, y - 7, "start", (x + 5, y - 7 - h, x + 5 + w, y - 7)),
        (x + 5, y + 17, "start", (x + 5, y + 5, x + 5 + w, y + 5 + h)),
        (x - 5, y - 7, "end", (x - 5 - w, y - 7 - h, x - 5, y - 7)),
        (x - 5, y + 17, "end", (x - 5 - w, y + 5, x - 5, y + 5 + h)),
    )
    for lx, ly, anchor, box in candidates:
        x0, y0, x1, y1 = box
        if x0 < 0 or y0 < 0 or x1 > width or y1 > height:
            continue
        if any(_overlap(box, other) for other in taken):
            continue
        return lx, ly, anchor, box
    return None


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
