"""A failed build loses nothing; every content file is accounted for; drafts stay private.

- a build that fails — on content, on a link found after writing, or on a plugin
  crashing halfway through writing — leaves the previous output byte-identical;
- the account of the sample content plus a draft and scheduled articles adds up to
  the files under content/; production writes neither, preview shows both, marked;
- every page carries a Content-Security-Policy that forbids inline script, and the
  theme uses no inline script, style or event handler that it would block.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import sys
import textwrap
from pathlib import Path

import pytest
from lxml import html
from pelican import signals

from tests.conftest import ROOT, SAMPLE_CONTENT
from tools.build import BuildError, BuildResult, build_site, load_settings

BASE = ROOT / "tests" / "fixtures" / "bad-content" / "_base" / "content"
PREVIEW = {"PORTAL": {"preview": True}, "WITH_FUTURE_DATES": True}
NEXT_YEAR = dt.date.today().year + 1


def tree_digest(root: Path) -> dict[str, str]:
    """Every file under `root` (relative path → SHA-256 of its bytes), folders too."""
    found = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        found[relative] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "/"
    return found


# --------------------------------------------------------------------------
# A failed build leaves the previous output byte-identical


@pytest.fixture(scope="session")
def good_output(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    """The small base site, built once: (its content, its output, the output's digest)."""
    root = tmp_path_factory.mktemp("safety")
    content = root / "content"
    shutil.copytree(BASE, content)
    output = root / "output"
    build_site(content, output)
    return content, output, tree_digest(output)


CRASHING_PLUGIN = '''
"""A plugin whose generator crashes after other pages were written."""
from pelican import signals
from pelican.generators import Generator


class Crash(Generator):
    def generate_output(self, writer):
        raise RuntimeError("the plugin crashed while writing")


def add_generator(pelican):
    return Crash


def register():
    signals.get_generators.connect(add_generator)
'''


def _break(content: Path, case: str, tmp: Path) -> dict:
    """Break a copy of the content one way; return the build's overrides."""
    article = content / "articles" / "2020" / "2020-01-15-seoul-kathmandu.md"
    text = article.read_text(encoding="utf-8")
    if case == "content":
        article.write_text(text.replace("Category: Cooperation", "Category: Sport"), "utf-8")
    elif case == "link":  # found only after the pages were written (to staging)
        article.write_text(text + "\nSee [the map](/map/).\n", encoding="utf-8")
    elif case == "plugin":
        plugins = tmp / "plugins"
        plugins.mkdir()
        (plugins / "crashing.py").write_text(textwrap.dedent(CRASHING_PLUGIN), "utf-8")
        settings = load_settings()
        return {
            "PLUGIN_PATHS": [*settings["PLUGIN_PATHS"], str(plugins)],
            "PLUGINS": [*settings["PLUGINS"], "crashing"],
        }
    return {}


def _unregister(name: str) -> None:
    module = sys.modules.pop(name, None)
    if module is not None:
        signals.get_generators.disconnect(module.add_generator)


@pytest.mark.parametrize("case", ["content", "link", "plugin"])
def test_a_failed_build_leaves_the_output_byte_identical(
    good_output: tuple[Path, Path, dict[str, str]], tmp_path: Path, case: str
):
    content, output, digest = good_output
    broken = tmp_path / "content"
    shutil.copytree(content, broken)
    overrides = _break(broken, case, tmp_path)
    try:
        with pytest.raises(BuildError) as failed:
            build_site(broken, output, overrides=overrides)
    finally:
        _unregister("crashing")  # Pelican's signals are global: no crash in later builds
    assert tree_digest(output) == digest
    assert len(digest) > 20, "the output was a real site"
    leftovers = [p.name for p in output.parent.iterdir() if p.name.startswith(".output-")]
    assert leftovers == [], "no staging or retired folder is left behind"
    if case == "plugin":
        assert "the plugin crashed while writing" in str(failed.value)
    else:
        assert failed.value.report.errors


def test_a_good_build_replaces_the_output(good_output, tmp_path: Path):
    content, output, digest = good_output
    copy = tmp_path / "output"
    shutil.copytree(output, copy)
    changed = tmp_path / "content"
    shutil.copytree(content, changed)
    page = changed / "pages" / "about.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nA new sentence.\n", encoding="utf-8")
    build_site(changed, copy)
    after = tree_digest(copy)
    assert after != digest
    assert "A new sentence." in (copy / "about" / "index.html").read_text(encoding="utf-8")


