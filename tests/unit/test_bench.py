"""The bench's own parts: measuring a child process, the tables, the snapshot."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
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


def test_the_table_shows_each_build_against_each_stock_peer():
    report = {"results": [_result("stock", 10.0), _result("stock-site", 20.0),
                          _result("cold", 5.0), _result("unchanged", 1.0, exit_code=1)]}
    table = bench.format_table(report).splitlines()
    assert table[0].startswith("| build | wall (s) | CPU (s)")
    assert table[2].startswith("| stock | 10.0 | 10.0 |")
    assert table[3].startswith("| stock-site | 20.0 | 20.0 |")
    assert table[4].startswith("| cold | 5.0 (0.50× stock, 0.25× stock-site) |")
    assert table[5].startswith("| unchanged FAILED | 1.0 (0.10× stock, 0.05× stock-site) |")


def test_stock_gets_the_articles_site_pages_and_city_profiles_as_pages(tmp_path: Path):
    content = tmp_path / "content"
    for folder, name, text in (
        ("articles/2001", "a.md", "Title: A\nDate: 2001-01-01\n\nBody."),
        ("pages", "about.md", "Title: About\n\nBody."),
        ("cities", "seoul.md", "Name: Seoul\nCountry: KR\n\nProfile."),
        ("mous", "m.md", "Parties: seoul, barcelona\n\nRecord."),
    ):
        (content / folder).mkdir(parents=True, exist_ok=True)
        (content / folder / name).write_text(text, encoding="utf-8")
    dest = tmp_path / "stock"
    assert bench.stock_site_content(content, dest) == 3
    assert (dest / "articles/2001/a.md").is_file()
    assert (dest / "pages/about.md").is_file()
    profile = (dest / "pages/cities/seoul.md").read_text(encoding="utf-8")
    assert profile == "Title: Seoul\nName: Seoul\nCountry: KR\n\nProfile."
    assert not (dest / "mous").exists()


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


def test_tree_memory_sums_a_process_and_its_descendants():
    code = (
        "import subprocess, sys, time\n"
        "block = bytearray(40 * 1024 * 1024)\n"  # 40 MB of its own, touched
        "child = subprocess.Popen([sys.executable, '-c', "
        "'import time; b = bytearray(30 * 1024 * 1024); time.sleep(30)'])\n"
        "print('ready', flush=True); time.sleep(30)\n"
    )
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)
    try:
        assert process.stdout is not None and process.stdout.readline() == b"ready\n"
        memory = bench._TreeMemory(process.pid)
        deadline = time.monotonic() + 10
        while len(memory.tree()) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # the grandchild has touched its 30 MB
        assert len(memory.tree()) == 2
        assert memory.sample() > 70 * 1024  # KB: both blocks, each counted once
    finally:
        for pid in bench._TreeMemory(process.pid).tree() - {process.pid}:
            os.kill(pid, signal.SIGKILL)
        process.kill()
        process.wait()


def test_a_tree_that_changes_while_it_is_read_is_read_again(monkeypatch):
    memory = bench._TreeMemory(os.getpid())
    looks = iter([{1}, {1, 2}, {1, 2}, {1, 2}])  # a process forked during the first read
    monkeypatch.setattr(memory, "tree", lambda: next(looks))
    monkeypatch.setattr(bench, "_pss_kb", lambda pid: 100 if pid == 1 else 50)
    assert memory.sample() == 150  # the second, consistent look; not 100 from the first


def test_the_last_runs_work_folder_is_moved_aside_not_deleted(tmp_path: Path):
    work = tmp_path / "work-10"
    (work / "output").mkdir(parents=True)
    (work / "output" / "index.html").write_text("old", encoding="utf-8")
    retired = bench._retire(work)
    assert not work.exists()
    assert len(retired) == 1 and (retired[0] / "output" / "index.html").read_text() == "old"
    work.mkdir()
    assert bench._retire(work) == sorted(tmp_path.glob("work-10.old-*")) and len(retired) == 1
    assert len(list(tmp_path.glob("work-10.old-*"))) == 2
