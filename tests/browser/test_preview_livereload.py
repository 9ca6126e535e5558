"""`invoke livereload` in Chromium: the CSP holds, the page reloads, a bad edit is shown.

The real preview (tools/preview.py) runs as a child process on a copy of a small
site; the page must raise no Content-Security-Policy violation while livereload's
script and WebSocket work, reload after an edit, and after a bad edit keep the last
good page with the problems on top.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.browser

BASE = ROOT / "tests" / "fixtures" / "bad-content" / "_base" / "content"
ABOUT = "pages/about.md"
WAIT = 90_000  # ms: a rebuild runs in a fresh process


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_served(url: str, process: subprocess.Popen) -> None:
    for _ in range(600):
        if process.poll() is not None:
            pytest.fail(f"the preview stopped: {process.stdout.read()}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail("the preview did not start")


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    content = tmp_path / "content"
    shutil.copytree(BASE, content)
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tools.preview",
            "--content",
            str(content),
            "--output",
            str(tmp_path / "preview"),
            "--port",
            str(port),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_served(url + "/about/", process)
        yield url, content
    finally:
        process.terminate()
        process.wait(timeout=10)


def _watch_csp(page) -> list[str]:
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return violations


def test_live_reload_works_under_the_sites_csp(browser, preview):
    url, _content = preview
    page = browser.new_page()
    violations = _watch_csp(page)
    with page.expect_websocket(timeout=WAIT) as opened:
        page.goto(url + "/about/")
    socket_ = opened.value
    assert socket_.url == url.replace("http", "ws") + "/livereload"
    socket_.wait_for_event("framereceived", timeout=WAIT)  # livereload's handshake
    policy = page.locator("meta[http-equiv='Content-Security-Policy']").get_attribute("content")
    assert "script-src 'self' 'wasm-unsafe-eval';" in policy
    assert "'unsafe-inline'" not in policy
    assert violations == []
    page.close()


def test_an_edit_reloads_and_a_bad_edit_keeps_the_last_good_page(browser, preview):
    url, content = preview
    page = browser.new_page()
    violations = _watch_csp(page)
    with page.expect_websocket(timeout=WAIT) as opened:
        page.goto(url + "/about/")
    opened.value.wait_for_event("framereceived", timeout=WAIT)
    about = content / ABOUT
    text = about.read_text(encoding="utf-8")

    with page.expect_navigation(timeout=WAIT):
        about.write_text(text + "\nA sentence added in the editor.\n", encoding="utf-8")
    assert "A sentence added in the editor." in page.content()
    assert page.locator(".portal-preview-errors").count() == 0

    with page.expect_navigation(timeout=WAIT):
        about.write_text(text.replace("Title: About", "Titel: About"), encoding="utf-8")
    banner = page.locator(".portal-preview-errors")
    assert banner.locator("h2").inner_text() == "The last edit did not build"
    assert banner.locator("li").all_inner_texts() == [
        "pages/about.md:1: Titel: unknown field for pages; did you mean 'Title'?",
        "pages/about.md:1: Title: is required for pages",
    ]
    assert "A sentence added in the editor." in page.content(), "the last good page stays"

    with page.expect_navigation(timeout=WAIT):
        about.write_text(text, encoding="utf-8")
    assert page.locator(".portal-preview-errors").count() == 0
    assert "A sentence added in the editor." not in page.content()
    assert violations == []
    page.close()
