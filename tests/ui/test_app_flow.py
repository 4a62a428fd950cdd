"""The app's flow: welcome → passphrase → main window; wrong passphrase; lock and unlock;
recent studies; nothing identifying written outside the study."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from plrdesk import settings as app_settings
from plrdesk.cli.study_commands import shipped_forms
from plrdesk.ui.controller import AppController
from plrdesk.ui.main_window import MainWindow
from plrdesk.ui.passphrase_dialog import PassphraseDialog
from tests.support.files import PASSPHRASE


@pytest.fixture
def controller(qapp: QApplication) -> Iterator[AppController]:
    controller = AppController(qapp, shipped_forms())
    yield controller
    controller.shutdown()
    if controller.welcome is not None:
        controller.welcome.close()


def type_passphrase(qtbot: QtBot, dialog: PassphraseDialog, text: str, *, twice: bool) -> None:
    qtbot.keyClicks(dialog.first, text)
    if twice:
        qtbot.keyClicks(dialog.second, text)
    qtbot.keyClick(dialog.first, Qt.Key.Key_Return)


def test_welcome_offers_new_open_demo_and_recent(qtbot: QtBot, controller: AppController) -> None:
    controller.settings.recent_studies = ["/somewhere/old.plr"]
    controller.show_welcome()
    welcome = controller.welcome
    assert welcome is not None
    qtbot.addWidget(welcome)
    assert welcome.windowTitle() == "plrdesk"
    assert welcome.new_button.isVisible()
    assert welcome.open_button.isVisible()
    assert welcome.demo_button.isVisible()
    assert welcome.recent.item(0).text() == "/somewhere/old.plr"


def test_try_the_demo_opens_the_main_window(qtbot: QtBot, controller: AppController) -> None:
    controller.show_welcome()
    assert controller.welcome is not None
    controller.welcome.demo_button.click()
    dialog = controller.dialog
    assert dialog is not None
    type_passphrase(qtbot, dialog, PASSPHRASE, twice=True)
    with qtbot.waitSignal(controller.sig_study_opened, timeout=20_000) as opened:
        pass
    window = opened.args[0]
    assert isinstance(window, MainWindow)
    assert "plrdesk-demo.plr" in window.windowTitle()
    assert controller.settings.recent_studies[0].endswith("plrdesk-demo.plr")
    summary = window.overview.summary
    qtbot.waitUntil(lambda: "Integrated working" in summary.text())


def test_a_weak_passphrase_cannot_create_a_study(qtbot: QtBot) -> None:
    dialog = PassphraseDialog("x.plr", new=True)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.first, "password")
    qtbot.keyClicks(dialog.second, "password")
    assert not dialog.buttons.buttons()[0].isEnabled()
    assert "Too weak" in dialog.message.text()
    dialog.first.clear()
    dialog.second.clear()
    qtbot.keyClicks(dialog.first, PASSPHRASE)
    qtbot.keyClicks(dialog.second, PASSPHRASE + "x")
    assert "differ" in dialog.message.text()
    assert dialog.meter.value() >= 3


def test_caps_lock_is_noticed(qtbot: QtBot) -> None:
    dialog = PassphraseDialog("x.plr", new=False)
    qtbot.addWidget(dialog)
    dialog.show()
    caps = dialog.findChild(QLabel, "capsLockWarning")
    assert caps is not None
    qtbot.keyClicks(dialog.first, "A")  # an upper-case letter without Shift
    assert caps.isVisible()
    qtbot.keyClicks(dialog.first, "a")
    assert not caps.isVisible()


def test_wrong_passphrase_says_so_and_asks_again(
    qtbot: QtBot, controller: AppController, demo_path: Path
) -> None:
    controller.open_path(demo_path)
    dialog = controller.dialog
    assert dialog is not None
    type_passphrase(qtbot, dialog, "not the right words", twice=False)
    qtbot.waitUntil(lambda: dialog.message.isVisible(), timeout=10_000)
    assert "does not open this study" in dialog.message.text()
    assert dialog.first.text() == ""
    type_passphrase(qtbot, dialog, PASSPHRASE, twice=False)
    with qtbot.waitSignal(controller.sig_study_opened, timeout=10_000):
        pass


def test_lock_hides_everything_and_drops_the_key(
    qtbot: QtBot, controller: AppController, demo_path: Path
) -> None:
    controller.open_path(demo_path)
    assert controller.dialog is not None
    type_passphrase(qtbot, controller.dialog, PASSPHRASE, twice=False)
    with qtbot.waitSignal(controller.sig_study_opened, timeout=10_000) as opened:
        pass
    window = opened.args[0]
    with qtbot.waitSignal(controller.sig_locked):
        qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert controller.window is None
    assert controller.runner is None
    assert not any(
        isinstance(w, MainWindow) and w.isVisible() for w in QApplication.topLevelWidgets()
    )
    assert controller.dialog is not None  # asking for the passphrase again
    type_passphrase(qtbot, controller.dialog, PASSPHRASE, twice=False)
    with qtbot.waitSignal(controller.sig_study_opened, timeout=10_000):
        pass


def test_idle_lock(qtbot: QtBot, controller: AppController, demo_path: Path) -> None:
    controller.idle.set_timeout(0.002)  # ~120 ms
    controller.open_path(demo_path)
    assert controller.dialog is not None
    type_passphrase(qtbot, controller.dialog, PASSPHRASE, twice=False)
    with qtbot.waitSignal(controller.sig_study_opened, timeout=10_000):
        pass
    with qtbot.waitSignal(controller.sig_locked, timeout=5_000):
        pass
    assert controller.window is None


def test_settings_hold_paths_only(qtbot: QtBot, controller: AppController, demo_path: Path) -> None:
    controller.open_path(demo_path)
    assert controller.dialog is not None
    type_passphrase(qtbot, controller.dialog, PASSPHRASE, twice=False)
    with qtbot.waitSignal(controller.sig_study_opened, timeout=10_000):
        pass
    saved = app_settings.settings_path().read_text()
    assert str(demo_path.resolve()) in saved
    assert PASSPHRASE not in saved
    assert "Integrated" not in saved
