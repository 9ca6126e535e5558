"""`invoke livereload`: a live preview for editors, with drafts, that survives bad edits.

Serves the preview build (`.build/preview`, never `output/`) on 127.0.0.1 and
watches `content/`, `theme/`, `plugins/` and the settings file. Every change
rebuilds the site with `PORTAL["preview"] = True` — drafts and scheduled articles
are shown, each marked "Draft" or "Scheduled" — and reloads the browser through
the pinned `livereload` package (its WebSocket and `/livereload.js`).

A build runs in a fresh Python process, so edits to plugins take effect and a
crash cannot stop the server. When a build fails, its problems are printed and the
last good site stays online with the problems shown at the top of every page; with
no good build yet, every page is the list of problems. The next good build clears
them.

Unlike livereload's own server (which injects an inline script), pages get an
external `<script src="/livereload.js">`, so the site's Content-Security-Policy
holds in preview too; preview only adds the WebSocket to `connect-src`.
"""

from __future__ import annotations

import argparse
import errno
import html
import json
import mimetypes
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PREVIEW_OVERRIDES: dict[str, Any] = {"PORTAL": {"preview": True}, "WITH_FUTURE_DATES": True}
RESULT_MARK = "PREVIEW-RESULT "
IGNORED_SUFFIXES = (".swp", ".swx", ".swo", "~", ".tmp", ".pyc", ".part")

PREVIEW_CSS = """\
.portal-preview-errors {
  margin: 0; padding: 1rem 1.5rem; border-bottom: 4px solid #b00020;
  background: #fff4f4; color: #1a1a1a; font: 1rem/1.5 system-ui, sans-serif;
}
.portal-preview-errors h2 { margin: 0 0 .5rem; font-size: 1.25rem; color: #b00020; }
.portal-preview-errors ul { margin: .5rem 0 0; padding-left: 1.25rem; }
.portal-preview-errors code { font-family: ui-monospace, monospace; white-space: pre-wrap; }
.portal-preview-marker {
  padding: .5rem .75rem; border-left: 4px solid #8a5a00; background: #fff8e5; color: #1a1a1a;
}
"""


# --------------------------------------------------------------------------
# Building (in a child process)


@dataclass
class BuildOutcome:
    """What one preview build did: success, its problems, its account line."""

    ok: bool
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    account: str = ""
    seconds: float = 0.0


def build_once(content: Path, output: Path, settings: Path) -> BuildOutcome:
    """Build the preview into `output` (in this process); the last good one stays on failure."""
    from tools.build import BuildError, build_site

    try:
        result = build_site(content, output, settings, overrides=PREVIEW_OVERRIDES)
    except BuildError as exc:
        build = exc.report
        if build is None:
            return BuildOutcome(False, [str(exc)])
        errors = [str(p) for p in build.errors] + list(build.logged_errors)
        if not errors:  # a crash outside the report: show its message
            errors = [str(exc).splitlines()[0]]
        warnings = [str(p) for p in build.warnings]
        return BuildOutcome(False, errors, warnings, build.account_line())
    build = result.report
    return BuildOutcome(True, [], [str(p) for p in build.warnings], build.account_line())


def build_in_child(content: Path, output: Path, settings: Path) -> BuildOutcome:
    """`build_once` in a fresh Python process: plugin edits apply, crashes stay there."""
    started = time.monotonic()
    command = [
        sys.executable,
        "-m",
        "tools.preview",
        "--build-once",
        "--content",
        str(content),
        "--output",
        str(output),
        "--settings",
        str(settings),
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    outcome = None
    for line in reversed(done.stdout.splitlines()):
        if line.startswith(RESULT_MARK):
            outcome = BuildOutcome(**json.loads(line[len(RESULT_MARK) :]))
            break
    if outcome is None:
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        outcome = BuildOutcome(False, ["the build crashed:", *tail])
    outcome.seconds = time.monotonic() - started
    return outcome


# --------------------------------------------------------------------------
# Serving


@dataclass
class PreviewState:
    """The preview folder and the outcome of the last build."""

    output: Path
    port: int
    last: BuildOutcome | None = None
    dirty: bool = False

    @property
    def failed(self) -> bool:
        return self.last is not None and not self.last.ok


def inject(page: str, state: PreviewState) -> str:
    """The livereload script (external) and, after a failed build, the problems."""
    head = (
        '<link rel="stylesheet" href="/__preview__/preview.css">'
        f'<script src="/livereload.js?port={state.port}"></script>'
    )
    if "</head>" in page:
        page = page.replace("</head>", head + "</head>", 1)
    if state.failed:
        start = page.find("<body")
        end = page.find(">", start) + 1 if start >= 0 else 0
        page = page[:end] + problems_section(state) + page[end:]
    return page


def problems_section(state: PreviewState) -> str:
    assert state.last is not None
    items = "".join(f"<li><code>{html.escape(line)}</code></li>" for line in state.last.errors)
    return (
        '<section class="portal-preview-errors" role="alert" '
        'aria-labelledby="portal-preview-errors-title">'
        '<h2 id="portal-preview-errors-title">The last edit did not build</h2>'
        "<p>You are seeing the last version that built. Fix these problems and save; "
        "the page reloads by itself.</p>"
        f"<ul>{items}</ul></section>"
    )


def error_page(state: PreviewState) -> str:
    """The page served for every URL while no build has succeeded yet."""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<title>Preview: the site did not build</title></head><body>"
        "<main><h1>The preview could not be built</h1>"
        "<p>No earlier version built either. Fix the problems below and save.</p></main>"
        "</body></html>"
    )


