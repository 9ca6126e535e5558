"""The portal's Markdown reader: strict UTF-8, line-numbered metadata, one parse.

It replaces Pelican's Markdown reader for every `.md` file. It splits the
`Field: value` header from the body, hands the header to the content model
(`model.parse_record`), converts the body with Markdown once, sanitizes it, and
gives Pelican the metadata it expects (title, date, Tag and Category objects, slug,
URL overrides) plus the typed record under `record`.
"""

from __future__ import annotations

import logging
import os
import re
from typing import Any

from markdown import Markdown
from pelican.readers import BaseReader
from pelican.urlwrappers import Author, Category, Tag

from . import preview, report
from .markdown_inline import install as install_prefiltered_inline
from .model import (
    ERROR,
    WARNING,
    ArticleMeta,
    ContentError,
    ContentType,
    ModelSettings,
    Problem,
    RawField,
    Record,
    content_type_for,
    parse_record,
)
from .sanitize import sanitize_html
from .slugs import slugify

logger = logging.getLogger(__name__)

_FIELD_LINE = re.compile(r"^(?P<name>[A-Za-z][A-Za-z0-9_-]*)\s*:\s?(?P<value>.*)$")
PLACEHOLDER = re.compile(r"\[TODO\b[^\]\n]*\]?")  # what `invoke new` leaves to fill in


# A file split by `split_header`: header fields, body, the body's first line, problems.
SplitText = tuple[list[RawField], str, int, list[Problem]]


def split_header(text: str, path: str) -> SplitText:
    """Split a file into its header fields, its body and the body's first line."""
    fields: list[RawField] = []
    problems: list[Problem] = []
    lines = text.splitlines()
    index = 0
    for index, line in enumerate(lines):  # noqa: B007 - index used after the loop
        if not line.strip():
            break
        if line[:1] in (" ", "\t") and fields:
            last = fields[-1]
            fields[-1] = RawField(last.name, f"{last.value}\n{line.strip()}", last.line)
            continue
        match = _FIELD_LINE.match(line)
        if not match:
            problems.append(
                Problem(
                    path,
                    index + 1,
                    "metadata",
                    "expected 'Field: value' or a blank line before the body, "
                    f"got {line.strip()[:60]!r}",
                )
            )
            continue
        fields.append(RawField(match["name"], match["value"].strip(), index + 1))
    else:
        index = len(lines)
    if not fields and not problems:
        problems.append(Problem(path, 1, "metadata", "the file has no 'Field: value' header"))
    body = "\n".join(lines[index + 1 :])
    return fields, body, index + 2, problems


def decode_utf8(data: bytes, path: str) -> str:
    """The file's text; invalid UTF-8 is an error naming the line and byte."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ContentError(
            [
                Problem(
                    path,
                    line,
                    "encoding",
                    f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x} at "
                    f"offset {exc.start}); save it as UTF-8",
                )
            ]
        ) from None
    return text.removeprefix("\ufeff")


def markdown_options(settings: dict[str, Any]) -> dict[str, Any]:
    """`Markdown(**options)` from the MARKDOWN setting: HTML, every configured extension.

    As Pelican's own reader does, each extension in `extension_configs` is loaded
    with its configuration (Markdown alone would load none of them).
    """
    options = dict(settings.get("MARKDOWN", {}))
    configs = options.get("extension_configs") or {}
    options["extensions"] = list(dict.fromkeys([*options.get("extensions", ()), *configs]))
    options["output_format"] = "html"
    return options


class PortalMarkdownReader(BaseReader):
    """Reads `.md` content of every portal content type."""

    enabled = True
    file_extensions = ["md", "markdown"]

    def __init__(self, settings: dict[str, Any]):
        super().__init__(settings)
        self.model_settings = ModelSettings.from_pelican(settings)
        self._md = install_prefiltered_inline(Markdown(**markdown_options(settings)))
        self.content_root = os.path.abspath(settings["PATH"])
        self._content_prefix = os.path.join(self.content_root, "")

    def relative(self, source_path: str) -> str:
        """The path from PATH, with `/` (Pelican passes normalised absolute paths)."""
        if (
            source_path.startswith(self._content_prefix)
            and os.path.normpath(source_path) == source_path
        ):
            return source_path[len(self._content_prefix) :].replace(os.sep, "/")
        return os.path.relpath(os.path.abspath(source_path), self.content_root).replace(os.sep, "/")

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        relative = self.relative(source_path)
        try:
            return self._read(source_path, relative)
        except ContentError as exc:
            report.current().add_problems(exc.problems)
            report.current().reject(relative)
            raise

    def _read(self, source_path: str, relative: str) -> tuple[str, dict[str, Any]]:
        with open(source_path, "rb") as handle:
            text = decode_utf8(handle.read(), relative)
        return self.read_text(text, relative)

    def read_text(
        self, text: str, relative: str, split: SplitText | None = None
    ) -> tuple[str, dict[str, Any]]:
        """HTML and metadata of a file's text; `split`: `split_header(text)` if made already."""
        content_type = content_type_for(relative)
        if content_type is None:
            raise ContentError(
                [
                    Problem(
                        relative,
                        1,
                        "path",
                        "content files belong in articles/, cities/, mous/, events/ or pages/",
                    )
                ]
            )
        raw_fields, body, body_line, problems = split or split_header(text, relative)
        problems = list(problems)
        record, field_problems = parse_record(
            content_type,
            raw_fields,
            relative,
            self.model_settings,
            default_slug=file_slug(relative),
        )
        problems += field_problems
        problems += placeholder_problems(content_type, raw_fields, body, body_line, relative)
        html = ""
        if body.strip():
            self._md.reset()
            html, html_problems = sanitize_html(
                self._md.convert(body), relative, body_line, self.settings, source=body
            )
            problems += html_problems
        elif content_type.name == "article":
            problems.append(Problem(relative, body_line, "body", "the article has no text"))
        errors = [p for p in problems if p.severity == ERROR]
        if errors or record is None:
            raise ContentError(problems)
        report.current().add_problems(problems)
        metadata = pelican_metadata(content_type, record, self.settings)
        if preview.is_preview(self.settings):
            html = preview.mark(record, html, metadata, self.settings)
        return html, metadata


