"""The build benchmark: stock Pelican and the portal, side by side, on one corpus.

`invoke bench --articles N` generates a deterministic corpus (`tools/corpus.py`) in
`.bench/work-N/` and measures, in one run and each as its own process:

  stock      stock Pelican 4.12, its default theme and settings, on the same articles
  stock-site the same, given the city profiles and site pages as well (as pages, the
             way the issue profiled stock: "1,000 articles plus 200 city pages")
  cold       our full build, with no output and no build cache
  unchanged  our rebuild with nothing changed
  edit-one   our rebuild after one article's body was edited
  add-one    our rebuild after one article was added

The portal is measured as it stands when the bench starts: the project's code,
theme and settings are copied into `.bench/work-N/project/` first, so edits made
elsewhere during a long run do not change what is measured.

For each: wall time, CPU time (user + sys of the process and everything it waited
for, from `wait4`), the peak RSS of the largest process, and the peak memory of the
whole process tree (sum of PSS, sampled), and what was written. The table is
printed and the numbers are written as JSON (default `.bench/bench-N.json`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools import corpus as corpus_tool  # noqa: E402

VENV_BIN = Path(sys.executable).parent
SNAPSHOT = ("tasks.py", "pelicanconf.py", "plugins", "theme", "tools")
STOCK_SETTINGS = '''\
"""Stock Pelican for the benchmark: its default theme and settings."""
TIMEZONE = "Europe/Berlin"
'''


def stock_site_content(content: Path, dest: Path) -> int:
    """Copy the corpus as stock Pelican can read it: articles, site pages, city pages.

    Stock Pelican builds what it can of the same files: the articles as articles,
    the site's pages and the city profiles as pages (each given a `Title:` from its
    `Name:`, the one field stock requires that a profile names differently). MOU
    records and events have no counterpart in a stock site and are left out.
    Returns the number of content files copied.
    """
    shutil.copytree(content / "articles", dest / "articles")
    shutil.copytree(content / "pages", dest / "pages")
    cities = dest / "pages" / "cities"
    cities.mkdir(parents=True)
    for profile in sorted((content / "cities").glob("*.md")):
        text = profile.read_text(encoding="utf-8")
        name = next(
            line.partition(":")[2].strip() for line in text.splitlines() if line.startswith("Name:")
        )
        (cities / profile.name).write_text(f"Title: {name}\n{text}", encoding="utf-8")
    return sum(1 for _ in dest.rglob("*.md"))


@dataclass
class Measurement:
    """One build, measured from outside its process."""

    name: str
    description: str
    wall_s: float
    cpu_s: float
    user_s: float
    sys_s: float
    max_rss_mb: float  # the largest single process (for us: Pagefind's, at scale)
    peak_tree_pss_mb: float  # all processes of the build together, sampled
    peak_main_rss_mb: float  # the build's own Python process, sampled
    exit_code: int
    files: int = 0
    html_files: int = 0
    output_mb: float = 0.0
    notes: dict[str, str] = field(default_factory=dict)
    timings: dict = field(default_factory=dict)  # our builds: where the time went


class _TreeMemory:
    """Samples the summed PSS of a process and all its descendants."""

    def __init__(self, pid: int, interval: float = 0.1):
        self.pid = pid
        self.interval = interval
        self.peak_kb = 0
        self.main_peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> _TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, self.sample())
            self.main_peak_kb = max(self.main_peak_kb, self.main_rss())
            self._stop.wait(self.interval)

    def main_rss(self) -> int:
        return _proc_kb(f"/proc/{self.pid}/status", "VmHWM:")

    def sample(self) -> int:
        """The tree's summed PSS, from one consistent look at it.

        A process forked between reading its parent and reading it would count the
        pages they share once fully (the parent, read before the fork) and once
        halved (the child): half the parent again, for a moment that never was. So a
        sample counts only when the tree is the same processes after the reads as
        before them; otherwise it is taken again.
        """
        for _attempt in range(5):
            before = self.tree()
            total = sum(_pss_kb(pid) for pid in before)
            if self.tree() == before:
                return total
        return 0  # the tree kept changing: no sample this time

    def tree(self) -> set[int]:
        """The process and all its descendants, now."""
        parents: dict[int, int] = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as fh:
                    stat = fh.read()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
        tree, frontier = {self.pid}, [self.pid]
        while frontier:
            parent = frontier.pop()
            for pid, ppid in parents.items():
                if ppid == parent and pid not in tree:
                    tree.add(pid)
                    frontier.append(pid)
        return {pid for pid in tree if pid in parents}


def _pss_kb(pid: int) -> int:
    return _proc_kb(f"/proc/{pid}/smaps_rollup", "Pss:")


def _proc_kb(path: str, field_name: str) -> int:
    """The kB value of the line starting with `field_name` in a /proc file; 0 if gone."""
    try:
        with open(path, encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field_name):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def measure(
    name: str,
    description: str,
    argv: Sequence[str],
    log: Path,
    cwd: Path = ROOT,
    env: dict[str, str] | None = None,
) -> Measurement:
    """Run `argv` as a child process and measure it; its output goes to `log`."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})}
    with open(log, "wb") as out:
        start = time.perf_counter()
        process = subprocess.Popen(
            list(argv), cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=env
        )
        with _TreeMemory(process.pid) as memory:
            _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return Measurement(
        name=name,
        description=description,
        wall_s=round(wall, 2),
        cpu_s=round(usage.ru_utime + usage.ru_stime, 2),
        user_s=round(usage.ru_utime, 2),
        sys_s=round(usage.ru_stime, 2),
        max_rss_mb=round(usage.ru_maxrss / 1024, 1),
        peak_tree_pss_mb=round(memory.peak_kb / 1024, 1),
        peak_main_rss_mb=round(memory.main_peak_kb / 1024, 1),
        exit_code=process.returncode,
    )


