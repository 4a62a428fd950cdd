"""The mnemonic checker (tests/support/mnemonics.py) held against Qt itself: for each rule
it states, a small window where Qt's own shortcut map is asked (Alt+S pressed, the
shortcut event read for its ambiguity) must agree with what the checker says; and a menu
where a typed letter either triggers its one item or only moves between two."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.support.mnemonics import clashes, menu_clashes

ALT = Qt.KeyboardModifier.AltModifier


def activate(qtbot: QtBot, window: QWidget) -> None:
    """Shown and active: Qt matches shortcuts only in the active window."""
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


class ShortcutSpy(QObject):
    """Every shortcut event Qt delivers: (receiver, whether Qt found the key ambiguous)."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[QObject, bool]] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Shortcut:
            self.seen.append((watched, event.isAmbiguous()))  # type: ignore[attr-defined]
        return False


def _menu_and_tab(window: QMainWindow, layout: QVBoxLayout) -> None:
    window.menuBar().addMenu("&Study")
    tabs = QTabWidget()
    tabs.addTab(QWidget(), "&Sessions")
    tabs.addTab(QWidget(), "&Other")
    layout.addWidget(tabs)


def _hidden_menu(window: QMainWindow, layout: QVBoxLayout) -> None:
    window.menuBar().addMenu("&Study").menuAction().setVisible(False)
    layout.addWidget(QPushButton("&Send"))


def _disabled_menu(window: QMainWindow, layout: QVBoxLayout) -> None:
    window.menuBar().addMenu("&Study").menuAction().setEnabled(False)
    layout.addWidget(QPushButton("&Send"))


def _disabled_button(window: QMainWindow, layout: QVBoxLayout) -> None:
    layout.addWidget(QPushButton("&Send"))
    off = QPushButton("&Save")
    off.setEnabled(False)
    layout.addWidget(off)


def _label_without_buddy(window: QMainWindow, layout: QVBoxLayout) -> None:
    layout.addWidget(QPushButton("&Send"))
    layout.addWidget(QLabel("&Subject"))


def _label_with_buddy(window: QMainWindow, layout: QVBoxLayout) -> None:
    layout.addWidget(QPushButton("&Send"))
    label, edit = QLabel("&Subject"), QLineEdit()
    label.setBuddy(edit)
    layout.addWidget(label)
    layout.addWidget(edit)


def _disabled_tab(window: QMainWindow, layout: QVBoxLayout) -> None:
    tabs = QTabWidget()
    tabs.addTab(QWidget(), "&Sessions")
    tabs.addTab(QWidget(), "&Search")
    tabs.setTabEnabled(1, False)
    layout.addWidget(tabs)


def _hidden_tab(window: QMainWindow, layout: QVBoxLayout) -> None:
    tabs = QTabWidget()
    tabs.addTab(QWidget(), "&Sessions")
    tabs.addTab(QWidget(), "&Search")
    tabs.setTabVisible(1, False)
    layout.addWidget(tabs)


def _buttons_on_two_pages(window: QMainWindow, layout: QVBoxLayout) -> None:
    tabs = QTabWidget()
    for text in ("&Send", "&Save"):
        page = QWidget()
        QVBoxLayout(page).addWidget(QPushButton(text))
        tabs.addTab(page, "Page")
    layout.addWidget(tabs)


def _group_box(window: QMainWindow, layout: QVBoxLayout) -> None:
    layout.addWidget(QGroupBox("&Stuff"))
    layout.addWidget(QPushButton("&Send"))


def _explicit_action(window: QMainWindow, layout: QVBoxLayout) -> None:
    action = QAction("Some", window)
    action.setShortcut("Alt+S")
    window.addAction(action)
    layout.addWidget(QPushButton("&Send"))


def _dialog_apart(window: QMainWindow, layout: QVBoxLayout) -> None:
    layout.addWidget(QPushButton("&Send"))
    dialog = QDialog(window)  # a window of its own: its Alt+S is not the main window's
    QVBoxLayout(dialog).addWidget(QPushButton("&Save"))
    dialog.show()


CASES: list[tuple[Callable[[QMainWindow, QVBoxLayout], None], bool]] = [
    (_menu_and_tab, True),
    (_hidden_menu, True),  # QMenuBar grabs every menu's letter, shown or not
    (_disabled_menu, True),
    (_disabled_button, False),
    (_label_without_buddy, False),
    (_label_with_buddy, True),
    (_disabled_tab, False),
    (_hidden_tab, False),
    (_buttons_on_two_pages, False),
    (_group_box, True),
    (_explicit_action, True),
    (_dialog_apart, False),
]


@pytest.mark.parametrize(("build", "ambiguous"), CASES, ids=[c[0].__name__[1:] for c in CASES])
def test_the_checker_agrees_with_qt(
    qtbot: QtBot,
    qapp: QApplication,
    build: Callable[[QMainWindow, QVBoxLayout], None],
    ambiguous: bool,
) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    central = QWidget()
    window.setCentralWidget(central)
    build(window, QVBoxLayout(central))
    activate(qtbot, window)
    spy = ShortcutSpy()
    qapp.installEventFilter(spy)
    try:
        QTest.keyClick(window, Qt.Key.Key_S, ALT)
    finally:
        qapp.removeEventFilter(spy)
    assert spy.seen, "Qt delivered no shortcut for Alt+S"
    assert any(flag for _, flag in spy.seen) is ambiguous
    found = clashes(window)
    assert bool(found) is ambiguous, found
    if ambiguous:
        assert found[0].key == "Alt+S"


@pytest.mark.parametrize(
    ("hide", "disable", "ambiguous"),
    [(False, False, True), (True, False, False), (False, True, False)],
)
def test_menu_items_clash_only_when_shown_and_enabled(
    qtbot: QtBot, hide: bool, disable: bool, ambiguous: bool
) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    activate(qtbot, window)
    menu = QMenu(window)
    triggered: list[str] = []
    menu.addAction("&Save").triggered.connect(lambda: triggered.append("save"))
    other = menu.addAction("&Stop")
    other.setVisible(not hide)
    other.setEnabled(not disable)
    menu.popup(window.mapToGlobal(window.rect().center()))
    qtbot.waitExposed(menu)
    QTest.keyClick(menu, Qt.Key.Key_S)
    # One item with the letter: QMenu triggers it. Two: it only moves between them.
    assert (triggered == []) is ambiguous
    menu.hide()
    assert bool(menu_clashes(menu)) is ambiguous


def test_a_clash_reads_as_the_keys_and_their_owners(qtbot: QtBot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    central = QWidget()
    window.setCentralWidget(central)
    _menu_and_tab(window, QVBoxLayout(central))
    window.show()
    qtbot.waitExposed(window)
    assert [str(c) for c in clashes(window)] == ["Alt+S: Sessions tab, Study menu"]
