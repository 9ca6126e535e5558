"""The allowlist sanitizer and the site's Content-Security-Policy (plugins/portal/sanitize.py)."""

from __future__ import annotations

from lxml import html as lxml_html
from markdown import Markdown
from portal.model import ERROR, WARNING, Problem
from portal.sanitize import content_security_policy, sanitize_html

SETTINGS = {"PORTAL": {"iframe_hosts": ["www.youtube-nocookie.com", "player.vimeo.com"]}}
PATH = "articles/2020/2020-03-01-x.md"


def clean(source: str, body_line: int = 9) -> tuple[str, list[Problem]]:
    """Markdown as the reader converts it, then the sanitizer."""
    markdown = Markdown(output_format="html", extensions=["extra", "sane_lists"])
    return sanitize_html(markdown.convert(source), PATH, body_line, SETTINGS, source=source)


def test_what_markdown_makes_and_editors_embed_is_kept():
    source = """\
| City | Rank |
|------|-----:|
| Seoul | 1 |

<figure>
  <img src="../images/signing.png" alt="The mayors" width="640" height="480">
  <figcaption>The signing.</figcaption>
</figure>

See [the report](https://www.koreaherald.com/ "The Korea Herald") and *more*.

<iframe src="https://www.youtube-nocookie.com/embed/abc" title="Interview" allowfullscreen></iframe>
"""
    output, problems = clean(source)
    assert problems == []
    page = lxml_html.fragment_fromstring(output, create_parent="div")
    assert page.xpath("//table/thead/tr/th/text()") == ["City", "Rank"]
    assert page.xpath("//td/text()") == ["Seoul", "1"]
    assert page.xpath("//th[2]/@class") == ["portal-align-right"]  # Markdown's style= → class
    image = page.find(".//figure/img")
    assert (image.get("src"), image.get("alt"), image.get("width")) == (
        "../images/signing.png",
        "The mayors",
        "640",
    )
    assert page.findtext(".//figcaption") == "The signing."
    link = page.find(".//a")
    assert link.get("href") == "https://www.koreaherald.com/"
    assert link.get("title") == "The Korea Herald"
    iframe = page.find(".//iframe")
    assert iframe.get("src") == "https://www.youtube-nocookie.com/embed/abc"
    assert iframe.get("title") == "Interview"


def test_a_script_is_an_error_on_its_own_line_and_is_removed():
    output, problems = clean("Intro.\n\nMore text.\n\n<script>alert('x')</script>\n")
    assert problems == [
        Problem(PATH, 13, "body", "raw <script> is not allowed in content; remove it", ERROR)
    ]
    assert "script" not in output and "alert" not in output


def test_event_handlers_are_removed_with_a_warning():
    output, problems = clean('Text.\n\n<a href="https://example.org/" onclick="steal()">a</a>\n')
    assert problems == [
        Problem(PATH, 11, "body", "an event-handler attribute (on…=) was removed", WARNING)
    ]
    assert "onclick" not in output and "steal" not in output
    assert 'href="https://example.org/"' in output


def test_javascript_and_data_urls_are_removed_with_a_warning():
    output, problems = clean("[Click](javascript:alert(1)) and ![x](data:image/png;base64,AAAA)\n")
    assert [p.message for p in problems] == ["a javascript:, vbscript: or data: URL was removed"]
    assert problems[0].line == 9
    assert "javascript" not in output and "data:" not in output


def test_inline_styles_are_removed_with_a_warning():
    output, problems = clean('<p style="color: red">Red.</p>\n\n<style>p { color: red }</style>\n')
    assert [(p.line, p.message) for p in problems] == [
        (9, "inline styles were removed; the theme styles content")
    ]
    assert "style" not in output and "color" not in output
    assert "<p>Red.</p>" in output


