"""A phone interview: call attempts are logged and edited in the call log; a parent
without verbal consent gets the "Record verbal consent first" panel."""

from __future__ import annotations

from pytestqt.qtbot import QtBot
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.services.changes import Changes, Table
from plrdesk.ui.context import StudyContext
from plrdesk.ui.operations import write
from plrdesk.ui.sessions.call_log import CallLogModel
from plrdesk.ui.sessions.page import SessionsPage
from plrdesk.ui.sessions.phone_view import PhoneView
from tests.ui.sessions.conftest import open_session, query


def phone(qtbot: QtBot, page: SessionsPage, ref: str) -> PhoneView:
    view = open_session(qtbot, page, ref)
    assert isinstance(view, PhoneView)
    return view


def attempts(db: Session, ref: str) -> list[tuple[str, int | None]]:
    return [
        (a.outcome, a.minutes)
        for a in db.scalars(
            select(m.CallAttempt)
            .join(m.StudySession)
            .where(m.StudySession.ref == ref)
            .order_by(m.CallAttempt.position)
        )
    ]


def test_log_call_attempts(qtbot: QtBot, page: SessionsPage, ctx: StudyContext) -> None:
    view = phone(qtbot, page, "S9")
    assert view.calls.rowCount() == 1
    view.outcome_actions["no-answer"].trigger()
    view.outcome_actions["reached"].trigger()
    assert view.calls.rowCount() == 3
    assert view.calls.index(1, CallLogModel.OUTCOME).data() == "No answer"
    minutes = view.calls.index(2, CallLogModel.MINUTES)
    assert view.calls.setData(minutes, 25)
    outcome = view.calls.index(1, CallLogModel.OUTCOME)
    assert view.calls.setData(outcome, "voicemail")
    qtbot.waitUntil(
        lambda: (
            query(qtbot, ctx.runner, lambda db: attempts(db, "S9"))
            == [("reached", 31), ("voicemail", None), ("reached", 25)]
        )
    )
    assert view.log_button.accessibleName() == "Log a call attempt"
    assert [a.text() for a in view.log_button.menu().actions()] == [
        "No answer",
        "Voicemail",
        "Call back",
        "Wrong number",
        "Declined",
        "Reached",
    ]


def test_a_parent_with_verbal_consent_goes_straight_to_the_questions(
    qtbot: QtBot, page: SessionsPage
) -> None:
    view = phone(qtbot, page, "S7")
    assert not view.consent.isVisibleTo(view)


def test_verbal_consent_comes_first(qtbot: QtBot, page: SessionsPage, ctx: StudyContext) -> None:
    def drop(db: Session) -> None:
        db.execute(delete(m.Consent).where(m.Consent.ref == "K20"))  # G2's verbal consent

    query(qtbot, ctx.runner, drop)
    view = phone(qtbot, page, "S8")
    assert view.consent.isVisibleTo(view)
    assert "Record verbal consent first" in view.consent.label.text()
    assert "G2" in view.consent.label.text()
    with qtbot.waitSignal(ctx.navigator.sig_record_consent) as asked:
        view.consent.button.click()
    assert asked.args == ["G2"]

    # The consent recorder saved one: the panel goes.
    def record(db: Session) -> Changes:
        g2 = db.scalars(select(m.Participant).filter_by(ref="G2")).one()
        consent = m.Consent(
            ref="K99",
            participant_id=g2.id,
            form="parent-verbal-consent",
            form_version="1",
            method="verbal",
            given_on=__import__("datetime").date(2009, 1, 12),
            answers={"take-part": True},
        )
        db.add(consent)
        db.flush()
        changes = Changes()
        changes.add(Table.CONSENT, consent.id)
        return changes

    ctx.runner.run(write(record))
    qtbot.waitUntil(lambda: not view.consent.isVisibleTo(view))