def snapshot(dest: Path) -> Path:
    """Copy the project's code, theme and settings: what this run measures."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")
    dest.mkdir(parents=True)
    for name in SNAPSHOT:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=ignore)
        else:
            shutil.copy2(source, dest / name)
    return dest


def _count_output(measurement: Measurement, output: Path) -> None:
    files = html = size = 0
    for folder, _dirs, names in os.walk(output):
        for name in names:
            files += 1
            html += name.endswith(".html")
            size += os.path.getsize(os.path.join(folder, name))
    measurement.files, measurement.html_files = files, html
    measurement.output_mb = round(size / 1_000_000, 1)


def _tail(log: Path, lines: int = 15) -> str:
    return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def _retire(work: Path) -> list[Path]:
    """Move `work` aside (a rename: nothing deleted yet); all folders retired so far."""
    if work.exists():
        work.rename(work.with_name(f"{work.name}.old-{os.getpid()}-{time.time_ns()}"))
    return sorted(work.parent.glob(f"{work.name}.old-*"))


def run(
    articles: int = 10_000,
    out: Path | None = None,
    *,
    stock: bool = True,
    seed: int = corpus_tool.CorpusSpec.seed,
) -> dict:
    """Generate the corpus, run every measurement, print the table, write the JSON."""
    work = ROOT / ".bench" / f"work-{articles}"
    out = out or ROOT / ".bench" / f"bench-{articles}.json"
    # The last run's files are deleted only after this run has measured everything:
    # for minutes after many files are deleted, this VM's ext4 makes each new file
    # several times slower (12,000 folders and files: 0.9 s, then 3.7-8.8 s), which
    # would charge the bench's own clean-up to whichever build ran next.
    retired = _retire(work)
    work.mkdir(parents=True)
    content, output = work / "content", work / "output"
    project = snapshot(work / "project")
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    started = time.perf_counter()
    corpus = corpus_tool.generate(content, corpus_tool.CorpusSpec(articles=articles, seed=seed))
    print(
        f"corpus: {corpus.files} content files ({len(corpus.articles)} articles, "
        f"{len(corpus.translations)} German translations, {len(corpus.cities)} cities, "
        f"{corpus.mous} MOUs, {corpus.events} events) in "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )

    results: list[Measurement] = []

    def record(m: Measurement, log: Path, built: Path | None) -> None:
        if built is not None and m.exit_code == 0:
            _count_output(m, built)
        if m.exit_code != 0:
            m.notes["log"] = _tail(log)
            print(
                f"{m.name} FAILED (exit {m.exit_code}); log: {log}\n{m.notes['log']}",
                file=sys.stderr,
                flush=True,
            )
        results.append(m)
        print(
            f"{m.name:<10} {m.wall_s:8.1f} s wall {m.cpu_s:8.1f} s CPU "
            f"{m.peak_main_rss_mb:6.0f} MB build process {m.max_rss_mb:6.0f} MB largest "
            f"{m.peak_tree_pss_mb:6.0f} MB all",
            flush=True,
        )

    if stock:
        settings = work / "stockconf.py"
        settings.write_text(STOCK_SETTINGS, encoding="utf-8")
        articles_only = work / "stock-content"
        shutil.copytree(content / "articles", articles_only / "articles")
        site_files = stock_site_content(content, work / "stock-site-content")
        peers = (
            (
                "stock",
                "stock Pelican 4.12, default theme and settings, same articles",
                articles_only,
            ),
            (
                "stock-site",
                f"stock Pelican 4.12, default theme and settings, same articles plus site "
                f"pages and city profiles as pages ({site_files} files)",
                work / "stock-site-content",
            ),
        )
        for name, description, peer_content in peers:
            peer_output, log = work / f"{name}-output", work / f"{name}.log"
            m = measure(
                name,
                description,
                [
                    str(VENV_BIN / "pelican"),
                    str(peer_content),
                    "-s",
                    str(settings),
                    "-o",
                    str(peer_output),
                    "--fatal",
                    "errors",
                ],
                log,
            )
            record(m, log, peer_output)

    shutil.rmtree(project / ".cache", ignore_errors=True)  # cold: no build cache
    ours = [
        str(VENV_BIN / "invoke"),
        "--search-root",
        str(project),
        "build",
        "--content",
        str(content),
        "--output",
        str(output),
    ]

    def ours_step(name: str, description: str) -> Measurement:
        log, timings = work / f"{name}.log", work / f"{name}-timings.json"
        m = measure(
            name, description, ours, log, cwd=project, env={"PORTAL_BUILD_TIMINGS": str(timings)}
        )
        if timings.exists():
            m.timings = json.loads(timings.read_text(encoding="utf-8"))
        record(m, log, output)
        return m

    ours_step("cold", "our full build: no output folder, no build cache")
    ours_step("unchanged", "our rebuild, nothing changed")
    edited = content / corpus.articles[len(corpus.articles) // 2]
    corpus_tool.edit_body(edited)
    m = ours_step("edit-one", "our rebuild after editing one article's body")
    m.notes["edited"] = str(edited.relative_to(content))
    added = corpus_tool.add_article(content, number=articles + 1)
    m = ours_step("add-one", "our rebuild after adding one article")
    m.notes["added"] = str(added.relative_to(content))

    report = {
        "articles": articles,
        "corpus": {
            "content_files": corpus.files,
            "articles": len(corpus.articles),
            "translations": len(corpus.translations),
            "cities": len(corpus.cities),
            "mous": corpus.mous,
            "events": corpus.events,
            "seed": seed,
        },
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "commit": _git_commit(),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load_average_at_start": load_at_start,
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "results": [asdict(r) for r in results],
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    for old in retired:
        shutil.rmtree(old, ignore_errors=True)
    print()
    print(format_table(report))
    print()
    print(format_phases(report))
    print(f"\nJSON: {out}")
    return report


def format_phases(report: dict, top: int = 12) -> str:
    """Where each of our builds spent its time (the largest phases), as Markdown."""
    ours = [r for r in report["results"] if r.get("timings")]
    if not ours:
        return ""
    totals: dict[str, float] = {}
    for r in ours:
        for phase, seconds in r["timings"]["phases"].items():
            totals[phase] = totals.get(phase, 0.0) + seconds
    phases = sorted(totals, key=lambda p: -totals[p])[:top]
    rows = [
        "| phase (s) | " + " | ".join(r["name"] for r in ours) + " |",
        "|---|" + "---:|" * len(ours),
    ]
    for phase in phases:
        cells = [f"{r['timings']['phases'].get(phase, 0.0):.1f}" for r in ours]
        rows.append(f"| {phase} | " + " | ".join(cells) + " |")
    writers = [r["timings"]["writer"] for r in ours]
    pages = [f"{w.get('rendered', 0)} / {w.get('skipped', 0)}" for w in writers]
    rows.append("| pages rendered / skipped | " + " | ".join(pages) + " |")
    return "\n".join(rows)


def format_table(report: dict) -> str:
    """The results as a Markdown table (also what docs/BENCHMARKS.md shows)."""
    rows = [
        "| build | wall (s) | CPU (s) | build process peak RSS (MB) | largest process "
        "peak RSS (MB) | all processes peak PSS (MB) | files | output (MB) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    peers = [r for r in report["results"] if r["name"].startswith("stock") and r["wall_s"]]
    for r in report["results"]:
        ratios = [
            f"{r['wall_s'] / peer['wall_s']:.2f}× {peer['name']}"
            for peer in peers
            if not r["name"].startswith("stock")
        ]
        ratio = f" ({', '.join(ratios)})" if ratios else ""
        failed = " FAILED" if r["exit_code"] else ""
        rows.append(
            f"| {r['name']}{failed} | {r['wall_s']:.1f}{ratio} | {r['cpu_s']:.1f} | "
            f"{r.get('peak_main_rss_mb', 0):.0f} | {r['max_rss_mb']:.0f} | "
            f"{r['peak_tree_pss_mb']:.0f} | {r['files']} | {r['output_mb']:.1f} |"
        )
    return "\n".join(rows)


def _git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--no-stock", action="store_true", help="skip stock Pelican")
    args = parser.parse_args(argv)
    report = run(args.articles, args.out, stock=not args.no_stock)
    if any(r["exit_code"] for r in report["results"]):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
