"""The database worker: operations run off the GUI thread, results and changes come back."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.services.changes import Changes
from plrdesk.services.progress import Cancelled, Progress
from plrdesk.ui.runner import OperationRunner


def test_operations_run_on_the_worker_thread(qtbot: QtBot, runner: OperationRunner) -> None:
    seen: list[tuple[int, str]] = []

    def op(db: Session) -> tuple[int, str]:
        count = db.scalar(select(func.count()).select_from(m.Participant)) or 0
        return count, threading.current_thread().name

    runner.submit(op, seen.append)
    qtbot.waitUntil(lambda: bool(seen))
    count, thread = seen[0]
    assert count == 16
    assert thread != threading.main_thread().name


def test_changes_are_announced(qtbot: QtBot, runner: OperationRunner) -> None:
    changes = Changes()
    with qtbot.waitSignal(runner.sig_changes) as blocker:
        runner.submit(lambda db: changes)
    assert blocker.args == [changes]


def test_failures_reach_the_error_handler(qtbot: QtBot, runner: OperationRunner) -> None:
    errors: list[Exception] = []

    def op(db: Session) -> None:
        raise ValueError("no such thing")

    runner.submit(op, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert str(errors[0]) == "no such thing"


def test_a_failed_operation_rolls_back(qtbot: QtBot, runner: OperationRunner) -> None:
    done: list[object] = []

    def op(db: Session) -> None:
        db.scalars(select(m.Participant)).first().name = "Changed"  # type: ignore[union-attr]
        db.flush()
        raise RuntimeError("boom")

    runner.submit(op, on_error=done.append)
    qtbot.waitUntil(lambda: bool(done))
    runner.submit(lambda db: db.scalars(select(m.Participant.name)).first(), done.append)
    qtbot.waitUntil(lambda: len(done) == 2)
    assert done[1] != "Changed"


def test_progress_and_cancel(qtbot: QtBot, runner: OperationRunner) -> None:
    steps: list[tuple[int, int]] = []
    errors: list[Exception] = []
    release = threading.Event()

    def op(db: Session, progress: Progress) -> None:
        progress.step(1, 3)
        release.wait(5)
        progress.step(2, 3)

    handle = runner.submit(
        op, on_error=errors.append, on_progress=lambda d, t: steps.append((d, t))
    )
    assert handle is not None
    qtbot.waitUntil(lambda: steps == [(1, 3)])
    handle.cancel()
    release.set()
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], Cancelled)


def test_busy_signal_brackets_the_work(qtbot: QtBot, runner: OperationRunner) -> None:
    states: list[bool] = []
    runner.sig_busy.connect(states.append)
    with qtbot.waitSignal(runner.sig_busy, check_params_cb=lambda busy: busy is False):
        runner.submit(lambda db: None)
    assert states == [True, False]


@pytest.mark.parametrize("whole_file", [True])
def test_whole_file_operations_get_the_study(
    qtbot: QtBot, runner: OperationRunner, whole_file: bool
) -> None:
    seen: list[object] = []
    runner.submit(lambda study: study.integrity_problems(), seen.append, whole_file=whole_file)
    qtbot.waitUntil(lambda: bool(seen))
    assert seen == [[]]


def test_closing_runs_every_operation_queued_before_it(demo_path: Path, qapp: object) -> None:
    """Before: close() quit the worker after the job it was running, and the saves queued
    behind it (the last words typed before Ctrl+L or Close) were dropped."""
    from plrdesk.storage.study_file import StudyFile
    from tests.support.files import PASSPHRASE

    runner = OperationRunner(StudyFile.open(demo_path, PASSPHRASE))
    started = threading.Event()
    release = threading.Event()

    def slow(db: Session) -> None:  # keeps the worker busy while the saves queue up
        started.set()
        release.wait(10)

    def save(n: int) -> Callable[[Session], None]:
        def op(db: Session) -> None:
            db.add(m.Theme(ref=f"Q{n}", name=f"queued {n}", position=100 + n))

        return op

    runner.submit(slow)
    assert started.wait(10)
    for n in range(20):
        runner.submit(save(n))
    release.set()
    runner.close()
    with StudyFile.open(demo_path, PASSPHRASE) as study, study.transaction() as db:
        names = set(db.scalars(select(m.Theme.name).where(m.Theme.ref.like("Q%"))))
    assert names == {f"queued {n}" for n in range(20)}
