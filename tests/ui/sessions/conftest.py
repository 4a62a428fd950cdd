"""Session capture fixtures: the sessions page on the demo study, a way to open a session
and wait for it, and a way to read the study back through the runner."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TypeVar

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.ui.context import StudyContext
from plrdesk.ui.operations import read
from plrdesk.ui.runner import OperationRunner
from plrdesk.ui.sessions.page import CaptureView, SessionsPage

T = TypeVar("T")


@pytest.fixture
def statuses(ctx: StudyContext) -> list[str]:
    """Every status-bar message, in order."""
    seen: list[str] = []
    ctx.runner.sig_status.connect(seen.append)
    return seen


@pytest.fixture
def page(qtbot: QtBot, ctx: StudyContext) -> Iterator[SessionsPage]:
    page = SessionsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() == 11)
    yield page
    ctx.undo.clear()


def open_session(qtbot: QtBot, page: SessionsPage, ref: str) -> CaptureView:
    page.show_session(ref)
    qtbot.waitUntil(lambda: page.current is not None and page.current.doc.ref == ref)
    assert page.current is not None
    return page.current


def query(qtbot: QtBot, runner: OperationRunner, op: Callable[[Session], T]) -> T:
    """Run `op` on the database worker (after everything queued before it) and return its
    result."""
    box: list[T] = []
    runner.run(read(op), box.append)
    qtbot.waitUntil(lambda: bool(box))
    return box[0]


def entry_row(qtbot: QtBot, runner: OperationRunner, ref_or_id: object) -> m.Entry | None:
    def op(db: Session) -> m.Entry | None:
        if isinstance(ref_or_id, str):
            return db.scalars(select(m.Entry).filter_by(ref=ref_or_id)).first()
        return db.get(m.Entry, ref_or_id)

    return query(qtbot, runner, op)


def wait_saved(qtbot: QtBot, statuses: list[str], before: int = 0) -> None:
    """Until the status bar has said "Saved at" since message number `before`."""
    qtbot.waitUntil(lambda: any(s.startswith("Saved at") for s in statuses[before:]))
