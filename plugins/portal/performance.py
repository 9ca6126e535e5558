"""Builds at scale: the portal's read cache, Pelican speed-ups and incremental writing.

Wires `speedups` (Pelican's URL and quadratic hot spots), `cache` (each content
file read once, across builds; cold reads in parallel) and `incremental` (pages
re-rendered only when what they are made of changed; unchanged bytes never
rewritten) into a build. Settings: `PERFORMANCE` (see `cache.DEFAULTS`).
"""

from __future__ import annotations

from typing import Any

from pelican import signals
from pelican.generators import StaticGenerator

from . import cache, incremental, speedups


def begin(pelican: Any) -> None:
    """A new build: a fresh cache session and body tracking."""
    cache.start(pelican.settings)
    incremental.begin_build()


def after_output(generator: Any) -> None:
    """Pelican's static generator writes last: wrap it to finish the output phase."""
    if not isinstance(generator, StaticGenerator):
        return
    generate_output = generator.generate_output

    def generate_and_finish(writer: Any) -> None:
        generate_output(writer)
        incremental.remove_stale(generator.output_path)

    generator.generate_output = generate_and_finish


def save_cache(_pelican: Any) -> None:
    session = cache.current()
    if session is not None:
        session.save()


def register() -> None:
    speedups.install()
    incremental.install_tracking()
    # One cache session and one tracking of content bodies per build.
    signals.initialized.connect(begin)
    # Tag, category and author lists with O(1) membership (Pelican tests it per article).
    signals.article_generator_finalized.connect(speedups.index_taxonomies)
    # Our writer: only changed bytes are written; unaffected pages are not re-rendered.
    signals.get_writer.connect(incremental.use_incremental_writer)
    # After the last generator's output: drop pages a recycled staging tree still holds.
    signals.generator_init.connect(after_output)
    # Keep what was read for the next build (tools/build.py saves it on failures too).
    signals.finalized.connect(save_cache)
