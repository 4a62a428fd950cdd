"""Long work runs with a progress dialog; Cancel rolls the operation back."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.services.progress import Progress
from plrdesk.ui.context import StudyContext
from plrdesk.ui.long_work import run_with_progress


def test_cancel_rolls_back_and_reports_nothing(qtbot: QtBot, ctx: StudyContext) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    started = threading.Event()
    release = threading.Event()
    done: list[object] = []
    errors: list[Exception] = []

    def op(db: Session, progress: Progress) -> None:
        db.add(m.Theme(ref="T-cancelled", name="Never kept", position=99))
        db.flush()
        progress.step(1, 10)
        started.set()
        release.wait(5)
        progress.step(2, 10)  # raises Cancelled: the transaction rolls back

    dialog = run_with_progress(
        parent, ctx.runner, op, "Working", on_done=done.append, on_error=errors.append
    )
    qtbot.waitUntil(started.is_set)
    qtbot.waitUntil(lambda: dialog.maximum() == 10)
    cancel = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Cancel")
    cancel.click()  # what the researcher does
    release.set()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert done == []
    assert errors == []  # a cancel is not an error to show
    count: list[int] = []
    ctx.runner.submit(
        lambda db: db.scalar(
            select(func.count()).select_from(m.Theme).where(m.Theme.ref == "T-cancelled")
        ),
        count.append,
    )
    qtbot.waitUntil(lambda: bool(count))
    assert count == [0]


def test_progress_reaches_the_dialog(qtbot: QtBot, ctx: StudyContext) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    done: list[object] = []

    def op(db: Session, progress: Progress) -> str:
        for step in range(5):
            progress.step(step, 5)
        return "finished"

    run_with_progress(
        parent, ctx.runner, op, "Working", on_done=done.append, on_error=lambda exc: None
    )
    qtbot.waitUntil(lambda: done == ["finished"])
