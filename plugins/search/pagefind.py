"""Running Pagefind over the built site: a sharded index under `/pagefind/`.

Pagefind (PyPI `pagefind[bin]`, the binary inside the wheel) indexes the content
pages — articles, pages, cities, MOUs, events: the pages marked
`data-pagefind-body`; the `data-pagefind-filter`/`data-pagefind-meta` elements
that `partials/head_search.html` puts in `<head>` give each page its filters.

The index is split into shards of at most `SEARCH["shard_pages"]` pages, each a
complete Pagefind bundle in `/pagefind/shard-<n>/`, listed in
`/pagefind/shards.json`; the search page loads the first and merges the others
(`pagefind.mergeIndex`, which shares the first one's WebAssembly). Why:

- memory: Pagefind holds a whole index in memory (about 220 KB per page, 3.3 GB
  for 14,000 pages); one shard at a time bounds that by the shard;
- rebuilds: a shard whose pages are exactly the files of the last good build
  (the same names, each the same file — the portal's writer hard-links a page whose
  bytes did not change — or the same bytes) is taken over from that build, so
  editing one article re-indexes one shard, not the site.

Shards are indexed concurrently, up to `SEARCH["jobs"]` Pagefind processes at a
time (one per CPU by default; each holds one shard's index, and runs on a CPU of
its own); `shards.json` lists them in shard order whatever order they finish in.
A plan started beside the build (`search.start_index`) runs one Pagefind at a
time until the build process is done with `finalized` (`IndexPlan.all_jobs`), so
that the two do not add their peaks of memory, and starts no further shard once
it is cancelled (`IndexPlan.cancelled`: the build failed).

A page's shard comes from a hash of its file name, so adding or deleting a page
changes one shard, and the shards are alike (Pagefind ranks with per-index word
statistics). The number of shards is `ceil(pages / shard_pages)`; when it changes
(every `shard_pages` pages added), every shard is indexed again, once.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Container, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from .config import SearchConfig

SHARDS_FILE = "shards.json"  # in the bundle folder: which shards the search page merges
SHARDS_FORMAT = 1  # bump when what a shard's digest covers changes


class SearchIndexError(Exception):
    """Pagefind failed or produced no usable index; the message says how."""


@dataclass(frozen=True)
class IndexSummary:
    bundle: Path
    pages: int  # pages indexed, over all languages
    languages: tuple[str, ...]


@dataclass(frozen=True)
class Shard:
    number: int
    pages: tuple[str, ...]  # output names (`news/2009/07/x/index.html`), sorted

    @property
    def folder(self) -> str:
        """The shard's bundle, relative to the bundle folder."""
        return f"shard-{self.number}"


@dataclass(frozen=True)
class PageWrites:
    """Pages the writer wrote or kept this build, and those whose bytes changed."""

    written: Container[str]
    changed: Container[str]


@dataclass(frozen=True)
class SiteIndex:
    """What one build's indexing did."""

    shards: tuple[Shard, ...]
    pages: int  # pages Pagefind says it indexed, over all shards
    languages: tuple[str, ...]
    reused: tuple[int, ...]  # shard numbers taken over from the last good build


def shard_count(pages: int, shard_pages: int) -> int:
    return max(1, math.ceil(pages / shard_pages))


def shard_of(name: str, count: int) -> int:
    """The shard of output file `name`: stable while the number of shards is."""
    return int.from_bytes(hashlib.sha1(name.encode("utf-8")).digest()[:8], "big") % count


def plan_shards(pages: Iterable[str], shard_pages: int) -> tuple[Shard, ...]:
    names = sorted(set(pages))
    count = shard_count(len(names), shard_pages)
    groups: list[list[str]] = [[] for _ in range(count)]
    for name in names:
        groups[shard_of(name, count)].append(name)
    return tuple(Shard(number, tuple(group)) for number, group in enumerate(groups))


def pagefind_version() -> str:
    try:
        return metadata.version("pagefind")
    except metadata.PackageNotFoundError:
        return "unknown"


def pagefind_options(config: SearchConfig) -> list[str]:
    """Pagefind's options besides where to read and write."""
    options = ["--quiet"]
    if config.index_language:
        options += ["--force-language", config.index_language]
    return options


def pagefind_executable() -> list[str]:
    """Pagefind's binary (the wheel's, or `PAGEFIND_BINARY_PATH`), else `python -m pagefind`.

    Started directly, each run saves the Python start-up that `-m pagefind` costs.
    """
    try:
        from pagefind.service import get_executable
    except ImportError:
        return [sys.executable, "-m", "pagefind"]
    binary = get_executable()
    return [str(binary)] if binary is not None else [sys.executable, "-m", "pagefind"]


