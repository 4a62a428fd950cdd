"""An interview typed by keyboard alone across five questions: Ctrl+Enter (a new note),
Ctrl+Shift+F (a follow-up) and Tab / Shift+Tab between the notes, then the study closed and
every character read back from the file. Tab must never take the keys out of the session
(issue 10: after Ctrl+Enter or Ctrl+Shift+F, Tab went to the main tab bar and whole notes
typed next were dropped)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from plrdesk.domain import models as m
from plrdesk.storage.study_file import StudyFile
from plrdesk.ui.controller import AppController
from plrdesk.ui.main_window import MainWindow
from plrdesk.ui.sessions.interview_view import InterviewView
from tests.journeys.keyboard import (
    CTRL,
    NONE,
    OPEN_TIMEOUT_MS,
    focused,
    press,
    type_text,
    wait_for_window,
)
from tests.support.files import PASSPHRASE

SHIFT = Qt.KeyboardModifier.ShiftModifier


@dataclass(frozen=True)
class Row:
    id: uuid.UUID
    ref: str
    question: str | None
    text: str
    follow_up: bool


def session_rows(path: Path, session_ref: str) -> list[Row]:
    """The session's entries in the file at `path`, in position order, by a fresh open."""
    with StudyFile.open(path, PASSPHRASE) as study, study.transaction() as db:
        entries = db.scalars(
            select(m.Entry)
            .join(m.StudySession)
            .where(m.StudySession.ref == session_ref)
            .order_by(m.Entry.position)
        )
        return [Row(e.id, e.ref, e.question, e.text or "", e.follow_up) for e in entries]


def open_first_interview(qtbot: QtBot, window: MainWindow) -> InterviewView:
    """Ctrl+3 (Sessions), Tab to the list, Home (S1, an interview), Enter (its questions)."""
    press(qtbot, Qt.Key.Key_3, CTRL)
    page = window.sessions
    qtbot.waitUntil(lambda: page.model.rowCount() > 0)
    for _ in range(10):
        if focused() is page.table:
            break
        press(qtbot, Qt.Key.Key_Tab)
    assert focused() is page.table, f"Tab never reached the sessions list: {focused()!r}"
    press(qtbot, Qt.Key.Key_Home)
    qtbot.waitUntil(lambda: page.current is not None)
    view = page.current
    assert isinstance(view, InterviewView)
    assert view.doc.ref == "S1"
    press(qtbot, Qt.Key.Key_Return)
    assert focused() is view.notes.question_list
    return view


