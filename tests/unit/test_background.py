"""Work a build runs beside itself (plugins/portal/background.py)."""

from __future__ import annotations

import threading
import time

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


def test_wait_all_cancels_and_ends_every_running_task():
    finished: list[int] = []
    gate = threading.Event()

    def work(number: int) -> None:
        gate.wait(5)
        finished.append(number)

    started = time.monotonic()
    for number in range(3):
        background.start(f"task-{number}", lambda number=number: work(number), cancel=gate.set)
    background.wait_all()  # each task's cancel() opens the gate
    assert sorted(finished) == [0, 1, 2]
    assert time.monotonic() - started < 4  # not the gate's timeout
    background.wait_all()  # nothing left: returns at once
