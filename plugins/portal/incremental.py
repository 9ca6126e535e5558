"""Writing only what changed: the portal's Writer (through `get_writer`).

Every page goes through `IncrementalWriter.write_file`, which

- writes a file as a new inode (temporary file, then `os.replace`), never in place,
  and only when its bytes differ: an unchanged page keeps its inode and mtime (when
  building into a staging folder, it is hard-linked from the last good output);
- skips rendering a page altogether when nothing it is made of changed since the
  last good build (`tools/build.py` passes that build's folder and manifest).

What a page is made of: the site digest — every setting, the plugins' code, the
theme, every content file's header (metadata), the build date — and the bodies of
the content whose HTML the page used while it rendered (tracked by watching
`Content._content`, `get_content` and derived summaries). A body read while the
site is assembled (outside any page) is treated as used by every page. When the
site digest changes (a header, a template, a setting, an added or deleted file),
every page is rendered again; the ones whose bytes did not change still keep their
inode. When only bodies changed, only the pages that used them are rendered.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import hashlib
import io
import logging
import os
import pickle
import posixpath
import tempfile
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pelican.contents import Content
from pelican.paginator import Paginator
from pelican.plugins import signals
from pelican.utils import get_relative_path, path_to_url, sanitised_join
from pelican.writers import FileOverwriteFailedError, Writer

from . import cache, report

logger = logging.getLogger(__name__)

MANIFEST_VERSION = 4
PARALLEL_MIN = 300  # fewer pages than this to render are rendered in-process


# --------------------------------------------------------------------------
# Which bodies each page used


class _Tracker:
    """Records whose body HTML is read, and where."""

    def __init__(self) -> None:
        self.assembling = True  # reading content and building context, before writing
        self.page: set[str] | None = None  # the page being rendered
        self.everywhere: set[str] = set()  # bodies used while assembling the site
        self.generator: set[str] | None = None  # bodies a whole generator's output used
        self.quiet = 0  # Pelican's own bookkeeping (static links) does not count

    def used(self, content: Content) -> None:
        path = content.__dict__.get("relative_source_path")
        if path is None or self.quiet:
            return
        if self.generator is not None:
            self.generator.add(path)
        if self.page is not None:
            self.page.add(path)
        elif self.assembling:
            self.everywhere.add(path)

    @contextmanager
    def rendering(self) -> Iterator[set[str]]:
        outer, self.page = self.page, set()
        try:
            yield self.page
        finally:
            inner, self.page = self.page, outer
            if outer is not None:
                outer |= inner


tracker = _Tracker()
_tracking_installed = False


@contextmanager
def untracked() -> Iterator[None]:
    """Bodies read in this block make no page depend on them (checks, reports)."""
    tracker.quiet += 1
    try:
        yield
    finally:
        tracker.quiet -= 1


def begin_build() -> None:
    """Forget the previous build's tracking (at `initialized`)."""
    global _state
    tracker.assembling, tracker.page, tracker.everywhere, tracker.quiet = True, None, set(), 0
    _state = None


def install_tracking() -> None:
    """Watch every read of a content object's body HTML (once per process)."""
    global _tracking_installed
    if _tracking_installed:
        return
    _tracking_installed = True

    def get_body(self: Content) -> str:
        tracker.used(self)
        return self.__dict__.get("_portal_body", "")

    def set_body(self: Content, value: str) -> None:
        self.__dict__["_portal_body"] = value

    Content._content = property(get_body, set_body)  # type: ignore[assignment]

    get_content = Content.__dict__["get_content"]  # pelican.utils.memoized, unbound

    def tracked_get_content(self: Content, siteurl: str) -> str:
        tracker.used(self)  # memoized: the second page using it reads no _content
        return get_content(self, siteurl)

    Content.get_content = tracked_get_content  # type: ignore[method-assign]

    get_summary = Content.__dict__["get_summary"]

    def tracked_get_summary(self: Content, siteurl: str) -> str:
        if "summary" not in self.metadata:  # derived from the body
            tracker.used(self)
        return get_summary(self, siteurl)

    Content.get_summary = tracked_get_summary  # type: ignore[method-assign]

    get_static_links = Content.get_static_links

    def quiet_static_links(self: Content) -> set[str]:
        tracker.quiet += 1
        try:
            return get_static_links(self)
        finally:
            tracker.quiet -= 1

    Content.get_static_links = quiet_static_links  # type: ignore[method-assign]


# --------------------------------------------------------------------------
# The manifest: what the last good output holds and what each page was made of


@dataclass(frozen=True)
class FileRecord:
    deps: tuple[str, ...]  # content files whose body the page used
    ino: int
    size: int
    mtime_ns: int

    def describes(self, stat: os.stat_result) -> bool:
        """Whether `stat` is of the very file recorded (same inode, size and mtime)."""
        return (stat.st_ino, stat.st_size, stat.st_mtime_ns) == (self.ino, self.size, self.mtime_ns)


