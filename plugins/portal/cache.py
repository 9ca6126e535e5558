"""Read every content file once: a persistent cache of the reader's results.

Markdown is the dearest part of reading (about a quarter of a cold build). The
reader's result for a file — its HTML, the metadata it gives Pelican (with the typed
record) and the problems it found — is kept under the build cache
(`CACHE_PATH/portal/`), keyed by the file's path and the SHA-1 of its bytes, for
one fingerprint of the settings, the plugins' code and the libraries that convert
Markdown. Any change to those starts a fresh cache. On a cold build the files not in
the cache are read by a pool of forked workers (`PERFORMANCE["workers"]`, default
one per CPU) before Pelican asks for them one by one.

Each build also records, per content file, a digest of its header (what the record
is made of) and of its body: `portal.incremental` uses them to re-render only the pages
an edit affects.
"""

from __future__ import annotations

import fnmatch
import gc
import hashlib
import importlib.metadata
import logging
import multiprocessing
import os
import pickle
import re
import sys
import tempfile
import threading
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pelican.urlwrappers import URLWrapper

from . import report
from .model import ContentError, Problem
from .reader import PortalMarkdownReader, SplitText, decode_utf8, split_header

logger = logging.getLogger(__name__)

CACHE_VERSION = 3
# The cache is kept in this many files, by path: a build that changed a few files
# rewrites only their shards (the whole cache is ~75 MB and ~1 s to write at 10k).
SHARDS = 16
MIN_PARALLEL = 48  # fewer misses than this are read in-process (forking costs more)
# Libraries whose version changes what the reader (or the templates) produce.
LIBRARIES = (
    "pelican",
    "markdown",
    "nh3",
    "jinja2",
    "markupsafe",
    "babel",
    "anyascii",
    "feedgen",
    "lxml",
)
# Settings that say where things go, not what they are.
VOLATILE_SETTINGS = frozenset({"OUTPUT_PATH", "PORTAL_BUILD"})

DEFAULTS: dict[str, Any] = {
    "cache": True,  # keep the reader's results between builds
    "workers": 0,  # processes for reading and rendering; 0: one per CPU
    "incremental": True,  # re-render only what a change affects (portal.writer)
}


def performance_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """`PERFORMANCE` merged over the defaults; unknown keys are reported."""
    given = dict(settings.get("PERFORMANCE") or {})
    unknown = sorted(set(given) - set(DEFAULTS))
    if unknown:
        logger.warning("PERFORMANCE: unknown key(s) %s; known: %s", unknown, sorted(DEFAULTS))
    merged = {**DEFAULTS, **given}
    if not merged["workers"]:
        merged["workers"] = os.cpu_count() or 1
    return merged


# --------------------------------------------------------------------------
# Fingerprints


