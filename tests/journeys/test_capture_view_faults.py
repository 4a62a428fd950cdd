"""The note-taking screen's smaller faults a researcher hit in one morning (issue 11 §3),
each lived by keyboard in the real app and read back from the study file after:

- a long note typed at the bottom of the interview stays in view as it grows;
- every note's first line is drawn whole, before and after typing (no text box scrolls
  inside itself: it used to, and its first line went under its top edge);
- a note left behind keeps no selection drawn over its codings' colours;
- End session asks first (Escape and Enter keep it running), and the clock counts only
  the time the session ran in the app, not the hours the study was closed;
- a follow-up in a one-to-one interview is the researcher's question ("you asked"),
  not "researcher / group".
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.exceptions import TimeoutError as WaitTimeout
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from plrdesk.domain import models as m
from plrdesk.storage.study_file import StudyFile
from plrdesk.ui.controller import AppController
from plrdesk.ui.main_window import MainWindow
from plrdesk.ui.sessions.entry_editor import EntryEditor
from plrdesk.ui.sessions.guide_notes import GuideNotes
from plrdesk.ui.sessions.highlight import extra_selections
from plrdesk.ui.sessions.interview_view import InterviewView
from tests.journeys.keyboard import (
    CTRL,
    OPEN_TIMEOUT_MS,
    entry_texts,
    focused,
    press,
    type_text,
    wait_for_window,
)
from tests.journeys.test_interview_by_keyboard import open_first_interview, session_rows
from tests.support.files import PASSPHRASE
from tests.support.mnemonics import clashes

SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier
WAIT_MS = 3000


def open_study(qtbot: QtBot, controller: AppController, path: Path) -> MainWindow:
    controller.open_path(path, PASSPHRASE)
    with qtbot.waitSignal(controller.sig_study_opened, timeout=OPEN_TIMEOUT_MS):
        pass
    return wait_for_window(qtbot, controller)


def wait_for(qtbot: QtBot, condition: Callable[[], bool], failure: Callable[[], str]) -> None:
    """Until `condition` holds; else fail saying `failure()`."""
    try:
        qtbot.waitUntil(condition, timeout=WAIT_MS)
    except WaitTimeout:
        raise AssertionError(failure()) from None


def typing_in(notes: GuideNotes) -> EntryEditor:
    editor = notes.current_editor
    assert editor is not None
    assert focused() is editor.text
    return editor


# -- the interview follows the typing ---------------------------------------------------------


def caret_in_view(notes: GuideNotes) -> bool:
    """The caret's whole rectangle is inside the notes' scroll area's viewport."""
    editor = notes.current_editor
    if editor is None:
        return False
    viewport = notes.notes_area.viewport()
    caret = editor.text.cursorRect()
    top = editor.text.viewport().mapTo(viewport, caret.topLeft())
    bottom = editor.text.viewport().mapTo(viewport, caret.bottomRight())
    return viewport.rect().contains(top) and viewport.rect().contains(bottom)


def where_the_caret_is(notes: GuideNotes) -> str:
    editor = notes.current_editor
    assert editor is not None
    viewport = notes.notes_area.viewport()
    caret = editor.text.cursorRect()
    at = editor.text.viewport().mapTo(viewport, caret.bottomLeft())
    return f"the caret is at y={at.y()}, the notes show y=0..{viewport.height()}"


def test_a_long_note_typed_at_the_bottom_of_the_interview_stays_in_view(
    qtbot: QtBot, controller: AppController, demo_path: Path
) -> None:
    window = open_study(qtbot, controller, demo_path)
    view = open_first_interview(qtbot, window)
    notes = view.notes
    press(qtbot, Qt.Key.Key_End)  # the last question
    press(qtbot, Qt.Key.Key_Return)  # its notes
    press(qtbot, Qt.Key.Key_Return, CTRL)  # a new note after its last
    editor = typing_in(notes)
    qtbot.waitUntil(editor.isVisible)  # shown once the event loop has run (the layout's)
    scroll = notes.notes_area.verticalScrollBar()
    first = scroll.value()
    lines = [
        f"Point {n}: she went through how the learning mentor, the SENCO and the family"
        " support worker shared one plan over the summer holidays. "
        for n in range(1, 15)
    ]
    for number, line in enumerate(lines, start=1):
        type_text(qtbot, line)
        wait_for(
            qtbot,
            lambda: caret_in_view(notes),
            lambda number=number: f"after line {number}, {where_the_caret_is(notes)}",  # type: ignore[misc]
        )
    assert focused() is editor.text
    assert scroll.value() > first  # the note grew past the bottom: the notes moved with it
    qtbot.waitUntil(view.doc.autosave.is_idle, timeout=WAIT_MS)
    controller.close_study()
    assert "".join(lines) in entry_texts(demo_path, PASSPHRASE)


