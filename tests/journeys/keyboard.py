"""What a researcher does with the keyboard in a journey, and reading a study back.

Every key goes to whatever widget has the focus (QApplication.focusWidget()), as a real
keyboard's would; a helper that needs a particular widget focused waits for it and
fails if the keys would have gone elsewhere.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QStatusBar, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from plrdesk.domain import models as m
from plrdesk.storage.study_file import StudyFile
from plrdesk.ui.controller import AppController
from plrdesk.ui.main_window import MainWindow
from plrdesk.ui.sessions.entry_editor import EntryEditor
from plrdesk.ui.sessions.interview_view import InterviewView

CTRL = Qt.KeyboardModifier.ControlModifier
NONE = Qt.KeyboardModifier.NoModifier
OPEN_TIMEOUT_MS = 20_000


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "no widget has the keyboard focus"
    return widget


def press(qtbot: QtBot, key: Qt.Key, modifiers: Qt.KeyboardModifier = NONE) -> None:
    """One key (with modifiers) to the focused widget."""
    qtbot.keyClick(focused(), key, modifiers)


def type_text(qtbot: QtBot, text: str) -> None:
    """Type `text` into the focused widget, one key at a time."""
    qtbot.keyClicks(focused(), text)


class StatusLog:
    """Every message the main window's status bar showed, in order."""

    def __init__(self, bar: QStatusBar) -> None:
        self.bar = bar
        self.messages: list[str] = [bar.currentMessage()]
        bar.messageChanged.connect(self.messages.append)

    def mark(self) -> int:
        return len(self.messages)

    def since(self, mark: int) -> list[str]:
        return self.messages[mark:]

    def said(self, prefix: str, since: int = 0) -> bool:
        return any(message.startswith(prefix) for message in self.messages[since:])

    def now(self) -> str:
        return self.bar.currentMessage()


def wait_for_window(qtbot: QtBot, controller: AppController) -> MainWindow:
    """The main window once the study is open, active (it has the keyboard)."""
    qtbot.waitUntil(lambda: controller.window is not None, timeout=OPEN_TIMEOUT_MS)
    window = controller.window
    assert window is not None
    window.activateWindow()  # what the window manager does for a window just shown
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def new_note_in_first_interview(qtbot: QtBot, window: MainWindow) -> EntryEditor:
    """Ctrl+3 (Sessions), Tab to the list, Home (the first session, an interview), Enter
    (its questions), Enter (the first question's notes), Ctrl+Enter (a new note there).
    Returns the blank note, which has the focus."""
    press(qtbot, Qt.Key.Key_3, CTRL)
    assert window.tabs.currentWidget() is window.sessions
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
    assert focused() is view.notes.question_list
    press(qtbot, Qt.Key.Key_Return)
    press(qtbot, Qt.Key.Key_Return, CTRL)
    editor = view.notes.current_editor
    assert editor is not None
    assert editor.record is None  # a blank note: it becomes an entry on its first key
    assert focused() is editor.text
    return editor


def entry_texts(path: Path, passphrase: str) -> list[str]:
    """Every note's text in the study at `path`, read with a fresh open."""
    with StudyFile.open(path, passphrase) as study, study.transaction() as db:
        return [text or "" for text in db.scalars(select(m.Entry.text))]


def theme_names(path: Path, passphrase: str) -> dict[str, str]:
    with StudyFile.open(path, passphrase) as study, study.transaction() as db:
        return {t.ref: t.name for t in db.scalars(select(m.Theme))}


class ModalWatcher:
    """Reads and answers (Return) every message box that runs its own modal loop (the
    static QMessageBox.warning and friends: application-modal), which the test's code
    could not reach while that loop runs. `seen` holds (title, text) of each, in order.
    Window-modal boxes (shown with .open()) are left for the test to answer."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []
        self._timer = QTimer()
        self._timer.setInterval(50)
        self._timer.timeout.connect(self._look)
        self._timer.start()

    def _look(self) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or not box.isVisible():
            return
        if box.windowModality() != Qt.WindowModality.ApplicationModal:
            return
        self.seen.append((box.windowTitle(), box.text()))
        QTest.keyClick(QApplication.focusWidget() or box, Qt.Key.Key_Return)

    def stop(self) -> None:
        self._timer.stop()
