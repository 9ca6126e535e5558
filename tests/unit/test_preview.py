"""The live preview (tools/preview.py): serving, the error banner, builds that fail safely."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tornado.testing import AsyncHTTPTestCase

from tests.conftest import ROOT
from tools.preview import (
    BuildOutcome,
    PreviewState,
    build_in_child,
    ignored,
    inject,
    make_app,
    resolve,
)

BASE = ROOT / "tests" / "fixtures" / "bad-content" / "_base" / "content"
PAGE = '<!DOCTYPE html><html><head><title>T</title></head><body class="x"><p>Hi</p></body></html>'


def test_pages_get_the_external_live_reload_script():
    state = PreviewState(Path("/nowhere"), 8123)
    page = inject(PAGE, state)
    assert page == PAGE.replace(
        "</head>",
        '<link rel="stylesheet" href="/__preview__/preview.css">'
        '<script src="/livereload.js?port=8123"></script></head>',
    )
    assert "<script>" not in page, "no inline script: the CSP holds in preview"


def test_after_a_failed_build_every_page_shows_the_problems():
    state = PreviewState(Path("/nowhere"), 8123)
    state.last = BuildOutcome(False, ["articles/x.md:3: Date: <bad> & worse"])
    page = inject(PAGE, state)
    section = page[page.index('<body class="x">') + len('<body class="x">') :]
    assert section.startswith('<section class="portal-preview-errors" role="alert"')
    assert '<h2 id="portal-preview-errors-title">The last edit did not build</h2>' in section
    assert "<li><code>articles/x.md:3: Date: &lt;bad&gt; &amp; worse</code></li>" in section
    assert section.endswith("<p>Hi</p></body></html>")


def test_paths_stay_inside_the_preview_folder(tmp_path: Path):
    assert resolve(tmp_path, "cities/seoul/") == tmp_path.resolve() / "cities" / "seoul"
    assert resolve(tmp_path, "") == tmp_path.resolve()
    assert resolve(tmp_path, "../secret") is None
    assert resolve(tmp_path, "a/../../secret") is None


@pytest.mark.parametrize(
    ("path", "skip"),
    [
        ("content/articles/x.md", False),
        ("theme/templates/base.html", False),
        ("content/articles/.x.md.swp", True),
        ("content/articles/x.md~", True),
        ("content/articles/.#x.md", True),
        ("plugins/portal/__pycache__/model.cpython-311.pyc", True),
        ("content/articles/4913", True),
    ],
)
def test_editor_temporary_files_do_not_rebuild(path: str, skip: bool):
    assert ignored(path) is skip


class PreviewServerTest(AsyncHTTPTestCase):
    """The tornado application, against a small built site."""

    def setUp(self) -> None:
        self.folder = Path(self.enterContext(_TempDir()))
        (self.folder / "cities" / "seoul").mkdir(parents=True)
        (self.folder / "index.html").write_text(PAGE, encoding="utf-8")
        (self.folder / "cities" / "seoul" / "index.html").write_text(PAGE, encoding="utf-8")
        (self.folder / "404.html").write_text(PAGE.replace("Hi", "Not here"), encoding="utf-8")
        (self.folder / "feed.atom").write_text("<feed/>", encoding="utf-8")
        self.state = PreviewState(self.folder, 8123)
        super().setUp()

    def get_app(self):
        return make_app(self.state, watcher=None)

    def test_serves_folders_with_the_script(self):
        response = self.fetch("/cities/seoul/")
        assert response.code == 200
        body = response.body.decode()
        assert '<script src="/livereload.js?port=8123"></script></head>' in body
        assert response.headers["Cache-Control"] == "no-store"

    def test_redirects_a_folder_without_its_slash(self):
        response = self.fetch("/cities/seoul?x=1", follow_redirects=False)
        assert response.code == 302
        assert response.headers["Location"] == "/cities/seoul/?x=1"

    def test_other_files_are_served_as_they_are(self):
        response = self.fetch("/feed.atom")
        assert response.body == b"<feed/>"
        assert response.headers["Content-Type"] == "application/atom+xml"

    def test_a_missing_page_is_the_sites_404_page(self):
        for path in ("/nowhere/", "/../../etc/passwd"):
            response = self.fetch(path)
            assert response.code == 404
            assert "Not here" in response.body.decode()

    def test_a_failed_build_keeps_the_last_good_site_with_its_problems(self):
        self.state.last = BuildOutcome(False, ["pages/about.md:1: Title: is required for pages"])
        body = self.fetch("/").body.decode()
        assert "<p>Hi</p>" in body, "the last good site is still served"
        assert "pages/about.md:1: Title: is required for pages" in body

    def test_without_any_good_build_every_page_lists_the_problems(self):
        (self.folder / "index.html").unlink()
        self.state.last = BuildOutcome(False, ["pages/about.md:1: Title: is required for pages"])
        response = self.fetch("/cities/seoul/")
        assert response.code == 503
        body = response.body.decode()
        assert "<h1>The preview could not be built</h1>" in body
        assert "pages/about.md:1: Title: is required for pages" in body
        assert '<script src="/livereload.js?port=8123">' in body, "it reloads once fixed"

    def test_the_live_reload_script_and_the_banner_style_are_served(self):
        script = self.fetch("/livereload.js")
        assert script.code == 200 and b"LiveReload" in script.body
        style = self.fetch("/__preview__/preview.css")
        assert style.headers["Content-Type"].startswith("text/css")
        assert b".portal-preview-errors" in style.body


class _TempDir:
    def __enter__(self) -> str:
        import tempfile

        self.path = tempfile.mkdtemp()
        return self.path

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def test_a_bad_edit_keeps_the_last_good_preview(tmp_path: Path):
    """Builds run in a child process; a failed one reports and leaves the site as it was."""
    content = tmp_path / "content"
    shutil.copytree(BASE, content)
    draft = content / "articles/2020/2020-02-01-draft.md"
    draft.write_text(
        "Title: A draft\nId: 2020-a-draft\nDate: 2020-02-01\nCategory: Cooperation\n"
        "Source: X | 2020-02-01\nSummary: S.\nStatus: draft\n\nDraft text.\n",
        encoding="utf-8",
    )
    output = tmp_path / "preview"
    good = build_in_child(content, output, ROOT / "pelicanconf.py")
    assert good.ok, good.errors
    assert good.account == (
        "8 content files: 7 published, 1 draft, 0 scheduled, 0 hidden, 0 rejected"
    )
    shown = (output / "news/2020/02/a-draft/index.html").read_text(encoding="utf-8")
    assert "<strong>Draft</strong>" in shown
    before = {p: p.read_bytes() for p in output.rglob("*") if p.is_file()}

    draft.write_text(draft.read_text(encoding="utf-8").replace("Category", "Catgory"), "utf-8")
    bad = build_in_child(content, output, ROOT / "pelicanconf.py")
    assert not bad.ok
    assert bad.errors == [
        "articles/2020/2020-02-01-draft.md:1: Category: is required for articles",
        "articles/2020/2020-02-01-draft.md:4: Catgory: unknown field for articles; "
        "did you mean 'Category'?",
    ]
    assert {p: p.read_bytes() for p in output.rglob("*") if p.is_file()} == before