Stamp = tuple[int, int, int, int]  # size, mtime, ctime, inode


@dataclass
class Manifest:
    site_digest: str
    bodies: dict[str, bytes]  # content file → body digest
    everywhere: frozenset[str]  # bodies used while assembling the site
    files: dict[str, FileRecord]  # output name → record
    output_ino: int = 0
    config_digest: str = ""  # settings, code and theme (`config_digest()`)
    others: tuple[str, ...] = ()  # files written by others (static, feeds, indexes)
    # generators whose whole output can be reused: name → (its files, bodies it used)
    generators: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)
    # For `nothing_changed()`: what the build was made of, and the result it reported
    day: str = ""  # `day_stamp()` of the build
    content: dict[str, Stamp] = field(default_factory=dict)  # `content_stamps()` at its start
    due: float | None = None  # the first content date after its start (a POSIX time)
    other_stamps: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # `others`
    report: Any = None  # its report.BuildReport (warnings, the account of every file)
    version: int = MANIFEST_VERSION


def _key(output: str | os.PathLike[str]) -> str:
    return hashlib.sha1(os.path.abspath(output).encode()).hexdigest()[:16]


def manifest_file(settings: dict[str, Any], output: str | os.PathLike[str]) -> Path:
    """Where the manifest of the output folder `output` is kept."""
    return cache.cache_root(settings) / f"output-{_key(output)}.pickle"


def spare_folder(settings: dict[str, Any], output: str | os.PathLike[str]) -> Path:
    """The output before the last one, kept to become the next build's staging folder.

    Recycling it spares creating and deleting every folder of the site on each build;
    its manifest is `manifest_file(settings, spare_folder(...))`.
    """
    return cache.cache_root(settings) / f"spare-{_key(output)}"


def config_digest(settings: dict[str, Any]) -> str:
    """Settings, the plugins' code and the theme: what no content edit changes."""
    digest = hashlib.sha1()
    digest.update(cache.settings_fingerprint(settings).encode())
    digest.update(cache.code_fingerprint(settings).encode())
    theme = [settings["THEME"], *settings.get("THEME_TEMPLATES_OVERRIDES", [])]
    digest.update(cache.tree_digest(theme).encode())
    return digest.hexdigest()


def load_manifest(path: Path, output: Path) -> Manifest | None:
    """The manifest of `output`, if it still describes that folder."""
    try:
        with open(path, "rb") as handle:
            manifest = pickle.load(handle)
        ino = os.stat(output).st_ino
    except cache.UNREADABLE_PICKLE:
        return None
    if not isinstance(manifest, Manifest) or manifest.version != MANIFEST_VERSION:
        return None
    return manifest if manifest.output_ino == ino else None


# --------------------------------------------------------------------------
# One build's output


@dataclass
class OutputState:
    """What this build writes, and what it may take from the last good output."""

    settings: dict[str, Any]
    previous: Path | None = None  # the last good output (we build into a staging folder)
    manifest: Manifest | None = None
    site_digest: str = ""
    bodies: dict[str, bytes] = field(default_factory=dict)
    changed_bodies: set[str] = field(default_factory=set)
    full: bool = True  # every page is rendered
    reason: str = "no previous build"
    files: dict[str, FileRecord] = field(default_factory=dict)
    rendered: list[str] = field(default_factory=list)  # output names rendered this build
    changed: set[str] = field(default_factory=set)  # output names with new bytes
    config: str = ""  # config_digest() of this build
    generator: str | None = None  # the generator whose output is being recorded
    generators: dict[str, tuple[list[str], set[str]]] = field(default_factory=dict)
    # (output folder, every file in it) at the end of the output phase (remove_stale)
    inventory: tuple[str, tuple[str, ...]] | None = None
    stats: dict[str, int] = field(
        default_factory=lambda: {"rendered": 0, "skipped": 0, "unchanged": 0, "written": 0}
    )

    def prepare(self) -> None:
        """Decide, once all content is read, whether pages can be skipped."""
        build = self.settings.get("PORTAL_BUILD") or {}
        options = cache.performance_settings(self.settings)
        session = cache.current()
        digests = session.digests() if session is not None else {}
        self.bodies = {path: body for path, (_header, body) in digests.items()}
        self.config = build.get("config") or config_digest(self.settings)
        states = report.current().files  # published, draft, scheduled: by the clock too
        self.site_digest = site_digest(self.settings, digests, self.config, states)
        if build.get("previous"):
            self.previous = Path(build["previous"])
            if options["incremental"] and build.get("manifest"):
                self.manifest = _previous_manifest(build, self.previous)
        if self.manifest is None:
            self.reason = "no manifest of the previous output"
            return
        if self.manifest.site_digest != self.site_digest:
            self.reason = "settings, code, theme, metadata or the date changed"
            return
        old = self.manifest.bodies
        self.changed_bodies = {
            p for p in self.bodies.keys() | old.keys() if self.bodies.get(p) != old.get(p)
        }
        everywhere = tracker.everywhere | self.manifest.everywhere
        if self.changed_bodies & everywhere:
            self.reason = "a body used on every page changed"
            return
        self.full = False
        self.reason = f"{len(self.changed_bodies)} changed bodies"

    def reusable(self, name: str) -> FileRecord | None:
        """The previous record of `name` when nothing it is made of changed."""
        if self.full or self.manifest is None or self.previous is None:
            return None
        record = self.manifest.files.get(name)
        if record is None or self.changed_bodies.intersection(record.deps):
            return None
        try:
            stat = os.lstat(self.previous / name)
        except OSError:
            return None
        if not record.describes(stat):
            return None
        return record

    def manifest_for(self, output: Path, others: Iterable[str] = ()) -> Manifest:
        return Manifest(
            site_digest=self.site_digest,
            bodies=self.bodies,
            everywhere=frozenset(tracker.everywhere),
            files=self.files,
            output_ino=os.stat(output).st_ino,
            config_digest=self.config,
            others=tuple(sorted(others)),
            generators={
                name: (tuple(files), tuple(sorted(deps)))
                for name, (files, deps) in self.generators.items()
            },
        )

    def save_manifest(self, path: Path, output: Path, others: Iterable[str] = ()) -> None:
        """Record what `output` (now the last good build) holds; atomically."""
        save_manifest(self.manifest_for(output, others), path)


