"""MOU timelines: the global timeline, its narrowed pages, open data, a network.

`/mous/` with a page per year, partner city and country, a page per MOU, open data
(JSON with a schema, CSV, TimelineJS3) and a network view drawn at build time.

Reads only `context["portal"]` (the site index) and the typed MOU records.
"""

from __future__ import annotations

from typing import Any

from pelican import signals

from .generator import MouSettings, MousGenerator
from .timeline import build_catalog, timeline_groups

__all__ = ["MouSettings", "MousGenerator", "build_catalog", "register", "timeline_groups"]


def add_generator(_pelican: Any) -> type:
    return MousGenerator


def add_filters(generator: Any) -> None:
    """`mou_groups`: the timeline grouping, for `macros/mous.html` in any template."""
    if hasattr(generator, "env"):
        generator.env.filters["mou_groups"] = timeline_groups


def register() -> None:
    # The MOU pages and files render from context["portal"], after the portal generator.
    signals.get_generators.connect(add_generator)
    # Every generator's templates (city profiles too) may group MOUs with `mou_groups`.
    signals.generator_init.connect(add_filters)
