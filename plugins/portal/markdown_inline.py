"""Python-Markdown without its futile pattern tries: the same HTML for less CPU.

Markdown tries every inline pattern (code spans, escapes, links, HTML, entities,
emphasis, …) on every text node: about 200 tries per article, nearly all of them a
regular-expression search that finds nothing, each behind several Python calls.
`PrefilteredInlineProcessor` first asks whether the text holds any character a
match of the pattern must begin with (a link needs `[`, an entity `&`); when it
holds none, the try cannot match and is skipped. A try that cannot match changes
nothing (Markdown then moves on to the next pattern from the start of the text), so
the output is the same as Markdown's own. Patterns whose first characters cannot be
read off the expression are always tried. Likewise the block processors that search
every block (headings, rules, quotes, link references, and `extra`'s definitions,
tables, abbreviations and footnotes) answer "no" at once for a block without the
character their expression needs (`#`, `>`, `]:`, `|`, …). And the
table-of-contents extension looks for its `[TOC]` marker only in a document that
has an element whose whole text is the marker (its own walk over the tree is a
generator and a text join per element). Finally, the passes over the whole text
that `extra` adds skip a document that lacks what they look for: fenced code
"```" or "~~~", raw HTML "<" or "&", attribute lists "{" (a probe after
Markdown's whitespace normalisation keeps the document's text for them).

Two answers Markdown recomputes all the time are kept instead: whether a tag is
block-level (a scan of its list of block-level tags, ~200 times per article) and
the block parser's processors in order (a new list for every block).
"""

from __future__ import annotations

import re
import re._constants as sre_constants  # type: ignore[import-not-found]
import re._parser as sre_parse  # type: ignore[import-not-found]
from collections.abc import Callable
from typing import Any

from markdown import Markdown, blockprocessors, util
from markdown.extensions.abbr import AbbrBlockprocessor
from markdown.extensions.attr_list import AttrListTreeprocessor
from markdown.extensions.def_list import DefListProcessor
from markdown.extensions.fenced_code import FencedBlockPreprocessor
from markdown.extensions.footnotes import FootnoteBlockProcessor
from markdown.extensions.md_in_html import HtmlBlockPreprocessor
from markdown.extensions.tables import TableProcessor
from markdown.extensions.toc import TocTreeprocessor
from markdown.inlinepatterns import InlineProcessor as PatternProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import InlineProcessor

_ZERO_WIDTH = (sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT)
_MAX_SET = 8  # more possible first characters than this: not worth checking


def first_characters(expression: re.Pattern[str]) -> frozenset[str] | None:
    """What every match of `expression` begins with; None if unknown.

    Mostly single characters; a pattern that is one literal string (a hard line
    break: two spaces and a newline) gives that string.
    """
    if expression.flags & re.IGNORECASE:
        return None
    try:
        items = [
            item
            for item in sre_parse.parse(expression.pattern, expression.flags)
            if item[0] not in _ZERO_WIDTH
        ]
        if items and all(op is sre_constants.LITERAL for op, _ in items):
            literal = "".join(chr(code) for _, code in items)
            return frozenset({literal})
        found = _first_of_sequence(items)
    except (TypeError, ValueError, re.error):
        return None
    if not found or len(found) > _MAX_SET:
        return None
    return frozenset(found)


def _first_of_sequence(items: list[tuple[Any, Any]]) -> set[str] | None:
    """First characters of a sequence of parsed items: skip zero-width ones."""
    for op, argument in items:
        if op in _ZERO_WIDTH:
            continue
        return _first_of_item(op, argument)
    return None  # could match the empty string


def _first_of_item(op: Any, argument: Any) -> set[str] | None:
    if op is sre_constants.LITERAL:
        return {chr(argument)}
    if op is sre_constants.IN:
        if all(kind is sre_constants.LITERAL for kind, _ in argument):
            return {chr(code) for _, code in argument}
        return None
    if op is sre_constants.SUBPATTERN:
        _group, add_flags, _del_flags, items = argument
        if add_flags & re.IGNORECASE:
            return None
        return _first_of_sequence(list(items))
    if op is sre_constants.BRANCH:
        found: set[str] = set()
        for branch in argument[1]:
            first = _first_of_sequence(list(branch))
            if first is None:
                return None
            found |= first
        return found
    if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT):
        low, _high, item = argument
        return _first_of_sequence(list(item)) if low >= 1 else None
    if op is sre_constants.ATOMIC_GROUP:
        return _first_of_sequence(list(argument))
    return None


