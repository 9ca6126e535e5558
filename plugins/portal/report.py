"""The build report: every problem found and the fate of every content file.

One report per build (`start()` makes a new one when Pelican registers the plugin).
Pelican itself logs a failed article and carries on (getpelican/pelican#1968); the
report also counts every ERROR logged by Pelican or a plugin, so that a build with
any error fails instead of quietly dropping content.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field

from .model import ERROR, WARNING, Problem

PUBLISHED = "published"
DRAFT = "draft"
SCHEDULED = "scheduled"
REJECTED = "rejected"
HIDDEN = "hidden"
STATES = (PUBLISHED, DRAFT, SCHEDULED, HIDDEN, REJECTED)


@dataclass
class BuildReport:
    problems: list[Problem] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # content path -> state
    logged_errors: list[str] = field(default_factory=list)
    collect_only: bool = False  # `invoke check`: gather every problem, never stop early

    def add_problems(self, problems: list[Problem]) -> None:
        for problem in problems:
            if problem not in self.problems:
                self.problems.append(problem)

    def account(self, path: str, state: str) -> None:
        """Record a file's fate; a rejection is final."""
        if self.files.get(path) != REJECTED:
            self.files[path] = state

    def reject(self, path: str) -> None:
        self.files[path] = REJECTED

    @property
    def errors(self) -> list[Problem]:
        return sorted(
            (p for p in self.problems if p.severity == ERROR),
            key=lambda p: (p.path, p.line),
        )

    @property
    def warnings(self) -> list[Problem]:
        return sorted(
            (p for p in self.problems if p.severity == WARNING),
            key=lambda p: (p.path, p.line),
        )

    @property
    def failed(self) -> bool:
        return bool(self.errors or self.logged_errors)

    def counts(self) -> Counter[str]:
        return Counter(self.files.values())

    def account_line(self) -> str:
        counts = self.counts()
        parts = [f"{counts.get(state, 0)} {state}" for state in STATES]
        return f"{sum(counts.values())} content files: " + ", ".join(parts)


class BuildFailed(Exception):
    """The build found errors; the message lists every one."""

    exitcode = 1

    def __init__(self, report: BuildReport):
        self.report = report
        lines = [str(p) for p in report.errors] + report.logged_errors
        super().__init__(f"{len(lines)} error(s); the build stopped:\n" + "\n".join(lines))


class _ErrorCounter(logging.Handler):
    """Counts ERROR records from Pelican and the portal's plugins."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg == "Could not process %s" and record.args:
            path = str(record.args[0]).replace("\\", "/")
            if _current.files.get(path) == REJECTED:
                return  # the reader's own problems name this file, field and line
        _current.logged_errors.append(f"{record.name}: {record.getMessage().splitlines()[0]}")


_current = BuildReport()
_handler = _ErrorCounter()


def start() -> BuildReport:
    """Begin a new build: a fresh report, and errors logged from now on counted."""
    global _current
    _current = BuildReport()
    root = logging.getLogger()
    if _handler not in root.handlers:
        root.addHandler(_handler)
    return _current


def current() -> BuildReport:
    return _current