def pinned_cpus(jobs: int) -> list[int] | None:
    """One CPU for each of `jobs` concurrent Pagefind runs, or None to leave them free.

    Pagefind spreads its work over every CPU it may use; runs side by side then
    contend for all of them, which cost ~5% more CPU time than one run per CPU
    here. So when there are several runs and a CPU for each (and `taskset` to pin
    them), each run gets a CPU of its own.
    """
    try:
        cpus = sorted(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return None
    if jobs < 2 or len(cpus) < jobs or shutil.which("taskset") is None:
        return None
    return cpus[:jobs]


def pagefind_command(
    site: Path, bundle: Path, config: SearchConfig, cpu: int | None = None
) -> list[str]:
    pin = ["taskset", "--cpu-list", str(cpu)] if cpu is not None else []
    return [
        *pin,
        *pagefind_executable(),
        "--site", str(site),
        "--output-path", str(bundle),
        *pagefind_options(config),
    ]  # fmt: skip


def shard_digest(shard: Shard, count: int, config: SearchConfig) -> str:
    """Which pages the shard holds and how they are indexed (not what the pages say)."""
    digest = hashlib.sha1()
    options = " ".join(pagefind_options(config))
    digest.update(f"{SHARDS_FORMAT}|{pagefind_version()}|{options}|{shard.number}/{count}".encode())
    for name in shard.pages:
        digest.update(b"\0" + name.encode("utf-8"))
    return digest.hexdigest()


def same_pages(
    shard: Shard, output: Path, previous_output: Path, writes: PageWrites | None = None
) -> bool:
    """Whether every page of the shard is the file (or the bytes) the last good build had.

    `writes` is what the portal's writer knows: the pages it wrote or kept this
    build, and those among them whose bytes differ from the last good build's.
    """
    for name in shard.pages:
        if writes is not None and name in writes.written:
            if name in writes.changed:
                return False
            continue
        try:
            now, before = os.stat(output / name), os.stat(previous_output / name)
        except OSError:
            return False
        if (now.st_ino, now.st_dev) == (before.st_ino, before.st_dev):
            continue  # the writer linked the unchanged page from the last good build
        if now.st_size != before.st_size:
            return False
        if (output / name).read_bytes() != (previous_output / name).read_bytes():
            return False
    return True


def run_pagefind(
    site: Path, bundle: Path, config: SearchConfig, cpu: int | None = None
) -> IndexSummary:
    """Index the HTML under `site` into `bundle` (on `cpu` alone, if given).

    Raises SearchIndexError saying why not.
    """
    command = pagefind_command(site, bundle, config, cpu)
    try:
        result = subprocess.run(  # noqa: S603 - our own interpreter and arguments
            command,
            cwd=site,
            capture_output=True,
            encoding="utf-8",
            errors="replace",
            timeout=config.timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SearchIndexError(f"could not run Pagefind: {exc}") from exc
    if result.returncode != 0:
        lines = (result.stderr.strip() or result.stdout.strip()).splitlines()
        detail = "; ".join(lines[-5:]) or "no message"
        raise SearchIndexError(f"Pagefind exited with status {result.returncode}: {detail}")
    return read_summary(bundle)


def read_summary(bundle: Path) -> IndexSummary:
    """What `pagefind-entry.json` says was indexed; an error when nothing was."""
    entry_path = bundle / "pagefind-entry.json"
    try:
        entry = json.loads(entry_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SearchIndexError(f"Pagefind wrote no readable {entry_path.name}: {exc}") from exc
    languages = entry.get("languages") or {}
    pages = sum(int(info.get("page_count", 0)) for info in languages.values())
    if pages == 0:
        raise SearchIndexError("Pagefind indexed no pages")
    if not (bundle / "pagefind.js").is_file():
        raise SearchIndexError("Pagefind wrote no pagefind.js")
    return IndexSummary(bundle, pages, tuple(sorted(languages)))


def mirror_pages(output: Path, pages: Sequence[str], site: Path) -> None:
    """Make folder `site` hold exactly `pages`, as hard links to the output's files.

    Pagefind reads a folder and names each page by its path there, so a shard is
    indexed from such a mirror. Mirrors are kept between builds: only pages that
    changed are linked again (removing thousands of folders costs seconds).
    """
    wanted = set(pages)
    for folder, _dirs, names in os.walk(site):
        for file_name in names:
            path = os.path.join(folder, file_name)
            if os.path.relpath(path, site).replace(os.sep, "/") not in wanted:
                os.unlink(path)
    for name in pages:
        source, target = output / name, site / name
        try:
            if os.path.samefile(source, target):
                continue
            target.unlink()
        except FileNotFoundError:
            target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except OSError:  # another file system: a copy does as well
            shutil.copy2(source, target)


def _previous_digests(previous: Path | None) -> dict[str, str]:
    """Shard folder → digest, as the last good build's `shards.json` lists them."""
    if previous is None:
        return {}
    try:
        listed = json.loads((previous / SHARDS_FILE).read_text(encoding="utf-8"))
        if listed.get("format") != SHARDS_FORMAT:
            return {}
        return {item["path"].rstrip("/"): item["digest"] for item in listed["shards"]}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _take_over(previous: Path, target: Path) -> IndexSummary | None:
    """The last good build's bundle of a shard, hard-linked; None if it is unusable."""
    try:
        shutil.copytree(previous, target, copy_function=os.link)
        return read_summary(target)
    except (OSError, shutil.Error, SearchIndexError):
        shutil.rmtree(target, ignore_errors=True)
        return None


def _index_shard(
    output: Path,
    shard: Shard,
    bundle: Path,
    config: SearchConfig,
    mirrors: Path | None,
    mirrored: Container[int] = (),
    cpu: int | None = None,
) -> IndexSummary:
    """Mirror the shard's pages (unless `mirrored` has it) and run Pagefind over them."""
    target = bundle / shard.folder
    if mirrors is not None:
        site = mirrors / shard.folder
        if shard.number not in mirrored:
            mirror_pages(output, shard.pages, site)
        return run_pagefind(site, target, config, cpu)
    site = bundle / f".site-{shard.folder}"
    try:
        mirror_pages(output, shard.pages, site)
        return run_pagefind(site, target, config, cpu)
    finally:
        shutil.rmtree(site, ignore_errors=True)


def index_shards(
    output: Path,
    shards: Sequence[Shard],
    bundle: Path,
    config: SearchConfig,
    mirrors: Path | None = None,
    mirrored: Container[int] = (),
    all_jobs: threading.Event | None = None,
    cancelled: threading.Event | None = None,
) -> dict[int, IndexSummary]:
    """Index `shards` (shard number → summary), up to `config.jobs` Pagefind runs at a time.

    `mirrored`: the shards whose pages `mirrors` already holds as they are now.
    `all_jobs`: while not set, one run at a time (the build process is still busy
    beside it: its CPU and memory are not free yet); then up to `config.jobs`.
    `cancelled`: once set, no further shard is started (the build failed).

    Each run waits for its Pagefind process in a thread of its own, on a CPU of its
    own when `pinned_cpus` gives one per run (but the last to start, which mostly
    runs alone, may use them all). After a failure no further shard is
    started; once the running ones have ended, the error of the lowest-numbered
    failed shard is raised.
    """
    if not shards:
        return {}
    jobs = min(config.jobs, len(shards))
    free_cpus = list(pinned_cpus(jobs) or [None] * jobs)
    waiting = list(shards)
    runs: dict[int, Future[IndexSummary]] = {}
    running: dict[Future[IndexSummary], int | None] = {}  # each run and its CPU
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        while waiting or running:
            failed = any(run.done() and run.exception() for run in runs.values())
            failed = failed or (cancelled is not None and cancelled.is_set())
            limit = jobs if all_jobs is None or all_jobs.is_set() else 1
            while waiting and not failed and len(running) < limit:
                shard, cpu = waiting.pop(0), free_cpus.pop(0)
                # The last run to start mostly runs alone: every CPU for it.
                pin = cpu if waiting else None
                run = pool.submit(
                    _index_shard, output, shard, bundle, config, mirrors, mirrored, pin
                )
                runs[shard.number], running[run] = run, cpu
            if failed:
                waiting.clear()  # no further shard is started
            if running:
                done, _ = wait(running, timeout=0.2, return_when=FIRST_COMPLETED)
                for run in done:
                    free_cpus.append(running.pop(run))
    for _number, run in sorted(runs.items()):
        if (error := run.exception()) is not None:
            raise error
    return {number: run.result() for number, run in runs.items()}


@dataclass
class IndexPlan:
    """What `build_index` will do: the shards, and which of them to index anew."""

    output: Path
    bundle: Path
    config: SearchConfig
    mirrors: Path | None
    shards: tuple[Shard, ...]
    filled: tuple[Shard, ...]  # the shards with pages (a hash may leave one empty)
    digests: dict[int, str]
    taken_over: dict[int, IndexSummary]  # hard-linked from the last good build
    to_index: tuple[Shard, ...]
    mirrored: set[int] = field(default_factory=set)  # shards whose mirror is ready
    # Set: as many Pagefind runs at a time as `config.jobs`; until then, one.
    all_jobs: threading.Event = field(default_factory=threading.Event)
    cancelled: threading.Event = field(default_factory=threading.Event)  # start no more

    def mirror_first(self, count: int) -> None:
        """Mirror the pages of the first `count` shards to index (where Pagefind reads)."""
        if self.mirrors is not None:
            for shard in self.to_index[:count]:
                mirror_pages(self.output, shard.pages, self.mirrors / shard.folder)
                self.mirrored.add(shard.number)


def plan_index(
    output: Path,
    pages: Iterable[str],
    config: SearchConfig,
    previous: Path | None = None,
    mirrors: Path | None = None,
    writes: PageWrites | None = None,
) -> IndexPlan:
    """Plan the index of `output` and take over the shards that did not change.

    `previous` is the last good build's output folder: a shard that its
    `shards.json` lists with the same digest, and whose pages are all unchanged
    since, is hard-linked from there instead of indexed again.
    """
    bundle = output / config.bundle_dir
    previous_bundle = previous / config.bundle_dir if previous is not None else None
    if bundle.exists():  # a recycled staging folder may still hold an older index
        shutil.rmtree(bundle)
    bundle.mkdir(parents=True)
    present = [
        name
        for name in pages
        if (writes is not None and name in writes.written) or (output / name).is_file()
    ]
    shards = plan_shards(present, config.shard_pages)
    filled = tuple(shard for shard in shards if shard.pages)
    digests = {shard.number: shard_digest(shard, len(shards), config) for shard in filled}
    before = _previous_digests(previous_bundle)
    taken_over: dict[int, IndexSummary] = {}
    to_index = []
    for shard in filled:
        if (
            previous is not None
            and previous_bundle is not None
            and before.get(shard.folder) == digests[shard.number]
            and same_pages(shard, output, previous, writes)
            and (summary := _take_over(previous_bundle / shard.folder, bundle / shard.folder))
            is not None
        ):
            taken_over[shard.number] = summary
        else:
            to_index.append(shard)
    return IndexPlan(
        output, bundle, config, mirrors, shards, filled, digests, taken_over, tuple(to_index)
    )


def run_plan(plan: IndexPlan) -> SiteIndex:
    """Index the plan's shards (`index_shards`, several at a time) and list them all."""
    summaries = dict(plan.taken_over)
    summaries.update(
        index_shards(
            plan.output,
            plan.to_index,
            plan.bundle,
            plan.config,
            plan.mirrors,
            plan.mirrored,
            plan.all_jobs,
            plan.cancelled,
        )
    )
    if plan.cancelled.is_set():
        raise SearchIndexError("cancelled: the build failed meanwhile")
    listed = [
        {"path": f"{shard.folder}/", "pages": summaries[shard.number].pages,
         "digest": plan.digests[shard.number]}
        for shard in plan.filled
    ]  # fmt: skip
    indexed = sum(summary.pages for summary in summaries.values())
    languages = {lang for summary in summaries.values() for lang in summary.languages}
    if not listed:
        raise SearchIndexError("no content page to index")
    manifest = {"format": SHARDS_FORMAT, "pagefind": pagefind_version(), "shards": listed}
    (plan.bundle / SHARDS_FILE).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return SiteIndex(plan.shards, indexed, tuple(sorted(languages)), tuple(sorted(plan.taken_over)))


def build_index(
    output: Path,
    pages: Iterable[str],
    config: SearchConfig,
    previous: Path | None = None,
    mirrors: Path | None = None,
    writes: PageWrites | None = None,
) -> SiteIndex:
    """Index the content `pages` of `output` into `output/<bundle_dir>/`, shard by shard.

    `plan_index` takes over the shards that did not change since `previous`, the
    last good build; `run_plan` indexes the others. `mirrors` is where the shards'
    page folders (`mirror_pages`) are kept between builds; without it they are
    made inside the bundle folder and removed.
    """
    plan = plan_index(output, pages, config, previous, mirrors, writes)
    plan.all_jobs.set()  # nothing else runs meanwhile
    return run_plan(plan)
