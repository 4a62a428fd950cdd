"""Locking in the middle of a note and going on (issue 10): `plrdesk open FILE` asks for the
passphrase, the researcher starts a note, presses Ctrl+L before the autosave has run,
types the passphrase into the dialog that comes up, finds the note again and goes on
typing in it, then closes the window. The app runs throughout (before the fix, closing
the passphrase dialog was Qt's "last window closed" and ended it), and the study holds
every word typed before and after the lock, in that one note.

The steps run inside QApplication.exec(): only there does Qt quit when its last window
closes, so only there can "the app kept running" be observed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from plrdesk.domain import models as m
from plrdesk.storage.study_file import StudyFile
from plrdesk.ui.app import Started, start
from plrdesk.ui.controller import AppController
from plrdesk.ui.main_window import MainWindow
from plrdesk.ui.sessions.entry_editor import EntryEditor
from plrdesk.ui.sessions.interview_view import InterviewView
from tests.journeys.keyboard import (
    CTRL,
    OPEN_TIMEOUT_MS,
    focused,
    new_note_in_first_interview,
    press,
    type_text,
)
from tests.support.files import PASSPHRASE

BEFORE = "Talked through the duty rota"
AFTER = " and the summer holiday gap that follows it"
QUIT_TIMEOUT_MS = 20_000


@pytest.fixture
def started(qapp: QApplication, demo_path: Path) -> Iterator[Started]:
    """The app as `plrdesk open FILE` starts it (no passphrase given: the dialog asks)."""
    for stray in QApplication.topLevelWidgets():
        # Left by an earlier test in this process; a visible one would keep Qt from quitting.
        stray.hide()
    started = start(qapp, demo_path)
    yield started
    started.controller.shutdown()  # harmless when the app already shut it down
    for window in (started.controller.dialog, started.controller.welcome):
        if window is not None:
            window.hide()  # not close(): a closed dialog would bring the welcome back


def run_until_the_app_quits(qapp: QApplication, steps: Callable[[], None]) -> list[str]:
    """Run `steps` inside QApplication.exec(); they end by leaving the researcher's close
    of the main window to the outer loop, which must then end the app by itself. Returns
    the quit requests seen while the steps ran ("lastWindowClosed", "aboutToQuit")."""
    early: list[str] = []
    failures: list[BaseException] = []
    running = True
    gave_up: list[bool] = []

    def note(what: str) -> Callable[[], None]:
        return lambda: early.append(what) if running else None

    def go() -> None:
        nonlocal running
        try:
            steps()
        except BaseException as exc:  # re-raised once exec() has returned
            failures.append(exc)
            qapp.exit(1)
        running = False

    def give_up() -> None:
        gave_up.append(True)
        qapp.exit(2)

    on_closed, on_quit = note("lastWindowClosed"), note("aboutToQuit")
    qapp.lastWindowClosed.connect(on_closed)
    qapp.aboutToQuit.connect(on_quit)
    guard = QTimer()  # an object, stopped below, so it cannot end a later test's loop
    guard.setSingleShot(True)
    guard.timeout.connect(give_up)
    guard.start(QUIT_TIMEOUT_MS)
    QTimer.singleShot(0, go)
    try:
        qapp.exec()
    finally:
        guard.stop()
        qapp.lastWindowClosed.disconnect(on_closed)
        qapp.aboutToQuit.disconnect(on_quit)
    if failures:
        raise failures[0]
    assert not gave_up, "closing the main window did not end the app"
    return early


def unlock(qtbot: QtBot, controller: AppController) -> None:
    """The dialog has the keyboard: type the passphrase wherever the focus is, Return."""
    dialog = controller.dialog
    assert dialog is not None, "no passphrase dialog"
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    assert focused() is dialog.first, f"the passphrase would be typed into {focused()!r}"
    type_text(qtbot, PASSPHRASE)
    press(qtbot, Qt.Key.Key_Return)


def main_window(qtbot: QtBot, controller: AppController) -> MainWindow:
    """The main window once open; the app gives it the keyboard (the test does not)."""
    qtbot.waitUntil(
        lambda: controller.window is not None and controller.window.isVisible(),
        timeout=OPEN_TIMEOUT_MS,
    )
    window = controller.window
    assert window is not None
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def back_to_the_note(qtbot: QtBot, window: MainWindow) -> EntryEditor:
    """Ctrl+3, Tab to the list, Home (the first interview), Enter (its questions), Enter
    (the first question's notes: the cursor goes to its last note, the one typed before
    the lock), Ctrl+End (the end of that note)."""
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
    assert isinstance(view, InterviewView), view
    press(qtbot, Qt.Key.Key_Return)
    press(qtbot, Qt.Key.Key_Return)
    editor = view.notes.current_editor
    assert editor is not None
    assert focused() is editor.text, f"the words would go to {focused()!r}"
    press(qtbot, Qt.Key.Key_End, CTRL)
    return editor


def note_text(path: Path, entry_id: object) -> str | None:
    with StudyFile.open(path, PASSPHRASE) as study, study.transaction() as db:
        entry = db.scalars(select(m.Entry).where(m.Entry.id == entry_id)).one_or_none()
        return None if entry is None else entry.text


def test_words_typed_before_and_after_a_lock_are_all_in_the_study(
    qapp: QApplication, qtbot: QtBot, started: Started, demo_path: Path
) -> None:
    controller = started.controller
    entry: list[object] = []

    def steps() -> None:
        unlock(qtbot, controller)
        window = main_window(qtbot, controller)
        editor = new_note_in_first_interview(qtbot, window)
        type_text(qtbot, BEFORE)
        qtbot.waitUntil(lambda: editor.record is not None)  # the note exists in the study
        assert editor.record is not None
        entry.append(editor.record.id)

        # Ctrl+L at once, before the autosave's pause: locking saves what is pending.
        with qtbot.waitSignal(controller.sig_locked):
            press(qtbot, Qt.Key.Key_L, CTRL)
        unlock(qtbot, controller)
        window = main_window(qtbot, controller)
        editor = back_to_the_note(qtbot, window)
        assert editor.record is not None
        assert editor.record.id == entry[0]  # the same note
        assert editor.text.toPlainText() == BEFORE  # read back from the file after unlock
        type_text(qtbot, AFTER)
        assert editor.text.toPlainText() == BEFORE + AFTER

        # The researcher closes the window (as its close button would, from the outer
        # loop); the app quits and saves what is pending on the way out.
        QTimer.singleShot(0, window.close)

    early = run_until_the_app_quits(qapp, steps)
    assert early == [], "the app asked to quit before the researcher closed it"

    saved = note_text(demo_path, entry[0])
    assert saved == BEFORE + AFTER
    for word in (BEFORE + AFTER).split():
        assert word in saved.split(), f"{word!r} was lost"
