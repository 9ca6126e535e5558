"""Pelican's hot spots at 10,000 articles, made linear and computed once.

Installed once per process by the portal plugin; each patch keeps Pelican's result
exactly and only changes how it is computed:

- `Content.url` / `Content.save_as`: Pelican formats the URL pattern on every access
  (get_url_setting → _expand_settings → url_format → os.path.relpath), about 40
  times per page. Here each is computed once per object and recomputed only when
  something it is made of (status, slug, lang, date, category, overrides, metadata)
  changed.
- `process_translations`: Pelican's `x not in index` over lists is O(N²).
- `ArticlesGenerator._build_period_archives`: `a in dates` per period is O(N²).
- Tag, category and author article lists get O(1) membership, since Pelican's
  `generate_tags` & co. test `article in articles` for every article of every tag.
- `get_date` for the plain `YYYY-MM-DD` that Pelican finds in every dated file name
  (FILENAME_METADATA) skips dateutil's general parser.
- `Content.get_relative_source_path`: Pelican derives it with abspath and relpath on
  every call (five times per file while reading, more while writing); here each
  (PATH, source path) pair is derived once per process.
- `Content.get_static_links` finds no `{static}`/`{attach}` link in a body that does
  not contain the word, without running the link regex over it; `find_empty_alt`
  looks for images only in bodies with an `<img`; `_has_valid_save_as` normalises
  instead of calling abspath twice.
- Pelican's file-stamp cache stats every content file twice per read even when it
  keeps nothing (`CACHE_CONTENT` off); then it no longer stats.
- `Generator.get_files` gives a set, read in hash order; here it is read in the
  order of the paths: the order in which the read cache's workers read them, so that
  Pelican takes each result as it comes (and a build reads in the same order
  every time).
"""

from __future__ import annotations

import calendar
import functools
import logging
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from itertools import groupby
from operator import attrgetter
from typing import Any

from pelican import generators, readers, utils
from pelican.cache import FileStampDataCacher
from pelican.contents import Content

from . import incremental

logger = logging.getLogger(__name__)

_installed = False
# Pelican's own versions, for reference (tests compare results with them).
original_process_translations = utils.process_translations
original_build_period_archives = generators.ArticlesGenerator._build_period_archives
original_get_relative_source_path = Content.get_relative_source_path
original_get_static_links = Content.get_static_links
original_has_valid_save_as = Content._has_valid_save_as
original_find_empty_alt = readers.find_empty_alt
original_get_files = generators.Generator.get_files


class PathOrderedSet(set):
    """A set of paths that iterates in sorted order (set operations stay a set's)."""

    def __iter__(self):  # noqa: ANN204 - set's own signature
        return iter(sorted(set.__iter__(self)))


def get_files(self: Any, *args: Any, **kwargs: Any) -> set[str]:
    return PathOrderedSet(original_get_files(self, *args, **kwargs))


class MemberList(list):
    """A list whose `in` is a set lookup by identity (content objects have no __eq__)."""

    def __init__(self, items: Iterable[Any] = ()):
        super().__init__(items)
        self._ids = {id(item) for item in self}

    def __contains__(self, item: object) -> bool:
        if len(self._ids) != len(self):  # appended to since: rebuild
            self._ids = {id(x) for x in self}
        return id(item) in self._ids


# --------------------------------------------------------------------------
# URLs computed once per content object


def _url_stamp(content: Content) -> tuple:
    """Everything Pelican's URL patterns are formatted from, cheaply compared."""
    get = content.__dict__.get
    return (
        get("_status"),
        get("in_default_lang"),
        get("slug"),
        get("lang"),
        get("date"),
        get("category"),
        get("author"),
        id(get("metadata")),
        len(get("metadata") or ()),
        get("override_url"),
        get("override_save_as"),
    )


def _cached_url_setting(key: str) -> property:
    original = getattr(Content, key)
    slot = f"_portal_cached_{key}"

    def get(self: Content) -> str:
        stamp = _url_stamp(self)
        cached = self.__dict__.get(slot)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        value = original.fget(self)
        self.__dict__[slot] = (stamp, value)
        return value

    get.__doc__ = original.__doc__
    return property(get, original.fset, original.fdel)


# --------------------------------------------------------------------------
# Source paths derived once


