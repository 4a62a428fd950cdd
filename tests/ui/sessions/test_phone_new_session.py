"""A phone interview made for a parent who has not consented yet: the consent gate lets it
through (their consent is taken on the call), the call screen opens at once on the call
log and the consent step, and the sessions list highlights the new session, not the one
shown before it (issue 11)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.domain.kinds import ParticipantKind
from plrdesk.services.participants import ParticipantAdded, add_participant
from plrdesk.ui.context import StudyContext
from plrdesk.ui.sessions.page import SessionsPage
from plrdesk.ui.sessions.phone_view import PhoneView
from plrdesk.ui.sessions.session_list import SessionRole
from tests.ui.sessions.conftest import open_session, query


def add_parent(db: Session) -> ParticipantAdded:
    return add_participant(
        db, ParticipantKind.PARENT, "Grace Okafor", None, {"relationship": "mother"}
    )


def test_a_phone_interview_before_consent_opens_on_the_call_log(
    qtbot: QtBot, page: SessionsPage, ctx: StudyContext
) -> None:
    assert query(qtbot, ctx.runner, add_parent).ref == "G5"
    open_session(qtbot, page, "S7")  # a session on screen before the new one
    qtbot.keyClick(
        page, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    dialog = page.new_session_dialog
    assert dialog is not None
    dialog.set_kind("phone-interview")
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 5)
    g5 = dialog.model.index(4, 0).data()
    assert g5.startswith("G5")
    assert "⚠" not in g5  # not a gap: consent is taken on the call
    assert "verbal consent on the call" in g5
    dialog.model.set_checked("G5", True)
    with qtbot.waitSignal(dialog.sig_created) as made:
        dialog.ok.click()
    assert made.args == ["S12"]
    assert dialog.gate_box is None  # no "Consent missing" warning, no override
    qtbot.waitUntil(lambda: page.current is not None and page.current.doc.ref == "S12")
    view = page.current
    assert isinstance(view, PhoneView)
    assert view.consent.isVisibleTo(view)
    assert not view.guide_open()
    qtbot.waitUntil(lambda: page.focusWidget() is view.outcome)  # log the first attempt
    qtbot.waitUntil(lambda: page.model.row_of("S12") >= 0)
    current = page.table.currentIndex().data(SessionRole)
    assert current is not None
    assert current.ref == "S12"
    assert [i.row() for i in page.table.selectionModel().selectedRows()] == [
        page.model.row_of("S12")
    ]
    events = query(
        qtbot,
        ctx.runner,
        lambda db: list(
            db.scalars(select(m.AuditEvent.action).filter_by(action="consent-gate-override"))
        ),
    )
    assert events == []


def test_a_withdrawn_parent_still_stops_a_phone_interview(qtbot: QtBot, page: SessionsPage) -> None:
    qtbot.keyClick(
        page, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    dialog = page.new_session_dialog
    assert dialog is not None
    dialog.set_kind("focus-group")
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 6)
    dialog.set_kind("phone-interview")
    dialog.everyone.setChecked(True)
    dialog.model.set_checked("C6", True)  # withdrawn
    dialog.ok.click()
    qtbot.waitUntil(lambda: dialog.gate_box is not None and dialog.gate_box.isVisible())
    box = dialog.gate_box
    assert box is not None
    assert "C6 has withdrawn" in box.informativeText()
    box.button(QMessageBox.StandardButton.Cancel).click()
