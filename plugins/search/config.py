"""The `SEARCH` settings, read once per build and merged over the defaults."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from portal.settings import plugin_settings

DEFAULTS: dict[str, Any] = {
    "bundle_dir": "pagefind",  # the index and Pagefind's scripts, under the output
    "page_url": "search/",  # the search page in the default language
    "page_save_as": "search/index.html",
    "page_lang_url": "{lang}/search/",  # …and in each further site language
    "page_lang_save_as": "{lang}/search/index.html",
    # One index for every language, stemmed as this language, so that one search
    # finds pages in all languages and the language filter narrows them.
    # None: DEFAULT_LANG. "": one index per page language (Pagefind's default; a
    # search page then finds only pages in its own language).
    "index_language": None,
    "timeout": 600,  # seconds Pagefind may take before the build fails (per shard)
    # Pages per index shard (pagefind.py): bounds Pagefind's memory (~220 KB a page)
    # and what a rebuild re-indexes; the search page merges the shards.
    "shard_pages": 1000,
    # Pagefind processes at a time, each indexing one shard (~250 MB at 1,000
    # pages); None: one per CPU (os.cpu_count()).
    "jobs": None,
}


@dataclass(frozen=True)
class SearchConfig:
    bundle_dir: str
    page_url: str
    page_save_as: str
    page_lang_url: str
    page_lang_save_as: str
    index_language: str
    default_lang: str
    languages: tuple[str, ...]
    timeout: float
    shard_pages: int = DEFAULTS["shard_pages"]
    jobs: int = 1

    def url(self, lang: str) -> str:
        """The search page's URL (relative to SITEURL) in `lang`."""
        if lang == self.default_lang or lang not in self.languages:
            return self.page_url
        return self.page_lang_url.format(lang=lang)

    def save_as(self, lang: str) -> str:
        if lang == self.default_lang:
            return self.page_save_as
        return self.page_lang_save_as.format(lang=lang)


def read_config(settings: Mapping[str, Any]) -> SearchConfig:
    """`SEARCH` over the defaults; an unknown key is an error naming the known ones."""
    options = plugin_settings(settings, "SEARCH", DEFAULTS)
    default_lang = settings.get("DEFAULT_LANG", "en")
    languages = list(settings.get("PORTAL", {}).get("languages", [default_lang]))
    bundle = str(options["bundle_dir"]).strip("/")
    if not bundle or ".." in bundle.split("/"):
        raise ValueError(f"SEARCH: bundle_dir must be a folder under the output, got {bundle!r}")
    index_language = options["index_language"]
    shard_pages = options["shard_pages"]
    if isinstance(shard_pages, bool) or not isinstance(shard_pages, int) or shard_pages < 1:
        raise ValueError(f"SEARCH: shard_pages must be a whole number above 0, got {shard_pages!r}")
    jobs = options["jobs"]
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        raise ValueError(f"SEARCH: jobs must be a whole number above 0 or None, got {jobs!r}")
    return SearchConfig(
        bundle_dir=bundle,
        page_url=options["page_url"],
        page_save_as=options["page_save_as"],
        page_lang_url=options["page_lang_url"],
        page_lang_save_as=options["page_lang_save_as"],
        index_language=default_lang if index_language is None else index_language,
        default_lang=default_lang,
        languages=tuple([default_lang] + [lang for lang in languages if lang != default_lang]),
        timeout=float(options["timeout"]),
        shard_pages=shard_pages,
        jobs=jobs if jobs is not None else os.cpu_count() or 1,
    )