@functools.lru_cache(maxsize=1 << 16)
def _relative_source_path(content_root: str, source_path: str) -> str:
    """Pelican's `get_relative_source_path` for an absolute PATH (no cwd involved).

    An absolute path's abspath is its normpath; a path under the root is relative to
    it by what follows the root's separator.
    """
    full = os.path.normpath(os.path.join(content_root, source_path))
    root = os.path.normpath(content_root)
    prefix = root if root.endswith(os.sep) else root + os.sep
    if full.startswith(prefix) and len(full) > len(prefix):
        return utils.posixize_path(full[len(prefix) :])
    return utils.posixize_path(os.path.relpath(full, root))


def get_relative_source_path(self: Content, source_path: str | None = None) -> str | None:
    """`Content.get_relative_source_path`, derived once per (PATH, source path)."""
    if not source_path:
        source_path = self.source_path
    if source_path is None:
        return None
    content_root = self.settings["PATH"]
    if not (
        isinstance(content_root, str)
        and isinstance(source_path, str)
        and os.path.isabs(content_root)
    ):
        return original_get_relative_source_path(self, source_path)
    return _relative_source_path(content_root, source_path)


def get_static_links(self: Content) -> set[str]:
    """`Content.get_static_links`, skipping bodies that cannot hold such a link.

    Pelican keeps only links whose `{what}` is `static` or `attach`. Its reads of the
    body are bookkeeping, not a page using it (`incremental.untracked`), whichever of
    this patch and the body tracking was installed first.
    """
    with incremental.untracked():
        body = self._content
        if isinstance(body, str) and "static" not in body and "attach" not in body:
            return set()
        return original_get_static_links(self)


def _has_valid_save_as(self: Content) -> bool:
    """`Content._has_valid_save_as` without abspath for an absolute OUTPUT_PATH.

    Pelican's `sanitised_join`; an absolute path's abspath is its normpath. Anything
    else, or a page outside the output, goes to Pelican's check (which logs it).
    """
    output_path = self.settings.get("OUTPUT_PATH")
    if isinstance(output_path, str) and os.path.isabs(output_path):
        save_as = self.save_as
        if isinstance(save_as, str):
            base = os.path.normpath(output_path)
            if os.path.normpath(os.path.join(base, save_as)).startswith(base):
                return True
    return original_has_valid_save_as(self)


def find_empty_alt(content: str, path: str) -> None:
    """`pelican.readers.find_empty_alt` only for bodies with an `<img` (its regex needs one)."""
    if "<img" in content:
        original_find_empty_alt(content, path)


# --------------------------------------------------------------------------
# Pelican's file-stamp cache, when it keeps nothing


def _stamped_get_cached_data(self: FileStampDataCacher, filename: str, default: Any = None) -> Any:
    """No stat for a file the cache has nothing for (Pelican's answer is `default`)."""
    if filename not in self._cache:
        return default
    return _original_stamped_get(self, filename, default)


def _stamped_cache_data(self: FileStampDataCacher, filename: str, data: Any) -> None:
    """No stat when the cache keeps nothing (`CACHE_CONTENT` off)."""
    if self._cache_data_policy:
        _original_stamped_put(self, filename, data)


_original_stamped_get = FileStampDataCacher.get_cached_data
_original_stamped_put = FileStampDataCacher.cache_data


# --------------------------------------------------------------------------
# Linear versions of Pelican's quadratic helpers (same results, same order)


def process_translations(
    content_list: list[Content], translation_id: str | Iterable[str] | None = None
) -> tuple[list[Content], list[Content]]:
    """`pelican.utils.process_translations` without the O(N²) final filter."""
    if not translation_id:
        return content_list, []
    ids = {translation_id} if isinstance(translation_id, str) else set(translation_id)
    try:
        content_list.sort(key=attrgetter(*ids))
    except TypeError:
        raise TypeError(
            f"Cannot unpack {ids}, 'translation_id' must be falsy, a string or a "
            "collection of strings"
        ) from None
    except AttributeError:
        raise AttributeError(
            f"Cannot use {ids} as 'translation_id', there appear to be items without "
            "these metadata attributes"
        ) from None
    index: list[Content] = []
    for id_vals, group in groupby(content_list, attrgetter(*ids)):
        id_vals = (id_vals,) if len(ids) == 1 else id_vals
        with_str = "with" + ", ".join([' {} "{{}}"'] * len(ids)).format(*ids).format(*id_vals)
        items = list(group)
        index.extend(utils.get_original_items(items, with_str))
        for item in items:
            item.translations = [x for x in items if x != item]
    originals = {id(x) for x in index}
    return index, [x for x in content_list if id(x) not in originals]


