"""The portal reader (plugins/portal/reader.py): header, encoding, placeholders, preview marks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from portal import report
from portal.model import CONTENT_TYPES, ERROR, WARNING, ContentError, Problem, RawField
from portal.reader import PortalMarkdownReader, decode_utf8, placeholder_problems, split_header

from tools.build import load_settings

NEXT_YEAR = dt.date.today().year + 1


def test_split_header_joins_indented_continuation_lines():
    text = (
        "Title: A story\n"
        "Source: The Korea Herald | 2009-07-10\n"
        "    Seoul Metropolitan Government | 2010-07\n"
        "Summary: One line.\n"
        "\n"
        "First paragraph.\n"
        "\n"
        "Second.\n"
    )
    fields, body, body_line, problems = split_header(text, "articles/x.md")
    assert fields == [
        RawField("Title", "A story", 1),
        RawField(
            "Source",
            "The Korea Herald | 2009-07-10\nSeoul Metropolitan Government | 2010-07",
            2,
        ),
        RawField("Summary", "One line.", 4),
    ]
    assert body == "First paragraph.\n\nSecond."
    assert body_line == 6
    assert problems == []


def test_a_line_that_is_no_field_is_named_with_its_line():
    fields, _body, _line, problems = split_header("Title: X\nSummary - y\n\nBody.\n", "a.md")
    assert [f.name for f in fields] == ["Title"]
    assert problems == [
        Problem(
            "a.md",
            2,
            "metadata",
            "expected 'Field: value' or a blank line before the body, got 'Summary - y'",
        )
    ]


def test_a_file_without_a_header():
    _fields, body, _line, problems = split_header("\nJust text.\n", "pages/x.md")
    assert problems == [
        Problem("pages/x.md", 1, "metadata", "the file has no 'Field: value' header")
    ]
    assert body == "Just text."


def test_invalid_utf8_names_the_line_and_the_byte():
    data = "Title: Café\nSummary: ok\n".encode() + b"\n\nCaf\xe9 au lait.\n"
    with pytest.raises(ContentError) as error:
        decode_utf8(data, "articles/x.md")
    assert error.value.problems == [
        Problem(
            "articles/x.md",
            5,
            "encoding",
            "the file is not valid UTF-8 (byte 0xe9 at offset 30); save it as UTF-8",
        )
    ]


def test_a_byte_order_mark_is_dropped():
    assert decode_utf8("\ufeffTitle: X\n".encode(), "x.md") == "Title: X\n"


def test_placeholders_from_invoke_new_are_warnings_at_their_lines():
    fields = [
        RawField("Title", "Real title", 1),
        RawField("summary", "[TODO: one sentence for lists and feeds]", 2),
        RawField("Source", "[TODO: publisher] | 2020-01-01", 3),
    ]
    body = "Intro.\n\n[TODO: write the article; check the Source, the Summary and the Category]\n"
    problems = placeholder_problems(CONTENT_TYPES["article"], fields, body, 5, "articles/x.md")
    assert [str(p) for p in problems] == [
        "articles/x.md:2: Summary: still has the placeholder "
        "'[TODO: one sentence for lists and feeds]' from `invoke new`; replace it",
        "articles/x.md:3: Source: still has the placeholder '[TODO: publisher]' from "
        "`invoke new`; replace it",
        "articles/x.md:7: body: still has the placeholder '[TODO: write the article; check "
        "the…]' from `invoke new`; replace it",
    ]
    assert {p.severity for p in problems} == {WARNING}


def test_ordinary_brackets_are_no_placeholder():
    body = "See [the TODO list](https://example.org/) and [todo] items.\n"
    assert placeholder_problems(CONTENT_TYPES["article"], [], body, 5, "a.md") == []


# --------------------------------------------------------------------------
# Reading files, in production and in preview


def article(extra: str = "", date: str = "2010-07-22", lang: str = "") -> str:
    head = (
        "Title: A story\nId: 2010-story\n"
        f"Date: {date}\nCategory: Cooperation\n"
        "Source: The Korea Herald | 2010-07-22\nSummary: One line.\nSlug: a-story\n"
    )
    if lang:
        head += f"Lang: {lang}\n"
    return head + extra + "\nThe text.\n"


def read(tmp_path: Path, text: str, name: str = "2010-07-22-a-story.md", preview: bool = False):
    content = tmp_path / "content"
    folder = content / "articles" / "2010"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    overrides = {"PORTAL": {"preview": True}} if preview else {}
    settings = load_settings(content=content, overrides=overrides)
    report.start()
    return PortalMarkdownReader(settings).read(str(folder / name))


def test_a_draft_stays_a_draft_outside_preview(tmp_path: Path):
    html, metadata = read(tmp_path, article("Status: draft\n"))
    assert metadata["status"] == "draft"
    assert metadata["title"] == "A story"
    assert "portal-preview-marker" not in html


def test_preview_publishes_a_draft_and_marks_it(tmp_path: Path):
    html, metadata = read(tmp_path, article("Status: draft\n"), preview=True)
    assert metadata["status"] == "published"
    assert metadata["record"].status == "draft", "the record still says what the file says"
    assert metadata["title"] == "Draft: A story"
    assert html.startswith(
        '<p class="portal-preview-marker" role="note"><strong>Draft</strong> — This draft '
        "appears only in the preview; it is not published.</p>\n<p>The text.</p>"
    )


def test_the_marker_speaks_the_articles_language(tmp_path: Path):
    text = article("Status: draft\n", lang="de")
    html, metadata = read(tmp_path, text, "2010-07-22-a-story.de.md", preview=True)
    assert metadata["title"] == "Entwurf: A story"
    assert "<strong>Entwurf</strong> — Dieser Entwurf erscheint nur in der Vorschau" in html


def test_preview_marks_a_scheduled_article_with_its_date(tmp_path: Path):
    html, metadata = read(tmp_path, article(date=f"{NEXT_YEAR}-02-03"), preview=True)
    assert metadata["title"] == "Scheduled: A story"
    assert (
        f"<strong>Scheduled</strong> — Scheduled for 3 February {NEXT_YEAR}; until then it "
        "appears only in the preview."
    ) in html


def test_a_published_article_is_not_marked_in_preview(tmp_path: Path):
    html, metadata = read(tmp_path, article(), preview=True)
    assert metadata["title"] == "A story"
    assert html == "<p>The text.</p>"


def test_a_bad_file_is_rejected_with_every_problem(tmp_path: Path):
    text = article("Catgory: Rankings\n").replace("Summary: One line.\n", "")
    with pytest.raises(ContentError) as error:
        read(tmp_path, text + "\n<script>x()</script>\n")
    assert [(p.line, p.field, p.severity) for p in error.value.problems] == [
        (7, "Catgory", ERROR),
        (1, "Summary", ERROR),
        (11, "body", ERROR),  # the <script>
    ]
    assert report.current().files == {"articles/2010/2010-07-22-a-story.md": "rejected"}


def test_relative_paths_from_any_spelling_of_the_source_path(tmp_path: Path, monkeypatch):
    content = tmp_path / "content"
    (content / "articles").mkdir(parents=True)
    reader = PortalMarkdownReader(load_settings(content=content, output=tmp_path / "out"))
    root = str(content.resolve())
    assert reader.relative(f"{root}/articles/a.md") == "articles/a.md"
    assert reader.relative(f"{root}/pages/../articles/./a.md") == "articles/a.md"
    assert reader.relative(f"{root}//articles/a.md") == "articles/a.md"
    assert reader.relative(f"{root}-other/a.md") == "../content-other/a.md"
    monkeypatch.chdir(content)
    assert reader.relative("articles/a.md") == "articles/a.md"


def test_the_configured_markdown_extensions_are_loaded(tmp_path: Path):
    """Tables (extra), heading ids (toc) and the sane lists of pelicanconf's MARKDOWN."""
    body = (
        "\n## Two sources, two names\n\n"
        "| Year | Rank |\n|---|---:|\n| 2010 | 1 |\n\n"
        "1. first\n\n* a bullet after a number starts a new list\n"
    )
    html, _metadata = read(tmp_path, article() + body)
    assert '<h2 id="two-sources-two-names">Two sources, two names</h2>' in html
    assert "<table>" in html and "<td>2010</td>" in html
    assert "<ol>" in html and "<ul>" in html
