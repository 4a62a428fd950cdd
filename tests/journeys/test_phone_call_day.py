"""A day of phone calls to a parent, by keyboard alone (issue 11): the researcher makes a
phone interview for a parent who has not consented yet (Ctrl+Shift+N); the call screen
opens at once on the call log and the consent step, not the guide. The first call is not
answered ("No answer", with a note); a later one is ("Answered"), and the verbal-consent
script is on the call screen: each confirmation ticked (Space) as the parent says yes,
its time kept; Alt+R records the consent and the guide opens on the same screen, where
the notes are typed. Or the parent declines on the call: the reason is logged and the
session ends, with nothing else kept. Each journey reads the study file back.

The sessions list highlights the session just made, not the one shown before it (issue
11's list fault).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from plrdesk.domain import models as m
from plrdesk.domain.kinds import ParticipantKind
from plrdesk.services.participants import add_participant
from plrdesk.storage.study_file import StudyFile
from plrdesk.ui.controller import AppController
from plrdesk.ui.main_window import MainWindow
from plrdesk.ui.sessions.call_log import CallLogModel
from plrdesk.ui.sessions.guide_notes import GuideNotes
from plrdesk.ui.sessions.new_session_dialog import NewSessionDialog
from plrdesk.ui.sessions.phone_view import PhoneView
from plrdesk.ui.sessions.session_list import SessionRole
from tests.journeys.keyboard import (
    CTRL,
    OPEN_TIMEOUT_MS,
    focused,
    press,
    type_text,
    wait_for_window,
)
from tests.support.files import PASSPHRASE

ALT = Qt.KeyboardModifier.AltModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
NEW_REF = "S12"
NOTE = "Q1: the school rang her twice before the move, then nothing until October"
REASON = "does not want to talk about the school again"


@dataclass(frozen=True)
class CallDay:
    """What the study file holds of the session and the parent, read by a fresh open."""

    attempts: list[tuple[str, str | None]]
    ended: dt.datetime | None
    notes: list[str]
    consents: list[dict[str, Any]]
    withdrawn: bool


def add_parent(path: Path) -> None:
    """A parent in the register, with no consent yet (G5)."""
    with StudyFile.open(path, PASSPHRASE) as study, study.transaction() as db:
        added = add_participant(
            db, ParticipantKind.PARENT, "Grace Okafor", None, {"relationship": "mother"}
        )
        assert added.ref == "G5"


def read_back(path: Path) -> CallDay:
    with StudyFile.open(path, PASSPHRASE) as study, study.transaction() as db:
        session = db.scalars(select(m.StudySession).filter_by(ref=NEW_REF)).one()
        parent = db.scalars(select(m.Participant).filter_by(ref="G5")).one()
        consents = db.scalars(select(m.Consent).where(m.Consent.participant_id == parent.id))
        return CallDay(
            attempts=[(a.outcome, a.note) for a in session.call_attempts],
            ended=session.ended_at,
            notes=[e.text or "" for e in session.entries],
            consents=[
                {
                    "method": c.method,
                    "form": c.form,
                    "answers": dict(c.answers),
                    "confirmations": dict(c.confirmations),
                    "recorded_by": c.recorded_by,
                }
                for c in consents
            ],
            withdrawn=parent.withdrawn_on is not None,
        )


def open_study(qtbot: QtBot, controller: AppController, path: Path) -> MainWindow:
    controller.open_path(path, PASSPHRASE)
    with qtbot.waitSignal(controller.sig_study_opened, timeout=OPEN_TIMEOUT_MS):
        pass
    return wait_for_window(qtbot, controller)


def phone_interview_for_g5(qtbot: QtBot, window: MainWindow) -> PhoneView:
    """Ctrl+3 (Sessions), Tab to the list, Home (S1 on screen), Ctrl+Shift+N; in the dialog
    Down (phone interview), Alt+P (participants), End (G5), Space (chosen), Alt+S (start).
    Returns the call screen, which opens at once."""
    press(qtbot, Qt.Key.Key_3, CTRL)
    page = window.sessions
    qtbot.waitUntil(lambda: page.model.rowCount() == 11)
    for _ in range(10):
        if focused() is page.table:
            break
        press(qtbot, Qt.Key.Key_Tab)
    assert focused() is page.table
    press(qtbot, Qt.Key.Key_Home)
    qtbot.waitUntil(lambda: page.current is not None and page.current.doc.ref == "S1")

    press(qtbot, Qt.Key.Key_N, CTRL | SHIFT)
    dialog = page.new_session_dialog
    assert isinstance(dialog, NewSessionDialog)
    qtbot.waitUntil(lambda: dialog.isVisible() and dialog.model.rowCount() > 0)
    dialog.activateWindow()  # what the window manager does for a dialog just shown
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    assert focused() is dialog.kind
    press(qtbot, Qt.Key.Key_Down)
    assert dialog.kind_value() == "phone-interview"
    assert dialog.guide.currentData() == "parent-phone-interview"
    press(qtbot, Qt.Key.Key_P, ALT)
    assert focused() is dialog.people
    press(qtbot, Qt.Key.Key_End)
    row = dialog.people.currentIndex()
    assert row.data().startswith("G5")
    assert "verbal consent on the call" in row.data()  # not a gap to override
    press(qtbot, Qt.Key.Key_Space)
    assert dialog.model.chosen() == ["G5"]
    press(qtbot, Qt.Key.Key_S, ALT)

    qtbot.waitUntil(lambda: page.current is not None and page.current.doc.ref == NEW_REF)
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog))  # closed and deleted: made
    window.activateWindow()  # what the window manager does when the dialog closes
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    view = page.current
    assert isinstance(view, PhoneView)
    # The list highlights the new session, not S1 (shown before it).
    qtbot.waitUntil(lambda: page.model.row_of(NEW_REF) >= 0)
    highlighted = page.table.currentIndex().data(SessionRole)
    assert highlighted is not None
    assert highlighted.ref == NEW_REF
    return view


def log(qtbot: QtBot, view: PhoneView, key: Qt.Key, note: str | None) -> None:
    """From the outcome list: Home or End picks the first outcome ("No answer") or the
    last ("Answered"); then Tab, the note and Enter, or with no note Alt+G (Log it)."""
    assert focused() is view.outcome
    logged = view.calls.rowCount()
    press(qtbot, key)
    if note is None:
        press(qtbot, Qt.Key.Key_G, ALT)  # the button clicks itself after a moment
    else:
        press(qtbot, Qt.Key.Key_Tab)
        assert focused() is view.note
        type_text(qtbot, note)
        press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.calls.rowCount() == logged + 1)


def first_call_not_answered_then_answered(qtbot: QtBot, view: PhoneView) -> None:
    # The call screen: the call log and the consent step, not the guide.
    qtbot.waitUntil(lambda: focused() is view.outcome)
    assert view.consent.isVisible()
    assert not view.consent.script_shown()
    assert view.findChildren(GuideNotes) == []
    log(qtbot, view, Qt.Key.Key_Home, "call back Tuesday")
    assert view.calls.rowCount() == 1
    assert view.calls.index(0, CallLogModel.OUTCOME).data() == "No answer"
    assert view.calls.index(0, CallLogModel.NOTE).data() == "call back Tuesday"
    # A note cannot be started before consent: Ctrl+Enter finds no guide to add it to.
    press(qtbot, Qt.Key.Key_Return, CTRL)
    assert view.findChildren(GuideNotes) == []
    assert not view.consent.script_shown()
    # Later: answered. The script is on the call screen, the keyboard on its first tick.
    qtbot.waitUntil(lambda: focused() is view.outcome)
    log(qtbot, view, Qt.Key.Key_End, None)
    assert view.calls.index(1, CallLogModel.OUTCOME).data() == "Answered"
    qtbot.waitUntil(view.consent.script_shown)
    boxes = view.consent.confirmations()
    assert len(boxes) == 7
    qtbot.waitUntil(lambda: focused() is boxes[0])


def test_a_parent_not_answering_then_consenting_on_the_call_then_the_interview(
    qtbot: QtBot, controller: AppController, demo_path: Path
) -> None:
    add_parent(demo_path)
    window = open_study(qtbot, controller, demo_path)
    view = phone_interview_for_g5(qtbot, window)
    first_call_not_answered_then_answered(qtbot, view)

    started = dt.datetime.now().astimezone().replace(microsecond=0)
    for box in view.consent.confirmations():
        assert focused() is box
        press(qtbot, Qt.Key.Key_Space)  # "yes"
        assert isinstance(box, QCheckBox)
        assert box.isChecked()
        press(qtbot, Qt.Key.Key_Tab)
    assert focused() is view.consent.record_button
    form = view.consent.form_widget
    assert form is not None
    shown = form.findChild(QLabel, "note-take-part")  # the time of the tick, under it
    assert shown is not None
    assert shown.isVisible()
    assert shown.text().startswith("Ticked at ")
    press(qtbot, Qt.Key.Key_C, ALT)  # Record &consent

    # Recorded: the guide opens on the same screen, the keyboard on its questions.
    qtbot.waitUntil(view.guide_open)
    assert not view.consent.isVisible()
    qtbot.waitUntil(lambda: focused() is view.notes.question_list)
    press(qtbot, Qt.Key.Key_Return)  # the first question's notes
    type_text(qtbot, NOTE)
    assert view.notes.isAncestorOf(focused())
    controller.close_study()

    kept = read_back(demo_path)
    assert kept.attempts == [("no-answer", "call back Tuesday"), ("reached", None)]
    assert kept.notes == [NOTE]
    (consent,) = kept.consents  # in the register, as verbal consent on the script
    assert (consent["method"], consent["form"]) == ("verbal", "parent-verbal-consent")
    assert consent["answers"]["take-part"] is True
    assert consent["answers"]["quote"] is True
    times = consent["confirmations"]
    assert (
        set(times)
        == set(consent["answers"])
        == {
            "understands-purpose",
            "understands-voluntary",
            "can-withdraw",
            "understands-private",
            "understands-safety",
            "take-part",
            "quote",
        }
    )
    ended = dt.datetime.now().astimezone()
    assert all(started <= dt.datetime.fromisoformat(t) <= ended for t in times.values())
    assert consent["recorded_by"] == "Claire Beaumont"
    assert kept.ended is None  # the interview goes on
    assert not kept.withdrawn


def test_a_parent_who_declines_on_the_call_ends_the_session_with_the_reason(
    qtbot: QtBot, controller: AppController, demo_path: Path
) -> None:
    add_parent(demo_path)
    window = open_study(qtbot, controller, demo_path)
    view = phone_interview_for_g5(qtbot, window)
    first_call_not_answered_then_answered(qtbot, view)

    press(qtbot, Qt.Key.Key_Space)  # they understand what the study is about ...
    press(qtbot, Qt.Key.Key_Y, ALT)  # ... but they decline: "The&y declined…"
    qtbot.waitUntil(lambda: focused() is view.consent.reason)  # the button clicks itself
    type_text(qtbot, REASON)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.stack.currentWidget() is view.declined)
    assert REASON in view.declined.text()
    assert view.findChildren(GuideNotes) == []
    assert not view.log_button.isEnabled()
    assert window.sessions.current is view
    controller.close_study()

    kept = read_back(demo_path)
    assert kept.attempts == [
        ("no-answer", "call back Tuesday"),
        ("reached", None),
        ("declined", REASON),
    ]
    assert kept.ended is not None
    assert kept.notes == []
    assert kept.consents == []  # the tick before they declined made no consent
    assert not kept.withdrawn  # declining is not withdrawing: they never took part