def _build_period_archives(
    self: generators.ArticlesGenerator,
    sorted_articles: list[Content],
    articles: list[Content],
    settings: dict[str, Any],
) -> defaultdict[str, list[dict[str, Any]]]:
    """`ArticlesGenerator._build_period_archives`, each period's articles in one pass."""
    period_archives: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
    keys: dict[str, Callable[[Any], Any]] = {
        "year": attrgetter("date.year"),
        "month": attrgetter("date.year", "date.month"),
        "day": attrgetter("date.year", "date.month", "date.day"),
    }
    for granularity, key_func in keys.items():
        save_as_fmt = settings[f"{granularity.upper()}_ARCHIVE_SAVE_AS"]
        url_fmt = settings[f"{granularity.upper()}_ARCHIVE_URL"]
        if not save_as_fmt:
            continue
        runs = [(period, list(group)) for period, group in groupby(sorted_articles, key=key_func)]
        in_runs: defaultdict[int, list[int]] = defaultdict(list)  # id(article) → its runs
        for number, (_period, dates) in enumerate(runs):
            for item in dates:
                in_runs[id(item)].append(number)
        listed: list[list[Content]] = [[] for _ in runs]  # `articles` of each run, in order
        for item in articles:
            for number in dict.fromkeys(in_runs.get(id(item), ())):
                listed[number].append(item)
        for (period, dates), period_articles in zip(runs, listed, strict=True):
            first = dates[0].date
            archive: dict[str, Any] = {
                "dates": dates,
                "articles": period_articles,
                "save_as": save_as_fmt.format(date=first),
                "url": url_fmt.format(date=first),
            }
            if granularity == "year":
                archive["period"] = (period,)
                archive["period_num"] = (period,)
            else:
                month_name = calendar.month_name[period[1]]
                if granularity == "month":
                    archive["period"] = (period[0], month_name)
                else:
                    archive["period"] = (period[0], month_name, period[2])
                archive["period_num"] = tuple(period)
            period_archives[granularity].append(archive)
    return period_archives


_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def get_date(string: str) -> Any:
    """`pelican.utils.get_date`, with a fast path for a plain ISO day."""
    match = _ISO_DAY.fullmatch(string)
    if match is None:
        return utils.get_date(string)
    try:
        return utils.SafeDatetime(*map(int, match.groups()))
    except ValueError:
        raise ValueError(f"{string!r} is not a valid date") from None


def index_taxonomies(generator: generators.ArticlesGenerator) -> None:
    """Give tag, category and author article lists O(1) `in` (signal receiver)."""
    if isinstance(generator.tags, dict):
        for tag, items in generator.tags.items():
            generator.tags[tag] = MemberList(items)
    for name in ("categories", "authors"):
        pairs = getattr(generator, name)
        if isinstance(pairs, list):
            setattr(generator, name, [(key, MemberList(items)) for key, items in pairs])
    for name in ("tags", "categories", "authors"):
        value = getattr(generator, name)
        generator.context[name] = list(value.items()) if isinstance(value, dict) else value


def install() -> None:
    """Patch Pelican once per process."""
    global _installed
    if _installed:
        return
    _installed = True
    # Pelican's article pages, lists and feeds all go through the writer: a build that
    # changed nothing they use reuses them as a whole (portal.performance).
    generators.ArticlesGenerator.incremental_output = True
    Content.url = _cached_url_setting("url")
    Content.save_as = _cached_url_setting("save_as")
    Content.get_relative_source_path = get_relative_source_path
    Content.get_static_links = get_static_links
    Content._has_valid_save_as = _has_valid_save_as
    readers.find_empty_alt = find_empty_alt
    FileStampDataCacher.get_cached_data = _stamped_get_cached_data
    FileStampDataCacher.cache_data = _stamped_cache_data
    generators.process_translations = process_translations
    readers.get_date = get_date
    generators.ArticlesGenerator._build_period_archives = _build_period_archives
    generators.Generator.get_files = get_files