# --------------------------------------------------------------------------
# The account adds up; drafts and scheduled articles stay out of production


DRAFT = """\
Title: A draft about Seoul
Id: 2010-draft-about-seoul
Date: 2010-07-22
Category: Cooperation
Cities: seoul
Source: The Korea Herald | 2010-07-22
Summary: Not ready yet.
Slug: draft-about-seoul
Status: draft

Unfinished text.
"""

SCHEDULED = f"""\
Title: A story for next year
Id: {NEXT_YEAR}-story-for-next-year
Date: {NEXT_YEAR}-01-05 09:00
Category: Cooperation
Source: The Korea Herald | 2010-07-22
Summary: Embargoed until next year.
Slug: story-for-next-year

Embargoed text.
"""

SCHEDULED_DE = f"""\
Title: Eine Geschichte für das nächste Jahr
Id: {NEXT_YEAR}-story-for-next-year
Date: {NEXT_YEAR}-01-05 09:00
Lang: de
Category: Cooperation
Source: The Korea Herald | 2010-07-22
Summary: Gesperrt bis zum nächsten Jahr.
Slug: geschichte-naechstes-jahr

Gesperrter Text.
"""

EXTRA = {
    "articles/2010/2010-07-22-draft-about-seoul.md": DRAFT,
    f"articles/{NEXT_YEAR}/{NEXT_YEAR}-01-05-story-for-next-year.md": SCHEDULED,
    f"articles/{NEXT_YEAR}/{NEXT_YEAR}-01-05-story-for-next-year.de.md": SCHEDULED_DE,
}


@pytest.fixture(scope="session")
def with_drafts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    content = tmp_path_factory.mktemp("drafts") / "content"
    shutil.copytree(SAMPLE_CONTENT, content)
    for relative, text in EXTRA.items():
        (content / relative).parent.mkdir(parents=True, exist_ok=True)
        (content / relative).write_text(text, encoding="utf-8")
    return content


