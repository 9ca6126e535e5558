"""Work a build runs beside itself (plugins/portal/background.py)."""

from __future__ import annotations

import threading

import pytest
from portal import background


def test_a_task_runs_beside_the_caller_and_gives_its_result():
    release = threading.Event()
    started = threading.Event()

    def work() -> int:
        started.set()
        release.wait(5)
        return 42

    task = background.start("answer", work)
    assert started.wait(5)  # running while this thread goes on
    release.set()
    assert task.result() == 42


def test_what_a_task_raises_is_raised_by_result():
    def work() -> None:
        raise ValueError("no index")

    task = background.start("failing", work)
    with pytest.raises(ValueError, match="no index"):
        task.result()


def test_wait_all_ends_every_running_task():
    finished: list[int] = []
    gate = threading.Event()

    def work(number: int) -> None:
        gate.wait(5)
        finished.append(number)

    for number in range(3):
        background.start(f"task-{number}", lambda number=number: work(number))
    gate.set()
    background.wait_all()
    assert sorted(finished) == [0, 1, 2]
    background.wait_all()  # nothing left: returns at once


def test_output_complete_reaches_its_receivers():
    seen: list[str] = []

    def receiver(output_path: str) -> None:
        seen.append(output_path)

    background.output_complete.connect(receiver)
    try:
        background.output_complete.send("/tmp/site")
    finally:
        background.output_complete.disconnect(receiver)
    assert seen == ["/tmp/site"]