# -- every note's first line is drawn whole ----------------------------------------------------


def first_line_cut(editor: EntryEditor) -> str | None:
    """Why the note's first line is not drawn whole (None: it is)."""
    text = editor.text
    document = text.document()
    scroll = text.verticalScrollBar()
    top = text.cursorRect(QTextCursor(document)).top()  # the first line, in the viewport
    name = editor.accessible_name()
    if top < 0 or scroll.value() != 0:
        return (
            f"{name}: its text is scrolled up by {scroll.value()} px, the first line under its top"
        )
    if text.viewport().height() < math.ceil(document.size().height()):
        return (
            f"{name}: {text.viewport().height()} px tall for {document.size().height()} px of text"
        )
    if scroll.maximum() != 0:
        return f"{name}: its text can still scroll {scroll.maximum()} px up inside it"
    return None


def cut_notes(notes: GuideNotes) -> list[str]:
    return [why for editor in notes.note_boxes() if (why := first_line_cut(editor)) is not None]


def test_every_note_shows_its_first_line_whole_while_notes_are_typed(
    qtbot: QtBot, controller: AppController, demo_path: Path
) -> None:
    window = open_study(qtbot, controller, demo_path)
    view = open_first_interview(qtbot, window)
    notes = view.notes
    assert len(notes.note_boxes()) >= 9
    qtbot.waitUntil(lambda: all(editor.isVisible() for editor in notes.note_boxes()))
    assert cut_notes(notes) == []  # as the session opens
    press(qtbot, Qt.Key.Key_Return)  # question 1's note
    press(qtbot, Qt.Key.Key_F, CTRL | SHIFT)  # a follow-up: drawn in bold
    asked = (
        "And who decided which of the children on the list would get a place on the"
        " project, and did the primary school know about it before the summer?"
    )
    type_text(qtbot, asked)
    follow_up = typing_in(notes)
    assert cut_notes(notes) == []
    press(qtbot, Qt.Key.Key_Return, CTRL)
    said = (
        "Nobody really decided: the head of Year 6 rang round and the ones whose parents"
        " answered the phone got the places, which is not how it should work at all."
    )
    type_text(qtbot, said)
    press(qtbot, Qt.Key.Key_Q, CTRL)  # a quote: drawn in italics, so its lines move
    quote = typing_in(notes)
    qtbot.waitUntil(lambda: quote.record is not None and quote.record.verbatim)
    assert quote.text.font().italic()
    assert follow_up.text.font().bold()
    for _ in notes.note_boxes():  # round every note, looking at all of them at each
        press(qtbot, Qt.Key.Key_Tab)
        assert cut_notes(notes) == []
    qtbot.waitUntil(view.doc.autosave.is_idle, timeout=WAIT_MS)
    controller.close_study()
    rows = {row.text: row for row in session_rows(demo_path, "S1")}
    assert rows[asked].follow_up
    assert said in rows


# -- a note left behind keeps no selection over its codings ------------------------------------


def drawn(editor: EntryEditor) -> list[tuple[int, int, str]]:
    return [
        (s.cursor.selectionStart(), s.cursor.selectionEnd(), s.format.background().color().name())
        for s in editor.text.extraSelections()
    ]


def test_a_note_left_behind_shows_only_its_codings(
    qtbot: QtBot, controller: AppController, demo_path: Path
) -> None:
    window = open_study(qtbot, controller, demo_path)
    view = open_first_interview(qtbot, window)
    notes = view.notes
    press(qtbot, Qt.Key.Key_Return)  # question 1's note
    press(qtbot, Qt.Key.Key_Tab)  # question 2's note: part of it is coded
    coded = typing_in(notes)
    assert coded.record is not None
    text_before = coded.text.toPlainText()
    qtbot.waitUntil(lambda: any(c.span is not None for c in coded.text.codings))  # loaded
    codings = [(c.view.theme_name, c.span) for c in coded.text.codings if c.span is not None]
    assert codings, "the demo's E2 has a coded passage"
    tints = drawn(coded)
    assert tints == [
        (s.cursor.selectionStart(), s.cursor.selectionEnd(), s.format.background().color().name())
        for s in extra_selections(coded.text.document(), coded.text.codings)
    ]
    press(qtbot, Qt.Key.Key_End, CTRL)
    for _ in range(6):  # the last six words, the coded passage among them
        press(qtbot, Qt.Key.Key_Left, CTRL | SHIFT)
    assert coded.text.textCursor().hasSelection()
    # The theme picker (Ctrl+T) acts on the selection: Escape brings the keyboard back to
    # the same words, still selected.
    press(qtbot, Qt.Key.Key_T, CTRL)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None)
    qtbot.waitUntil(lambda: focused() is coded.text)
    assert coded.text.textCursor().hasSelection()
    # Tab to the next note: nothing of the selection stays drawn on the note left.
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is not coded.text
    assert not coded.text.textCursor().hasSelection()
    assert drawn(coded) == tints  # the codings' tints, and only those
    press(qtbot, Qt.Key.Key_Tab, SHIFT)  # back to it: its caret where it was, no selection
    assert focused() is coded.text
    assert not coded.text.textCursor().hasSelection()
    controller.close_study()
    with StudyFile.open(demo_path, PASSPHRASE) as study, study.transaction() as db:
        entry = db.scalars(select(m.Entry).filter_by(ref=coded.record.ref)).one()
        kept = db.scalars(select(m.Coding).filter_by(entry_id=entry.id)).all()
        assert entry.text == text_before
        assert len([c for c in kept if c.start is not None]) == len(codings)