@pytest.fixture(scope="session")
def production(with_drafts: Path, tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return build_site(with_drafts, tmp_path_factory.mktemp("production") / "output")


@pytest.fixture(scope="session")
def preview(with_drafts: Path, tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return build_site(with_drafts, tmp_path_factory.mktemp("preview") / "output", overrides=PREVIEW)


def content_files(content: Path) -> list[str]:
    static = ("images", "extra")
    return [
        p.relative_to(content).as_posix()
        for p in content.rglob("*")
        if p.is_file() and p.relative_to(content).parts[0] not in static
    ]


@pytest.mark.parametrize("build", ["production", "preview"])
def test_the_account_adds_up_to_the_files_under_content(
    build: str, with_drafts: Path, request: pytest.FixtureRequest
):
    result: BuildResult = request.getfixturevalue(build)
    files = content_files(with_drafts)
    assert sorted(result.report.files) == sorted(files)
    counts = result.report.counts()
    assert counts["draft"] == 1
    assert counts["scheduled"] == 2
    assert counts["rejected"] == 0
    assert counts["published"] == len(files) - 3
    assert sum(counts.values()) == len(files)
    assert result.report.account_line() == (
        f"{len(files)} content files: {len(files) - 3} published, 1 draft, 2 scheduled, "
        "0 hidden, 0 rejected"
    )


def _all_html(output: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in output.rglob("*.html"))


def test_production_writes_no_draft_or_scheduled_article(production: BuildResult):
    output = production.output
    assert not (output / "news/2010/07/draft-about-seoul").exists()
    assert not (output / f"news/{NEXT_YEAR}").exists()
    assert not (output / "drafts").exists()
    everything = _all_html(output) + "".join(
        p.read_text(encoding="utf-8") for p in output.rglob("*") if p.suffix in (".xml", ".json")
    )
    for secret in ("Unfinished text", "Embargoed", "Gesperrt", "draft-about-seoul"):
        assert secret not in everything


def test_preview_shows_drafts_and_scheduled_articles_marked(preview: BuildResult):
    output = preview.output
    draft = (output / "news/2010/07/draft-about-seoul/index.html").read_text(encoding="utf-8")
    page = html.fromstring(draft)
    assert page.findtext(".//title").startswith("Draft: A draft about Seoul")
    marker = page.find(".//p[@class='portal-preview-marker']")
    assert marker.text_content() == (
        "Draft — This draft appears only in the preview; it is not published."
    )
    scheduled = output / f"news/{NEXT_YEAR}/01/story-for-next-year/index.html"
    marker = html.fromstring(scheduled.read_text(encoding="utf-8")).find(
        ".//p[@class='portal-preview-marker']"
    )
    assert marker.text_content() == (
        f"Scheduled — Scheduled for 5 January {NEXT_YEAR}; until then it appears only in "
        "the preview."
    )
    german = output / f"de/news/{NEXT_YEAR}/01/geschichte-naechstes-jahr/index.html"
    marker = html.fromstring(german.read_text(encoding="utf-8")).find(
        ".//p[@class='portal-preview-marker']"
    )
    assert marker.text_content() == (
        f"Geplant — Geplant für den 5. Januar {NEXT_YEAR}; bis dahin erscheint er nur in der "
        "Vorschau."
    )
    listing = (output / "index.html").read_text(encoding="utf-8")
    assert "Draft: A draft about Seoul" in listing


def test_published_pages_carry_no_preview_marker(production: BuildResult):
    assert "portal-preview-marker" not in _all_html(production.output)


# --------------------------------------------------------------------------
# Content-Security-Policy


def _policy(page: html.HtmlElement) -> dict[str, list[str]]:
    metas = page.xpath("//head/meta[@http-equiv='Content-Security-Policy']")
    assert len(metas) == 1
    directives = {}
    for part in metas[0].get("content").split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def test_every_page_forbids_inline_script(sample_output: Path):
    pages = list(sample_output.rglob("*.html"))
    assert len(pages) > 40
    hosts = load_settings()["PORTAL"]["iframe_hosts"]
    for path in pages:
        policy = _policy(html.fromstring(path.read_bytes()))
        assert policy["script-src"] == ["'self'", "'wasm-unsafe-eval'"], path
        assert policy["default-src"] == ["'self'"]
        assert policy["style-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
        assert policy["img-src"] == ["'self'", "data:"]
        assert policy["frame-src"] == [f"https://{host}" for host in hosts]
        assert policy["connect-src"] == ["'self'"], "no WebSocket outside preview"


def test_the_theme_uses_nothing_the_policy_blocks(sample_output: Path):
    for path in sample_output.rglob("*.html"):
        page = html.fromstring(path.read_bytes())
        for script in page.iter("script"):
            data_block = script.get("type") in ("application/ld+json", "application/json")
            assert script.get("src") or data_block, f"inline script in {path}"
        assert not page.xpath("//*[@style]"), f"style attribute in {path}"
        assert not page.xpath("//style"), f"<style> in {path}"
        handlers = page.xpath("//@*[starts-with(name(), 'on')]")
        assert not handlers, f"event handler in {path}"
        assert not page.xpath("//@href[starts-with(normalize-space(.), 'javascript:')]")


def test_preview_allows_only_the_live_reload_socket_more(preview: BuildResult):
    page = html.fromstring((preview.output / "index.html").read_bytes())
    policy = _policy(page)
    assert policy["connect-src"] == ["'self'", "ws://127.0.0.1:*", "ws://localhost:*"]
    assert policy["script-src"] == ["'self'", "'wasm-unsafe-eval'"]
