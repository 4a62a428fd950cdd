"""A new session through the dialog: kind and guide, participants, the consent gate's
warning (Cancel by default) and its override with a typed, audited reason."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from plrdesk.domain import models as m
from plrdesk.ui.context import StudyContext
from plrdesk.ui.sessions.focus_group_view import FocusGroupView
from plrdesk.ui.sessions.interview_view import InterviewView
from plrdesk.ui.sessions.new_session_dialog import NewSessionDialog
from plrdesk.ui.sessions.page import SessionsPage
from tests.ui.sessions.conftest import query


def open_dialog(qtbot: QtBot, page: SessionsPage) -> NewSessionDialog:
    qtbot.keyClick(
        page, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    dialog = page.new_session_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.isVisible() and dialog.model.rowCount() > 0)
    return dialog


def test_a_practitioner_interview_through_the_dialog(
    qtbot: QtBot, page: SessionsPage, ctx: StudyContext
) -> None:
    dialog = open_dialog(qtbot, page)
    assert dialog.kind_value() == "practitioner-interview"
    assert dialog.guide.currentData() == "practitioner-interview"
    assert dialog.model.rowCount() == 6  # practitioners only
    dialog.ok.click()
    assert "at least one participant" in dialog.message.text()
    dialog.model.set_checked("P2", True)
    with qtbot.waitSignal(dialog.sig_created) as made:
        dialog.ok.click()
    assert made.args == ["S12"]
    qtbot.waitUntil(lambda: page.current is not None and page.current.doc.ref == "S12")
    assert isinstance(page.current, InterviewView)
    qtbot.waitUntil(lambda: page.model.row_of("S12") >= 0)
    row = query(
        qtbot, ctx.runner, lambda db: db.scalars(select(m.StudySession).filter_by(ref="S12")).one()
    )
    assert (row.kind, row.guide, row.guide_version) == (
        "practitioner-interview",
        "practitioner-interview",
        "1",
    )


def test_the_kind_picks_the_guide_and_who_is_listed(qtbot: QtBot, page: SessionsPage) -> None:
    dialog = open_dialog(qtbot, page)
    dialog.set_kind("focus-group")
    assert dialog.guide.currentData() == "children-focus-group"
    assert {dialog.model.index(r, 0).data()[:2] for r in range(dialog.model.rowCount())} == {
        "C1",
        "C2",
        "C3",
        "C4",
        "C5",
        "C6",
    }
    dialog.set_kind("phone-interview")
    assert dialog.guide.currentData() == "parent-phone-interview"
    dialog.everyone.setChecked(True)
    assert dialog.model.rowCount() == 16
    assert all(
        dialog.findChildren(type(w)) is not None and w.accessibleName()
        for w in (dialog.kind, dialog.guide, dialog.people, dialog.started, dialog.everyone)
    )


def test_the_consent_gate_warns_with_cancel_first_then_an_audited_override(
    qtbot: QtBot, page: SessionsPage, ctx: StudyContext
) -> None:
    dialog = open_dialog(qtbot, page)
    dialog.set_kind("focus-group")
    for ref in ("C1", "C6"):
        dialog.model.set_checked(ref, True)
    dialog.ok.click()
    qtbot.waitUntil(lambda: dialog.gate_box is not None and dialog.gate_box.isVisible())
    box = dialog.gate_box
    assert box is not None
    assert "C6 has withdrawn" in box.informativeText()
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)

    box.button(QMessageBox.StandardButton.Cancel).click()  # Cancel: nothing made
    assert "Not started" in dialog.message.text()
    count = query(qtbot, ctx.runner, lambda db: len(db.scalars(select(m.StudySession)).all()))
    assert count == 11

    dialog.ok.click()
    qtbot.waitUntil(lambda: dialog.gate_box is not box and dialog.gate_box is not None)
    box = dialog.gate_box
    assert box is not None
    assert dialog.override_button is not None
    dialog.override_button.click()
    reason = dialog.override_dialog
    assert reason is not None
    qtbot.waitUntil(reason.isVisible)
    qtbot.keyClicks(reason.reason, "too short")
    assert not reason.ok.isEnabled()  # under ten characters
    qtbot.keyClicks(reason.reason, " - parent asked us to include her")
    assert reason.ok.isEnabled()
    with qtbot.waitSignal(dialog.sig_created):
        reason.ok.click()
    qtbot.waitUntil(lambda: isinstance(page.current, FocusGroupView))

    def audit(db: object) -> list[tuple[list[str], dict[str, object]]]:
        from sqlalchemy.orm import Session

        assert isinstance(db, Session)
        return [
            (e.record_ids, e.detail)
            for e in db.scalars(select(m.AuditEvent).filter_by(action="consent-gate-override"))
        ]

    (event,) = query(qtbot, ctx.runner, audit)
    c6 = query(
        qtbot,
        ctx.runner,
        lambda db: str(db.scalars(select(m.Participant.id).filter_by(ref="C6")).one()),
    )
    assert c6 in event[0]
    assert event[1]["reason"] == "too short - parent asked us to include her"
