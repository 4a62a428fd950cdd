"""Help: the shortcut sheet is read off the live window, About says where things are,
Getting started comes up on the first run only, and its keys are the window's keys."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QMainWindow, QWidget
from pytestqt.qtbot import QtBot

import plrdesk
from plrdesk.cli.study_commands import shipped_forms
from plrdesk.settings import settings_path
from plrdesk.ui.help import HelpMenu, about_text, getting_started_path
from plrdesk.ui.help_sheet import Shortcut, ShortcutSheet, collect, declare_keys, key_text
from plrdesk.ui.main_window import MainWindow
from plrdesk.ui.runner import OperationRunner
from plrdesk.ui.sessions.interview_view import InterviewView
from plrdesk.ui.welcome import WelcomeWindow
from tests.support.mnemonics import clashes


@pytest.fixture
def window(qtbot: QtBot, runner: OperationRunner) -> MainWindow:
    window = MainWindow(runner, shipped_forms())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def rows(window: QWidget) -> list[tuple[str, Shortcut]]:
    return [(group.title, s) for group in collect(window) for s in group.shortcuts]


def test_an_action_added_to_the_window_appears_in_the_sheet(window: MainWindow) -> None:
    action = QAction("Count &hands…", window.register)
    action.setShortcut(QKeySequence("Ctrl+Shift+H"))
    assert ("Participants", Shortcut("Ctrl+Shift+H", "Count hands")) not in rows(window)
    window.register.addAction(action)  # an action works where it is added, and only there
    assert ("Participants", Shortcut("Ctrl+Shift+H", "Count hands")) in rows(window)
    window.register.removeAction(action)
    assert ("Participants", Shortcut("Ctrl+Shift+H", "Count hands")) not in rows(window)


def test_menu_items_are_listed_once_under_their_menu(window: MainWindow) -> None:
    action = QAction("&Tidy up", window)
    action.setShortcut(QKeySequence("Ctrl+Alt+T"))
    window.help.menu.addAction(action)
    window.addAction(action)  # also on the window itself: still one line, in the menu
    found = [(g, s) for g, s in rows(window) if s.what == "Tidy up"]
    assert found == [("Help menu", Shortcut("Ctrl+Alt+T", "Tidy up"))]
    menus = [title for title, s in rows(window) if s.what == "Lock"]
    assert menus == ["Study menu"]
    assert ("View menu", Shortcut("Ctrl+F", "Find in notes")) in rows(window)  # not "Find"


def test_an_open_interviews_keys_are_listed_with_where_they_work(
    qtbot: QtBot, window: MainWindow
) -> None:
    assert not [s for _, s in rows(window) if s.what == "Add a note"]  # no session open
    window.tabs.setCurrentWidget(window.sessions)
    window.sessions.show_session("S1")
    qtbot.waitUntil(lambda: isinstance(window.sessions.current, InterviewView))
    where = window.sessions.current.accessibleName()  # type: ignore[union-attr]
    assert ("Sessions", Shortcut("Ctrl+Return, Ctrl+Enter", "Add a note", where)) in rows(window)
    assert ("Sessions", Shortcut("Ctrl+T", "Code with theme", where)) in rows(window)


def test_a_run_of_numbered_keys_reads_as_one_line(qtbot: QtBot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    for n in range(10):
        action = QAction(f"Speaker {n}", widget)
        action.setShortcut(QKeySequence(f"Alt+{n}"))
        widget.addAction(action)
    two = [QAction("Step 1", widget), QAction("Step 2", widget)]  # two are not a run
    for n, action in enumerate(two, start=1):
        action.setShortcut(QKeySequence(f"Ctrl+{n}"))
        widget.addAction(action)
    assert [s for _, s in rows(widget)] == [
        Shortcut("Alt+0–9", "Speaker 0–9"),
        Shortcut("Ctrl+1", "Step 1"),
        Shortcut("Ctrl+2", "Step 2"),
    ]


def test_keys_a_widget_handles_itself_are_listed_when_it_declares_them(qtbot: QtBot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    line = QLineEdit(widget)
    line.setAccessibleName("Line box")
    declare_keys(line, [("0–9, the first key of a line", "Pick the speaker")])
    shortcut = QShortcut(QKeySequence("Ctrl+Shift+Up"), widget)
    shortcut.setWhatsThis("Previous question")
    assert rows(widget) == [
        ("This window", Shortcut("0–9, the first key of a line", "Pick the speaker", "Line box")),
        ("This window", Shortcut("Ctrl+Shift+Up", "Previous question")),
    ]


def test_a_dialogs_keys_are_its_own_not_the_windows(qtbot: QtBot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    dialog = QDialog(window)
    action = QAction("&Print", dialog)
    action.setShortcut(QKeySequence("Ctrl+P"))
    dialog.addAction(action)
    assert rows(window) == []
    assert rows(dialog) == [("This window", Shortcut("Ctrl+P", "Print"))]


def test_keys_no_laptop_has_are_left_out(qapp: QApplication) -> None:
    close = QKeySequence.keyBindings(QKeySequence.StandardKey.Close)
    assert "Close" in [k.toString() for k in close]  # Qt's media key, on X11 at least
    assert "Close" not in key_text(close).split(", ")
    assert "Ctrl+W" in key_text(close).split(", ")
    assert key_text([QKeySequence()]) == ""


def test_the_sheet_shows_every_group_and_line(qtbot: QtBot, window: MainWindow) -> None:
    sheet = ShortcutSheet(window, "plrdesk")
    qtbot.addWidget(sheet)
    assert sheet.windowTitle() == "Keyboard shortcuts – plrdesk"
    shown: list[tuple[str, ...]] = []
    for i in range(sheet.tree.topLevelItemCount()):
        group = sheet.tree.topLevelItem(i)
        assert group is not None
        for j in range(group.childCount()):
            line = group.child(j)
            assert line is not None
            shown.append((group.text(0), *(line.text(c) for c in range(3))))
    assert shown == [tuple(r) for r in sheet.rows()]
    assert ("Study menu", "Ctrl+L", "Lock", "") in shown


def test_f1_and_ctrl_question_are_the_sheets_keys(window: MainWindow) -> None:
    keys = [k.toString() for k in window.help.shortcuts_action.shortcuts()]
    assert keys == ["F1", "Ctrl+?"]


def test_about_says_where_the_study_its_backups_and_the_settings_are(tmp_path: Path) -> None:
    study = tmp_path / "transition.plr"
    text = about_text(study)
    assert text.startswith(f"plrdesk {plrdesk.__version__}\nAn encrypted fieldwork desk")
    assert f"This study: {study}" in text
    assert f"{tmp_path / 'transition.plr.backups'}" in text
    assert "Settings (recent studies and preferences, nothing from inside a study): " in text
    assert str(settings_path()) in text
    alone = about_text(None)
    assert "No study is open" in alone
    assert ".backups" in alone
    assert str(settings_path()) in alone


def test_getting_started_is_shown_on_the_first_run_only(qtbot: QtBot) -> None:
    first = WelcomeWindow([])
    later = WelcomeWindow(["/home/someone/studies/transition.plr"])
    for welcome in (first, later):
        qtbot.addWidget(welcome)
        welcome.show()
        qtbot.waitExposed(welcome)
        assert clashes(welcome) == []  # the Help menu's Alt+H among the buttons' letters
    assert first.getting_started is not None
    assert first.getting_started.isVisible()
    assert "Make a new study" in first.getting_started.toPlainText()
    assert later.getting_started is None
    assert isinstance(later.help, HelpMenu)


def test_the_getting_started_keys_are_the_study_windows_keys(
    qtbot: QtBot, window: MainWindow
) -> None:
    """The page names keys by hand: each must be one the window answers to (with an
    interview open, as in its last step), so the page cannot drift from the keys."""
    window.tabs.setCurrentWidget(window.sessions)
    window.sessions.show_session("S1")
    qtbot.waitUntil(lambda: isinstance(window.sessions.current, InterviewView))
    text = getting_started_path().read_text(encoding="utf-8")
    named = set(re.findall(r"\b(?:Ctrl|Alt|Shift)(?:\+(?:Ctrl|Alt|Shift))*\+\w+|\bF\d+\b", text))
    assert {"Ctrl+2", "Ctrl+N", "Ctrl+Shift+N", "Ctrl+Return", "Ctrl+L", "F1"} <= named
    live = {key for _, s in rows(window) for key in s.keys.split(", ")}
    assert named <= live, f"named on the page but no key of the window: {named - live}"


class ShownWindows(QObject):
    """Every top-level window shown, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.shown: list[QWidget] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        shown = event.type() == QEvent.Type.Show
        if shown and isinstance(watched, QWidget) and watched.isWindow():
            self.shown.append(watched)
        return False


@pytest.mark.parametrize("recent", [[], ["/home/someone/studies/transition.plr"]])
def test_the_welcome_window_is_the_only_window_it_shows(
    qtbot: QtBot, qapp: QApplication, recent: list[str]
) -> None:
    """Its list or its "no recent studies" line shown before they were in the layout
    were windows of their own, which flashed up before the welcome window."""
    seen = ShownWindows()
    qapp.installEventFilter(seen)
    try:
        welcome = WelcomeWindow(recent)
        qtbot.addWidget(welcome)
        welcome.show()
        qtbot.waitExposed(welcome)
    finally:
        qapp.removeEventFilter(seen)
    assert seen.shown == [welcome]
