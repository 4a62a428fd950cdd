"""Help, by keyboard: the shortcut sheet, About, and Getting started.

A researcher typing a note presses F1: the sheet lists the study window's keys, the
menus' (Ctrl+L Lock) and the open interview's own (Ctrl+Return Add a note, Ctrl+Shift+F
follow-up, Ctrl+T code); Escape closes it and the keyboard is back in the note, which
goes on and is kept (read back from the file). Ctrl+? opens the same sheet. Help > About
(Alt+H, A) gives the version and where the study and its backups are. On the first run
the welcome window shows the getting-started steps, and after a study has been opened it
shows the recent list instead; Help > Getting started (Alt+H, G) still has them.

(Ctrl+? as a real keyboard types it, Ctrl+Shift+/, is pressed on a real X server in
tests/ui/test_help_keys.py: the offscreen platform cannot map Shift away.)
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QMenu, QMessageBox, QTextBrowser, QWidget
from pytestqt.qtbot import QtBot

import plrdesk
from plrdesk.settings import settings_path
from plrdesk.ui.controller import AppController
from plrdesk.ui.help_sheet import ShortcutSheet
from tests.journeys.keyboard import (
    CTRL,
    entry_texts,
    focused,
    new_note_in_first_interview,
    press,
    type_text,
    wait_for_window,
)
from tests.support.files import PASSPHRASE

ALT = Qt.KeyboardModifier.AltModifier


def open_sheet(qtbot: QtBot, key: Qt.Key, modifiers: Qt.KeyboardModifier) -> ShortcutSheet:
    press(qtbot, key, modifiers)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ShortcutSheet))
    sheet = QApplication.activeModalWidget()
    assert isinstance(sheet, ShortcutSheet)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is sheet)
    return sheet


def from_help_menu(qtbot: QtBot, letter: Qt.Key) -> None:
    """Alt+H opens the Help menu; `letter` (its item's mnemonic) picks the item."""
    press(qtbot, Qt.Key.Key_H, ALT)
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
    menu = QApplication.activePopupWidget()
    assert isinstance(menu, QMenu)
    assert menu.title() == "&Help"
    QTest.keyClick(menu, letter)  # the open menu has the keyboard


def close_with_escape(qtbot: QtBot, dialog: QWidget) -> None:
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_f1_lists_the_windows_keys_and_escape_goes_back_to_the_note(
    qtbot: QtBot, controller: AppController, demo_path: Path
) -> None:
    controller.open_path(demo_path, PASSPHRASE)
    window = wait_for_window(qtbot, controller)
    editor = new_note_in_first_interview(qtbot, window)
    type_text(qtbot, "Transition plan agreed")

    sheet = open_sheet(qtbot, Qt.Key.Key_F1, Qt.KeyboardModifier.NoModifier)
    rows = sheet.rows()
    assert ("Study menu", "Ctrl+L", "Lock", "") in rows
    assert ("Help menu", "F1, Ctrl+?", "Keyboard shortcuts", "") in rows
    interview = [(keys, what) for group, keys, what, where in rows if where == "Interview S1"]
    assert ("Ctrl+Return, Ctrl+Enter", "Add a note") in interview
    assert ("Ctrl+Shift+F", "Add follow-up question") in interview
    assert ("Ctrl+T", "Code with theme") in interview
    assert {group for group, _keys, what, _where in rows if what == "Add a note"} == {"Sessions"}
    tree = sheet.tree
    shown = [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]  # type: ignore[union-attr]
    assert shown[:4] == ["Study menu", "Edit menu", "View menu", "Help menu"]
    close_with_escape(qtbot, sheet)
    qtbot.waitUntil(lambda: focused() is editor.text)

    # Ctrl+? (what Qt makes of Ctrl+Shift+/ on X11) opens it as well.
    sheet = open_sheet(qtbot, Qt.Key.Key_Question, CTRL)
    assert ("Study menu", "Ctrl+L", "Lock", "") in sheet.rows()
    close_with_escape(qtbot, sheet)
    qtbot.waitUntil(lambda: focused() is editor.text)
    type_text(qtbot, " at the meeting")
    controller.close_study()
    assert "Transition plan agreed at the meeting" in entry_texts(demo_path, PASSPHRASE)


def test_help_about_gives_the_version_and_where_the_study_is(
    qtbot: QtBot, controller: AppController, demo_path: Path
) -> None:
    controller.open_path(demo_path, PASSPHRASE)
    wait_for_window(qtbot, controller)
    from_help_menu(qtbot, Qt.Key.Key_A)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox))
    box = QApplication.activeModalWidget()
    assert isinstance(box, QMessageBox)
    assert box.windowTitle() == "About plrdesk"
    text = box.text()
    assert f"plrdesk {plrdesk.__version__}" in text
    assert f"This study: {demo_path}" in text
    assert f"{demo_path.name}.backups" in text
    assert str(settings_path()) in text
    qtbot.waitUntil(lambda: QApplication.activeWindow() is box)
    close_with_escape(qtbot, box)
    controller.close_study()
    assert entry_texts(demo_path, PASSPHRASE)  # the study is as it was: it still opens


def test_the_first_run_shows_getting_started_and_later_runs_the_recent_list(
    qtbot: QtBot, controller: AppController, demo_path: Path
) -> None:
    assert not settings_path().exists()  # a first run: nothing opened yet
    controller.show_welcome()
    welcome = controller.welcome
    assert welcome is not None
    qtbot.waitUntil(welcome.isVisible)
    page = welcome.getting_started
    assert page is not None
    assert page.isVisible()
    steps = page.toPlainText()
    for step in ("Make a new study", "Add the people", "Record consent", "first interview"):
        assert step in steps
    qtbot.waitUntil(lambda: QApplication.activeWindow() is welcome)
    assert focused() is welcome.new_button  # the steps do not take the keyboard

    from_help_menu(qtbot, Qt.Key.Key_K)  # the sheet is there from the welcome window too
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ShortcutSheet))
    sheet = QApplication.activeModalWidget()
    assert isinstance(sheet, ShortcutSheet)
    assert ("Help menu", "F1, Ctrl+?", "Keyboard shortcuts", "") in sheet.rows()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is sheet)
    close_with_escape(qtbot, sheet)

    controller.open_path(demo_path, PASSPHRASE)
    window = wait_for_window(qtbot, controller)
    press(qtbot, Qt.Key.Key_W, CTRL)  # Study > Close study: back to the welcome
    welcome = controller.welcome
    assert welcome is not None
    qtbot.waitUntil(welcome.isVisible)
    assert welcome.getting_started is None
    assert welcome.recent.isVisible()
    assert welcome.recent.item(0).text() == str(demo_path.resolve())
    assert controller.window is None
    assert not window.isVisible()

    qtbot.waitUntil(lambda: QApplication.activeWindow() is welcome)
    from_help_menu(qtbot, Qt.Key.Key_G)
    help_menu = welcome.help
    qtbot.waitUntil(
        lambda: help_menu.getting_started is not None and help_menu.getting_started.isVisible()
    )
    dialog = help_menu.getting_started
    assert isinstance(dialog, QDialog)
    page = dialog.findChild(QTextBrowser, "gettingStarted")
    assert isinstance(page, QTextBrowser)
    assert "Record consent" in page.toPlainText()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    close_with_escape(qtbot, dialog)
