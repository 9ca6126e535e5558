"""Builds at scale: the portal's read cache, Pelican speed-ups and incremental writing.

Wires `speedups` (Pelican's URL and quadratic hot spots), `cache` (each content
file read once, across builds; cold reads in parallel) and `incremental` (pages
re-rendered only when what they are made of changed; unchanged bytes never
rewritten) into a build. Settings: `PERFORMANCE` (see `cache.DEFAULTS`).

It also times each generator's two phases (`timings`), which `tools/build.py`
writes out when `PORTAL_BUILD_TIMINGS` names a file (the bench does).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import resource
import time
from typing import Any

from pelican import signals
from pelican.generators import StaticGenerator

from . import background, cache, incremental, speedups

timings: dict[str, float] = {}  # "<Generator>.generate_output" → seconds, this build
marks: dict[str, float] = {}  # moments of the build (time.perf_counter())
peak_rss: dict[str, int] = {}  # "<Generator>.<phase>" → the process's peak RSS (MB) after it
cpu: dict[str, float] = {}  # "<Generator>.<phase>" → CPU seconds, its workers' included
cpu_marks: dict[str, float] = {}  # CPU seconds (`cpu_seconds()`) at moments of the build


def cpu_seconds() -> float:
    """CPU time of this process and of the child processes it has waited for."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def begin(pelican: Any) -> None:
    """A new build: a fresh cache session and body tracking."""
    timings.clear()
    marks.clear()
    peak_rss.clear()
    cpu.clear()
    cpu_marks.clear()
    marks["initialized"] = time.perf_counter()
    cache.start(pelican.settings)
    incremental.begin_build()


def _timed(name: str, method: Any) -> Any:
    def run(*args: Any, **kwargs: Any) -> Any:
        start, start_cpu = time.perf_counter(), cpu_seconds()
        try:
            return method(*args, **kwargs)
        finally:
            marks[f"{name}:end"] = time.perf_counter()
            timings[name] = timings.get(name, 0.0) + marks[f"{name}:end"] - start
            cpu[name] = cpu.get(name, 0.0) + cpu_seconds() - start_cpu
            peak_rss[name] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024

    return run


def instrument(generator: Any) -> None:
    """Time both phases of every generator; finish the output phase after the last.

    Pelican's static generator writes last: after it, pages a recycled staging tree
    still holds that this build did not write are removed.
    """
    kind = type(generator).__name__
    if hasattr(generator, "generate_context"):
        generator.generate_context = _timed(f"{kind}.generate_context", generator.generate_context)
    if hasattr(generator, "generate_output"):
        generate = generator.generate_output

        def generate_and_flush(writer: Any) -> None:
            if not isinstance(writer, incremental.IncrementalWriter):
                generate(writer)
                return
            if not getattr(generator, "incremental_output", False):
                generate(writer)
                writer.flush()  # pages queued for rendering in parallel
            elif not writer.reuse_generator(kind):  # else all of it is as last time
                with writer.recording(kind):
                    generate(writer)
                    writer.flush()

        generator.generate_output = _timed(f"{kind}.generate_output", generate_and_flush)
    if isinstance(generator, StaticGenerator):
        generate_output = generator.generate_output

        def generate_and_finish(writer: Any) -> None:
            generate_output(writer)
            incremental.remove_stale(generator.output_path)
            release_memory()  # before Pagefind starts beside this process
            marks["output:end"] = time.perf_counter()
            cpu_marks["output:end"] = cpu_seconds()
            background.output_complete.send(generator.output_path)

        generator.generate_output = generate_and_finish


def release_memory() -> None:
    """Hand memory that the writing phase freed back to the system (glibc only)."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: kept until exit
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def writer_created(pelican: Any) -> type:
    marks["writer"] = time.perf_counter()
    # The site is assembled: its millions of objects live until the end of the build.
    # Frozen, the collector stops scanning them on every full collection (seconds at
    # 10,000 articles, spent wherever the writing phase happens to allocate).
    gc.freeze()
    return incremental.use_incremental_writer(pelican)


def finish_reading(_generators: Any) -> None:
    """Every content file is read: end the parallel read (results nobody asked for)."""
    session = cache.current()
    if session is not None:
        session.finish()


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
    signals.get_writer.connect(writer_created)
    # Time each generator; after the last one's output, drop pages a recycled staging
    # tree still holds.
    signals.generator_init.connect(instrument)
    # The workers reading content files are done once every generator has its context.
    signals.all_generators_finalized.connect(finish_reading)
    # Keep what was read for the next build (tools/build.py saves it on failures too).
    signals.finalized.connect(save_cache)
