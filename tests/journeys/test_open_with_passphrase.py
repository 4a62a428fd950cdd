"""`plrdesk open FILE` with the passphrase given (PLRDESK_PASSPHRASE or --passphrase-file):
the right one opens the main window with no passphrase dialog at all; a wrong one brings
up the dialog saying so, and the right one typed there opens the study.

The command runs in this process as the researcher types it (plrdesk.cli.app.run), so
the app's own QApplication.exec() runs; the steps run inside it and end by closing the
main window, which ends the app and the command.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from plrdesk import settings as app_settings
from plrdesk.cli.app import run
from plrdesk.ui.main_window import MainWindow
from plrdesk.ui.passphrase_dialog import PassphraseDialog
from tests.journeys.keyboard import (
    OPEN_TIMEOUT_MS,
    entry_texts,
    focused,
    new_note_in_first_interview,
    press,
    type_text,
)
from tests.support.files import PASSPHRASE

WRONG = "marble harbour lantern ninety"
NOTE = "Opened from the command line"
QUIT_TIMEOUT_MS = 30_000


class Screen:
    """The top-level windows this command put up, looked at every few milliseconds (so a
    passphrase dialog that came and went is seen too)."""

    def __init__(self) -> None:
        self._before = set(QApplication.topLevelWidgets())
        self.dialogs: list[PassphraseDialog] = []
        self._timer = QTimer()
        self._timer.setInterval(5)
        self._timer.timeout.connect(self.look)
        self._timer.start()

    def new_windows(self) -> list[QWidget]:
        return [w for w in QApplication.topLevelWidgets() if w not in self._before]

    def look(self) -> None:
        for widget in self.new_windows():
            if not isinstance(widget, PassphraseDialog):
                continue
            if widget.isVisible() and widget not in self.dialogs:
                self.dialogs.append(widget)

    def main_window(self) -> MainWindow | None:
        shown = [w for w in self.new_windows() if isinstance(w, MainWindow) and w.isVisible()]
        return shown[0] if shown else None

    def stop(self) -> None:
        self._timer.stop()


@pytest.fixture
def screen(qapp: QApplication) -> Iterator[Screen]:
    for stray in QApplication.topLevelWidgets():
        stray.hide()  # left by an earlier test: a visible one would keep the app running
    screen = Screen()
    yield screen
    screen.stop()
    for widget in screen.new_windows():
        widget.hide()


def run_the_command(qapp: QApplication, argv: list[str], steps: Callable[[], None]) -> int:
    """`plrdesk ARGV`, with `steps` run inside the app's event loop; returns its exit code."""
    failures: list[BaseException] = []
    gave_up: list[bool] = []

    def go() -> None:
        try:
            steps()
        except BaseException as exc:  # re-raised once the command has returned
            failures.append(exc)
            qapp.exit(1)

    def give_up() -> None:
        gave_up.append(True)
        qapp.exit(2)

    guard = QTimer()
    guard.setSingleShot(True)
    guard.timeout.connect(give_up)
    guard.start(QUIT_TIMEOUT_MS)
    QTimer.singleShot(0, go)
    try:
        code = run(argv)
    finally:
        guard.stop()
    if failures:
        raise failures[0]
    assert not gave_up, "closing the main window did not end the app"
    return code


def wait_for_main_window(qtbot: QtBot, screen: Screen) -> MainWindow:
    qtbot.waitUntil(lambda: screen.main_window() is not None, timeout=OPEN_TIMEOUT_MS)
    window = screen.main_window()
    assert window is not None
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)  # the app gives it the keys
    return window


def type_a_note_and_close(qtbot: QtBot, window: MainWindow) -> None:
    """A note, so the read-back shows the study was open for writing; then the window's
    close (its title-bar button, from the outer loop), which ends the app."""
    editor = new_note_in_first_interview(qtbot, window)
    type_text(qtbot, NOTE)
    qtbot.waitUntil(lambda: editor.record is not None)
    QTimer.singleShot(0, window.close)


def assert_nothing_secret_kept() -> None:
    saved = app_settings.settings_path().read_text(encoding="utf-8")
    assert PASSPHRASE not in saved
    assert WRONG not in saved


@pytest.mark.parametrize("given", ["environment", "file"])
def test_the_right_passphrase_opens_the_study_without_asking(
    qapp: QApplication,
    qtbot: QtBot,
    screen: Screen,
    demo_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    given: str,
) -> None:
    argv = ["open", str(demo_path)]
    if given == "environment":
        monkeypatch.setenv("PLRDESK_PASSPHRASE", PASSPHRASE)
    else:
        secret = tmp_path / "secret.txt"
        secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
        secret.chmod(0o600)
        argv += ["--passphrase-file", str(secret)]

    def steps() -> None:
        window = wait_for_main_window(qtbot, screen)
        assert window.windowTitle() == f"{demo_path.name} – plrdesk"
        qtbot.waitUntil(lambda: "Integrated working" in window.overview.summary.text())
        assert screen.dialogs == [], "a passphrase dialog came up"
        type_a_note_and_close(qtbot, window)

    assert run_the_command(qapp, argv, steps) == 0
    screen.look()
    assert screen.dialogs == [], "a passphrase dialog came up"
    assert NOTE in entry_texts(demo_path, PASSPHRASE)
    assert_nothing_secret_kept()


@pytest.mark.parametrize("given", ["environment", "file"])
def test_a_wrong_passphrase_asks_again_and_the_typed_one_opens_it(
    qapp: QApplication,
    qtbot: QtBot,
    screen: Screen,
    demo_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    given: str,
) -> None:
    argv = ["open", str(demo_path)]
    if given == "environment":
        monkeypatch.setenv("PLRDESK_PASSPHRASE", WRONG)
    else:
        secret = tmp_path / "secret.txt"
        secret.write_text(WRONG + "\n", encoding="utf-8")
        secret.chmod(0o600)
        argv += ["--passphrase-file", str(secret)]

    def steps() -> None:
        qtbot.waitUntil(lambda: bool(screen.dialogs), timeout=OPEN_TIMEOUT_MS)
        dialog = screen.dialogs[0]
        qtbot.waitUntil(lambda: dialog.message.isVisible(), timeout=OPEN_TIMEOUT_MS)
        assert "does not open this study" in dialog.message.text()
        assert dialog.first.text() == ""
        assert screen.main_window() is None
        qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
        assert focused() is dialog.first, f"the passphrase would go to {focused()!r}"
        type_text(qtbot, PASSPHRASE)
        press(qtbot, Qt.Key.Key_Return)
        window = wait_for_main_window(qtbot, screen)
        assert not dialog.isVisible()
        assert window.windowTitle() == f"{demo_path.name} – plrdesk"
        assert len(screen.dialogs) == 1  # asked once, not once more after it opened
        type_a_note_and_close(qtbot, window)

    assert run_the_command(qapp, argv, steps) == 0
    assert NOTE in entry_texts(demo_path, PASSPHRASE)
    assert_nothing_secret_kept()
