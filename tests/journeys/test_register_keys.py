"""The register by keyboard (issue 11): Ctrl+N did nothing right after Ctrl+2 until the
table was clicked (the add action's shortcut reached only a focus inside the page, and
the focus stayed on the tab bar); after closing and reopening a study a register row
looked chosen while its buttons stayed greyed out (the table's focus made a row current
without selecting it, and the buttons follow the selection).

Each journey opens the demo study through the real controller, works with keys only, and
where something was added reads the study file back."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from plrdesk.domain import models as m
from plrdesk.storage.study_file import StudyFile
from plrdesk.ui.controller import AppController
from plrdesk.ui.main_window import MainWindow
from plrdesk.ui.register.page import RegisterPage
from plrdesk.ui.register.participant_dialog import ParticipantDialog
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


def open_demo(qtbot: QtBot, controller: AppController, path: Path) -> MainWindow:
    controller.open_path(path, PASSPHRASE)
    window = wait_for_window(qtbot, controller)
    qtbot.waitUntil(lambda: window.register.model.rowCount() > 0)
    return window


def shown_dialog(qtbot: QtBot, page: RegisterPage) -> ParticipantDialog:
    """The participant dialog the last key opened, active as the window manager makes a
    dialog just shown (the offscreen platform does not). A button's letter clicks it
    after a short animation, hence the wait."""
    qtbot.waitUntil(lambda: page.dialog is not None)
    dialog = page.dialog
    assert isinstance(dialog, ParticipantDialog), "the key opened no participant dialog"
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def participant_names(path: Path) -> dict[str, str]:
    with StudyFile.open(path, PASSPHRASE) as study, study.transaction() as db:
        return {p.ref: p.name for p in db.scalars(select(m.Participant))}


def chosen_rows(page: RegisterPage) -> list[int]:
    return [index.row() for index in page.table.selectionModel().selectedRows()]


def assert_row_and_buttons_agree(page: RegisterPage) -> None:
    """What the table shows as chosen is what the buttons act on: the current row is the
    selected one and Edit is enabled, or nothing is current, selected or editable."""
    current = page.table.currentIndex()
    if current.isValid():
        assert chosen_rows(page) == [current.row()]
        assert page.edit_button.isEnabled()
        assert page.current_ref() == page.proxy.index(current.row(), 0).data()
    else:
        assert chosen_rows(page) == []
        assert not page.edit_button.isEnabled()


def test_ctrl_2_then_ctrl_n_adds_a_participant_at_once(
    qtbot: QtBot, controller: AppController, demo_path: Path
) -> None:
    window = open_demo(qtbot, controller, demo_path)
    page = window.register
    assert window.tabs.currentWidget() is window.overview
    press(qtbot, Qt.Key.Key_2, CTRL)
    assert window.tabs.currentWidget() is page
    assert focused() is page.table  # the arrows move through the participants at once
    press(qtbot, Qt.Key.Key_N, CTRL)
    dialog = shown_dialog(qtbot, page)
    assert focused() is dialog.name
    type_text(qtbot, "Adaeze Okafor")
    press(qtbot, Qt.Key.Key_R, ALT)  # the Role label's letter: to its field
    assert focused() is dialog.role
    type_text(qtbot, "learning mentor")
    with qtbot.waitSignal(page.sig_rows_loaded, timeout=OPEN_TIMEOUT_MS):
        press(qtbot, Qt.Key.Key_P, ALT)  # Add participant
    qtbot.waitUntil(lambda: page.current_ref() is not None and page.dialog is None)
    added = page.current_row()
    assert added is not None
    assert added.name == "Adaeze Okafor"
    assert_row_and_buttons_agree(page)
    controller.close_study()
    assert participant_names(demo_path)[added.ref] == "Adaeze Okafor"


def test_ctrl_n_works_wherever_the_focus_is_on_the_page(
    qtbot: QtBot, controller: AppController, demo_path: Path
) -> None:
    window = open_demo(qtbot, controller, demo_path)
    page = window.register
    press(qtbot, Qt.Key.Key_2, CTRL)
    press(qtbot, Qt.Key.Key_L, ALT)  # Filter: the box, not the table
    assert focused() is page.filter
    press(qtbot, Qt.Key.Key_N, CTRL)
    shown_dialog(qtbot, page)
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: page.dialog is None)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    # From another tab, Ctrl+N is not the register's: nothing opens there.
    press(qtbot, Qt.Key.Key_1, CTRL)
    press(qtbot, Qt.Key.Key_N, CTRL)
    assert page.dialog is None


def test_after_reopening_the_row_that_looks_chosen_is_the_one_the_buttons_act_on(
    qtbot: QtBot, controller: AppController, demo_path: Path
) -> None:
    window = open_demo(qtbot, controller, demo_path)
    page = window.register
    press(qtbot, Qt.Key.Key_2, CTRL)
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Down)
    assert_row_and_buttons_agree(page)
    press(qtbot, Qt.Key.Key_W, CTRL)  # Close study: back to the welcome window
    qtbot.waitUntil(lambda: controller.window is None and controller.welcome is not None)
    welcome = controller.welcome
    assert welcome is not None
    welcome.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is welcome)
    # Reopen from the recent studies by keyboard, passphrase and all.
    press(qtbot, Qt.Key.Key_R, ALT)
    assert focused() is welcome.recent
    press(qtbot, Qt.Key.Key_Home)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: controller.dialog is not None and controller.dialog.isVisible())
    dialog = controller.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: focused() is dialog.first)
    type_text(qtbot, PASSPHRASE)
    press(qtbot, Qt.Key.Key_Return)
    window = wait_for_window(qtbot, controller)
    page = window.register
    qtbot.waitUntil(lambda: page.model.rowCount() > 0)
    press(qtbot, Qt.Key.Key_2, CTRL)
    assert focused() is page.table
    assert_row_and_buttons_agree(page)
    shown = page.current_ref()
    assert shown is not None
    # Enter edits the row that looks chosen, and Alt+T (Edit…) does the same.
    press(qtbot, Qt.Key.Key_Return)
    edit = shown_dialog(qtbot, page)
    assert edit.windowTitle() == f"Edit {shown}"
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: page.dialog is None)
    window.activateWindow()  # the window manager's, once the dialog has gone
    qtbot.waitUntil(lambda: focused() is page.table)
    press(qtbot, Qt.Key.Key_Down)
    assert_row_and_buttons_agree(page)
    press(qtbot, Qt.Key.Key_T, ALT)
    edit = shown_dialog(qtbot, page)
    assert edit.windowTitle() == f"Edit {page.current_ref()}"
    assert page.current_ref() != shown
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: page.dialog is None)


def test_walking_the_tab_bar_with_the_arrows_keeps_the_focus_on_it(
    qtbot: QtBot, controller: AppController, demo_path: Path
) -> None:
    window = open_demo(qtbot, controller, demo_path)
    bar = window.tabs.tabBar()
    bar.setFocus(Qt.FocusReason.TabFocusReason)
    assert focused() is bar
    press(qtbot, Qt.Key.Key_Right)
    assert window.tabs.currentWidget() is window.register
    assert focused() is bar  # the register does not take the keys from the tab bar
    press(qtbot, Qt.Key.Key_Right)
    assert window.tabs.currentWidget() is window.sessions
