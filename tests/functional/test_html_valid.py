"""The Nu HTML validator reports zero errors over every HTML page of the sample site.

Uses the current Nu HTML Checker, npm's `vnu-jar` pinned in tests/vnu/package.json
(`make test` installs it with `npm ci`; it needs Java, which `make test` also
installs). PORTAL_VNU_JAR points the test at another vnu.jar.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

NPM_JAR = ROOT / "tests" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
VNU_JAR = Path(os.environ.get("PORTAL_VNU_JAR") or NPM_JAR)


def vnu_command() -> list[str]:
    java = shutil.which("java")
    if java is None:
        pytest.fail("Java is not installed: the Nu validator needs it (make test installs it)",
                    pytrace=False)
    if not VNU_JAR.is_file():
        pytest.fail(f"{VNU_JAR} is missing: run `make test` (it runs npm ci in tests/vnu)",
                    pytrace=False)
    return [java, "-jar", str(VNU_JAR)]


def validate(files: list[str]) -> list[dict]:
    """Every error the Nu validator reports for `files`."""
    result = subprocess.run(
        [*vnu_command(), "--errors-only", "--skip-non-html", "--format", "json", *files],
        capture_output=True,
        encoding="utf-8",
        check=False,
    )
    report = json.loads(result.stderr or result.stdout)  # vnu writes its report to stderr
    return [m for m in report["messages"] if m.get("type") in ("error", "non-document-error")]


def describe(message: dict, root: Path) -> str:
    path = message.get("url", "").removeprefix("file:").removeprefix(str(root) + "/")
    return f"{path}:{message.get('lastLine', '?')}: {message.get('message')}"


def test_the_validator_is_current_and_catches_errors(tmp_path: Path):
    version = subprocess.run([*vnu_command(), "--version"], capture_output=True,
                             encoding="utf-8", check=True).stdout.strip()
    assert int(version.split(".")[0]) >= 26, version
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>x</title>'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"script-src 'self' "
        "'wasm-unsafe-eval'\"></head><body><p><div>a block in a paragraph</div></p>"
        '<svg viewBox="0 0 1 1"><text paint-order="stroke">x</text></svg></body></html>',
        encoding="utf-8",
    )
    errors = validate([str(page)])
    assert errors, "the validator found nothing wrong with invalid HTML"
    # CSP3's 'wasm-unsafe-eval' (Pagefind) and SVG 2's paint-order are valid today.
    assert all("wasm-unsafe-eval" not in e["message"] for e in errors)
    assert all("paint-order" not in e["message"] for e in errors)


def test_every_page_is_valid_html(sample_output: Path):
    files = sorted(str(p) for p in sample_output.rglob("*.html"))
    assert len(files) > 50
    errors = validate(files)
    assert not errors, "\n".join(describe(m, sample_output) for m in errors)
