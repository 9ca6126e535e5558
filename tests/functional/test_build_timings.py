"""PORTAL_BUILD_TIMINGS: where a build's wall and CPU time went, for the bench."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from tests.conftest import ROOT
from tools.build import build_site

BASE = ROOT / "tests" / "fixtures" / "bad-content" / "_base" / "content"


@pytest.fixture(scope="module")
def timings(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The small base site built once with PORTAL_BUILD_TIMINGS set: the JSON it wrote."""
    root = tmp_path_factory.mktemp("timings")
    shutil.copytree(BASE, root / "content")
    report = root / "timings.json"
    os.environ["PORTAL_BUILD_TIMINGS"] = str(report)
    try:
        build_site(root / "content", root / "output")
    finally:
        del os.environ["PORTAL_BUILD_TIMINGS"]
    return json.loads(report.read_text(encoding="utf-8"))


def test_each_generator_phase_has_its_wall_time_cpu_time_and_peak_memory(timings: dict):
    for phase in ("ArticlesGenerator.generate_context", "ArticlesGenerator.generate_output"):
        assert timings["phases"][phase] >= 0
        assert timings["cpu_s"][phase] >= 0
        assert timings["peak_rss_mb"][phase] > 0
    assert "finalized: sitemap, search index, link checks" in timings["phases"]


def test_the_cpu_after_the_output_phase_and_of_the_whole_build_are_given(timings: dict):
    cpu = timings["cpu_s"]
    whole = cpu["whole build"]
    assert whole > 0
    assert 0 < cpu["after the output phase: finalized, keeping, swap"] <= whole
    assert all(seconds <= whole for seconds in cpu.values())
    assert timings["writer"]["rendered"] > 0