def test_upper_case_urls_and_styles_are_found_too():
    """The quick tests before the searches miss no spelling the searches match."""
    _, problems = clean('<a href="VBScript:x()">a</a> <img src="DATA:image/png,AA">\n')
    assert [p.message for p in problems] == ["a javascript:, vbscript: or data: URL was removed"]
    for spelling in ("STYLE", "Style", "\u017ftyle"):  # the long s matches "s" ignoring case
        _, problems = clean(f'<p {spelling}="color: red">Red.</p>\n')
        assert [p.message for p in problems] == [
            "inline styles were removed; the theme styles content"
        ], spelling


def test_text_about_styles_and_data_is_no_problem():
    output, problems = clean("A lifestyle article; data: figures and the format: at a glance.\n")
    assert problems == []
    assert "lifestyle" in output


def test_iframes_only_from_allowed_hosts():
    output, problems = clean('Text.\n\n<iframe src="https://tracker.example/embed"></iframe>\n')
    assert problems == [
        Problem(
            PATH,
            11,
            "body",
            "an iframe from 'tracker.example' was removed; allowed hosts: player.vimeo.com, "
            "www.youtube-nocookie.com",
            WARNING,
        )
    ]
    assert "tracker.example" not in output


def test_an_iframe_in_upper_case_is_filtered_too():
    # A document without "<iframe" is cleaned without the host filter: the filter
    # must still apply whatever case the tag is written in.
    output, _problems = clean(
        'Text.\n\n<IFRAME src="https://tracker.example/a"></IFRAME>\n'
        '<IfRaMe src="https://player.vimeo.com/video/1"></IfRaMe>\n'
    )
    assert "tracker.example" not in output
    assert 'src="https://player.vimeo.com/video/1"' in output


def test_elements_outside_the_allowlist_are_named():
    output, problems = clean('<form action="/x"><input name="q"><button>Go</button></form>\n')
    assert [p.message for p in problems] == [
        "the <form> element is not allowed in content and was removed",
        "the <input> element is not allowed in content and was removed",
        "the <button> element is not allowed in content and was removed",
    ]
    assert "<form" not in output and "<input" not in output
    assert "Go" in output  # the text stays


def test_a_code_sample_about_scripts_is_only_text():
    output, problems = clean("Write `<script>` tags like this:\n\n    <script src=x></script>\n")
    assert problems == []
    assert "&lt;script" in output


def test_the_content_security_policy():
    assert content_security_policy(SETTINGS) == (
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
        "img-src 'self' data:; frame-src https://www.youtube-nocookie.com "
        "https://player.vimeo.com; worker-src 'self'; connect-src 'self'; object-src 'none'; "
        "base-uri 'self'; form-action 'self'"
    )


def test_no_iframe_host_means_no_frames():
    policy = content_security_policy({"PORTAL": {"iframe_hosts": []}})
    assert "frame-src 'none'" in policy
    assert "'unsafe-inline'" not in policy


def test_preview_allows_the_live_reload_socket_only():
    policy = content_security_policy({"PORTAL": {**SETTINGS["PORTAL"], "preview": True}})
    assert "connect-src 'self' ws://127.0.0.1:* ws://localhost:*" in policy
    assert "script-src 'self' 'wasm-unsafe-eval';" in policy


def test_text_beyond_ascii_is_checked_like_ascii_text():
    source = (
        "Wrocław und Köln: <A HREF=\"JAVASCRIPT:go()\">los</A>, <MARQUEE>laut</MARQUEE>, "
        '<IFRAME SRC="https://tracker.example/x"></IFRAME> and <P STYLE="color:red">rot</P>\n\n'
        "| Stadt | Rang |\n|:---|---:|\n| Łódź | 2 |\n"
    )
    output, problems = clean(source)
    messages = " / ".join(p.message for p in problems)
    assert "javascript:, vbscript: or data: URL was removed" in messages
    assert "the <marquee> element is not allowed" in messages
    assert "an iframe from 'tracker.example' was removed" in messages
    assert "inline styles were removed" in messages
    assert 'class="portal-align-right"' in output and "style=" not in output
    assert "JAVASCRIPT" not in output and "tracker.example" not in output and "Łódź" in output