class PrefilteredInlineProcessor(InlineProcessor):
    """Markdown's inline tree processor, skipping pattern tries that cannot match."""

    def run(self, tree: Any, ancestors: list[str] | None = None) -> Any:
        # The patterns as a list (the registry sorts on every index), each with its
        # probe; listed per document, as the registry may change. Probes are kept by
        # the pattern's id (patterns need not be hashable; each entry keeps its own
        # pattern alive, so an id cannot be reused while it is known).
        known: dict[int, tuple[Any, Probe | None]] = getattr(self, "_known", {})
        self._prefiltered = [
            known.get(id(pattern)) or (pattern, _probe_of(pattern))
            for pattern in self.inlinePatterns
        ]
        self._known = {id(item[0]): item for item in self._prefiltered}
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802, N803
        """Markdown's `__handleInline`, with the tries that cannot match left out."""
        if isinstance(data, util.AtomicString):
            return data
        apply = self._InlineProcessor__applyPattern
        patterns = self._prefiltered
        start = 0
        count = len(patterns)
        while patternIndex < count:
            pattern, probe = patterns[patternIndex]
            if probe is not None and not probe(data):
                patternIndex += 1  # no match possible: as Markdown after a failed try
                start = 0
                continue
            data, matched, start = apply(pattern, data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data


Probe = Callable[[str], object]  # true when a text may hold a match
_PROBES: dict[tuple[type, str, int], Probe | None] = {}


def _probe_of(pattern: Any) -> Probe | None:
    """A quick test for a new-style pattern's first characters (cached); None: try it."""
    if not isinstance(pattern, PatternProcessor):
        return None  # old-style patterns match at the start of a slice: always tried
    compiled = pattern.getCompiledRegExp()
    key = (type(pattern), compiled.pattern, compiled.flags)
    if key not in _PROBES:
        _PROBES[key] = _probe(first_characters(compiled))
    return _PROBES[key]


def _probe(starts: frozenset[str] | None) -> Probe | None:
    if starts is None:
        return None
    if len(starts) == 1:
        (start,) = starts
        return lambda text: start in text
    # `in` finds a character ~20x faster than a regex character class does.
    if len(starts) == 2:
        first, second = sorted(starts)
        return lambda text: first in text or second in text
    ordered = tuple(sorted(starts))
    return lambda text: any(start in text for start in ordered)


# Block processors whose test (or, for references, whose run) searches a whole block
# for an expression that cannot match without one of these strings: `(test or run
# name, strings)`. Only Markdown's own classes, by exact type.
_BLOCK_NEEDS: dict[type, tuple[str, tuple[str, ...]]] = {
    blockprocessors.HashHeaderProcessor: ("test", ("#",)),
    blockprocessors.SetextHeaderProcessor: ("test", ("=", "-")),
    blockprocessors.HRProcessor: ("test", ("-", "_", "*")),
    blockprocessors.BlockQuoteProcessor: ("test", (">",)),
    blockprocessors.ReferenceProcessor: ("run", ("]:",)),
    # `extra`'s: a definition needs ":", a table row "|" (its test keeps nothing of a
    # block that is no table), an abbreviation "*[", a footnote definition "[^".
    DefListProcessor: ("test", (":",)),
    TableProcessor: ("test", ("|",)),
    AbbrBlockprocessor: ("run", ("*[",)),
    FootnoteBlockProcessor: ("run", ("[^",)),
}


def _prefilter_block_processor(processor: Any) -> None:
    """Make a block processor answer False at once for a block its expression cannot match.

    `test(parent, block)` and `run(parent, blocks)` (which then looks at `blocks[0]`,
    and restores it when nothing matched) both answer False then, as they would
    after a failed search.
    """
    method_name, needs = _BLOCK_NEEDS[type(processor)]
    method = getattr(processor, method_name)
    may_match = _probe(frozenset(needs))
    assert may_match is not None
    if method_name == "test":

        def test(parent: Any, block: str) -> bool:
            return may_match(block) and method(parent, block)

        processor.test = test
    else:

        def run(parent: Any, blocks: list[str]) -> Any:
            return may_match(blocks[0]) and method(parent, blocks)

        processor.run = run


def _prefilter_toc_marker(processor: TocTreeprocessor) -> None:
    """Replace the `[TOC]` marker only where an element could be it.

    `replace_marker` replaces an element whose text, stripped, is the marker and that
    has no children; when no element of the document is such, it changes nothing.
    """
    replace_marker = processor.replace_marker

    def replace_where_present(root: Any, elem: Any) -> None:
        marker = processor.marker
        for element in root.iter():
            text = element.text
            if text and marker in text and text.strip() == marker and len(element) == 0:
                replace_marker(root, elem)
                return

    processor.replace_marker = replace_where_present


class _TextProbe(Preprocessor):
    """Keeps the document's text (after whitespace normalisation) for the prefilters."""

    def run(self, lines: list[str]) -> list[str]:
        self.md._portal_text = "\n".join(lines)  # type: ignore[attr-defined]
        return lines


def _registered(registry: util.Registry, name: str) -> Any:
    """The item registered as `name`, or None (a Registry has no `get`)."""
    return registry[name] if name in registry else None  # noqa: SIM401


def _text(md: Markdown) -> str | None:
    return getattr(md, "_portal_text", None)


def _skip_when(md: Markdown, processor: Any, cannot_act: Callable[[str], bool]) -> None:
    """Make `processor.run` return its input unchanged when `cannot_act(document text)`.

    A preprocessor returns the lines it was given; a treeprocessor changes the tree
    in place and returns None.
    """
    run = processor.run
    unchanged = isinstance(processor, Preprocessor)

    def prefiltered_run(given: Any) -> Any:
        text = _text(md)
        if text is not None and cannot_act(text):
            return given if unchanged else None
        return run(given)

    processor.run = prefiltered_run


def _prefilter_whole_text_passes(md: Markdown) -> None:
    """Skip `extra`'s fenced-code, raw-HTML and attribute-list passes that cannot act.

    Each changes nothing in a document without the strings its expressions or parser
    need: a fence (three backticks or tildes), a tag or reference ("<", "&"), an
    attribute list ("{"). Their output is then the input as it came.
    """
    if "normalize_whitespace" not in md.preprocessors:
        return
    priority = next(
        item.priority for item in md.preprocessors._priority if item.name == "normalize_whitespace"
    )
    md.preprocessors.register(_TextProbe(md), "portal_text_probe", priority - 0.5)
    fenced = _registered(md.preprocessors, "fenced_code_block")
    if type(fenced) is FencedBlockPreprocessor:
        # Its first run also looks up the extensions it works with: let that happen.
        _skip_when(
            md,
            fenced,
            lambda text: fenced.checked_for_deps and "```" not in text and "~~~" not in text,
        )
    html_block = _registered(md.preprocessors, "html_block")
    if type(html_block) is HtmlBlockPreprocessor:
        _skip_when(md, html_block, lambda text: "<" not in text and "&" not in text)
    attr_list = _registered(md.treeprocessors, "attr_list")
    if type(attr_list) is AttrListTreeprocessor:
        _skip_when(md, attr_list, lambda text: "{" not in text)


class _ListedRegistry(util.Registry):
    """A registry that lists its items in order once, until an item is added or removed.

    Markdown's own makes a new list on every iteration (so that changes during an
    iteration do not disturb it); the kept tuple does not change either.
    """

    _listed: tuple[Any, ...] | None = None

    def __iter__(self) -> Any:
        if self._listed is None:
            self._sort()
            self._listed = tuple(self._data[name] for name, _priority in self._priority)
        return iter(self._listed)

    def register(self, item: Any, name: str, priority: float) -> None:
        self._listed = None
        super().register(item, name, priority)

    def deregister(self, name: str, strict: bool = True) -> None:
        self._listed = None
        super().deregister(name, strict)


def _remember_block_level(md: Markdown) -> None:
    """`md.is_block_level` from a table of its answers, rebuilt when the tag list changes."""
    answers: dict[Any, bool] = {}
    known: list[Any] = [md.block_level_elements, len(md.block_level_elements)]
    compute = md.is_block_level

    def is_block_level(tag: Any) -> bool:
        elements = md.block_level_elements
        if elements is not known[0] or len(elements) != known[1]:
            answers.clear()
            known[:] = [elements, len(elements)]
        try:
            return answers[tag]
        except KeyError:
            answer = answers[tag] = compute(tag)
            return answer
        except TypeError:  # not hashable: not a tag name either
            return compute(tag)

    md.is_block_level = is_block_level  # type: ignore[method-assign]


def install(md: Markdown) -> Markdown:
    """Give `md` the prefiltered inline pass (same priority) and block-processor tests."""
    if not getattr(md, "_portal_remembers", False):
        _remember_block_level(md)
        if type(md.parser.blockprocessors) is util.Registry:
            md.parser.blockprocessors.__class__ = _ListedRegistry
        md._portal_remembers = True  # type: ignore[attr-defined]
    current = md.treeprocessors["inline"]
    if type(current) is InlineProcessor:
        priority = next(
            item.priority for item in md.treeprocessors._priority if item.name == "inline"
        )
        md.treeprocessors.register(PrefilteredInlineProcessor(md), "inline", priority)
    for processor in md.parser.blockprocessors:
        if type(processor) in _BLOCK_NEEDS and not getattr(processor, "_prefiltered", False):
            _prefilter_block_processor(processor)
            processor._prefiltered = True
    if "toc" in md.treeprocessors:
        toc = md.treeprocessors["toc"]
        if type(toc) is TocTreeprocessor and not getattr(toc, "_prefiltered", False):
            _prefilter_toc_marker(toc)
            toc._prefiltered = True
    if "portal_text_probe" not in md.preprocessors:
        _prefilter_whole_text_passes(md)
    return md
