"""The database worker: operations run off the GUI thread, results and changes come back."""

from __future__ import annotations

import threading
from pathlib import Path

from pytestqt.qtbot import QtBot
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.services.changes import Changes, Table
from plrdesk.services.progress import Cancelled, Progress
from plrdesk.storage.study_file import StudyFile
from plrdesk.ui.operations import on_file, read, write
from plrdesk.ui.runner import OperationRunner


def count_and_thread(db: Session) -> tuple[int, str]:
    count = db.scalar(select(func.count()).select_from(m.Participant)) or 0
    return count, threading.current_thread().name


def rename_first_then_fail(db: Session) -> Changes:
    db.scalars(select(m.Participant)).first().name = "Changed"  # type: ignore[union-attr]
    db.flush()
    raise RuntimeError("boom")


def first_name(db: Session) -> str | None:
    return db.scalars(select(m.Participant.name)).first()


def refuse(db: Session) -> None:
    raise ValueError("no such thing")


def nothing(db: Session) -> None:
    """Nothing at all."""


def touch_participant(db: Session, ref: str) -> Changes:
    changes = Changes()
    changes.update(Table.PARTICIPANT, db.scalars(select(m.Participant.id).filter_by(ref=ref)).one())
    return changes


def wait_between_steps(
    db: Session, release: threading.Event, *, progress: Progress | None = None
) -> None:
    assert progress is not None
    progress.step(1, 3)
    release.wait(5)
    progress.step(2, 3)  # raises Cancelled once cancelled


def integrity_problems(study: StudyFile) -> list[str]:
    return study.integrity_problems()


def test_operations_run_on_the_worker_thread(qtbot: QtBot, runner: OperationRunner) -> None:
    seen: list[tuple[int, str]] = []
    runner.run(read(count_and_thread), seen.append)
    qtbot.waitUntil(lambda: bool(seen))
    count, thread = seen[0]
    assert count == 16
    assert thread != threading.main_thread().name


def test_changes_are_announced_with_who_asked(qtbot: QtBot, runner: OperationRunner) -> None:
    asker = object()
    with qtbot.waitSignal(runner.sig_changes) as blocker:
        runner.run(write(touch_participant, "P1"), initiator=asker)
    changes, initiator = blocker.args
    assert changes.tables() == {Table.PARTICIPANT}
    assert initiator is asker


def test_failures_reach_the_error_handler(qtbot: QtBot, runner: OperationRunner) -> None:
    errors: list[Exception] = []
    runner.run(read(refuse), on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert str(errors[0]) == "no such thing"


def test_a_failed_operation_rolls_back(qtbot: QtBot, runner: OperationRunner) -> None:
    failed: list[Exception] = []
    names: list[str | None] = []
    runner.run(write(rename_first_then_fail), on_error=failed.append)
    runner.run(read(first_name), names.append)
    qtbot.waitUntil(lambda: bool(failed and names))
    assert str(failed[0]) == "boom"
    assert names[0] not in (None, "Changed")


def test_progress_and_cancel(qtbot: QtBot, runner: OperationRunner) -> None:
    steps: list[tuple[int, int]] = []
    errors: list[Exception] = []
    release = threading.Event()
    pending = runner.run(
        read(wait_between_steps, release).with_progress(),
        on_error=errors.append,
        on_progress=lambda done, total: steps.append((done, total)),
    )
    assert pending.progress is not None
    qtbot.waitUntil(lambda: steps == [(1, 3)])
    pending.progress.cancel()
    release.set()
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], Cancelled)


def test_busy_signal_brackets_the_work(qtbot: QtBot, runner: OperationRunner) -> None:
    states: list[bool] = []
    runner.sig_busy.connect(states.append)
    with qtbot.waitSignal(runner.sig_busy, check_params_cb=lambda busy: busy is False):
        runner.run(read(nothing))
    assert states == [True, False]


def test_whole_file_operations_get_the_study(qtbot: QtBot, runner: OperationRunner) -> None:
    seen: list[list[str]] = []
    runner.run(on_file(integrity_problems), seen.append)
    qtbot.waitUntil(lambda: bool(seen))
    assert seen == [[]]


def add_theme(db: Session, n: int) -> Changes:
    theme = m.Theme(ref=f"Q{n}", name=f"queued {n}", position=100 + n)
    db.add(theme)
    db.flush()
    changes = Changes()
    changes.add(Table.THEME, theme.id)
    return changes


def hold_the_worker(db: Session, started: threading.Event, release: threading.Event) -> None:
    started.set()
    release.wait(10)


def test_closing_runs_every_operation_queued_before_it(demo_path: Path, qapp: object) -> None:
    """Before: close() quit the worker after the job it was running, and the saves queued
    behind it (the last words typed before Ctrl+L or Close) were dropped."""
    from tests.support.files import PASSPHRASE

    runner = OperationRunner(StudyFile.open(demo_path, PASSPHRASE))
    started = threading.Event()
    release = threading.Event()
    runner.run(read(hold_the_worker, started, release))  # busy while the saves queue up
    assert started.wait(10)
    for n in range(20):
        runner.run(write(add_theme, n))
    release.set()
    runner.close()
    with StudyFile.open(demo_path, PASSPHRASE) as study, study.transaction() as db:
        names = set(db.scalars(select(m.Theme.name).where(m.Theme.ref.like("Q%"))))
    assert names == {f"queued {n}" for n in range(20)}
