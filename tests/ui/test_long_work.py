"""Long work runs with a progress dialog; Cancel rolls the operation back."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.services.changes import Changes, Table
from plrdesk.services.progress import NO_PROGRESS, Progress
from plrdesk.ui.context import StudyContext
from plrdesk.ui.long_work import run_with_progress
from plrdesk.ui.operations import read, write


def add_theme_slowly(
    db: Session,
    started: threading.Event,
    release: threading.Event,
    *,
    progress: Progress = NO_PROGRESS,
) -> Changes:
    theme = m.Theme(ref="T-cancelled", name="Never kept", position=99)
    db.add(theme)
    db.flush()
    progress.step(1, 10)
    started.set()
    release.wait(5)
    progress.step(2, 10)  # raises Cancelled: the transaction rolls back
    changes = Changes()
    changes.add(Table.THEME, theme.id)
    return changes


def cancelled_themes(db: Session) -> int:
    query = select(func.count()).select_from(m.Theme).where(m.Theme.ref == "T-cancelled")
    return db.scalar(query) or 0


def five_steps(db: Session, *, progress: Progress = NO_PROGRESS) -> str:
    for step in range(5):
        progress.step(step, 5)
    return "finished"


def test_cancel_rolls_back_and_reports_nothing(qtbot: QtBot, ctx: StudyContext) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    started = threading.Event()
    release = threading.Event()
    done: list[object] = []
    errors: list[Exception] = []
    dialog = run_with_progress(
        parent,
        ctx.runner,
        write(add_theme_slowly, started, release),
        "Working",
        on_done=done.append,
        on_error=errors.append,
    )
    qtbot.waitUntil(started.is_set)
    qtbot.waitUntil(lambda: dialog.maximum() == 10)
    cancel = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Cancel")
    cancel.click()  # what the researcher does
    release.set()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert done == []
    assert errors == []  # a cancel is not an error to show
    assert ctx.save_state.failure is None  # nor something left unsaved
    count: list[int] = []
    ctx.runner.run(read(cancelled_themes), count.append)
    qtbot.waitUntil(lambda: bool(count))
    assert count == [0]


def test_progress_reaches_the_dialog(qtbot: QtBot, ctx: StudyContext) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    done: list[str] = []
    errors: list[Exception] = []
    dialog = run_with_progress(
        parent, ctx.runner, read(five_steps), "Working", on_done=done.append, on_error=errors.append
    )
    qtbot.waitUntil(lambda: done == ["finished"])
    assert dialog.maximum() == 5  # the steps came before the result, in order
    assert errors == []
