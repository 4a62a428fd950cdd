"""Views reload for what concerns them and nothing else: typing (a save every second or
so), coding, filing a note and flagging it never make the register, the overview or the
search read the study at once; a change to a participant does; a flag reloads the
overview's to-do list when it is next shown; an erasure re-runs the search, so erased
words leave the screen.

Every operation the views queue is seen on its way to the worker (the runner's jobs carry
the service function's name and kind)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.services.codings import code_passage
from plrdesk.services.entries import add_entry, flag_safeguarding, set_question
from plrdesk.services.note_texts import save_texts
from plrdesk.services.withdrawal import WithdrawalRequest, withdraw_in_file
from plrdesk.ui.context import StudyContext
from plrdesk.ui.operations import Operation, on_file, read, write
from plrdesk.ui.overview_page import OverviewPage
from plrdesk.ui.register.page import RegisterPage
from plrdesk.ui.search_page import SearchPage

REGISTER = "plrdesk.services.participants.list_participants"
OVERVIEW = "plrdesk.services.overview.study_overview"
SEARCH = "plrdesk.services.search.search_study"


def entry_id(db: Session, ref: str) -> uuid.UUID:
    return db.scalars(select(m.Entry.id).filter_by(ref=ref)).one()


def session_id(db: Session, ref: str) -> uuid.UUID:
    return db.scalars(select(m.StudySession.id).filter_by(ref=ref)).one()


def theme_id(db: Session, ref: str) -> uuid.UUID:
    return db.scalars(select(m.Theme.id).filter_by(ref=ref)).one()


def run(qtbot: QtBot, ctx: StudyContext, op: Operation[Any]) -> Any:
    """Run `op` and wait until its answer is back: by then every view has had its changes
    (the runner announces them before it hands over the result)."""
    done: list[Any] = []
    failed: list[Exception] = []
    ctx.runner.run(op, done.append, failed.append)
    qtbot.waitUntil(lambda: bool(done or failed), timeout=10_000)
    assert not failed, failed
    return done[0]


class Views:
    def __init__(self, qtbot: QtBot, ctx: StudyContext) -> None:
        self.register = RegisterPage(ctx)
        self.overview = OverviewPage(ctx)
        self.search = SearchPage(ctx)
        for view in (self.register, self.overview, self.search):
            qtbot.addWidget(view)
        self.jobs: list[Any] = []
        ctx.runner._sig_submit.connect(self.jobs.append)  # every job on its way to the worker

    def reads(self) -> list[str]:
        """The names of the reads queued since the last call."""
        names = [job.op.name for job in self.jobs if job.op.kind == "read"]
        self.jobs.clear()
        return names


@pytest.fixture
def views(qtbot: QtBot, ctx: StudyContext) -> Iterator[Views]:
    views = Views(qtbot, ctx)
    qtbot.waitUntil(lambda: views.register.model.rowCount() == 16)
    qtbot.waitUntil(lambda: "Integrated working" in views.overview.summary.text())
    views.search.box.setText("school")  # searched once the typing pauses (its debounce)
    qtbot.waitUntil(
        lambda: not views.search._debounce.isActive() and views.search.model.rowCount() > 0
    )
    views.reads()
    yield views
    ctx.runner._sig_submit.disconnect(views.jobs.append)


def test_typing_and_coding_make_no_view_read_again(
    qtbot: QtBot, ctx: StudyContext, views: Views
) -> None:
    e1 = run(qtbot, ctx, read(entry_id, "E1"))
    t1 = run(qtbot, ctx, read(theme_id, "T1"))
    views.reads()
    for n in range(3):  # the autosave, a second apart
        run(qtbot, ctx, write(save_texts, {e1: f"Typed {'more ' * n}at school"}))
    run(qtbot, ctx, write(code_passage, e1, t1, 0, 5))
    assert views.reads() == []


def test_a_participant_change_reloads_the_register_and_the_overview(
    qtbot: QtBot, ctx: StudyContext, views: Views
) -> None:
    views.overview.show()  # on screen: it reloads at once
    request = WithdrawalRequest("C5", dt.date(2009, 2, 1), None, erase=False)
    run(qtbot, ctx, on_file(withdraw_in_file, request))
    assert sorted(views.reads()) == sorted([REGISTER, OVERVIEW])  # no search: no note went
    qtbot.waitUntil(lambda: "(2 withdrawn)" in views.overview.summary.text())


def test_a_flag_reloads_the_overview_only_when_it_is_next_shown(
    qtbot: QtBot, ctx: StudyContext, views: Views
) -> None:
    """Filing a note, or flagging it, updates only the entry: no read while the researcher
    is in the session; the overview reads once, when they go back to it."""
    e1 = run(qtbot, ctx, read(entry_id, "E1"))
    views.reads()
    run(qtbot, ctx, write(set_question, e1, "tools"))
    run(qtbot, ctx, write(flag_safeguarding, e1, "told the safeguarding lead"))
    assert views.reads() == []
    views.overview.show()
    qtbot.waitUntil(lambda: views.overview.todo.item(0).text().startswith("2 entries flagged"))
    assert views.reads() == [OVERVIEW]
    views.overview.hide()
    views.overview.show()  # nothing changed meanwhile
    assert views.reads() == []


def test_an_erasure_searches_again(qtbot: QtBot, ctx: StudyContext, views: Views) -> None:
    views.overview.show()
    request = WithdrawalRequest("C5", dt.date(2009, 2, 1), None, erase=True)
    run(qtbot, ctx, on_file(withdraw_in_file, request))
    assert sorted(views.reads()) == sorted([REGISTER, OVERVIEW, SEARCH])


def test_a_hidden_overview_waits_for_a_new_note_until_it_is_shown(
    qtbot: QtBot, ctx: StudyContext, views: Views
) -> None:
    """Filing a focus-group line adds a note a second: the overview (hidden while the
    researcher is in the session) reads nothing until it is shown, then once."""
    views.reads()
    s11 = run(qtbot, ctx, read(session_id, "S11"))
    views.reads()
    run(qtbot, ctx, write(add_entry, s11, None, None, "a line"))
    assert views.reads() == []
    views.overview.show()
    qtbot.waitUntil(lambda: views.reads() == [OVERVIEW])
