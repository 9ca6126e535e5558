"""Allowlist sanitizing of article HTML (nh3, the Ammonia sanitizer).

Keeps what Markdown makes and what editors legitimately embed — tables, figures,
images, links, and iframes from the hosts in `PORTAL["iframe_hosts"]` — and removes
scripts, event handlers and `javascript:` URLs. A `<script>` element is an error
(the build stops); anything else removed is a warning naming the file.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import nh3

from .model import WARNING, Problem

_TAGS = set(nh3.ALLOWED_TAGS) | {"iframe", "source", "video", "audio", "track", "picture"}
_TAGS -= {"center", "strike", "tt", "acronym"}  # obsolete in HTML5
_ATTRIBUTES: dict[str, set[str]] = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "*": {"id", "class", "lang", "dir", "title"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading", "srcset", "sizes"},
    "iframe": {"src", "title", "width", "height", "allowfullscreen", "loading"},
    "source": {"src", "srcset", "type", "media"},
    "video": {"src", "controls", "width", "height", "poster"},
    "audio": {"src", "controls"},
    "track": {"src", "kind", "srclang", "label"},
    "th": {"scope", "colspan", "rowspan", "headers"},
    "td": {"colspan", "rowspan", "headers"},
    "time": {"datetime"},
    "ol": {"start", "reversed"},
}
for _tag in ("table", "tbody", "thead", "tfoot", "tr", "col", "colgroup", "hr", "img"):
    # Presentational attributes are invalid HTML5; CSS styles tables.
    _ATTRIBUTES[_tag] = _ATTRIBUTES.get(_tag, set()) - {
        "align",
        "char",
        "charoff",
        "summary",
        "size",
    }
_ATTRIBUTES["td"] -= {"align", "char", "charoff"}
_ATTRIBUTES["th"] -= {"align", "char", "charoff"}

_SCRIPT = re.compile(r"<script\b", re.IGNORECASE)
_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
_JS_URL = re.compile(r"""(?:href|src)\s*=\s*["']?\s*(?:javascript|vbscript|data):""", re.IGNORECASE)
_IFRAME_SRC = re.compile(r"""<iframe\b[^>]*\bsrc\s*=\s*["']([^"']+)""", re.IGNORECASE)
_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
# Markdown aligns table columns with inline styles, which the CSP forbids: a class instead.
_ALIGN = re.compile(
    r"""<(th|td)\b([^>]*?)\sstyle=["']text-align:\s*(left|right|center);?["']""", re.IGNORECASE
)
_HANDLER_ATTRIBUTE = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
_JS_URL_SOURCE = re.compile(r"""(?:\(|=\s*["']?)\s*(?:javascript|vbscript|data):""", re.IGNORECASE)
_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)\b")
# Quick tests before the slower searches above, which cannot match without them:
# a javascript:, vbscript: or data: URL holds "t:" or "a:" in lower case; a style,
# "style" in any case (IGNORECASE also matches "\u017f", the long s, for "s").
_LONG_S = "\u017f".encode()


def _has_style_word(lowered: bytes) -> bool:
    """Whether UTF-8 `lowered` (ASCII lowered) can hold a match of `_STYLE` or `_ALIGN`."""
    return b"style" in lowered or (_LONG_S + b"tyle") in lowered


def _line_of(html: str, position: int, body_line: int) -> int:
    return body_line + html.count("\n", 0, position)


