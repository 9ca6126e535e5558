"""Work a build runs beside itself, and the moment that lets it start.

`output_complete` is sent once every generator has written its output (after the
static files, before Pelican's `finalized`): the output folder then holds exactly
this build's pages. A plugin whose work only reads those pages (the search index)
can start it there with `start()` and collect it at `finalized` with
`Task.result()`, so that it runs while the other `finalized` steps (link checks,
the sitemap, saving the read cache) use the Python process.

A task is a thread: meant for work that waits on a subprocess or on the file
system, which leave the interpreter free. `wait_all()` (tools/build.py, before it
removes a failed build's staging folder) asks every task still running to stop
(its `cancel` callable, if it has one) and waits for it, so that none writes into a
folder being removed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from blinker import signal

T = TypeVar("T")

# Sent with the output folder's path (a str) when all output is written.
output_complete = signal("portal-output-complete")

_running: list[Task[Any]] = []
_lock = threading.Lock()


class Task(Generic[T]):
    """`work()` running in a thread of its own; `result()` waits for it."""

    def __init__(self, name: str, work: Callable[[], T], cancel: Callable[[], None] | None = None):
        self.name = name
        self.cancel = cancel  # asks `work` to end early; its result is then not wanted
        self._work = work
        self._value: T | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=f"portal-{name}", daemon=False)

    def _run(self) -> None:
        try:
            self._value = self._work()
        except BaseException as exc:  # noqa: BLE001 - raised again by result()
            self._error = exc

    def wait(self) -> None:
        self._thread.join()
        with _lock:
            if self in _running:
                _running.remove(self)

    def result(self) -> T:
        """What `work()` returned, once it has; what it raised is raised here."""
        self.wait()
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]


def start(name: str, work: Callable[[], T], cancel: Callable[[], None] | None = None) -> Task[T]:
    task = Task(name, work, cancel)
    with _lock:
        _running.append(task)
    task._thread.start()
    return task


def wait_all() -> None:
    """Stop and wait for every task still running (their results and errors are dropped)."""
    with _lock:
        tasks = list(_running)
    for task in tasks:
        if task.cancel is not None:
            task.cancel()
        task.wait()