def placeholder_problems(
    content_type: ContentType, fields: list[RawField], body: str, body_line: int, path: str
) -> list[Problem]:
    """A warning for every `[TODO: …]` placeholder that `invoke new` left in the file."""
    problems = []
    for item in fields:
        match = PLACEHOLDER.search(item.value)
        if match:
            spec = content_type.field(item.name)
            problems.append(_placeholder(path, item.line, spec.name if spec else item.name, match))
    if "[TODO" not in body:  # what every placeholder starts with
        return problems
    for offset, line in enumerate(body.splitlines()):
        match = PLACEHOLDER.search(line)
        if match:
            problems.append(_placeholder(path, body_line + offset, "body", match))
    return problems


def _shorten(text: str, limit: int = 40) -> str:
    """A long placeholder cut at a word: `[TODO: write the article; check the…]`."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 2]
    return cut.rsplit(" ", 1)[0].rstrip(" ;,") + "…]"


def _placeholder(path: str, line: int, field_name: str, match: re.Match[str]) -> Problem:
    return Problem(
        path,
        line,
        field_name,
        f"still has the placeholder {_shorten(match.group(0))!r} from `invoke new`; replace it",
        WARNING,
    )


def file_slug(relative_path: str) -> str:
    """A slug from a file name: `2009-06-22-x.de.md` → `2009-06-22-x`."""
    stem = os.path.basename(relative_path).split(".", 1)[0]
    return slugify(stem)


def _wrap(cls: type, name: str, settings: dict[str, Any]) -> Any:
    item = cls(name, settings)
    item.slug = slugify(name)
    return item


def pelican_metadata(
    content_type: ContentType, record: Record, settings: dict[str, Any]
) -> dict[str, Any]:
    """The metadata Pelican's content classes expect, built from the typed record."""
    metadata: dict[str, Any] = {"record": record, "slug": record.slug}
    if isinstance(record, ArticleMeta):
        metadata.update(
            title=record.title,
            entry_id=record.id,
            date=record.date,
            category=_wrap(Category, record.category, settings),
            lang=record.lang,
            summary=record.summary,
            status=record.status,
        )
        if record.modified:
            metadata["modified"] = record.modified
        if record.tags:
            metadata["tags"] = [_wrap(Tag, tag, settings) for tag in record.tags]
        if record.authors:
            metadata["authors"] = [_wrap(Author, name, settings) for name in record.authors]
        return metadata
    if content_type.name == "page":
        metadata.update(
            title=record.title,
            lang=record.lang,
            status=record.status,
            summary=record.summary,
        )
        return metadata
    # Cities, MOUs and events: pages of the portal's own generators.
    title = getattr(record, "title", "") or getattr(record, "name", "")
    prefix = content_type.name.upper()
    metadata.update(
        title=title,
        url=settings[f"{prefix}_URL"].format(slug=record.slug),
        save_as=settings[f"{prefix}_SAVE_AS"].format(slug=record.slug),
    )
    if getattr(record, "status", None) == "draft":
        metadata["status"] = "draft"
    return metadata
