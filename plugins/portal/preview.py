"""Preview builds (`PORTAL["preview"] = True`, used by `invoke livereload`).

In preview the reader publishes drafts and scheduled (future-dated) articles so that
editors see them in place, and marks each one: its title starts with "Draft:" (or
"Scheduled:") and its text opens with a note. Production builds never do this:
drafts stay unwritten there (`DRAFT_SAVE_AS = ""`; `checks.check_output_paths`
fails a build that would write one).

The marker's words are interface strings, translated from the theme's catalog.
"""

from __future__ import annotations

import datetime as dt
import html
import os
from collections.abc import Mapping
from functools import cache
from typing import Any

from babel.messages.pofile import read_po

from .dates import PartialDate
from .model import ArticleMeta, Record

DRAFT = "Draft"
SCHEDULED = "Scheduled"
DRAFT_NOTE = "This draft appears only in the preview; it is not published."
SCHEDULED_NOTE = "Scheduled for %(date)s; until then it appears only in the preview."


def is_preview(settings: Mapping[str, Any]) -> bool:
    return bool(settings.get("PORTAL", {}).get("preview"))


def preview_state(record: Record, now: dt.datetime | None = None) -> str | None:
    """What a preview must mark this record as: "draft", "scheduled" or None."""
    if getattr(record, "status", None) == "draft":
        return "draft"
    now = now or dt.datetime.now(dt.UTC)
    if isinstance(record, ArticleMeta) and record.date and record.date > now:
        return "scheduled"
    return None


def mark(
    record: Record, content: str, metadata: dict[str, Any], settings: Mapping[str, Any]
) -> str:
    """Publish a draft or scheduled record in preview and mark it; returns the new HTML."""
    state = preview_state(record)
    if state is None:
        return content
    lang = getattr(record, "lang", None) or settings.get("DEFAULT_LANG", "en")
    translate = _catalog(settings.get("THEME", ""), lang)
    if state == "draft":
        word, note = translate(DRAFT), translate(DRAFT_NOTE)
    else:
        assert isinstance(record, ArticleMeta) and record.date is not None
        date = record.date
        day = PartialDate(date.year, date.month, date.day).display(lang)
        word, note = translate(SCHEDULED), translate(SCHEDULED_NOTE) % {"date": day}
    metadata["status"] = "published"
    if metadata.get("title"):
        metadata["title"] = f"{word}: {metadata['title']}"
    return (
        f'<p class="portal-preview-marker" role="note"><strong>{html.escape(word)}</strong>'
        f" — {html.escape(note)}</p>\n{content}"
    )


@cache
def _catalog(theme: str, lang: str) -> Any:
    """Gettext for `lang` from the theme catalog; a missing entry stays as written."""
    path = os.path.join(theme, "translations", lang, "LC_MESSAGES", "messages.po")
    if not os.path.exists(path):
        return lambda message: message
    with open(path, "rb") as handle:
        catalog = read_po(handle, locale=lang)

    def gettext(message: str) -> str:
        entry = catalog.get(message)
        return str(entry.string) if entry is not None and entry.string else message

    return gettext
