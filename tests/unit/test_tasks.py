"""tasks.py: a build that is the last task requested ends the process without teardown."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from invoke.main import program

import tasks


@pytest.fixture
def exits(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    codes: list[int] = []
    monkeypatch.setattr(tasks.os, "_exit", codes.append)
    return codes


def _requested(monkeypatch: pytest.MonkeyPatch, *names: str) -> None:
    monkeypatch.setattr(program, "tasks", [SimpleNamespace(name=n) for n in names], raising=False)


def test_the_last_requested_build_ends_the_process_with_its_code(monkeypatch, exits):
    _requested(monkeypatch, "clean", "build")
    tasks._end_now_if_last("build", 0)
    tasks._end_now_if_last("build", 1)
    assert exits == [0, 1]


def test_a_build_followed_by_another_task_returns(monkeypatch, exits):
    _requested(monkeypatch, "build", "serve")
    tasks._end_now_if_last("build", 0)
    assert exits == []


def test_a_build_called_from_another_task_or_outside_invoke_returns(monkeypatch, exits):
    _requested(monkeypatch, "rebuild")
    tasks._end_now_if_last("build", 0)
    monkeypatch.setattr(program, "tasks", [], raising=False)
    tasks._end_now_if_last("build", 0)
    assert exits == []
