"""Coding words that come after emoji (issue 10): a note pasted with a flag, a
mathematical letter and smileys before its last words; the researcher selects "school
called" with the keyboard, codes it with Ctrl+T, and the study holds exactly those words.

Qt counts text in UTF-16 units, where each of those characters is two (the flag is two
characters, so four); the study counts Python characters. Before the fix Qt's positions
were stored as they were, five places too far on: the study held 32..46, "l called me ba".
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from plrdesk.domain import models as m
from plrdesk.storage.study_file import StudyFile
from plrdesk.ui.controller import AppController
from plrdesk.ui.sessions.interview_view import InterviewView
from tests.journeys.keyboard import (
    CTRL,
    OPEN_TIMEOUT_MS,
    StatusLog,
    focused,
    new_note_in_first_interview,
    press,
    type_text,
    wait_for_window,
)
from tests.support.files import PASSPHRASE

SHIFT = Qt.KeyboardModifier.ShiftModifier
NOTE = "🇬🇧 Rang 𝒜 at 9 😀🙂\nthen the school called me back"
WORDS = "school called"


def utf16(text: str) -> int:
    """How many positions Qt counts for `text` (worked out here, not by the app's code)."""
    return len(text.encode("utf-16-le")) // 2


def codings_in(path: Path) -> list[tuple[str, str, int | None, int | None]]:
    """(note text, theme name, start, end) of every coded span, read with a fresh open."""
    with StudyFile.open(path, PASSPHRASE) as study, study.transaction() as db:
        return [
            (c.entry.text or "", c.theme.name, c.start, c.end)
            for c in db.scalars(select(m.Coding).where(m.Coding.start.is_not(None)))
        ]


def test_words_after_emoji_are_coded_as_selected(
    qtbot: QtBot, controller: AppController, demo_path: Path
) -> None:
    controller.open_path(demo_path, PASSPHRASE)
    with qtbot.waitSignal(controller.sig_study_opened, timeout=OPEN_TIMEOUT_MS):
        pass
    window = wait_for_window(qtbot, controller)
    status = StatusLog(window.statusBar())

    # The note is pasted (copied from an email), then saved.
    editor = new_note_in_first_interview(qtbot, window)
    QApplication.clipboard().setText(NOTE)
    mark = status.mark()
    press(qtbot, Qt.Key.Key_V, CTRL)
    qtbot.waitUntil(lambda: editor.record is not None and status.said("Saved at", mark))
    assert editor.text.toPlainText() == NOTE

    # "school called" selected with the keyboard: to the end of "called", then back two
    # words, then forward over them again with Shift.
    press(qtbot, Qt.Key.Key_End, CTRL)
    for _ in range(4):
        press(qtbot, Qt.Key.Key_Left, CTRL)
    for _ in range(2):
        press(qtbot, Qt.Key.Key_Right, CTRL | SHIFT)
    cursor = editor.text.textCursor()
    assert cursor.selectedText().strip() == WORDS
    start = NOTE.index(WORDS)
    assert cursor.selectionStart() == utf16(NOTE[:start])  # Qt's count, not Python's

    # Ctrl+T, find the theme by typing, Enter.
    view = window.sessions.current
    assert isinstance(view, InterviewView)
    record = editor.record
    assert record is not None
    press(qtbot, Qt.Key.Key_T, CTRL)
    picker = view.notes.coding.picker
    assert picker is not None
    qtbot.waitUntil(picker.isVisible)
    assert focused() is picker.filter
    type_text(qtbot, "caf")
    mark = status.mark()
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: status.said("Coded as", mark))
    qtbot.waitUntil(lambda: bool(view.doc.codings.of(record.id)))

    controller.shutdown()

    added = [coding for coding in codings_in(demo_path) if coding[0] == NOTE]
    assert len(added) == 1, added
    text, theme, stored_start, stored_end = added[0]
    assert theme.endswith("Using the CAF")
    assert text == NOTE
    assert stored_start is not None
    assert stored_end is not None
    assert text[stored_start:stored_end] == WORDS, f"coded {text[stored_start:stored_end]!r}"
    assert (stored_start, stored_end) == (start, start + len(WORDS))
