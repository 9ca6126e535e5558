"""The prefiltered inline pass (plugins/portal/markdown_inline.py): Markdown's own HTML."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markdown import Markdown, blockprocessors
from portal.markdown_inline import PrefilteredInlineProcessor, _probe, first_characters, install
from portal.reader import markdown_options

from tools.build import load_settings

# Every core inline pattern, alone and nested, plus text that holds none of them.
SAMPLES = [
    "Plain text without any inline markup at all.",
    "Some `code` and ``double `tick` code`` and \\`escaped\\` ticks.",
    "An escaped \\*star\\*, \\[bracket\\] and \\\\ backslash; a lone \\ too.",
    'A [link](https://example.org/a_b?x=1&y=2 "Title") and [ref][r] and [r].\n\n'
    "[r]: https://example.org/ref",
    "An ![image](/img/a.png) and ![ref image][i] and ![i] and a bang! [not image].\n\n"
    "[i]: /img/i.png",
    "Auto <https://example.org/x> and <someone@example.org> and <not a link>.",
    "Hard  \nbreak and a soft\nbreak.",
    'Inline <span class="x">html</span>, <!-- comment --> and <br/> here.',
    "Entities &amp; &#169; &#x00A9; and a bare & ampersand; &copy without semicolon.",
    "*em* **strong** ***both*** _under_ __double__ snake_case_word and 2 * 3 * 4.",
    "Nested **bold with [a `code` link](/x) inside** and *em with &amp; entity*.",
    "# Heading with *em*\n\n- item `one`\n- item [two](/2)\n\n> quote with _em_\n\n"
    "    indented code with *stars* and [brackets]\n\n1. first\n2. second &amp; third",
    "Table-like | text | with * stars\n--- | --- | ---\na | b | c",
    "Trailing backslash \\",
    "Setext heading\n==============\n\nAnother\n-------\n\nNot - a heading = here.",
    "Rules:\n\n---\n\n* * *\n\n___\n\n- - -\n\ntext - with _ and * but no rule",
    "> a quote\n> with **bold**\n\n1. list\n\n    > quoted in a list\n\nx > y and a#b #tag",
    "## Closed heading ##\n\n####### seven hashes\n\n#not a heading? and # mid-line",
    'A [ref] and [other][].\n[ref]: /r "Title"\n  [other]: <https://o.example>\n\nx]: y',
    "Text ]: not a reference and [a]:b and [c] : d",
    "Unicode: Wrocław — “quotes” … and emoji \u2603 with *em*.",
    "## Contents\n\n[TOC]\n\n## One\n\nText [TOC] mid-line.\n\n### Two *em*\n\n## One",
    "- [TOC]\n- item\n\n> [TOC]\n\n    [TOC] in code\n\n# [TOC]",
    "Term\n:   Definition\n\nAt 10:30: a colon : here\n\nApple\n: Pomaceous fruit",
    "| a | b |\n|---|--:|\n| 1 | 2 |\n\nx | y\n--|--\n1 | 2\n\nno | table\n\n|\n|",
    "The HTML spec.\n\n*[HTML]: Hyper Text Markup Language\n\n*[not abbr] text",
    "Text[^1] and more[^n].\n\n[^1]: First note.\n[^n]: Second\n    continued.\n\n[^x] no",
    "```\nplain <code> & {braces}\n```\n\n~~~python\nx = 1\n~~~\n\nNot `` ` `` a fence",
    "A paragraph.\n{: .lead #intro }\n\n## Heading {#custom-id}\n\n- item {: .x }",
    '<div markdown="1">*Markdown* inside</div>\n\n<p>raw &amp; ready</p>\n\nA & B',
    "Tabs\tand\u0002control\u0003 characters ``\u0002` after normalisation",
    "",
]


@pytest.fixture(scope="module")
def markdown_settings() -> dict:
    """The reader's Markdown options: pelicanconf's extensions loaded, HTML output."""
    return markdown_options(load_settings(Path("pelicanconf.py"), Path("content")))


@pytest.mark.parametrize("text", SAMPLES)
def test_prefiltered_markdown_gives_markdowns_own_html(markdown_settings, text):
    stock = Markdown(**markdown_settings)
    fast = install(Markdown(**markdown_settings))
    assert isinstance(fast.treeprocessors["inline"], PrefilteredInlineProcessor)
    assert fast.convert(text) == stock.convert(text)


def test_one_instance_converts_many_documents_like_fresh_ones(markdown_settings):
    fast = install(install(Markdown(**markdown_settings)))  # idempotent
    for text in SAMPLES * 2:
        fast.reset()
        assert fast.convert(text) == Markdown(**markdown_settings).convert(
            text
        )


def test_extensions_inline_patterns_stay_equal():
    extensions = ["markdown.extensions.extra", "markdown.extensions.toc", "sane_lists"]
    text = "\n\n".join(SAMPLES) + "\n\nA footnote[^1].\n\n[^1]: Note *here*.\n\n*[HTML]: Hyper"
    stock = Markdown(extensions=extensions)
    fast = install(Markdown(extensions=extensions))
    assert fast.convert(text) == stock.convert(text)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        (r"(?<!\!)\[", {"["}),
        (r"\!\[", {"!["}),
        (r"  \n", {"  \n"}),
        (r"\*|_", {"*", "_"}),
        (r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)", {"\\", "`"}),
        (r"<([^<> !]+@[^@<> ]+)>", {"<"}),
        (r"(&(?:\#[0-9]+|[a-z]+);)", {"&"}),
    ],
)
def test_first_characters_of_core_patterns(expression, expected):
    assert first_characters(re.compile(expression)) == expected


@pytest.mark.parametrize(
    "expression",
    [r"a?b", r".x", r"[^<]x", r"(?i)x", r"(?i:x)y", r"\w+", r"(?:a|.)x", r"[a-z]x", r"(?=a)"],
)
def test_first_characters_unknown_means_always_tried(expression):
    assert first_characters(re.compile(expression)) is None


@pytest.mark.parametrize("starts", [{"["}, {"*", "_"}, {"a", "b", "c"}, {"  \n"}])
def test_a_probe_is_true_exactly_when_a_start_is_in_the_text(starts):
    probe = _probe(frozenset(starts))
    for text in ("", "plain", "x[y", "a*", "_", "cab", "line  \nnext", "line \n"):
        assert bool(probe(text)) == any(start in text for start in starts), text


def test_a_pattern_registered_or_removed_between_documents_is_seen(markdown_settings):
    stock = Markdown(**markdown_settings)
    fast = install(Markdown(**markdown_settings))
    text = "*em* and `code` and &amp;"
    assert fast.convert(text) == stock.convert(text)
    removed = {}
    for md in (stock, fast):
        removed[md] = md.inlinePatterns["em_strong"]
        md.inlinePatterns.deregister("em_strong")
        md.reset()
    assert fast.convert(text) == stock.convert(text)
    assert "<em>" not in fast.convert(text)
    for md in (stock, fast):
        md.inlinePatterns.register(removed[md], "em_strong", 60)
        md.reset()
    assert fast.convert(text) == stock.convert(text)
    assert "<em>em</em>" in fast.convert(text)


def test_block_level_answers_follow_changes_to_the_tag_list():
    md = install(Markdown())
    assert md.is_block_level("p") and md.is_block_level("DIV") and not md.is_block_level("em")
    assert not md.is_block_level("portal-box")
    md.block_level_elements.append("portal-box")  # what an extension may do
    assert md.is_block_level("portal-box")
    md.block_level_elements = ["em"]
    assert md.is_block_level("em") and not md.is_block_level("p")
    assert not md.is_block_level(None) and not md.is_block_level(["p"])  # not tag names


def test_the_block_processors_listed_once_are_listed_again_after_a_change():
    md = install(Markdown())
    processors = md.parser.blockprocessors
    before = list(processors)
    assert list(processors) == before and len(before) == len(processors)

    class Marker(blockprocessors.BlockProcessor):
        def test(self, parent, block):
            return False

    marker = Marker(md.parser)
    processors.register(marker, "marker", 1000)
    assert list(processors) == [marker, *before]
    listing = iter(processors)
    processors.deregister("marker")
    assert next(listing) is marker  # an iteration under way sees the order it began with
    assert list(processors) == before
