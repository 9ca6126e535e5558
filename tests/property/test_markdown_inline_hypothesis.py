"""Any text: the prefiltered Markdown (portal.markdown_inline) gives Markdown's own HTML."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown import Markdown
from portal.markdown_inline import install
from portal.reader import markdown_options

from tools.build import load_settings

OPTIONS = markdown_options(load_settings(Path("pelicanconf.py"), Path("content")))

# Pieces that start or end Markdown's inline and block constructs, and plain words.
PIECES = st.sampled_from(
    [
        "*", "**", "_", "__", "`", "``", "\\", "[", "]", "(", ")", "![", "<", ">", "&", ";",
        "&amp;", "&#169;", "#", "## ", "> ", "- ", "1. ", "|", "---", "===", ":", "[^1]",
        "[^1]: ", "*[", "{: #id}", "  \n", "\n", "\n\n", "    ", "http://a.example/x_y",
        "a@b.example", "<b>", "</b>", "<!-- c -->", "~~", "word", "Wrocław", " ", "e-gov",
    ]
)  # fmt: skip

TEXTS = st.lists(PIECES, max_size=40).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_prefiltered_markdown_converts_any_text_as_markdown_does(text: str) -> None:
    stock = Markdown(**OPTIONS)
    fast = install(Markdown(**OPTIONS))
    assert fast.convert(text) == stock.convert(text)


@settings(max_examples=100, deadline=None)
@given(st.lists(TEXTS, min_size=2, max_size=5))
def test_one_prefiltered_instance_converts_a_series_as_fresh_ones_do(texts: list[str]) -> None:
    fast = install(Markdown(**OPTIONS))
    for text in texts:
        fast.reset()
        assert fast.convert(text) == Markdown(**OPTIONS).convert(text)