# -- End session asks, and the clock counts only the time in the app --------------------------


def set_s1(path: Path, started: dt.datetime | None, ran: int | None) -> None:
    """S1 as a session still running (started at `started`, counted `ran` seconds in the
    app), or not started at all."""
    with StudyFile.open(path, PASSPHRASE) as study, study.transaction() as db:
        row = db.scalars(select(m.StudySession).filter_by(ref="S1")).one()
        row.started_at, row.ended_at, row.running_seconds = started, None, ran


def s1_times(path: Path) -> tuple[dt.datetime | None, dt.datetime | None, int | None]:
    with StudyFile.open(path, PASSPHRASE) as study, study.transaction() as db:
        row = db.scalars(select(m.StudySession).filter_by(ref="S1")).one()
        return row.started_at, row.ended_at, row.running_seconds


def shown_seconds(text: str) -> int | None:
    """The clock's time in seconds ("12:05", "1:02:03", "12:05 (ended)")."""
    found = re.match(r"(?:(\d+):)?(\d\d):(\d\d)", text)
    if found is None:
        return None
    hours, minutes, seconds = (int(part or 0) for part in found.groups())
    return hours * 3600 + minutes * 60 + seconds


def open_s1_last_in_the_list(qtbot: QtBot, window: MainWindow) -> InterviewView:
    """As open_first_interview, with Ctrl+End for Home: the list goes by start time, and
    S1, started today (or not at all), is the last."""
    press(qtbot, Qt.Key.Key_3, CTRL)
    page = window.sessions
    qtbot.waitUntil(lambda: page.model.rowCount() > 0)
    for _ in range(10):
        if focused() is page.table:
            break
        press(qtbot, Qt.Key.Key_Tab)
    assert focused() is page.table
    press(qtbot, Qt.Key.Key_End, CTRL)
    qtbot.waitUntil(lambda: page.current is not None and page.current.doc.ref == "S1")
    view = page.current
    assert isinstance(view, InterviewView)
    press(qtbot, Qt.Key.Key_Return)
    assert focused() is view.notes.question_list
    return view


def end_question(qtbot: QtBot, view: InterviewView) -> QMessageBox:
    press(qtbot, Qt.Key.Key_D, ALT)  # En&d session…
    qtbot.waitUntil(lambda: view.header.clock.end_box is not None)
    box = view.header.clock.end_box
    assert box is not None
    qtbot.waitUntil(lambda: box.isVisible() and box.isAncestorOf(focused()))
    return box


def test_end_session_asks_first_and_the_clock_leaves_out_the_hours_the_app_was_closed(
    qtbot: QtBot, controller: AppController, demo_path: Path
) -> None:
    # S1 started three hours ago; its clock had run ten minutes in plrdesk when the study
    # was closed, and it was never ended.
    started = dt.datetime.now(dt.UTC) - dt.timedelta(hours=3)
    set_s1(demo_path, started, 600)
    window = open_study(qtbot, controller, demo_path)
    view = open_s1_last_in_the_list(qtbot, window)
    clock = view.header.clock
    wait_for(
        qtbot,
        lambda: (shown_seconds(clock.label.text()) or 0) >= 600,
        lambda: f"the clock shows {clock.label.text()!r}",
    )
    shown = shown_seconds(clock.label.text())
    assert shown is not None
    assert shown < 660, f"the clock counts the hours the study was closed: {clock.label.text()}"
    assert clock.end_button.isVisible()
    assert [str(clash) for clash in clashes(window)] == []  # Alt+D is End's alone

    press(qtbot, Qt.Key.Key_Return)  # question 1's note, to go on typing
    note = typing_in(view.notes)
    # Escape keeps the session running, and the keyboard in the note.
    box = end_question(qtbot, view)
    assert "End session S1" in box.text()
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not box.isVisible())
    assert view.doc.detail.ended_at is None
    assert clock.end_button.isVisible()
    qtbot.waitUntil(lambda: focused() is note.text)
    type_text(qtbot, " [still running]")
    # Enter takes the default answer: keep it running.
    box = end_question(qtbot, view)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not box.isVisible())
    assert view.doc.detail.ended_at is None
    qtbot.waitUntil(lambda: focused() is note.text)
    # Alt+E in the question: the session ends, its clock stopped at what it ran.
    box = end_question(qtbot, view)
    press(qtbot, Qt.Key.Key_E, ALT)
    qtbot.waitUntil(lambda: not box.isVisible())
    assert view.doc.detail.ended_at is not None
    assert clock.label.text().endswith("(ended)")
    assert not clock.end_button.isVisible()
    qtbot.waitUntil(lambda: focused() is note.text)  # the notes stay open after the end
    ended_at = shown_seconds(clock.label.text())
    assert ended_at is not None
    assert 600 <= ended_at < 660
    qtbot.waitUntil(view.doc.autosave.is_idle, timeout=WAIT_MS)
    controller.close_study()

    _started, ended, ran = s1_times(demo_path)
    assert ended is not None
    assert ran is not None
    assert 600 <= ran < 660
    assert any(text.endswith(" [still running]") for text in entry_texts(demo_path, PASSPHRASE))