_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def _stable(value: Any) -> Any:
    """A representation of `value` that is the same in every process."""
    if isinstance(value, Mapping):
        return ("map", sorted((repr(k), _stable(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return (type(value).__name__, [_stable(v) for v in value])
    if isinstance(value, set | frozenset):
        return ("set", sorted(repr(_stable(v)) for v in value))
    if isinstance(value, str | bytes | int | float | bool | type(None)):
        return value
    if callable(value) and hasattr(value, "__qualname__"):
        return ("callable", getattr(value, "__module__", ""), value.__qualname__)
    return (type(value).__qualname__, _ADDRESS.sub("", repr(value)))


def settings_fingerprint(settings: Mapping[str, Any]) -> str:
    """A digest of every setting except where the output goes."""
    relevant = {k: v for k, v in settings.items() if k not in VOLATILE_SETTINGS}
    return hashlib.sha1(repr(_stable(relevant)).encode("utf-8")).hexdigest()


def tree_digest(paths: Iterable[str | os.PathLike[str]], *, stat_only: bool = False) -> str:
    """A digest of every file under `paths` (names and bytes; caches skipped)."""
    digest = hashlib.sha1()
    for root in paths:
        root = os.path.abspath(root)
        if not os.path.isdir(root):
            digest.update(f"missing:{root}\n".encode())
            continue
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
            for name in sorted(files):
                if name.endswith((".pyc", ".pyo")):
                    continue
                path = os.path.join(folder, name)
                digest.update(os.path.relpath(path, root).encode("utf-8", "surrogateescape"))
                if stat_only:
                    stat = os.stat(path)
                    digest.update(f":{stat.st_size}:{stat.st_mtime_ns}\n".encode())
                else:
                    with open(path, "rb") as handle:
                        digest.update(hashlib.sha1(handle.read()).digest())
    return digest.hexdigest()


def code_fingerprint(settings: Mapping[str, Any]) -> str:
    """Plugins' code and data, and the versions of the libraries that make output."""
    digest = hashlib.sha1(sys.version.encode())
    for name in LIBRARIES:
        try:
            digest.update(f"{name}={importlib.metadata.version(name)};".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"{name}=none;".encode())
    digest.update(tree_digest(settings.get("PLUGIN_PATHS") or ()).encode())
    return digest.hexdigest()


def split_digests(data: bytes, relative: str) -> tuple[bytes, bytes]:
    """Digests of what a file's record is made of (its header) and of its body."""
    try:
        text = decode_utf8(data, relative)
    except ContentError:
        whole = hashlib.sha1(data).digest()
        return whole, whole
    return _digests_of(split_header(text, relative))


def _digests_of(split: SplitText) -> tuple[bytes, bytes]:
    fields, body, body_line, problems = split
    header = hashlib.sha1(repr((fields, body_line, problems)).encode("utf-8")).digest()
    return header, hashlib.sha1(body.encode("utf-8")).digest()


# --------------------------------------------------------------------------
# Cache entries


# A file's URL wrappers: (metadata key, ((class, name, slug), ...), is it a list)
Wrappers = tuple[tuple[str, tuple[tuple[type, str, str], ...], bool], ...]


@dataclass
class Entry:
    """What the reader made of one file."""

    digest: bytes  # SHA-1 of the file's bytes
    header: bytes
    body: bytes
    html: str
    metadata: dict[str, Any]  # the reader's metadata without its URL wrappers
    problems: list[Problem]
    stamp: tuple[int, ...] = ()  # the file's stat when read; equal stamp: equal bytes
    # The URL wrappers (they hold the settings): (key, ((class, name, slug), ...), is_list)
    wrappers: Wrappers = ()


def stamp_of(path: str) -> tuple[int, ...]:
    """Size, mtime, ctime and inode: ctime changes with every write to the file."""
    st = os.stat(path)
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


@dataclass
class Failure:
    """A file the reader rejected (kept for this build only)."""

    digest: bytes
    header: bytes
    body: bytes
    problems: list[Problem]


def encode_metadata(metadata: Mapping[str, Any]) -> tuple[dict[str, Any], Wrappers]:
    """The reader's metadata split into plain values and its URL wrappers.

    Category, Tag and Author objects hold the settings: they are kept as
    (class, name, slug) and made again, for the current settings, by `decode_metadata`.
    """
    plain: dict[str, Any] = {}
    wrappers = []
    for key, value in metadata.items():
        if isinstance(value, URLWrapper):
            wrappers.append((key, ((type(value), value.name, value.slug),), False))
        elif isinstance(value, list) and value and all(isinstance(v, URLWrapper) for v in value):
            wrappers.append((key, tuple((type(v), v.name, v.slug) for v in value), True))
        elif isinstance(value, list) and any(isinstance(v, URLWrapper) for v in value):
            raise TypeError(f"metadata {key!r} mixes URL wrappers with other values")
        else:
            plain[key] = value
    return plain, tuple(wrappers)


def decode_metadata(
    plain: Mapping[str, Any],
    wrappers: Wrappers,
    settings: dict[str, Any],
    made: dict[tuple[type, str, str], URLWrapper] | None = None,
) -> dict[str, Any]:
    """The reader's metadata again, with URL wrappers for `settings`.

    `made` shares one wrapper per (class, name, slug) across files, as equal wrappers
    are interchangeable (they hash and compare by slug).
    """
    metadata = dict(plain)
    if made is None:
        made = {}
    for key, triples, is_list in wrappers:
        items = []
        for triple in triples:
            item = made.get(triple)
            if item is None:
                cls, name, slug = triple
                item = made[triple] = cls(name, settings)
                item.slug = slug
            items.append(item)
        metadata[key] = items if is_list else items[0]
    return metadata


def compute(
    reader: PortalMarkdownReader, source_path: str, relative: str, data: bytes | None = None
) -> Entry | Failure:
    """Run the portal reader on one file and keep everything it said."""
    stamp = stamp_of(source_path)
    if data is None:
        with open(source_path, "rb") as handle:
            data = handle.read()
    digest = hashlib.sha1(data).digest()
    build = report.current()
    before = len(build.problems)
    try:
        text = decode_utf8(data, relative)
    except ContentError as exc:
        return Failure(digest, digest, digest, list(exc.problems))
    split = split_header(text, relative)  # once, for the digests and the reader
    header, body = _digests_of(split)
    try:
        html, metadata = PortalMarkdownReader.read_text(reader, text, relative, split)
    except ContentError as exc:
        return Failure(digest, header, body, list(exc.problems))
    plain, wrappers = encode_metadata(metadata)
    return Entry(digest, header, body, html, plain, build.problems[before:], stamp, wrappers)


# --------------------------------------------------------------------------
# One build's view of the cache


_worker_reader: PortalMarkdownReader | None = None


def _work(job: tuple[str, str]) -> tuple[str, Entry | Failure]:
    source_path, relative = job
    assert _worker_reader is not None
    return relative, compute(_worker_reader, source_path, relative)


@dataclass
class Session:
    """The cache as one build uses it."""

    settings: dict[str, Any]
    options: dict[str, Any]
    fingerprint: str = ""
    path: Path | None = None  # the cache's folder; None: no cache
    stored: dict[str, Entry] = field(default_factory=dict)
    used: dict[str, Entry | Failure] = field(default_factory=dict)
    prefetched: dict[str, Entry | Failure] = field(default_factory=dict)
    dirty: set[int] = field(default_factory=set)  # shards whose entries changed
    loaded_keys: dict[int, frozenset[str]] = field(default_factory=dict)  # what each held
    loaded: bool = False
    prefetch_done: bool = False
    stats: dict[str, int] = field(default_factory=lambda: {"hits": 0, "read": 0, "parallel": 0})
    # One Category, Tag or Author object per (class, name, slug) for this build's settings
    wrappers: dict[tuple[type, str, str], URLWrapper] = field(default_factory=dict)
    frozen: bool = False  # objects alive after loading are exempt from the collector
    pending: set[str] = field(default_factory=set)  # files the workers are still reading
    _pool: Any = None  # the parallel read's workers, while it lasts
    _results: Any = None  # their results, in the order of `pending`'s paths

    def thaw(self) -> None:
        """Let the collector see the objects frozen at `load` again."""
        if self.frozen:
            self.frozen = False
            gc.unfreeze()

    def load(self) -> None:
        if self.loaded:
            return
        self.loaded = True
        self.fingerprint = hashlib.sha1(
            (settings_fingerprint(self.settings) + code_fingerprint(self.settings)).encode()
        ).hexdigest()
        if not self.options["cache"]:
            return
        self.path = cache_root(self.settings)
        collecting = gc.isenabled()
        gc.disable()  # a cycle search per 700 new objects would triple the time to load
        try:
            for shard in range(SHARDS):
                entries = _load_shard(cache_file(self.settings, shard), self.fingerprint)
                if entries is not None:
                    self.stored.update(entries)
                    self.loaded_keys[shard] = frozenset(entries)
        finally:
            if collecting:
                gc.enable()
        if self.stored:
            # The entries live all build and hold no cycles: keep the collector from
            # scanning them again and again (until `save`, or the next build's start).
            gc.freeze()
            self.frozen = True

    def lookup(self, relative: str, digest: bytes) -> Entry | Failure | None:
        entry = self.prefetched.pop(relative, None)
        if entry is None or entry.digest != digest:
            entry = self.stored.get(relative)
            if entry is not None and entry.digest == digest:
                self.stats["hits"] += 1
            else:
                entry = None
        return entry

    def read(
        self, reader: PortalMarkdownReader, source_path: str, relative: str
    ) -> Entry | Failure:
        """The reader's result for one file: cached, prefetched or read now."""
        self.load()
        stored = self.stored.get(relative)
        if (
            relative not in self.prefetched
            and relative not in self.pending
            and stored is not None
            and stored.stamp
            and stored.stamp == stamp_of(source_path)
        ):  # not even opened again
            self.stats["hits"] += 1
            self.used[relative] = stored
            return stored
        with open(source_path, "rb") as handle:
            data = handle.read()
        digest = hashlib.sha1(data).digest()
        entry = self.lookup(relative, digest)
        if entry is not None and isinstance(entry, Entry) and entry is stored:
            entry.stamp = stamp_of(source_path)  # same bytes, touched: remember the new stat
            self.dirty.add(shard_of(relative))
        if entry is None and not self.prefetch_done:
            self.prefetch(reader)
        if entry is None and relative in self.pending:
            self._receive(relative)
            if not self.pending:
                self.finish()
            entry = self.lookup(relative, digest)
        if entry is None:
            entry = compute(reader, source_path, relative, data)
            self.stats["read"] += 1
        if isinstance(entry, Entry) and self.stored.get(relative) is not entry:
            self.dirty.add(shard_of(relative))
        self.used[relative] = entry
        return entry

    def prefetch(self, reader: PortalMarkdownReader) -> None:
        """Start reading every uncached content file in parallel, once per build.

        A pool of forked workers reads them in the order of their paths (the order
        in which Pelican asks for them, `speedups` sorts it), and `read` takes each
        result as it comes: Pelican makes its articles from the first results while
        the workers read the rest. `finish` collects whatever nobody asked for.
        """
        self.prefetch_done = True
        workers = self.options["workers"]
        if workers < 2:
            return
        misses = []
        for source_path, relative in content_files(self.settings, reader.file_extensions):
            entry = self.stored.get(relative)
            if entry is not None:
                if entry.stamp and entry.stamp == stamp_of(source_path):
                    continue
                with open(source_path, "rb") as handle:
                    if hashlib.sha1(handle.read()).digest() == entry.digest:
                        continue
            misses.append((source_path, relative))
        if len(misses) < MIN_PARALLEL:
            return
        misses.sort(key=lambda miss: miss[1])
        global _worker_reader
        _worker_reader = reader
        context = multiprocessing.get_context("fork")
        chunk = max(1, min(64, len(misses) // (workers * 8)))
        # Workers leave the heap they inherit to the collector's permanent generation.
        self._pool = context.Pool(workers, initializer=gc.freeze)
        self._results = self._pool.imap(_work, misses, chunksize=chunk)
        _read_ahead([path for path, _relative in misses])  # after forking: no thread to copy
        self.pending = {relative for _path, relative in misses}
        self.stats["parallel"] += len(misses)

    def _receive(self, until: str | None = None) -> None:
        """Take the workers' results as they come, up to `until` (None: all of them)."""
        collecting = gc.isenabled()
        gc.disable()  # the entries coming back hold no cycles (as in `load`)
        try:
            while self.pending and (until is None or until in self.pending):
                relative, entry = next(self._results)
                self.pending.discard(relative)
                self.prefetched[relative] = entry
        finally:
            if collecting:
                gc.enable()
        # They live all build (and so do the articles Pelican made of the earlier
        # ones): frozen, the collector does not scan them again and again while the
        # rest come in. Thawed at `save`.
        gc.freeze()
        self.frozen = True

    def finish(self, collect: bool = True) -> None:
        """End the parallel read: every result taken, the workers gone, the heap frozen.

        `collect=False` drops the results nobody took (a build that failed meanwhile)
        and stops the workers without waiting for the files they were still reading.
        """
        pool, self._pool = self._pool, None
        if pool is None:
            return
        global _worker_reader
        try:
            if collect:
                self._receive()
                pool.close()
                pool.join()
        finally:
            pool.terminate()
            _worker_reader = None
            self.pending = set()
        gc.freeze()  # the entries live all build: not scanned again (thawed at `save`)
        self.frozen = True

    def digests(self) -> dict[str, tuple[bytes, bytes]]:
        """Header and body digests of every file read in this build."""
        return {relative: (e.header, e.body) for relative, e in self.used.items()}

    def save(self) -> None:
        """Keep what this build read (and nothing else) for the next one.

        Only shards with a new, changed or dropped entry are written again.
        """
        self.finish(collect=False)  # normally done once every generator had its context
        self.thaw()
        if self.path is None or not self.loaded:
            return
        keep = {rel: e for rel, e in self.used.items() if isinstance(e, Entry)}
        shards: list[dict[str, Entry]] = [{} for _ in range(SHARDS)]
        for relative, entry in keep.items():
            shards[shard_of(relative)][relative] = entry
        for shard, entries in enumerate(shards):
            if shard in self.dirty or self.loaded_keys.get(shard) != entries.keys():
                _save_shard(cache_file(self.settings, shard), self.fingerprint, entries)
                self.loaded_keys[shard] = frozenset(entries)
        _legacy_file(self.settings).unlink(missing_ok=True)  # one file before version 3
        self.stored, self.dirty = keep, set()


def _read_ahead(paths: list[str]) -> threading.Thread | None:
    """Ask the kernel to load `paths` into the page cache now, in the order given.

    Content files a build reads once are often no longer cached (or evicted since
    the last build); told in advance, the kernel reads them concurrently while the
    workers convert the first ones, instead of each worker waiting for each file.
    A thread of its own issues the hints (each call waits for nothing).
    """
    advise = getattr(os, "posix_fadvise", None)
    if advise is None:
        return None

    def hint() -> None:
        for path in paths:
            try:
                fd = os.open(path, os.O_RDONLY)
            except OSError:
                continue
            try:
                advise(fd, 0, 0, os.POSIX_FADV_WILLNEED)
            except OSError:
                pass
            finally:
                os.close(fd)

    thread = threading.Thread(target=hint, name="portal-read-ahead", daemon=True)
    thread.start()
    return thread


def shard_of(relative: str) -> int:
    """Which of the cache's files keeps a content file's entry."""
    return zlib.crc32(relative.encode("utf-8", "surrogateescape")) % SHARDS


# What loading a pickle kept by an earlier build may raise (missing, truncated, or
# written by other code): the file is then treated as absent.
UNREADABLE_PICKLE = (
    OSError,
    EOFError,
    pickle.UnpicklingError,
    ValueError,
    TypeError,
    AttributeError,
    ImportError,
)


def _load_shard(path: Path, fingerprint: str) -> dict[str, Entry] | None:
    """A shard's entries; None if it is missing, unreadable or of other settings/code."""
    try:
        with open(path, "rb") as handle:
            version, stored_fingerprint, entries = pickle.load(handle)
    except UNREADABLE_PICKLE:
        return None
    if version != CACHE_VERSION or stored_fingerprint != fingerprint:
        return None
    return entries


def _save_shard(path: Path, fingerprint: str, entries: dict[str, Entry]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".reads-")
    try:
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(
                (CACHE_VERSION, fingerprint, entries), handle, protocol=pickle.HIGHEST_PROTOCOL
            )
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


def cache_root(settings: Mapping[str, Any]) -> Path:
    return Path(settings.get("CACHE_PATH") or "cache") / "portal"


def _content_key(settings: Mapping[str, Any]) -> str:
    return hashlib.sha1(os.path.abspath(settings["PATH"]).encode()).hexdigest()[:16]


def cache_file(settings: Mapping[str, Any], shard: int) -> Path:
    """Where one shard of the reads of this content folder is kept."""
    return cache_root(settings) / f"reads-{_content_key(settings)}-{shard:02d}.pickle"


def cache_files(settings: Mapping[str, Any]) -> list[Path]:
    return [cache_file(settings, shard) for shard in range(SHARDS)]


def _legacy_file(settings: Mapping[str, Any]) -> Path:
    return cache_root(settings) / f"reads-{_content_key(settings)}.pickle"


def clear(settings: Mapping[str, Any]) -> None:
    """Forget this content folder's cached reads."""
    for path in [*cache_files(settings), _legacy_file(settings)]:
        path.unlink(missing_ok=True)


def content_files(settings: Mapping[str, Any], extensions: Iterable[str]) -> list[tuple[str, str]]:
    """(absolute, relative) paths of the files under PATH a reader would read."""
    root = os.path.abspath(settings["PATH"])
    suffixes = tuple(f".{ext}" for ext in extensions)
    ignored = ignore_matcher(settings.get("IGNORE_FILES") or [])
    found = []
    for folder, dirs, files in os.walk(root, followlinks=True):
        dirs[:] = sorted(d for d in dirs if not ignored(d))
        within = os.path.relpath(folder, root).replace(os.sep, "/")
        prefix = "" if within == "." else f"{within}/"
        for name in sorted(files):
            if name.endswith(suffixes) and not ignored(name):
                found.append((os.path.join(folder, name), prefix + name))
    return found


def ignore_matcher(patterns: Iterable[str]) -> Callable[[str], bool]:
    """`any(fnmatch.fnmatch(name, p) for p in patterns)`, as one regex."""
    translated = [fnmatch.translate(os.path.normcase(p)) for p in patterns]
    if not translated:
        return lambda _name: False
    match = re.compile("|".join(translated)).match
    return lambda name: match(os.path.normcase(name)) is not None


class CachedPortalReader(PortalMarkdownReader):
    """The portal reader, through the cache (errors are never cached across builds)."""

    def _read(self, source_path: str, relative: str) -> tuple[str, dict[str, Any]]:
        session = current()
        if session is None:
            return super()._read(source_path, relative)
        entry = session.read(self, source_path, relative)
        if isinstance(entry, Failure):
            raise ContentError(entry.problems)
        report.current().add_problems(entry.problems)
        shared = session.wrappers if self.settings is session.settings else None
        return entry.html, decode_metadata(entry.metadata, entry.wrappers, self.settings, shared)


_session: Session | None = None


def start(settings: dict[str, Any]) -> Session:
    """Begin a build's session (at `initialized`, once settings are final)."""
    global _session
    if _session is not None:  # a previous build in this process that never saved
        _session.finish(collect=False)
        _session.thaw()
    _session = Session(settings, performance_settings(settings))
    return _session


def current() -> Session | None:
    return _session