def test_notes_typed_across_five_questions_with_tab_are_all_in_the_file(
    qtbot: QtBot, controller: AppController, demo_path: Path
) -> None:
    before = session_rows(demo_path, "S1")
    controller.open_path(demo_path, PASSPHRASE)
    with qtbot.waitSignal(controller.sig_study_opened, timeout=OPEN_TIMEOUT_MS):
        pass
    window = wait_for_window(qtbot, controller)
    view = open_first_interview(qtbot, window)
    questions = [view.notes.model.question_id(row) for row in range(5)]
    first_note = {q: next(r for r in before if r.question == q) for q in questions}
    by_ref = {r.ref: r for r in before}
    q4_notes = [r for r in before if r.question == questions[3]]
    assert len(q4_notes) == 2  # the demo's fourth question has two notes: Tab visits both

    trail: list[str] = []  # where each Tab left the focus, for the failure message

    def typed(text: str) -> str:
        type_text(qtbot, text)
        return text

    def tab(modifiers: Qt.KeyboardModifier = NONE) -> None:
        press(qtbot, Qt.Key.Key_Tab, modifiers)
        widget = focused()
        trail.append(f"{type(widget).__name__} {widget.accessibleName()!r}")

    # Question 1: Enter goes to its notes; a new note, then a follow-up after it.
    press(qtbot, Qt.Key.Key_Return)
    press(qtbot, Qt.Key.Key_Return, CTRL)
    a1 = typed("Q1 new note: came to the project from a youth club")
    press(qtbot, Qt.Key.Key_F, CTRL | SHIFT)
    f1 = typed("Q1 follow-up: who asked you to apply?")
    # Tab: the next note in order, question 2's first, with the cursor at its end.
    tab()
    x2 = typed(" [added after Tab at question 2]")
    press(qtbot, Qt.Key.Key_Return, CTRL)
    a2 = typed("Q2 note typed after Tab and Ctrl+Enter")
    # Question 3: a follow-up straight after Tab, and its answer in a new note.
    tab()
    press(qtbot, Qt.Key.Key_F, CTRL | SHIFT)
    f3 = typed("Q3 follow-up: what happens over the summer?")
    press(qtbot, Qt.Key.Key_Return, CTRL)
    a3 = typed("Q3 answer: nobody rings anybody in August")
    # Question 4 has two notes: Tab visits each.
    tab()
    x4 = typed(" [more at question 4]")
    tab()
    press(qtbot, Qt.Key.Key_Return, CTRL)
    a4 = typed("Q4 note after the second one")
    # A blank note left by Tab makes nothing; the keys after it still land in a note.
    press(qtbot, Qt.Key.Key_Return, CTRL)
    tab()
    x5 = typed(" [question 5, after a blank note]")
    # Question 5: a new note, Shift+Tab back to the one before it, Tab forward again.
    press(qtbot, Qt.Key.Key_Return, CTRL)
    a5 = typed("Q5 note")
    tab(SHIFT)
    y5 = typed(" [and back with Shift+Tab]")
    tab()
    a5 += typed(", and more after Tab")

    controller.close_study()
    after = session_rows(demo_path, "S1")

    old_ids = {r.id for r in before}
    new = [(r.question, r.follow_up, r.text) for r in after if r.id not in old_ids]
    expected_new = [
        (questions[0], False, a1),
        (questions[0], True, f1),
        (questions[1], False, a2),
        (questions[2], True, f3),
        (questions[2], False, a3),
        (questions[3], False, a4),
        (questions[4], False, a5),
    ]
    changed = {r.ref: r.text for r in after if r.id in old_ids and r.text != by_ref[r.ref].text}
    expected_changed = {
        first_note[questions[1]].ref: first_note[questions[1]].text + x2,
        q4_notes[0].ref: q4_notes[0].text + x4,
        first_note[questions[4]].ref: first_note[questions[4]].text + x5 + y5,
    }
    lost = [
        text
        for text in (a1, f1, x2, a2, f3, a3, x4, a4, x5, a5, y5)
        if not any(text in r.text for r in after)
    ]
    assert lost == [], f"typed but not in the file: {lost}; Tab went to {trail}"
    assert sorted(new, key=str) == sorted(expected_new, key=str)
    assert changed == expected_changed
    assert len(after) == len(before) + len(expected_new)  # the blank note made no entry


def test_ctrl_tab_and_f6_are_the_ways_out_of_a_session(
    qtbot: QtBot, controller: AppController, demo_path: Path
) -> None:
    controller.open_path(demo_path, PASSPHRASE)
    with qtbot.waitSignal(controller.sig_study_opened, timeout=OPEN_TIMEOUT_MS):
        pass
    window = wait_for_window(qtbot, controller)
    view = open_first_interview(qtbot, window)
    press(qtbot, Qt.Key.Key_Return)  # question 1's notes
    note = focused()
    assert view.notes.isAncestorOf(note)
    press(qtbot, Qt.Key.Key_F6)
    assert focused() is window.sessions.table
    press(qtbot, Qt.Key.Key_F6)
    assert focused() is view.notes.question_list  # where Enter on the session goes
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is note
    press(qtbot, Qt.Key.Key_Tab, CTRL)
    assert window.tabs.currentWidget() is window.analysis