def resolve(root: Path, url_path: str) -> Path | None:
    """The file or folder under `root` for a URL path; None if it leaves `root`."""
    target = (root / url_path.lstrip("/")).resolve()
    root = root.resolve()
    if target != root and root not in target.parents:
        return None
    return target


def make_app(state: PreviewState, watcher: Any) -> Any:
    """The tornado application: livereload's WebSocket and script, and the site."""
    from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
    from tornado import web

    from tools.serve import EXTRA_TYPES

    for suffix, mime in EXTRA_TYPES.items():
        mimetypes.add_type(mime, suffix)

    class PreviewCss(web.RequestHandler):
        def get(self) -> None:
            self.set_header("Content-Type", "text/css; charset=utf-8")
            self.write(PREVIEW_CSS)

    class SiteHandler(web.RequestHandler):
        def set_default_headers(self) -> None:
            self.set_header("Cache-Control", "no-store")

        def get(self, path: str) -> None:
            root = state.output
            if not (root / "index.html").is_file():
                self.set_status(503)
                self._page(error_page(state) if state.failed else "<p>Building…</p>")
                return
            target = resolve(root, path)
            if target is not None and target.is_dir():
                if not self.request.path.endswith("/"):
                    query = f"?{self.request.query}" if self.request.query else ""
                    self.redirect(self.request.path + "/" + query)
                    return
                target = target / "index.html"
            if target is None or not target.is_file():
                raise web.HTTPError(404)
            mime = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            if mime == "text/html":
                self._page(target.read_text(encoding="utf-8", errors="replace"))
                return
            self.set_header("Content-Type", mime)
            self.write(target.read_bytes())

        def head(self, path: str) -> None:
            self.get(path)  # tornado sends the headers only

        def write_error(self, status_code: int, **kwargs: Any) -> None:
            page = state.output / "404.html"
            if status_code == 404 and page.is_file():
                self._page(page.read_text(encoding="utf-8", errors="replace"))
            else:
                super().write_error(status_code, **kwargs)

        def _page(self, page: str) -> None:
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(inject(page, state))

    LiveReloadHandler.watcher = watcher
    LiveReloadHandler.live_css = False
    return web.Application(
        [
            (r"/livereload", LiveReloadHandler),
            (r"/livereload.js", LiveReloadJSHandler),
            (r"/__preview__/preview\.css", PreviewCss),
            (r"/(.*)", SiteHandler),
        ]
    )


def ignored(path: str) -> bool:
    """Editors' temporary files and caches do not trigger a build."""
    name = os.path.basename(path)
    return (
        name.startswith((".#", "#"))
        or name.endswith(IGNORED_SUFFIXES)
        or "__pycache__" in path
        or name == "4913"  # vim's probe file
    )


def print_outcome(outcome: BuildOutcome) -> None:
    if outcome.ok:
        print(f"Built in {outcome.seconds:.1f} s. {outcome.account}", flush=True)
        for line in outcome.warnings:
            print(f"  warning: {line}", flush=True)
        return
    print("Build failed; still serving the last good site. Problems:", flush=True)
    for line in outcome.errors:
        print(f"  {line}", flush=True)


def serve_preview(
    content: Path, output: Path, settings: Path, port: int = 8000, host: str = "127.0.0.1"
) -> None:
    """Build, serve on http://127.0.0.1:PORT/, rebuild and reload on every change."""
    from livereload import Server
    from livereload.handlers import LiveReloadHandler
    from livereload.watcher import Watcher

    state = PreviewState(Path(output), port)

    def rebuild() -> None:
        state.last = build_in_child(Path(content), Path(output), Path(settings))
        print_outcome(state.last)

    def mark_dirty(*_args: Any) -> None:
        state.dirty = True

    class PreviewWatcher(Watcher):
        """Livereload's polling watcher; one build per batch of changes, then a reload."""

        def examine(self) -> tuple[str | None, Any]:
            self._changes.clear()  # livereload's "reload after start": pages are fresh
            super().examine()  # calls mark_dirty for every watched path that changed
            if state.dirty:
                state.dirty = False
                print("Change seen; rebuilding…", flush=True)
                rebuild()
                LiveReloadHandler.reload_waiters()
            return None, None  # livereload itself has nothing more to do

    class PreviewServer(Server):
        def application(self, port: int, host: str, **_kwargs: Any) -> None:
            make_app(state, self.watcher).listen(port, address=host)

    server = PreviewServer(watcher=PreviewWatcher())
    for path in (content, ROOT / "theme", ROOT / "plugins", settings):
        server.watch(str(path), mark_dirty, ignore=ignored)
    print(f"Building the preview of {content} into {output} …", flush=True)
    rebuild()
    print(
        f"Preview (drafts shown) on http://{host}:{port}/ — edits rebuild and reload; "
        "Ctrl-C stops.",
        flush=True,
    )
    try:
        server.serve(port=port, host=host, root=str(output), restart_delay=0)
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise
        print(f"Port {port} is in use; try another: invoke livereload --port {port + 1}")
        raise SystemExit(1) from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Live preview of the site with drafts.")
    parser.add_argument("--content", default=str(ROOT / "content"))
    parser.add_argument("--output", default=str(ROOT / ".build" / "preview"))
    parser.add_argument("--settings", default=str(ROOT / "pelicanconf.py"))
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--build-once", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    content, output, settings = Path(args.content), Path(args.output), Path(args.settings)
    if args.build_once:
        outcome = build_once(content, output, settings)
        print(RESULT_MARK + json.dumps(outcome.__dict__), flush=True)
        return 0 if outcome.ok else 1
    serve_preview(content, output, settings, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
