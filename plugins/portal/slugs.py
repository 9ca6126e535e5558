"""URL slugs that transliterate instead of dropping letters (Wrocław → wroclaw)."""

from __future__ import annotations

import re

from anyascii import anyascii

_NON_WORD = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens; every letter is transliterated."""
    ascii_text = anyascii(text).lower().replace("'", "")
    return _NON_WORD.sub("-", ascii_text).strip("-")
