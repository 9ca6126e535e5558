"""Shared fixtures. Each fixture site is built once per test run (session scope)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "plugins"))

from tools.build import BuildResult, build_site  # noqa: E402

SAMPLE_CONTENT = ROOT / "content"


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The sample content built with the development settings, once per run."""
    output = tmp_path_factory.mktemp("sample-site") / "output"
    return build_site(SAMPLE_CONTENT, output)


@pytest.fixture(scope="session")
def sample_output(sample_site: BuildResult) -> Path:
    return sample_site.output


def read_page(output: Path, url_path: str) -> str:
    """The HTML of the page at `url_path` (e.g. "cities/seoul/")."""
    path = output / url_path
    if url_path.endswith("/") or url_path == "":
        path = path / "index.html"
    return path.read_text(encoding="utf-8")
