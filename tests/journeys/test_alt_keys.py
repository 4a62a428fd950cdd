"""Alt+letter in the study window (issue 11: Alt+S opened both the Study menu and the
Sessions tab, so neither reliably). Each tab's underlined letter takes the researcher to
that tab from wherever the keys are, and Alt+S opens the Study menu and nothing else."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from plrdesk.ui.controller import AppController
from tests.journeys.keyboard import CTRL, focused, press, wait_for_window
from tests.support.files import PASSPHRASE
from tests.support.mnemonics import plain

ALT = Qt.KeyboardModifier.AltModifier


def test_each_tab_letter_reaches_its_tab_and_alt_s_opens_only_the_study_menu(
    qtbot: QtBot, controller: AppController, demo_path: Path
) -> None:
    controller.open_path(demo_path, PASSPHRASE)
    window = wait_for_window(qtbot, controller)
    tabs = window.tabs
    letters: dict[str, int] = {}
    for index in range(tabs.count()):
        mnemonic = QKeySequence.mnemonic(tabs.tabText(index))
        assert not mnemonic.isEmpty(), f"the {tabs.tabText(index)} tab has no letter"
        letters[mnemonic.toString()] = index
    assert len(letters) == tabs.count()
    # Each letter from the page the last one reached (its keys, not the tab bar's).
    for index in [*range(tabs.count() - 1, -1, -1), *range(tabs.count())]:
        mnemonic = QKeySequence.mnemonic(tabs.tabText(index))
        came_from = plain(tabs.tabText(tabs.currentIndex()))
        letter = mnemonic.toString()[-1]  # "Alt+I": Qt's key codes for letters are ASCII
        press(qtbot, Qt.Key(ord(letter.upper())), ALT)
        shown = plain(tabs.tabText(tabs.currentIndex()))
        assert tabs.currentIndex() == index, (
            f"{mnemonic.toString()} on the {came_from} tab went to the {shown} tab"
        )

    press(qtbot, Qt.Key.Key_2, CTRL)  # the Participants page, the table in hand
    before = tabs.currentWidget()
    typing_in = focused()
    press(qtbot, Qt.Key.Key_S, ALT)
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
    menu = QApplication.activePopupWidget()
    assert isinstance(menu, QMenu)
    assert plain(menu.title()) == "Study"
    assert tabs.currentWidget() is before  # no tab moved under the menu
    press(qtbot, Qt.Key.Key_Escape)  # the menu closes ...
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None)
    press(qtbot, Qt.Key.Key_Escape)  # ... and the menu bar hands the keys back
    qtbot.waitUntil(lambda: focused() is typing_in)
    assert tabs.currentWidget() is before