def _previous_manifest(build: dict[str, Any], previous: Path) -> Manifest | None:
    """The last good output's manifest: the recycled one when it is that (a cloned tree)."""
    recycled = build.get("recycled")
    with contextlib.suppress(OSError):
        if recycled is not None and recycled.output_ino == os.stat(previous).st_ino:
            return recycled  # loaded already by tools/build.py (`_clone_output`)
    return load_manifest(Path(build["manifest"]), previous)


def save_manifest(manifest: Manifest, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".output-")
    with os.fdopen(fd, "wb") as handle:
        pickle.dump(manifest, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(temp, path)


def site_digest(
    settings: dict[str, Any],
    digests: dict[str, tuple[bytes, bytes]],
    config: str,
    states: dict[str, str] | None = None,
) -> str:
    """Everything every page may depend on, except content bodies.

    `states`: each content file's fate (`report.BuildReport.files`); a scheduled
    article that came due changes it, as its header did not.
    """
    digest = hashlib.sha1(config.encode())
    digest.update(day_stamp(settings).encode())
    for path, state in sorted((states or {}).items()):
        digest.update(f"{path}\0{state}\0".encode("utf-8", "surrogateescape"))
    root = os.path.abspath(settings["PATH"])
    for relative in sorted(output_names(root, follow_links=True)):
        digest.update(relative.encode("utf-8", "surrogateescape") + b"\0")
        known = digests.get(relative)
        if known is not None:
            digest.update(known[0])
        else:
            with open(os.path.join(root, relative), "rb") as handle:
                digest.update(hashlib.sha1(handle.read()).digest())
    return digest.hexdigest()


def day_stamp(settings: dict[str, Any]) -> str:
    """The date a build sees: pages show today's date and what is upcoming."""
    zone = settings.get("TIMEZONE") or "UTC"
    return f"{dt.date.today()}|{dt.datetime.now(dt.UTC).date()}|{zone}"


def content_stamps(settings: dict[str, Any]) -> dict[str, Stamp]:
    """Size, mtime, ctime and inode of every file under the content folder."""
    root = os.path.abspath(settings["PATH"])
    stamps = {}
    for relative in output_names(root, follow_links=True):
        try:
            stat = os.stat(os.path.join(root, relative))
        except OSError:
            stamps[relative] = (-1, -1, -1, -1)
            continue
        stamps[relative] = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
    return stamps


def next_due(items: Iterable[Any], after: float) -> float | None:
    """The first date of a content object later than `after` (a scheduled article's)."""
    due = None
    for item in items:
        try:
            moment = item.date.timestamp()
        except (AttributeError, TypeError, ValueError, OverflowError, OSError):
            continue
        if moment > after and (due is None or moment < due):
            due = moment
    return due


def nothing_changed(
    settings: dict[str, Any],
    output: Path,
    manifest_path: Path,
    config: str,
    stamps: dict[str, Stamp],
    now: float,
) -> Manifest | None:
    """The manifest of `output` when building again would give exactly that output.

    True when the settings, code and theme (`config`), the date, every content file's
    stamp and the output folder itself (every file's inode, size and mtime, and no
    other file) are as the last good build left them, and no scheduled content came
    due since. Then `tools/build.py` leaves the output as it is, without running Pelican.
    """
    manifest = load_manifest(manifest_path, output)
    if (
        manifest is None
        or manifest.report is None
        or manifest.config_digest != config
        or manifest.day != day_stamp(settings)
        or (manifest.due is not None and now >= manifest.due)
        or manifest.content != stamps
    ):
        return None
    names = output_names(output)
    if len(names) != len(manifest.files) + len(manifest.other_stamps):
        return None
    for name in names:
        record = manifest.files.get(name)
        expected = (
            (record.ino, record.size, record.mtime_ns)
            if record is not None
            else manifest.other_stamps.get(name)
        )
        try:
            stat = os.lstat(os.path.join(output, name))
        except OSError:
            return None
        if expected != (stat.st_ino, stat.st_size, stat.st_mtime_ns):
            return None
    return manifest


_state: OutputState | None = None


def current() -> OutputState | None:
    """The state of the build being written (or last written) in this process."""
    return _state


def remove_stale(output_path: str | os.PathLike[str]) -> None:
    """Delete what a recycled staging folder holds that this build did not write.

    Runs after the last generator's output (the static files) and before `finalized`,
    so that the sitemap, the search index and the link checks see only this build.
    Then takes the inventory of the output folder (`output_inventory`).
    """
    state = _state
    if state is None:
        return
    recycled = (state.settings.get("PORTAL_BUILD") or {}).get("recycled")
    root = os.path.abspath(output_path)
    if recycled is not None:
        folders = set()
        for name in recycled.files:
            if name not in state.files:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(os.path.join(root, name))
                    folders.add(posixpath.dirname(name))
        folders.update(posixpath.dirname(name) for name in recycled.others)
        for folder in sorted(folders, key=lambda f: f.count("/"), reverse=True):
            while folder:
                try:
                    os.rmdir(os.path.join(root, folder))  # only when empty
                except OSError:
                    break
                folder = posixpath.dirname(folder)
    state.inventory = (root, tuple(output_names(root)))


def output_names(root: str | os.PathLike[str], *, follow_links: bool = False) -> list[str]:
    """Every file under `root` as relative POSIX paths: what `os.walk` lists as files.

    One `os.scandir` per folder and names joined as strings: about a third of the
    cost of `os.walk` with `os.path.relpath` per file (44,000 files at 10k articles).
    Like `os.walk`, links to folders are not listed, and followed only with
    `follow_links`.
    """
    found: list[str] = []
    pending = [("", os.fspath(root))]
    while pending:
        prefix, folder = pending.pop()
        try:
            entries = os.scandir(folder)
        except OSError:
            continue
        with entries:
            for entry in entries:
                try:
                    is_dir = entry.is_dir()
                except OSError:
                    is_dir = False
                if not is_dir:
                    found.append(prefix + entry.name)
                elif follow_links or not entry.is_symlink():
                    pending.append((f"{prefix}{entry.name}/", entry.path))
    return found


def output_inventory(output_path: str | os.PathLike[str]) -> set[str]:
    """Every file under the output folder, for the steps at `finalized` that read it.

    The list `remove_stale()` took at the end of the output phase when it is of this
    folder: the link checks and the sitemap run before anything else is written
    (plugin order: portal first, seo before search). Otherwise a walk of the folder.
    """
    state = _state
    if state is not None and state.inventory is not None:
        folder, names = state.inventory
        if folder == os.path.abspath(output_path):
            return set(names)
    return set(output_names(output_path))


# --------------------------------------------------------------------------
# The writer


class _Buffer(io.StringIO):
    """A text file that is put in place, if it changed, when closed."""

    def __init__(self, writer: IncrementalWriter, path: str):
        super().__init__()
        self._writer, self._path = writer, path

    def close(self) -> None:
        if not self.closed:
            data = self.getvalue().encode("utf-8")
            super().close()
            self._writer.put(self._path, data)

    def discard(self) -> None:
        """Close without writing (the caller puts the bytes in place itself)."""
        super().close()


class IncrementalWriter(Writer):
    """Pelican's Writer: new inodes for changed bytes only; unaffected pages skipped."""

    def __init__(self, output_path: str, settings: dict[str, Any] | None = None):
        super().__init__(output_path, settings)
        global _state
        tracker.assembling = False
        _state = self.state = OutputState(self.settings)
        self.state.prepare()
        self.workers = cache.performance_settings(self.settings)["workers"]
        self.parallel = self.workers > 1
        self._jobs: list[_Job] = []
        self._sites_before: dict[int, tuple[dict[str, Any], Any]] = {}
        logger.info(
            "portal.writer: %s (%s)",
            "full render" if self.state.full else "incremental",
            self.state.reason,
        )

    # -- putting bytes in place

    def _name(self, path: str) -> str:
        return os.path.relpath(path, self.output_path).replace(os.sep, "/")

    def put(self, path: str, data: bytes, deps: Iterable[str] = ()) -> None:
        """Make `path` hold `data`: reuse the old inode when the bytes are equal."""
        _put(self.state, self._name(path), path, data, deps)

    def _record(self, path: str, name: str, deps: tuple[str, ...]) -> None:
        _record(self.state, path, name, deps)

    def _open_w(self, filename: str, encoding: str, override: bool = False) -> Any:
        """Pelican's checks against writing a file twice, then a buffered new file."""
        if filename in self._overridden_files:
            if override:
                raise FileOverwriteFailedError(
                    f'Failed to overwrite "{filename}" a second time (was previously overwritten)'
                )
            logger.info('Skipping "%s", not overwriting', filename)
            return open(os.devnull, "w", encoding=encoding)  # noqa: SIM115
        if filename in self._written_files:
            if override:
                logger.info('Overwriting "%s"', filename)
            else:
                raise FileOverwriteFailedError(
                    f'Failed to overwrite "{filename}" as Pelican has already written to it '
                    "previously (set `override=True` if intended)"
                )
        if override:
            self._overridden_files.add(filename)
        self._written_files.add(filename)
        return _Buffer(self, filename)  # its folder is made when the bytes are put

    # -- pages

    def write_file(
        self,
        name: str,
        template: Any,
        context: dict[str, Any],
        relative_urls: bool = False,
        paginated: dict[str, Any] | None = None,
        template_name: str | None = None,
        override_output: bool = False,
        url: str | None = None,
        **kwargs: Any,
    ) -> None:
        """Pelican's `Writer.write_file`, page by page through `_emit`."""
        if not name:
            return

        def localcontext_for(save_as: str, extra: dict[str, Any]) -> dict[str, Any]:
            local = context.copy()
            local["localsiteurl"] = local.get("localsiteurl", None)
            if relative_urls:
                relative_url = path_to_url(get_relative_path(save_as))
                local["SITEURL"] = relative_url
                local["localsiteurl"] = relative_url
            local["output_file"] = save_as
            local.update(extra)
            return local

        if paginated is None:
            paginated = {k: v for k, v in kwargs.items() if k in {"articles", "dates"}}
        if paginated and template_name in self.settings["PAGINATED_TEMPLATES"]:
            per_page = (
                self.settings["PAGINATED_TEMPLATES"][template_name]
                or self.settings["DEFAULT_PAGINATION"]
            )
            paginators = {
                key: Paginator(name, url, val, self.settings, per_page)
                for key, val in paginated.items()
            }
            for page_num in range(next(iter(paginators.values())).num_pages):
                paginated_kwargs = kwargs.copy()
                for key, paginator in paginators.items():
                    previous_page = paginator.page(page_num) if page_num > 0 else None
                    page = paginator.page(page_num + 1)
                    next_page = (
                        paginator.page(page_num + 2) if page_num + 1 < paginator.num_pages else None
                    )
                    paginated_kwargs.update(
                        {
                            f"{key}_paginator": paginator,
                            f"{key}_page": page,
                            f"{key}_previous_page": previous_page,
                            f"{key}_next_page": next_page,
                        }
                    )
                self._emit(
                    template,
                    context,
                    localcontext_for(page.save_as, paginated_kwargs),
                    page.save_as,
                    override_output,
                )
        else:
            self._emit(template, context, localcontext_for(name, kwargs), name, override_output)

    def _emit(
        self,
        template: Any,
        context: dict[str, Any],
        localcontext: dict[str, Any],
        name: str,
        override: bool,
    ) -> None:
        """Render one page (unless it can be reused) and put it in place."""
        self._site_before = context.get("localsiteurl")
        if localcontext["localsiteurl"]:
            context["localsiteurl"] = localcontext["localsiteurl"]
        if self.parallel:  # queued renders replay every page's setting, in order
            self._defer(None, context, localcontext, "", "")
        path = sanitised_join(self.output_path, name)
        name = self._name(path)
        state = self.state
        handle = self._open_w(path, "utf-8", override=override)
        if not isinstance(handle, _Buffer):  # an earlier write of this file wins
            handle.close()
        else:
            record = state.reusable(name)
            if record is not None:
                handle.discard()
                _link(state.previous / name, path, record.ino)  # type: ignore[operator]
                self._record(path, name, record.deps)
                state.stats["skipped"] += 1
            else:
                handle.discard()
                if self.parallel:
                    self._jobs[-1] = _Job(
                        template, localcontext, path, name, context, self._jobs[-1].site
                    )
                    return  # rendered at the next flush(), then signalled
                self._render(template, localcontext, path, name)
            logger.info('Writing "%s"', path)
        signals.content_written.send(path, context=localcontext)

    def _render(self, template: Any, localcontext: dict[str, Any], path: str, name: str) -> None:
        with tracker.rendering() as deps:
            output = template.render(localcontext)
        self.put(path, output.encode("utf-8"), deps)
        self.state.stats["rendered"] += 1
        self.state.rendered.append(name)

    # -- whole generators

    def reuse_generator(self, name: str) -> bool:
        """Link all of a generator's previous output when nothing it used changed.

        For generators that declare `incremental_output = True`: everything they
        write goes through this writer or `put_file`, and it depends only on what
        the site digest covers and on the bodies they read while writing.
        """
        state = self.state
        if state.full or state.manifest is None or state.previous is None:
            return False
        recorded = state.manifest.generators.get(name)
        if recorded is None:
            return False
        files, deps = recorded
        if state.changed_bodies.intersection(deps):
            return False
        records = []
        for file in files:
            record = state.manifest.files.get(file)
            if record is None:
                return False
            try:
                stat = os.lstat(state.previous / file)
            except OSError:
                return False
            if not record.describes(stat):
                return False
            records.append((file, record))
        for file, record in records:
            path = os.path.join(self.output_path, file)
            self._written_files.add(path)
            _link(state.previous / file, path, record.ino)
            state.files[file] = record
        state.generators[name] = (list(files), set(deps))
        state.stats["skipped"] += len(files)
        return True

    @contextmanager
    def recording(self, name: str) -> Iterator[None]:
        """Note the files a generator writes and the bodies it reads."""
        state = self.state
        state.generator, tracker.generator = name, set()
        state.generators[name] = ([], set())
        try:
            yield
        finally:
            files, deps = state.generators[name]
            deps |= tracker.generator
            for file in files:
                deps.update(state.files[file].deps)
            state.generator, tracker.generator = None, None

    # -- rendering on every CPU

    def _defer(
        self,
        template: Any,
        context: dict[str, Any],
        localcontext: dict[str, Any],
        path: str,
        name: str,
    ) -> None:
        """Queue a page; `localsiteurl` is replayed in order when it is rendered."""
        key = id(context)
        if key not in self._sites_before:
            self._sites_before[key] = (context, self._site_before)
        self._jobs.append(
            _Job(template, localcontext, path, name, context, localcontext["localsiteurl"] or None)
        )

    def flush(self) -> None:
        """Render the queued pages: in worker processes when there are enough of them.

        Called after each generator's output (portal.performance). Workers are forked,
        so they see the whole site as it is; each renders every Nth page, puts it in
        place and sends back what it recorded (files, dependencies, problems, errors).
        """
        queued, self._jobs = self._jobs, []
        sites_before, self._sites_before = self._sites_before, {}
        jobs = [job for job in queued if job.template is not None]
        if not jobs:
            return
        if len(jobs) < PARALLEL_MIN or self.workers < 2:
            for job in queued:
                self._replay(job)
                if job.template is not None:
                    self._render(job.template, job.localcontext, job.path, job.name)
        else:
            self._render_in_workers(queued, sites_before)
        for job in jobs:
            logger.info('Writing "%s"', job.path)
            signals.content_written.send(job.path, context=job.localcontext)

    @staticmethod
    def _replay(job: _Job) -> None:
        if job.site is not None:
            job.context["localsiteurl"] = job.site

    def _render_in_workers(self, jobs: list[_Job], sites_before: dict[int, Any]) -> None:
        run_in_workers(
            [
                functools.partial(self._work, jobs, worker, sites_before)
                for worker in range(self.workers)
            ]
        )
        for job in jobs:  # the parent's shared context ends as after a serial render
            self._replay(job)

    def _work(self, jobs: list[_Job], worker: int, sites_before: dict[int, Any]) -> None:
        """In a worker: render every `workers`-th job."""
        for context, value in sites_before.values():
            context["localsiteurl"] = value
        index = 0
        for job in jobs:
            self._replay(job)
            if job.template is not None:
                if index % self.workers == worker:
                    self._render(job.template, job.localcontext, job.path, job.name)
                index += 1


def run_in_workers(shares: Sequence[Callable[[], Any]], *, first_here: bool = False) -> list[Any]:
    """Run each of `shares` in a forked worker process of its own, all at once.

    Workers see the whole site as it is (copy-on-write) and put files in place
    through the writer, `put_file` or `reuse_file`; what each recorded (files,
    changed names, stats, bodies used, problems, logged errors) is merged into this
    build as if done here. A failure in a worker raises `RenderError` here. Without
    the portal's writer (no build state), the shares run here, one after another.
    Returns what each share returned (pickled back from its worker). With
    `first_here`, the first share runs in this process meanwhile: one worker fewer,
    and the objects it touches are not copied into a worker.
    """
    state = _state
    if state is None:
        return [share() for share in shares]
    build = report.current()
    # The site is frozen once assembled (portal.performance): stays so, and the
    # collection then scans only what came since (not the whole heap again).
    site_frozen = gc.get_freeze_count() > 0
    gc.collect()
    gc.freeze()  # the workers' garbage collector leaves the shared objects alone
    children = []
    own: list[Any] = []
    try:
        for share in shares[1:] if first_here else shares:
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:  # a worker
                os.close(read_end)
                code = 0
                try:
                    result = _recorded(state, build, share)
                except BaseException as exc:  # noqa: BLE001 - sent to the parent
                    result = _WorkerFailure(type(exc).__name__, str(exc), traceback.format_exc())
                    code = 1
                with os.fdopen(write_end, "wb") as out:
                    pickle.dump(result, out, protocol=pickle.HIGHEST_PROTOCOL)
                os._exit(code)
            os.close(write_end)
            children.append((pid, read_end))
        if first_here and shares:
            own.append(shares[0]())
        results = []
        for pid, read_end in children:
            with os.fdopen(read_end, "rb") as incoming:
                try:
                    results.append(pickle.load(incoming))
                except EOFError:
                    results.append(_WorkerFailure("WorkerDied", f"worker {pid} died", ""))
            os.waitpid(pid, 0)
        children = []
    finally:
        for pid, read_end in children:  # only after an error in the parent
            with contextlib.suppress(OSError):
                os.close(read_end)
                os.waitpid(pid, 0)
        if not site_frozen:
            gc.unfreeze()
    for result in results:
        if isinstance(result, _WorkerFailure):
            logger.debug("portal.incremental: a render worker failed:\n%s", result.trace)
            raise RenderError(f"{result.kind}: {result.message}")
    for result in results:
        state.files.update(result.files)
        if state.generator is not None:
            state.generators[state.generator][0].extend(result.files)
        if tracker.generator is not None:
            tracker.generator |= result.used
        state.changed |= result.changed
        state.rendered.extend(result.rendered)
        for key, value in result.stats.items():
            state.stats[key] += value
        build.add_problems(result.problems)
        build.logged_errors.extend(result.logged_errors)
    return own + [result.value for result in results]


def _recorded(state: OutputState, build: Any, share: Callable[[], Any]) -> _WorkerResult:
    """In a worker: run `share`; return what it recorded."""
    problems_before, errors_before = len(build.problems), len(build.logged_errors)
    stats_before = dict(state.stats)
    state.files, state.changed, state.rendered = {}, set(), []
    value = share()
    return _WorkerResult(
        files=state.files,
        changed=state.changed,
        rendered=state.rendered,
        stats={k: v - stats_before.get(k, 0) for k, v in state.stats.items()},
        problems=build.problems[problems_before:],
        logged_errors=build.logged_errors[errors_before:],
        used=set(tracker.generator or ()),
        value=value,
    )


@dataclass
class _Job:
    template: Any  # None: a page that was not rendered, kept for its `site`
    localcontext: dict[str, Any]
    path: str
    name: str
    context: dict[str, Any]  # the dict Pelican sets `localsiteurl` in
    site: str | None  # what it sets it to (None: leaves it)


@dataclass
class _WorkerResult:
    files: dict[str, FileRecord]
    changed: set[str]
    rendered: list[str]
    stats: dict[str, int]
    problems: list[Any]
    logged_errors: list[str]
    used: set[str]  # bodies read (tracker.generator)
    value: Any = None  # what the share returned


@dataclass
class _WorkerFailure:
    kind: str
    message: str
    trace: str


class RenderError(RuntimeError):
    """A page failed to render in a worker process (the message is the original's)."""


def _put(state: OutputState, name: str, path: str, data: bytes, deps: Iterable[str]) -> None:
    old = (state.previous / name) if state.previous is not None else Path(path)
    same = False
    try:
        if os.path.getsize(old) == len(data):
            with open(old, "rb") as handle:
                same = handle.read() == data
    except OSError:
        same = False
    if same and old != Path(path):
        _link(old, path)
    elif not same:
        _replace(path, data)
        state.stats["written"] += 1
        state.changed.add(name)
    if same:
        state.stats["unchanged"] += 1
    _record(state, path, name, tuple(sorted(deps)))


def _record(state: OutputState, path: str, name: str, deps: tuple[str, ...]) -> None:
    stat = os.lstat(path)
    state.files[name] = FileRecord(deps, stat.st_ino, stat.st_size, stat.st_mtime_ns)
    if state.generator is not None:
        state.generators[state.generator][0].append(name)


def put_file(path: str | os.PathLike[str], data: bytes, deps: Iterable[str] = ()) -> None:
    """Write an output file as the portal's writer does (for plugins writing files).

    For feeds, data files and the like. A new file (temporary name, then renamed)
    only when the bytes differ from the last good build's; otherwise that file is
    hard-linked, keeping its inode and mtime. Never writes into an existing file,
    which may be shared with output/. `deps`: the content files whose body the data
    shows, so that `reuse_file` can keep the file while none of them changes.
    """
    path = os.fspath(path)
    state = _state
    output = state.settings.get("OUTPUT_PATH") if state is not None else None
    if state is None or not output:
        _replace(path, data)
        return
    name = os.path.relpath(path, output).replace(os.sep, "/")
    if name.startswith("../"):
        _replace(path, data)
        return
    _put(state, name, path, data, deps)


def reuse_file(path: str | os.PathLike[str]) -> bool:
    """Link `path` from the last good output if nothing it was made of changed.

    For plugins writing files with `put_file(path, data, deps)`: True when the site
    digest is unchanged and none of the bodies recorded with the file changed (the
    file is then in place and recorded, as the writer does for skipped pages);
    False when the caller must make the file and `put_file` it.
    """
    state = _state
    output = state.settings.get("OUTPUT_PATH") if state is not None else None
    if state is None or not output or state.previous is None or state.full:
        return False
    path = os.fspath(path)
    prefix = os.path.join(output, "")
    name = path[len(prefix) :] if path.startswith(prefix) else os.path.relpath(path, output)
    name = name.replace(os.sep, "/")
    record = state.reusable(name)
    if record is None:
        return False
    _link(os.path.join(state.previous, name), path, record.ino)
    state.files[name] = record  # the very same inode: what `_record` would find
    if state.generator is not None:
        state.generators[state.generator][0].append(name)
    state.stats["skipped"] += 1
    return True


def _replace(path: str, data: bytes) -> None:
    """Make `path` a new file (a new inode) holding `data`.

    Where nothing is at `path` yet (most files of a cold build), the file is made
    there directly; otherwise `data` goes to a temporary file that is moved over
    `path`, so the old inode, which the last good output may share, is never
    written into.
    """
    folder = os.path.dirname(path)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        fd = None
    if fd is not None:
        try:
            with os.fdopen(fd, "wb") as handle:
                os.fchmod(handle.fileno(), 0o644)
                handle.write(data)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
            raise
        return
    fd, temp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


_cloning: int | None = None  # the process linking the last output into the staging folder


def clone_tree(source: Path, dest: Path, names: Iterable[str]) -> None:
    """Start hard-linking the files `names` of `source` into `dest`, in a forked process.

    For a rebuild without a spare tree to recycle (the first after a cold build): the
    staging folder then holds the last output's pages, as a recycled spare does, and
    the writer keeps each unchanged page with one lstat() instead of making its folder
    and link (~20,000 folders and 44,000 links at 10,000 articles, 2-4 s here). The
    process works while the build reads, which takes one CPU when the read cache
    serves; `wait_for_staging` waits for it before anything is written. Should it
    fail, the pages it did not link are linked by the writer, as without it.
    """
    global _cloning
    wait_for_staging()
    ordered = sorted(names)
    pid = os.fork()
    if pid == 0:  # the clone: system calls only, then gone
        code = 0
        try:
            for name in ordered:
                original, link = os.path.join(source, name), os.path.join(dest, name)
                try:
                    os.link(original, link)
                except FileNotFoundError:  # no folder yet, or gone (the writer decides)
                    if os.path.exists(original):
                        os.makedirs(os.path.dirname(link), exist_ok=True)
                        os.link(original, link)
        except BaseException:  # noqa: BLE001 - the writer links what is missing
            code = 1
        os._exit(code)
    _cloning = pid


def wait_for_staging() -> None:
    """Wait for `clone_tree`'s process, if one is at work."""
    global _cloning
    if _cloning is not None:
        pid, _cloning = _cloning, None
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)


def _link(source: str | os.PathLike[str], path: str, ino: int | None = None) -> None:
    """Make `path` a hard link to `source` (replacing whatever `path` was).

    `ino`: the inode `source` is known to have; a recycled staging folder often
    holds that very file already, which one lstat() then tells.
    """
    if ino is not None:
        try:
            if os.lstat(path).st_ino == ino:
                return
        except FileNotFoundError:
            pass
    os.makedirs(os.path.dirname(path), exist_ok=True)
    try:
        os.link(source, path)
    except FileExistsError:
        if os.lstat(path).st_ino == os.lstat(source).st_ino:
            return  # a recycled staging folder: already that very file
        temp = f"{path}.link-{os.getpid()}"
        os.link(source, temp)
        os.replace(temp, path)


def use_incremental_writer(_pelican: Any) -> type:
    wait_for_staging()  # nothing is written into the staging folder before this
    return IncrementalWriter
