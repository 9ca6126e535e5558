"""Feeds on incremental rebuilds: only the feed files that show a changed body are made.

One session fixture builds a small generated corpus with `max_items` 3 (so every
feed has RFC 5005 archive pages), then, each time rebuilding into the same output
and noting which feed files the feeds generator made:

1. an article's body is edited;
2. nothing changes (the feeds generator is reused whole);
3. another article's and a MOU's bodies are edited;
4. an article's header changes (the site digest: every feed file is made again).

After steps 1, 3 and 4 the output is compared with a clean build of the same content
(byte for byte, every file); after step 4 also with a clean build whose feed files
are all made in-process (no forked workers). After body edits, the files made must be exactly the
feed files that hold an edited entry, and every other file keeps its inode.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from feeds.generator import PARALLEL_MIN_FILES, FeedsGenerator
from portal import incremental

from tests.conftest import ROOT
from tests.functional.test_incremental import assert_same_tree, inodes, tree
from tools import corpus
from tools.build import build_site

pytestmark = pytest.mark.slow

SPEC = corpus.CorpusSpec(articles=30, cities=8, mous=8, events=3, seed=23)
FEEDS = {"max_items": 3}
FIRST_NOTE = "A first paragraph only this article shows."
SECOND_NOTE = "A second paragraph only this other article shows."
MOU_NOTE = "A paragraph only this MOU shows."


@dataclass
class Step:
    made: list[str]  # feed files (site-relative) the feeds generator made
    before: dict[str, int]  # inodes before the rebuild
    after: dict[str, int]  # inodes after it
    files: dict[str, bytes]  # the output after it
    rebuilt: Path | None  # a copy of the output after it
    clean: Path | None  # a clean build of the same content
    serial: Path | None  # the same, every feed file made in-process
    full: bool
    reason: str  # why the writer rendered all or some pages


@dataclass
class Run:
    steps: dict[str, Step] = field(default_factory=dict)


def _feed_files(files: dict[str, bytes]) -> set[str]:
    return {name for name in files if name.startswith("feeds/")}


@pytest.fixture(scope="session")
def feeds_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    root = tmp_path_factory.mktemp("feeds-incremental")
    content, output = root / "content", root / "output"
    corpus.generate(content, SPEC)
    shutil.copytree(ROOT / "theme", root / "theme")  # steady while the checkout changes
    overrides: dict[str, Any] = {
        "CACHE_PATH": str(root / "cache"),
        "FEEDS": FEEDS,
        "THEME": str(root / "theme"),
        "PERFORMANCE": {"workers": 2},  # full builds make their feed files in two workers
    }
    # The files made, one URL a line: appended to by forked feed workers too.
    made_log = root / "made.log"
    made_log.touch()
    write = FeedsGenerator._write

    def spy(self: FeedsGenerator, url: str, data: bytes, sources: Any = ()) -> None:
        with open(made_log, "a", encoding="utf-8") as log:
            log.write(url + "\n")
        write(self, url, data, sources)

    articles = sorted(
        p for p in (content / "articles").rglob("*.md") if not p.name.endswith(".de.md")
    )
    run = Run()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(FeedsGenerator, "_write", spy)
        patch.setattr("feeds.generator.ROUND_SIZE", 7)  # workers in several rounds
        build_site(content, output, overrides=overrides)

        def step(
            name: str, change: Callable[[], None], compare: bool = True, serial: bool = False
        ) -> None:
            change()
            made_log.write_text("", encoding="utf-8")
            before = inodes(output)
            build_site(content, output, overrides=overrides)
            state = incremental.current()
            made_here = made_log.read_text(encoding="utf-8").splitlines()
            after, files = inodes(output), tree(output)
            rebuilt = clean = in_process = None
            if compare:
                rebuilt, clean = root / f"rebuilt-{name}", root / f"clean-{name}"
                shutil.copytree(output, rebuilt)
                clean_cache = str(root / f"clean-cache-{name}")
                build_site(content, clean, overrides={**overrides, "CACHE_PATH": clean_cache})
            if serial:
                in_process = root / f"serial-{name}"
                with pytest.MonkeyPatch.context() as in_one_process:
                    in_one_process.setattr("feeds.generator.PARALLEL_MIN_FILES", 10**9)
                    build_site(
                        content,
                        in_process,
                        overrides={**overrides, "CACHE_PATH": str(root / f"serial-cache-{name}")},
                    )
            run.steps[name] = Step(
                made_here,
                before,
                after,
                files,
                rebuilt,
                clean,
                in_process,
                state.full,
                state.reason,
            )

        step("first", lambda: corpus.edit_body(articles[len(articles) // 2], FIRST_NOTE))
        step("unchanged", lambda: None, compare=False)

        def second() -> None:
            corpus.edit_body(articles[2], SECOND_NOTE)  # an old one: in archive pages
            corpus.edit_body(sorted((content / "mous").glob("*.md"))[0], MOU_NOTE)

        step("second", second)

        def header() -> None:
            path = articles[5]
            text = path.read_text(encoding="utf-8")
            path.write_text(
                re.sub(r"^Title: .*$", "Title: A new title", text, count=1, flags=re.M),
                encoding="utf-8",
            )

        step("header", header, serial=True)
    return run


def _showing(files: dict[str, bytes], *notes: str) -> set[str]:
    return {
        name for name in _feed_files(files) if any(note.encode() in files[name] for note in notes)
    }


@pytest.mark.parametrize("name", ["first", "second", "header"])
def test_the_rebuild_equals_a_clean_build(feeds_run: Run, name: str):
    step = feeds_run.steps[name]
    assert step.rebuilt is not None and step.clean is not None
    assert_same_tree(step.rebuilt, step.clean)


@pytest.mark.parametrize(
    ("name", "notes"), [("first", (FIRST_NOTE,)), ("second", (SECOND_NOTE, MOU_NOTE))]
)
def test_a_body_edit_makes_only_the_feed_files_that_show_the_body(
    feeds_run: Run, name: str, notes: tuple[str, ...]
):
    step = feeds_run.steps[name]
    assert not step.full
    showing = _showing(step.files, *notes)
    archives = {n for n in showing if n.startswith("feeds/archive/")}
    assert archives, "the edited entries are in no archive page: the test proves less"
    assert sorted(step.made) == sorted(showing)
    kept = _feed_files(step.files) - showing
    assert len(kept) > len(showing)
    moved = sorted(n for n in kept if step.before.get(n) != step.after[n])
    assert moved == [], f"feed files rewritten although they show no edited body: {moved[:5]}"
    assert all(step.before.get(n) != step.after[n] for n in showing)


def test_feed_files_made_in_workers_equal_those_made_in_process(feeds_run: Run):
    step = feeds_run.steps["header"]
    assert step.clean is not None and step.serial is not None
    assert len(step.made) >= PARALLEL_MIN_FILES, "the full build made its feeds in-process"
    clean, serial = tree(step.clean / "feeds"), tree(step.serial / "feeds")
    assert clean.keys() == serial.keys()
    assert [name for name in clean if clean[name] != serial[name]] == []


def test_the_second_edit_reaches_files_kept_through_earlier_rebuilds(feeds_run: Run):
    """Files linked from the last output keep their dependencies for the next edit."""
    first, second = feeds_run.steps["first"], feeds_run.steps["second"]
    kept_in_first = _feed_files(first.files) - set(first.made)
    assert kept_in_first & set(second.made)


def test_nothing_changed_reuses_every_feed_file(feeds_run: Run):
    step = feeds_run.steps["unchanged"]
    assert step.made == [], f"{len(step.made)} feed files made ({step.reason})"
    assert step.before == step.after


def test_a_header_change_makes_every_feed_file_again(feeds_run: Run):
    step = feeds_run.steps["header"]
    assert step.full
    written = {n for n in _feed_files(step.files) if not n.endswith("index.html")}
    assert set(step.made) == written
    assert any(b"A new title" in step.files[n] for n in written)
    kept = [n for n in written if step.before.get(n) == step.after[n]]
    assert kept, "files whose bytes did not change keep their inode"
