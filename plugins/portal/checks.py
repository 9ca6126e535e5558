"""Checks across files that need Pelican's context, run by the build and by `invoke check`.

Each rule is a small function over the content objects Pelican read (every one has
its typed `record`) and returns `Problem`s; `check_content()` runs them all once
every generator has read its content (signal `all_generators_finalized`), and
`check_site_links()` runs once the site's output paths are known.

- translations: the `.de.md` in a file name and `Lang` agree; a translation has an
  original in the default language with the same Id (pages: the same Slug);
- links: `{filename}` and `{static}` targets exist (and are published), and links to
  site URLs (`/cities/seoul/`, `../x/`) reach a page the site produces;
- images: an article's `Image` exists under content/ and is copied to the site;
- time zones: the site's TIMEZONE is usable and no time falls into a gap or an
  overlap of its daylight-saving changes;
- output paths: no two published files have the same URL (a collision with a page
  of the site itself is found when it is written: `overwrite_problem()`, and by
  `invoke check`'s `drywriter.DryWriter`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import hashlib
import os
import pickle
import posixpath
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit
from zoneinfo import ZoneInfo

from . import cache as read_cache
from .dates import DateError, get_zone
from .incremental import output_names
from .model import ERROR, WARNING, ArticleMeta, City, Event, Mou, PageMeta, Problem

_LANG_SUFFIX = re.compile(r"[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?")
_URL_ATTRIBUTE = re.compile(r"""\s(?:href|src|poster)\s*=\s*(["'])(?P<url>.*?)\1""", re.I)
_LINK_KINDS = ("filename", "static", "attach", "category", "tag", "author", "index")


# --------------------------------------------------------------------------
# What was read


def content_items(context: Mapping[str, Any]) -> list[Any]:
    """Every content object read without errors (all statuses), in path order."""
    items = context.get("generated_content", {})
    return [
        item
        for _path, item in sorted(items.items())
        if item is not None and hasattr(item, "record")
    ]


def is_published(item: Any) -> bool:
    """Whether the build writes this item's page (drafts are written only in preview)."""
    return getattr(item, "status", "published") in ("published", "hidden") and bool(
        getattr(item, "save_as", "")
    )


def lang_suffix(path: str) -> str | None:
    """The language in a file name: `2009-07-13-x.de.md` → `de`; None without one."""
    parts = posixpath.basename(path).split(".")
    if len(parts) >= 3 and _LANG_SUFFIX.fullmatch(parts[-2]):
        return parts[-2]
    return None


class SourceLines:
    """Finds the line of a piece of text in a content file (for link problems)."""

    def __init__(self, content_root: str):
        self.content_root = content_root
        self._seen: dict[tuple[str, str], int] = {}
        self._files: dict[str, tuple[str, ...]] = {}
        self._replayed: dict[tuple[str, str], tuple[int, int, int]] = {}

    def _lines(self, path: str) -> tuple[str, ...]:
        if path not in self._files:
            try:
                text = Path(self.content_root, path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                text = ""
            self._files[path] = tuple(text.splitlines())
        return self._files[path]

    def line_of(self, path: str, needle: str) -> int:
        """The line of the next occurrence of `needle` (1 when not found)."""
        after = self._seen.get((path, needle), 0)
        lines = self._lines(path)
        for number in range(after, len(lines)):
            if needle in lines[number]:
                self._seen[(path, needle)] = number + 1
                return number + 1
        return 1

    def nth_line_of(self, path: str, needle: str, calls: int) -> int:
        """What the `calls`-th `line_of(path, needle)` would return.

        For checks that find many links but report few: the file is read only when
        a problem needs its line. Independent of `line_of`'s own progress.
        """
        done, after, line = self._replayed.get((path, needle), (0, 0, 1))
        if done > calls:
            done, after, line = 0, 0, 1
        lines = self._lines(path)
        while done < calls:
            line = 1
            for number in range(after, len(lines)):
                if needle in lines[number]:
                    after = line = number + 1
                    break
            done += 1
        self._replayed[(path, needle)] = (done, after, line)
        return line


class LinkScans:
    """The links found in each body HTML, kept across builds by the HTML's digest.

    Scanning every body with the link patterns is most of the link checks' time at
    scale; what a scan finds depends on the HTML and the pattern alone, so a body
    seen before is not scanned again. Kept under the cache folder when the read
    cache is on (`PERFORMANCE["cache"]`); entries no body used this time are dropped
    on saving.
    """

    def __init__(self, file: Path | None):
        self.file = file
        self.known: dict[bytes, tuple[Any, ...]] = {}
        self.used: dict[bytes, tuple[Any, ...]] = {}
        if file is not None:
            try:
                with open(file, "rb") as handle:
                    known = pickle.load(handle)
                if isinstance(known, dict):
                    self.known = known
            except read_cache.UNREADABLE_PICKLE:
                self.known = {}

    @classmethod
    def of(cls, settings: Mapping[str, Any], kind: str) -> LinkScans:
        """The scans of `kind` for the content folder of `settings`."""
        if not read_cache.performance_settings(settings)["cache"]:
            return cls(None)
        key = hashlib.sha1(os.path.abspath(settings["PATH"]).encode()).hexdigest()[:16]
        return cls(read_cache.cache_root(settings) / f"links-{kind}-{key}.pickle")

    def find(
        self, html: str, pattern: re.Pattern[str], extract: Callable[[re.Match[str]], Any]
    ) -> tuple[Any, ...]:
        """`extract(match)` for every match of `pattern` in `html`, in order."""
        digest = hashlib.sha1(pattern.pattern.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
        digest.update(html.encode("utf-8", "surrogatepass"))
        key = digest.digest()
        found = self.used.get(key)
        if found is None:
            found = self.known.get(key)
            if found is None:
                found = tuple(extract(match) for match in pattern.finditer(html))
            self.used[key] = found
        return found

    def save(self) -> None:
        """Keep what this build used, when that differs from what was kept."""
        if self.file is None or self.used.keys() == self.known.keys():
            return
        with contextlib.suppress(OSError):
            self.file.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=self.file.parent, prefix=".links-")
            try:
                with os.fdopen(fd, "wb") as handle:
                    pickle.dump(self.used, handle, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(temp, self.file)
            finally:
                if os.path.exists(temp):
                    os.unlink(temp)


# --------------------------------------------------------------------------
# Settings


def check_settings(settings: Mapping[str, Any], source: str = "pelicanconf.py") -> list[Problem]:
    """Settings every date depends on: a known TIMEZONE, a default language in PORTAL."""
    problems = []
    zone = settings.get("TIMEZONE")
    if not zone:
        problems.append(
            Problem(
                source,
                1,
                "TIMEZONE",
                "is not set; dates without a time zone cannot be placed in time "
                "(set it to an IANA name like 'Europe/Berlin')",
            )
        )
    else:
        try:
            get_zone(str(zone))
        except DateError:
            suggestion = _close(str(zone), _zone_names())
            problems.append(
                Problem(
                    source,
                    1,
                    "TIMEZONE",
                    f"{zone!r} is not a known time zone; use an IANA name like "
                    f"'Europe/Berlin'{suggestion}",
                )
            )
    languages = settings.get("PORTAL", {}).get("languages")
    default = settings.get("DEFAULT_LANG", "en")
    if languages is not None and default not in languages:
        problems.append(
            Problem(
                source,
                1,
                "PORTAL",
                f"languages {list(languages)} do not include DEFAULT_LANG {default!r}",
            )
        )
    return problems


@cache
def _zone_names() -> tuple[str, ...]:
    from zoneinfo import available_timezones

    return tuple(sorted(available_timezones()))


def _close(value: str, pool: Iterable[str]) -> str:
    match = difflib.get_close_matches(value, list(pool), n=1)
    return f"; did you mean {match[0]!r}?" if match else ""


# --------------------------------------------------------------------------
# Translations


def check_translations(items: Iterable[Any], settings: Mapping[str, Any]) -> list[Problem]:
    """The file name's language agrees with Lang; each translation has an original."""
    default = settings.get("DEFAULT_LANG", "en")
    languages = tuple(settings.get("PORTAL", {}).get("languages", (default,)))
    items = [i for i in items if isinstance(i.record, ArticleMeta | PageMeta)]
    originals: dict[tuple[str, str], Any] = {}
    for item in items:
        if item.record.lang == default:
            originals.setdefault(_translation_key(item.record), item)
    problems = []
    for item in items:
        record = item.record
        line = record.line_of("Lang")
        suffix = lang_suffix(record.path)
        if suffix is not None and suffix not in languages:
            problems.append(
                Problem(
                    record.path,
                    line,
                    "Lang",
                    f"the file name ends in '.{suffix}.md', but {suffix!r} is not one of "
                    f"the site's languages ({', '.join(languages)})",
                )
            )
            continue
        if suffix is not None and record.lang != suffix:
            problems.append(
                Problem(
                    record.path,
                    line,
                    "Lang",
                    f"the file name says {suffix!r} ('.{suffix}.md') but Lang is "
                    f"{record.lang!r}; make them agree",
                )
            )
            continue
        if suffix is None and record.lang != default:
            stem = posixpath.basename(record.path).split(".", 1)[0]
            problems.append(
                Problem(
                    record.path,
                    line,
                    "Lang",
                    f"Lang is {record.lang!r} but the file name has no language suffix; "
                    f"name a translation like '{stem}.{record.lang}.md'",
                )
            )
            continue
        if record.lang == default:
            continue
        kind, key = _translation_key(record)
        original = originals.get((kind, key))
        what = "Id" if kind == "article" else "Slug"
        if original is None:
            problems.append(
                Problem(
                    record.path,
                    record.line_of(what),
                    what,
                    f"this {record.lang!r} translation has no original in {default!r} with "
                    f"{what} {key!r}; a translation uses its original's {what}",
                    ERROR if is_published(item) else WARNING,
                )
            )
        elif is_published(item) and not is_published(original):
            problems.append(
                Problem(
                    record.path,
                    record.line_of(what),
                    what,
                    f"its original {original.record.path} is not published (a draft or "
                    f"scheduled), so this translation would appear alone; make it a "
                    f"draft too",
                )
            )
    return problems


def _translation_key(record: ArticleMeta | PageMeta) -> tuple[str, str]:
    if isinstance(record, ArticleMeta):
        return ("article", record.id)
    return ("page", record.slug)


# --------------------------------------------------------------------------
# Intrasite links: {filename}, {static}, …


def check_intrasite_links(
    items: Iterable[Any], context: Mapping[str, Any], settings: Mapping[str, Any]
) -> list[Problem]:
    """`{filename}`/`{static}` targets exist and will be published with the linking page."""
    generated = context.get("generated_content", {})
    static = context.get("static_content", {})
    preview = bool(settings.get("PORTAL", {}).get("preview"))
    source = SourceLines(settings["PATH"])
    scans = LinkScans.of(settings, "intrasite")
    problems = []
    for item in items:
        html = getattr(item, "_content", "") or ""
        if "{" not in html and "|" not in html:
            continue
        path = item.record.path
        calls: dict[str, int] = {}
        links = scans.find(html, item._get_intrasite_link_regex(), _intrasite_link)
        for what, value, written in links:
            needle = unquote(written).replace("&amp;", "&")
            calls[needle] = calls.get(needle, 0) + 1

            def problem(
                message: str,
                severity: str = ERROR,
                path: str = path,
                needle: str = needle,
                call: int = calls[needle],
            ) -> None:
                line = source.nth_line_of(path, needle, call)
                problems.append(Problem(path, line, "body", message, severity))

            if what not in _LINK_KINDS:
                problem(
                    f"unknown link {{{what}}} in {written!r}; use {{filename}} for "
                    "content files and {static} for images and attachments"
                )
                continue
            if what not in ("filename", "static", "attach"):
                continue
            target_path = unquote(urlsplit(value).path)
            target = _relative_target(path, target_path)
            if what == "filename":
                if target in generated:
                    linked = generated[target]
                    publishes = linked is not None and not preview and is_published(item)
                    if publishes and not is_published(linked):
                        problem(
                            f"links to {target}, which is a draft or scheduled and is "
                            "not published; the link would be broken"
                        )
                    continue
                if target in static:
                    problem(
                        f"links to the file {target} with {{filename}}; use "
                        f"{{static}}/{target} for images and attachments",
                        WARNING,
                    )
                    continue
                problem(
                    f"links to {target}, which does not exist"
                    + _close_path(target, list(generated))
                )
            elif not (target and Path(settings["PATH"], target).is_file()):
                problem(
                    f"links to {target}, which does not exist"
                    + _close_path(
                        target, [p for p in static if Path(settings["PATH"], p).is_file()]
                    )
                )
            elif target not in static:
                problem(
                    f"links to {target}, which is not copied to the site; keep images "
                    f"and attachments under {', '.join(_static_folders(settings))}"
                )
    scans.save()
    return problems


def _intrasite_link(match: re.Match[str]) -> tuple[str, str, str]:
    return match["what"], match["value"], match["path"]


def _relative_target(source: str, target: str) -> str:
    """A link target as a path under content/, like Pelican resolves it."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def _close_path(target: str, pool: list[str]) -> str:
    match = difflib.get_close_matches(target, pool, n=1, cutoff=0.7)
    return f"; did you mean {match[0]}?" if match else ""


def _static_folders(settings: Mapping[str, Any]) -> list[str]:
    return [f"{p.rstrip('/')}/" for p in settings.get("STATIC_PATHS", [])] or ["images/"]


# --------------------------------------------------------------------------
# Images


def check_images(
    items: Iterable[Any], context: Mapping[str, Any], settings: Mapping[str, Any]
) -> list[Problem]:
    """An article's Image exists under content/ and is copied to the site."""
    static = context.get("static_content", {})
    root = Path(settings["PATH"])
    problems = []
    for item in items:
        image = getattr(item.record, "image", None)
        if image is None:
            continue
        path = posixpath.normpath(image.path)
        line = item.record.line_of("Image")
        if not (root / path).is_file():
            folder = root / posixpath.dirname(path)
            siblings = [
                posixpath.join(posixpath.dirname(path), name)
                for name in (os.listdir(folder) if folder.is_dir() else [])
            ]
            problems.append(
                Problem(
                    item.record.path,
                    line,
                    "Image",
                    f"{path!r} does not exist under content/" + _close_path(path, siblings),
                )
            )
        elif path not in static:
            problems.append(
                Problem(
                    item.record.path,
                    line,
                    "Image",
                    f"{path!r} is not copied to the site; keep images under "
                    f"{', '.join(_static_folders(settings))}",
                )
            )
    return problems


# --------------------------------------------------------------------------
# Time zones


def check_time_zones(items: Iterable[Any]) -> list[Problem]:
    """No time falls into a daylight-saving gap (never happens) or overlap (happens twice)."""
    problems = []
    for item in items:
        record = item.record
        values: list[tuple[str, dt.datetime | None]] = []
        if isinstance(record, ArticleMeta):
            values = [("Date", record.date), ("Modified", record.modified)]
        elif isinstance(record, Event):
            values = [
                ("Start", record.start.time if record.start else None),
                ("End", record.end.time if record.end else None),
            ]
        for field_name, value in values:
            message = zone_problem(value)
            if message:
                severity = ERROR if "does not exist" in message else WARNING
                problems.append(
                    Problem(
                        record.path,
                        record.line_of(field_name),
                        field_name,
                        message,
                        severity,
                    )
                )
    return problems


def zone_problem(value: dt.datetime | None) -> str | None:
    """Why `value` has no usable place in its time zone, or None."""
    if value is None or not isinstance(value.tzinfo, ZoneInfo):
        return None  # no time, or an explicit offset: always unambiguous
    zone = value.tzinfo.key
    wall = value.replace(tzinfo=None)
    round_trip = value.astimezone(dt.UTC).astimezone(value.tzinfo).replace(tzinfo=None)
    if round_trip != wall:
        return (
            f"{wall:%Y-%m-%d %H:%M} does not exist in {zone} (the clocks skip that hour); "
            "give the time with an offset, like '+01:00'"
        )
    if value.replace(fold=1).utcoffset() != value.replace(fold=0).utcoffset():
        return (
            f"{wall:%Y-%m-%d %H:%M} happens twice in {zone} (the clocks go back); "
            "add an offset, like '+02:00', to say which"
        )
    return None


# --------------------------------------------------------------------------
# Links to site URLs


def check_site_links(
    items: Iterable[Any], produced: set[str], settings: Mapping[str, Any]
) -> list[Problem]:
    """Links to the site's own URLs (`/cities/seoul/`, `../x/`) must reach a page it writes.

    `produced`: every output path, relative to the output folder.
    """
    siteurl = str(settings.get("SITEURL") or "")
    source = SourceLines(settings["PATH"])
    scans = LinkScans.of(settings, "site")
    problems = []
    for item in items:
        if not is_published(item):
            continue
        html = getattr(item, "_content", "") or ""
        for url in scans.find(html, _URL_ATTRIBUTE, _attribute_url):
            target = site_target(url, item.url, siteurl)
            if target is None or _produces(produced, target):
                continue
            wanted = "/" + target.removesuffix("index.html")
            pages = ["/" + p.removesuffix("index.html") for p in produced]
            hint = _content_file_hint(url, item.record.path, settings) or (
                _close_path(wanted, pages)
                or "; link to content files with {filename}/… and to images with {static}/…"
            )
            problems.append(
                Problem(
                    item.record.path,
                    source.line_of(item.record.path, url),
                    "body",
                    f"links to {url!r}, but the site has no page at {wanted}{hint}",
                )
            )
    scans.save()
    return problems


def _attribute_url(match: re.Match[str]) -> str:
    return match["url"].replace("&amp;", "&")


def _content_file_hint(url: str, source: str, settings: Mapping[str, Any]) -> str:
    """For a link that names a file under content/: how to write it so that it works."""
    path = unquote(urlsplit(url).path)
    if not path or urlsplit(url).scheme:
        return ""
    root = Path(settings["PATH"])
    for candidate in (_relative_target(source, path), posixpath.normpath(path.lstrip("/"))):
        if candidate.startswith("..") or not (root / candidate).is_file():
            continue
        kind = "filename" if candidate.endswith((".md", ".markdown")) else "static"
        return f"; write it as {{{kind}}}/{candidate}"
    return ""


def site_target(url: str, page_url: str, siteurl: str = "") -> str | None:
    """The output path a link on the page at `page_url` points to; None if not the site's."""
    if not url or url.startswith(("#", "{", "|")):
        return None
    if siteurl.startswith(("http://", "https://")) and url.startswith(siteurl.rstrip("/") + "/"):
        url = url[len(siteurl.rstrip("/")) :]
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    joined = urljoin("/" + page_url, unquote(parts.path))
    path = posixpath.normpath(joined).lstrip("/")
    if path == ".":
        path = ""
    if joined.endswith("/") and path:
        path += "/"
    return path


def _produces(produced: set[str], target: str) -> bool:
    if target == "" or target.endswith("/"):
        return f"{target}index.html" in produced
    return target in produced or f"{target}/index.html" in produced


def output_files(root: str | os.PathLike[str]) -> set[str]:
    """Every file under an output folder, as relative POSIX paths."""
    return set(output_names(root))


# --------------------------------------------------------------------------
# Output paths


def check_output_paths(items: Iterable[Any]) -> list[Problem]:
    """No two published content files write the same page."""
    seen: dict[str, Any] = {}
    problems = []
    for item in items:
        if not is_published(item):
            continue
        first = seen.setdefault(item.save_as, item)
        if first is item or _same_slug_reported(first.record, item.record):
            continue
        for one, other in ((first, item), (item, first)):  # both files are concerned
            record = one.record
            problems.append(
                Problem(
                    record.path,
                    record.line_of("Slug") if "slug" in record.lines else 1,
                    "Slug",
                    f"its page {item.save_as} is also written by {other.record.path}; "
                    "two pages cannot have the same URL, so change the Slug",
                )
            )
    return problems


def _same_slug_reported(first: Any, second: Any) -> bool:
    """Two articles, cities, MOUs or events with one slug: the model reports those."""
    return (
        type(first) is type(second)
        and isinstance(first, ArticleMeta | City | Mou | Event)
        and first.slug == second.slug
    )


_OVERWRITE = re.compile(r'overwrite "(?P<path>[^"]+)"')
_remembered: dict[str, Any] = {}


def remember(context: Mapping[str, Any]) -> None:
    """Keep the current build's context for the checks that run after writing."""
    _remembered["context"] = context


def remembered() -> Mapping[str, Any]:
    return _remembered.get("context", {})


def overwrite_problem(message: str, output_path: str | os.PathLike[str]) -> Problem | None:
    """Explain Pelican's refusal to write one path twice as a problem of a content file."""
    match = _OVERWRITE.search(message)
    if not match:
        return None
    relative = os.path.relpath(match["path"], output_path).replace(os.sep, "/")
    owners = [i for i in content_items(remembered()) if getattr(i, "save_as", "") == relative]
    if not owners:
        return Problem(relative, 1, "output", "two pages of the site are written to this path")
    record = owners[-1].record
    return Problem(
        record.path,
        record.line_of("Slug") if "slug" in record.lines else 1,
        "Slug",
        f"its page {relative} is also written by another page of the site; "
        "two pages cannot have the same URL, so change the Slug",
    )


# --------------------------------------------------------------------------
# All checks on what was read


def check_content(context: Mapping[str, Any], settings: Mapping[str, Any]) -> list[Problem]:
    """Every check that needs only what the generators read (not what they write)."""
    items = content_items(context)
    return (
        check_translations(items, settings)
        + check_output_paths(items)
        + check_intrasite_links(items, context, settings)
        + check_images(items, context, settings)
        + check_time_zones(items)
    )
