"""Running Pagefind over the built site: the index and its scripts in `/pagefind/`.

Pagefind (PyPI `pagefind[bin]`, the binary inside the wheel) reads every HTML file
of the output. Only elements marked `data-pagefind-body` are indexed (articles,
pages, cities, MOUs, events; listings are not), and the
`data-pagefind-filter`/`data-pagefind-meta` elements that
`partials/head_search.html` puts in `<head>` give each page its filters.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .config import SearchConfig


class SearchIndexError(Exception):
    """Pagefind failed or produced no usable index; the message says how."""


@dataclass(frozen=True)
class IndexSummary:
    bundle: Path
    pages: int  # pages indexed, over all languages
    languages: tuple[str, ...]


def pagefind_command(output: Path, config: SearchConfig) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "pagefind",
        "--site",
        str(output),
        "--output-subdir",
        config.bundle_dir,
        "--quiet",
    ]
    if config.index_language:
        command += ["--force-language", config.index_language]
    return command


def build_index(output: Path, config: SearchConfig) -> IndexSummary:
    """Index `output`; raises SearchIndexError naming what went wrong."""
    command = pagefind_command(output, config)
    try:
        result = subprocess.run(  # noqa: S603 - our own interpreter and arguments
            command,
            cwd=output,
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
    return read_summary(output / config.bundle_dir)


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