def test_a_session_taken_up_again_goes_on_from_where_its_clock_stopped(
    qtbot: QtBot, controller: AppController, demo_path: Path
) -> None:
    set_s1(demo_path, None, None)  # not started yet
    window = open_study(qtbot, controller, demo_path)
    view = open_s1_last_in_the_list(qtbot, window)
    clock = view.header.clock
    assert clock.label.text() == "Not started"
    press(qtbot, Qt.Key.Key_Return)
    press(qtbot, Qt.Key.Key_T, ALT)  # S&tart session
    qtbot.waitUntil(lambda: view.doc.detail.started_at is not None)
    qtbot.waitUntil(lambda: (shown_seconds(clock.label.text()) or 99) < 60)
    controller.close_study()
    started, ended, ran = s1_times(demo_path)
    assert started is not None
    assert ended is None
    # Two hours go by with the study closed (its start moved back by as much).
    with StudyFile.open(demo_path, PASSPHRASE) as study, study.transaction() as db:
        row = db.scalars(select(m.StudySession).filter_by(ref="S1")).one()
        row.started_at = started - dt.timedelta(hours=2)

    window = open_study(qtbot, controller, demo_path)
    view = open_s1_last_in_the_list(qtbot, window)
    clock = view.header.clock
    wait_for(
        qtbot,
        lambda: shown_seconds(clock.label.text()) is not None,
        lambda: f"the clock shows {clock.label.text()!r}",
    )
    shown = shown_seconds(clock.label.text())
    assert shown is not None
    assert shown < 60, f"the two hours the study was closed are counted: {clock.label.text()}"
    controller.close_study()
    _started, ended, ran = s1_times(demo_path)
    assert ended is None
    assert ran is not None  # the app timed it
    assert ran < 60


# -- a follow-up is the researcher's question -----------------------------------------------


def test_a_follow_up_in_a_one_to_one_interview_is_the_researchers_question(
    qtbot: QtBot, controller: AppController, demo_path: Path
) -> None:
    window = open_study(qtbot, controller, demo_path)
    view = open_first_interview(qtbot, window)
    assert len(view.doc.members) == 1
    press(qtbot, Qt.Key.Key_Return)
    press(qtbot, Qt.Key.Key_F, CTRL | SHIFT)
    asked = "Who asked you to apply for the project?"
    type_text(qtbot, asked)
    follow_up = typing_in(view.notes)
    qtbot.waitUntil(lambda: follow_up.record is not None and bool(follow_up.record.ref))
    assert follow_up.marker.text() == "<b>Follow-up question</b>"
    line = follow_up.meta.text()
    assert line.startswith("you asked · ")
    assert "group" not in line
    press(qtbot, Qt.Key.Key_Return, CTRL)
    type_text(qtbot, "Her manager did, after a meeting about the Year 6 list")
    answer = typing_in(view.notes)
    qtbot.waitUntil(lambda: answer.record is not None and bool(answer.record.ref))
    assert "group" not in answer.meta.text()
    assert "P1" not in answer.meta.text()  # the one participant: no need to say who
    qtbot.waitUntil(view.doc.autosave.is_idle, timeout=WAIT_MS)
    controller.close_study()
    with StudyFile.open(demo_path, PASSPHRASE) as study, study.transaction() as db:
        entry = db.scalars(select(m.Entry).filter_by(text=asked)).one()
        assert entry.follow_up
        assert entry.speaker_id is None
