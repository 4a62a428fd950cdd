"""A note's text box is exactly as tall as its text, whatever changes it (typing, a new
width, a quote's italics, a follow-up's bold), so nothing in it scrolls and its first line
is never cut off; the wheel over it scrolls the notes. Leaving it for another note drops
its selection; a menu, the theme picker or a dialog keep it. Who a note is from."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QFocusEvent, QTextCursor, QUndoStack, QWheelEvent
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from plrdesk.domain.ids import EntryId, new_id
from plrdesk.services.sessions import EntryRecord
from plrdesk.ui.sessions.entry_editor import EntryEditor, speaker_label
from plrdesk.ui.sessions.interview_view import InterviewView
from plrdesk.ui.sessions.note_text import NoteText
from plrdesk.ui.sessions.page import SessionsPage
from tests.ui.sessions.conftest import open_session

LONG = (
    "Who asked you to apply for the place on the project, and what did the school say"
    " when it heard about it in the summer term before the move? "
) * 2


def record(**fields: object) -> EntryRecord:
    values: dict[str, object] = {
        "id": EntryId(new_id()),
        "ref": "E1",
        "question": None,
        "speaker_ref": None,
        "text": LONG,
        "at": dt.datetime(2008, 11, 25, 10, 5, tzinfo=dt.UTC),
    }
    values.update(fields)
    return EntryRecord(**values)  # type: ignore[arg-type]


def fits(text: NoteText) -> bool:
    scroll = text.verticalScrollBar()
    height = math.ceil(text.document().size().height())
    return scroll.maximum() == 0 and scroll.value() == 0 and text.viewport().height() >= height


@pytest.fixture
def host(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    QVBoxLayout(widget)
    qtbot.addWidget(widget)
    widget.resize(420, 600)
    return widget


def shown(qtbot: QtBot, host: QWidget, editor: EntryEditor) -> EntryEditor:
    layout = host.layout()
    assert isinstance(layout, QVBoxLayout)
    layout.addWidget(editor)
    layout.addStretch(1)
    host.show()
    qtbot.waitExposed(host)
    qtbot.waitUntil(editor.isVisible)
    return editor


def test_the_box_fits_its_text_through_font_and_width_changes(qtbot: QtBot, host: QWidget) -> None:
    entry = record()
    editor = shown(qtbot, host, EntryEditor(QUndoStack(), question=None, record=entry))
    text = editor.text
    assert fits(text)
    lines = text.document().size().height()
    font = text.font()
    font.setBold(True)  # what a follow-up is drawn in: wider, so more lines
    text.setFont(font)
    assert text.document().size().height() > lines
    assert fits(text)
    entry.verbatim = True
    editor.refresh()  # a quote: italics
    assert text.font().italic()
    assert fits(text)
    host.resize(300, 600)
    qtbot.waitUntil(lambda: text.width() < 300)
    assert fits(text)
    host.resize(800, 600)
    qtbot.waitUntil(lambda: text.width() > 600)
    assert fits(text)
    text.setFocus()
    text.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(text, " and then some more words at the end, to wrap once more")
    assert fits(text)
    assert text.cursorRect(QTextCursor(text.document())).top() >= 0  # the first line


def test_the_wheel_over_a_note_is_left_to_the_notes_around_it(
    qtbot: QtBot, page: SessionsPage
) -> None:
    view = open_session(qtbot, page, "S1")
    assert isinstance(view, InterviewView)
    editor = max(view.notes.note_boxes(), key=lambda e: e.text.height())  # several lines
    qtbot.waitUntil(editor.isVisible)
    inside = editor.text.viewport()
    wheel = QWheelEvent(
        QPointF(10, 10),
        QPointF(inside.mapToGlobal(QPoint(10, 10))),
        QPoint(0, 0),
        QPoint(0, -120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(inside, wheel)
    # Its text did not move up inside it (the first line went out of sight before), and
    # the wheel is not taken: Qt hands a real one on to the notes' scroll area. (A wheel
    # event made here is not passed on by Qt: only one from the window system is.)
    assert editor.text.verticalScrollBar().value() == 0
    assert not wheel.isAccepted()


@pytest.mark.parametrize(
    ("reason", "kept"),
    [
        (Qt.FocusReason.TabFocusReason, False),
        (Qt.FocusReason.BacktabFocusReason, False),
        (Qt.FocusReason.MouseFocusReason, False),
        (Qt.FocusReason.ShortcutFocusReason, False),
        (Qt.FocusReason.PopupFocusReason, True),  # a menu or the theme picker
        (Qt.FocusReason.ActiveWindowFocusReason, True),  # a dialog, another app
    ],
)
def test_leaving_a_note_drops_its_selection_unless_the_keyboard_comes_back(
    qtbot: QtBot, host: QWidget, reason: Qt.FocusReason, kept: bool
) -> None:
    editor = shown(qtbot, host, EntryEditor(QUndoStack(), question=None, record=record()))
    cursor = editor.text.textCursor()
    cursor.setPosition(4)
    cursor.setPosition(15, QTextCursor.MoveMode.KeepAnchor)
    editor.text.setTextCursor(cursor)
    QApplication.sendEvent(editor.text, QFocusEvent(QEvent.Type.FocusOut, reason))
    after = editor.text.textCursor()
    assert after.hasSelection() is kept
    assert after.position() == 15  # the caret stays where it was


@pytest.mark.parametrize(
    ("speaker", "follow_up", "several", "label"),
    [
        (None, True, False, "you asked"),  # the issue: not "researcher / group"
        (None, True, True, "you asked"),
        (None, False, True, "group"),
        (None, False, False, "your note"),
        ("P1", False, False, None),  # the one participant: the line need not say
        ("C3", False, True, "C3"),
    ],
)
def test_who_a_note_is_from(
    speaker: str | None, follow_up: bool, several: bool, label: str | None
) -> None:
    entry = record(speaker_ref=speaker, follow_up=follow_up)
    assert speaker_label(entry, several=several) == label
