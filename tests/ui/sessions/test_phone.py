"""A phone interview's call screen: attempts logged with a note and edited in the call
log; before the parent's verbal consent the guide is shut and the consent step stands in
its place, the script coming once the call is answered; recording the consent there (or
in the register) opens the guide; a parent who declines ends the call with the reason."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QComboBox,
    QLabel,
    QStyleOptionViewItem,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.services.changes import Changes, Table
from plrdesk.ui.context import StudyContext
from plrdesk.ui.operations import write
from plrdesk.ui.sessions.call_log import CallLogModel, OutcomeDelegate
from plrdesk.ui.sessions.guide_notes import GuideNotes
from plrdesk.ui.sessions.page import SessionsPage
from plrdesk.ui.sessions.phone_view import PhoneView
from tests.ui.sessions.conftest import open_session, query

TICKED = "2009-02-03T18:31:05+00:00"


def phone(qtbot: QtBot, page: SessionsPage, ref: str) -> PhoneView:
    view = open_session(qtbot, page, ref)
    assert isinstance(view, PhoneView)
    return view


def attempts(db: Session, ref: str) -> list[tuple[str, int | None, str | None]]:
    return [
        (a.outcome, a.minutes, a.note)
        for a in db.scalars(
            select(m.CallAttempt)
            .join(m.StudySession)
            .where(m.StudySession.ref == ref)
            .order_by(m.CallAttempt.position)
        )
    ]


def drop_g2_consent(db: Session) -> None:
    db.execute(delete(m.Consent).where(m.Consent.ref == "K20"))  # G2's verbal consent


def verbal_consents(db: Session, ref: str) -> list[m.Consent]:
    return list(
        db.scalars(
            select(m.Consent)
            .join(m.Participant, m.Consent.participant_id == m.Participant.id)
            .where(m.Participant.ref == ref, m.Consent.method == "verbal")
        )
    )


def test_log_call_attempts_with_a_note(qtbot: QtBot, page: SessionsPage, ctx: StudyContext) -> None:
    view = phone(qtbot, page, "S9")
    assert view.calls.rowCount() == 1
    assert [view.outcome.itemText(i) for i in range(view.outcome.count())] == [
        "No answer",
        "Voicemail",
        "Call back",
        "Wrong number",
        "Answered",
    ]  # "Declined" ends the call with a reason: not an attempt logged here
    view.outcome.setCurrentIndex(view.outcome.findData("no-answer"))
    view.note.setText("  call back Tuesday  ")
    view.log_typed()
    assert view.note.text() == ""
    view.log_call("reached")
    assert view.calls.rowCount() == 3
    assert view.calls.index(1, CallLogModel.OUTCOME).data() == "No answer"
    assert view.calls.index(1, CallLogModel.NOTE).data() == "call back Tuesday"
    assert view.calls.setData(view.calls.index(2, CallLogModel.MINUTES), 25)
    assert view.calls.setData(view.calls.index(1, CallLogModel.OUTCOME), "voicemail")
    assert view.calls.setData(view.calls.index(2, CallLogModel.NOTE), "spoke to mum")
    assert not view.calls.setData(view.calls.index(1, CallLogModel.OUTCOME), "declined")
    qtbot.waitUntil(
        lambda: (
            query(qtbot, ctx.runner, lambda db: attempts(db, "S9"))
            == [
                ("reached", 31, None),
                ("voicemail", None, "call back Tuesday"),
                ("reached", 25, "spoke to mum"),
            ]
        )
    )
    editor = OutcomeDelegate().createEditor(view, QStyleOptionViewItem(), view.calls.index(1, 1))
    assert isinstance(editor, QComboBox)
    assert "declined" not in [editor.itemData(i) for i in range(editor.count())]


def test_a_parent_with_verbal_consent_goes_straight_to_the_questions(
    qtbot: QtBot, page: SessionsPage
) -> None:
    view = phone(qtbot, page, "S7")
    assert view.guide_open()
    assert not view.consent.isVisibleTo(view)
    assert isinstance(view.notes, GuideNotes)


def test_before_consent_the_guide_is_shut_and_the_script_is_on_the_call_screen(
    qtbot: QtBot, page: SessionsPage, ctx: StudyContext
) -> None:
    query(qtbot, ctx.runner, drop_g2_consent)
    view = phone(qtbot, page, "S8")
    assert view.consent.isVisibleTo(view)
    assert not view.guide_open()
    assert view.findChildren(GuideNotes) == []  # nowhere to type a note
    with pytest.raises(LookupError, match="G2 has not given verbal consent"):
        _ = view.notes
    assert "Verbal consent first" in view.consent.title.text()
    assert "G2 (father)" in view.consent.title.text()
    # S8's log already has an answered call: the script is here, its confirmations first.
    qtbot.waitUntil(view.consent.script_shown)
    form = view.consent.form_widget
    assert form is not None
    assert form.form.id == "parent-verbal-consent"
    assert "I am calling from" in " ".join(w.text() for w in form.findChildren(QLabel))
    view.focus_start()
    boxes = view.consent.confirmations()
    assert len(boxes) == 7
    qtbot.waitUntil(boxes[0].hasFocus)
    view.consent.clock = lambda: TICKED
    for box in boxes:
        assert isinstance(box, QCheckBox)
        assert QApplication.focusWidget() is box
        qtbot.keyClick(box, Qt.Key.Key_Space)
        assert box.isChecked()
        qtbot.keyClick(box, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is view.consent.record_button
    note = form.findChild(QLabel, "note-take-part")
    assert note is not None
    assert note.text() == "Ticked at 18:31:05"

    qtbot.keyClick(view.consent.record_button, Qt.Key.Key_Space)
    qtbot.waitUntil(view.guide_open)
    assert view.notes.question_list.hasFocus()  # on to the questions, on the same screen
    (consent,) = query(qtbot, ctx.runner, lambda db: verbal_consents(db, "G2"))
    assert consent.form == "parent-verbal-consent"
    assert consent.answers["take-part"] is True
    assert set(consent.confirmations) == {item for item in consent.answers}
    assert consent.confirmations["take-part"] == TICKED
    assert consent.recorded_by  # the study's researcher


def test_a_confirmation_not_ticked_is_named_and_nothing_is_recorded(
    qtbot: QtBot, page: SessionsPage, ctx: StudyContext
) -> None:
    query(qtbot, ctx.runner, drop_g2_consent)
    view = phone(qtbot, page, "S8")
    qtbot.waitUntil(view.consent.script_shown)
    view.consent.record_button.click()
    assert view.consent.error.isVisibleTo(view)
    assert '"take-part"' in view.consent.error.text()
    assert not view.guide_open()
    assert query(qtbot, ctx.runner, lambda db: verbal_consents(db, "G2")) == []


def test_a_consent_recorded_in_the_register_opens_the_guide(
    qtbot: QtBot, page: SessionsPage, ctx: StudyContext
) -> None:
    query(qtbot, ctx.runner, drop_g2_consent)
    view = phone(qtbot, page, "S8")
    assert not view.guide_open()

    def record(db: Session) -> Changes:  # what the register's recorder saves
        g2 = db.scalars(select(m.Participant).filter_by(ref="G2")).one()
        consent = m.Consent(
            ref="K99",
            participant_id=g2.id,
            form="parent-verbal-consent",
            form_version="1",
            method="verbal",
            given_on=dt.date(2009, 1, 12),
            answers={"take-part": True},
        )
        db.add(consent)
        db.flush()
        changes = Changes()
        changes.add(Table.CONSENT, consent.id)
        return changes

    ctx.runner.run(write(record))
    qtbot.waitUntil(view.guide_open)
    assert not view.consent.isVisibleTo(view)


def test_a_parent_who_declines_ends_the_call_with_the_reason(
    qtbot: QtBot, page: SessionsPage, ctx: StudyContext
) -> None:
    query(qtbot, ctx.runner, drop_g2_consent)
    view = phone(qtbot, page, "S8")
    step = view.consent
    step.decline_button.click()
    assert step.reason.hasFocus()
    assert not step.end_button.isEnabled()  # a reason first
    qtbot.keyClicks(step.reason, "does not want to talk about the school")
    qtbot.keyClick(step.reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.stack.currentWidget() is view.declined)
    assert "does not want to talk about the school" in view.declined.text()
    assert "Nothing else is kept" in view.declined.text()
    assert not view.log_button.isEnabled()
    assert view.calls.index(3, CallLogModel.OUTCOME).data() == "Declined"
    assert not view.calls.flags(view.calls.index(3, CallLogModel.NOTE)) & (
        Qt.ItemFlag.ItemIsEditable
    )
    assert query(qtbot, ctx.runner, lambda db: attempts(db, "S8"))[-1] == (
        "declined",
        None,
        "does not want to talk about the school",
    )
    ended = query(
        qtbot,
        ctx.runner,
        lambda db: db.scalars(select(m.StudySession.ended_at).filter_by(ref="S8")).one(),
    )
    assert ended is not None
    assert ended > dt.datetime(2009, 1, 13, tzinfo=dt.UTC)


def test_each_mnemonic_on_the_call_screen_is_its_own(
    qtbot: QtBot, page: SessionsPage, ctx: StudyContext
) -> None:
    query(qtbot, ctx.runner, drop_g2_consent)
    view = phone(qtbot, page, "S8")
    qtbot.waitUntil(view.consent.script_shown)
    view.consent.ask_why()
    texts = [w.text() for w in view.findChildren(QLabel) if w.buddy() is not None]
    texts += [w.text() for w in view.findChildren(QAbstractButton)]
    texts += [w.text() for w in page.findChildren(QAbstractButton) if not view.isAncestorOf(w)]
    letters = [
        found.group(1).casefold() for text in texts if (found := re.search(r"(?<!&)&([^&])", text))
    ]
    assert len(letters) == len(set(letters)), texts
    assert {"l", "f", "g", "c", "y", "w", "m"} <= set(letters)


def test_before_consent_tab_goes_round_the_call_screen_and_never_out_of_it(
    qtbot: QtBot, page: SessionsPage, ctx: StudyContext
) -> None:
    query(qtbot, ctx.runner, drop_g2_consent)
    view = phone(qtbot, page, "S8")
    qtbot.waitUntil(view.consent.script_shown)
    view.focus_log()
    qtbot.waitUntil(view.outcome.hasFocus)
    stops = view.tab_stops()
    assert stops[:3] == [view.outcome, view.note, view.log_button]
    assert stops[3:10] == view.consent.confirmations()
    assert stops[-1] is view.call_table
    landed = []
    for _ in stops:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        landed.append(QApplication.focusWidget())
    assert landed == [*stops[1:], view.outcome]
    qtbot.keyClick(view.outcome, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is view.call_table