def sanitize_html(
    html: str, path: str, body_line: int, settings: Mapping[str, Any], source: str = ""
) -> tuple[str, list[Problem]]:
    """Clean `html`; return it with the problems found.

    `source` is the Markdown the HTML came from: a problem's line is where its
    text stands there; without it (or when Markdown rewrote the text) the line is
    estimated from the HTML.
    """
    iframe_hosts = set(settings.get("PORTAL", {}).get("iframe_hosts", ()))
    problems: list[Problem] = []
    # Quick tests before the slower searches, which cannot match without them, on
    # the UTF-8 bytes with ASCII letters lowered (cheaper than str.lower() of text
    # that is not all ASCII; no other character lowers to the ASCII they look for).
    lowered = html.encode("utf-8", "surrogatepass").lower()
    if _has_style_word(lowered):
        html = _ALIGN.sub(lambda m: f'<{m[1]}{m[2]} class="portal-align-{m[3].lower()}"', html)
        lowered = html.encode("utf-8", "surrogatepass").lower()
    has_style = _has_style_word(lowered)  # any left besides the alignments
    has_iframe = b"<iframe" in lowered

    def found(
        match: re.Match[str] | None,
        message: str,
        severity: str = WARNING,
        in_source: re.Pattern[str] | None = None,
    ) -> None:
        if not match:
            return
        line = _line_of(html, match.start(), body_line)
        pattern = in_source or re.compile(re.escape(match.group(0)[:40]), re.IGNORECASE)
        for number, text in enumerate(source.splitlines()):
            if pattern.search(text):
                line = body_line + number
                break
        problems.append(Problem(path, line, "body", message, severity))

    found(_SCRIPT.search(html), "raw <script> is not allowed in content; remove it", "error")
    found(
        _HANDLER.search(html),
        "an event-handler attribute (on…=) was removed",
        in_source=_HANDLER_ATTRIBUTE,
    )
    found(
        _JS_URL.search(html) if b"t:" in lowered or b"a:" in lowered else None,
        "a javascript:, vbscript: or data: URL was removed",
        in_source=_JS_URL_SOURCE,
    )
    found(
        _STYLE.search(html) if has_style else None,
        "inline styles were removed; the theme styles content",
    )
    removed: dict[str, re.Match[str]] = {}
    unknown = {name.lower() for name in set(_TAG.findall(html))} - _TAGS - {"script", "style"}
    for match in _TAG.finditer(html) if unknown else ():
        tag = match.group(1).lower()
        if tag in unknown:
            removed.setdefault(tag, match)
    for tag, match in removed.items():
        found(
            match,
            f"the <{tag}> element is not allowed in content and was removed",
            in_source=re.compile(rf"<{re.escape(tag)}\b", re.IGNORECASE),
        )
    for match in _IFRAME_SRC.finditer(html) if has_iframe else ():
        host = urlsplit(match.group(1)).hostname or ""
        if host not in iframe_hosts:
            found(
                match,
                f"an iframe from {host or match.group(1)!r} was removed; allowed hosts: "
                f"{', '.join(sorted(iframe_hosts)) or 'none'}",
                in_source=re.compile(re.escape(match.group(1)), re.IGNORECASE),
            )

    clean = _cleaner(tuple(sorted(iframe_hosts)) if has_iframe else None).clean(html)
    return clean, problems


@functools.lru_cache(maxsize=8)
def _cleaner(iframe_hosts: tuple[str, ...] | None) -> nh3.Cleaner:
    """The sanitizer, made once per set of iframe hosts.

    `None`: for HTML without an iframe, which needs no filter of `src` values (a
    filter is a Python call for every attribute of the document).
    """
    allow_iframe = None
    if iframe_hosts is not None:
        hosts = frozenset(iframe_hosts)

        def allow_iframe(tag: str, attribute: str, value: str) -> str | None:
            if tag == "iframe" and attribute == "src":
                return value if (urlsplit(value).hostname or "") in hosts else None
            return value

    return nh3.Cleaner(
        tags=_TAGS,
        clean_content_tags={"script", "style"},
        attributes=_ATTRIBUTES,
        attribute_filter=allow_iframe,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel=None,
    )


def content_security_policy(settings: Mapping[str, Any]) -> str:
    """The site's Content-Security-Policy: no inline script or style, no other origin.

    Iframes may come from `PORTAL["iframe_hosts"]` only. `'wasm-unsafe-eval'` lets
    Pagefind (site search) compile its WebAssembly; it allows no inline script. A
    preview build also lets pages open the live-reload WebSocket on 127.0.0.1.
    """
    portal = settings.get("PORTAL", {})
    hosts = portal.get("iframe_hosts", ())
    frames = " ".join(host if "://" in host else f"https://{host}" for host in hosts)
    frames = frames or "'none'"
    # Preview only: the live-reload WebSocket of `invoke livereload` (tools/preview.py).
    connect = "'self' ws://127.0.0.1:* ws://localhost:*" if portal.get("preview") else "'self'"
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self' 'wasm-unsafe-eval'",
            "style-src 'self'",
            "img-src 'self' data:",
            f"frame-src {frames}",
            "worker-src 'self'",
            f"connect-src {connect}",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
        )
    )
