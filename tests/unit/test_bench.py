"""The bench's own parts: measuring a child process, the tables, the snapshot."""

from __future__ import annotations

import sys
from pathlib import Path

from tools import bench


def _result(name: str, wall: float, exit_code: int = 0, phases: dict | None = None) -> dict:
    return {
        "name": name, "wall_s": wall, "cpu_s": wall, "max_rss_mb": 10.0,
        "peak_tree_pss_mb": 12.0, "peak_main_rss_mb": 9.0, "files": 3, "output_mb": 0.1,
        "exit_code": exit_code,
        "timings": {"phases": phases or {}, "writer": {"rendered": 2, "skipped": 1}}
        if phases is not None else {},
    }


def test_the_table_shows_each_build_against_stock():
    report = {"results": [_result("stock", 10.0), _result("cold", 5.0),
                          _result("unchanged", 1.0, exit_code=1)]}
    table = bench.format_table(report).splitlines()
    assert table[0].startswith("| build | wall (s) | CPU (s)")
    assert table[2].startswith("| stock | 10.0 | 10.0 |")
    assert table[3].startswith("| cold | 5.0 (0.50×) |")
    assert table[4].startswith("| unchanged FAILED | 1.0 (0.10×) |")


def test_the_phase_table_lists_the_largest_phases_of_our_builds():
    report = {"results": [
        _result("stock", 10.0),
        _result("cold", 5.0, phases={"reading": 3.0, "writing": 2.0}),
        _result("unchanged", 1.0, phases={"reading": 0.5}),
    ]}
    rows = bench.format_phases(report).splitlines()
    assert rows[0] == "| phase (s) | cold | unchanged |"
    assert rows[2] == "| reading | 3.0 | 0.5 |"
    assert rows[3] == "| writing | 2.0 | 0.0 |"
    assert rows[-1] == "| pages rendered / skipped | 2 / 1 | 2 / 1 |"


def test_measure_runs_a_child_and_reports_its_exit_and_resources(tmp_path: Path):
    log = tmp_path / "child.log"
    code = "import sys; print('hello'); sys.exit(3)"
    m = bench.measure("child", "a child", [sys.executable, "-c", code], log, cwd=tmp_path)
    assert m.exit_code == 3
    assert log.read_text() == "hello\n"
    assert m.max_rss_mb > 0 and m.cpu_s >= 0 and m.wall_s > 0


def test_the_snapshot_holds_the_code_not_caches_or_output(tmp_path: Path):
    project = bench.snapshot(tmp_path / "project")
    assert (project / "pelicanconf.py").is_file()
    assert (project / "plugins" / "portal" / "incremental.py").is_file()
    assert (project / "theme" / "templates" / "base.html").is_file()
    assert not (project / "output").exists() and not (project / ".cache").exists()
    assert not list(project.rglob("__pycache__"))
