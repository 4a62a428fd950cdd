"""The study comes due for its idle lock while a message about a failed backup is on
screen: the app waits until the message is answered, then locks, and goes on running.
(Before: the lock deleted the window inside the message's own loop and the process aborted.)

The message is a static QMessageBox.warning, which runs its own modal loop with the main
window as its parent; the idle lock deletes the window inside that loop. Should that
crash the process (it aborts with "double free or corruption"), it would take the test
run with it, so the journey runs in a child pytest and this test checks how it ended.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from plrdesk.ui.controller import AppController
from plrdesk.ui.passphrase_dialog import PassphraseDialog
from tests.journeys.keyboard import CTRL, OPEN_TIMEOUT_MS, press, wait_for_window
from tests.support.files import PASSPHRASE

CHILD = "PLRDESK_JOURNEY_CHILD"
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.mark.skipif(os.environ.get(CHILD) != "1", reason="run by the test below, in a child")
def test_child_lock_while_the_backup_failed_message_is_up(
    qtbot: QtBot,
    controller: AppController,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    demo_path: Path,
) -> None:
    nowhere = tmp_path / "no-such-folder" / "backup.plr"  # the backup cannot be written there
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: (str(nowhere), ""))
    )
    controller.open_path(demo_path, PASSPHRASE)
    with qtbot.waitSignal(controller.sig_study_opened, timeout=OPEN_TIMEOUT_MS):
        pass
    wait_for_window(qtbot, controller)
    controller.idle.set_timeout(0.01)  # 600 ms without a key, as if 5 minutes had gone by
    # Each time the idle lock comes due, was the window still there afterwards?
    window_kept: list[bool] = []
    controller.idle.sig_idle.connect(lambda: window_kept.append(controller.window is not None))
    answered: list[str] = []

    def answer_once_the_lock_came_due_twice() -> None:  # from inside the box's own loop
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.isVisible() and len(window_kept) >= 2:
            answered.append(box.text())
            QTest.keyClick(box, Qt.Key.Key_Return)
            return
        QTimer.singleShot(50, answer_once_the_lock_came_due_twice)

    QTimer.singleShot(0, answer_once_the_lock_came_due_twice)
    with qtbot.waitSignal(controller.sig_locked, timeout=20_000):
        press(qtbot, Qt.Key.Key_B, CTRL | SHIFT)  # Study > Back up…: fails, a message says so
    assert window_kept[:2] == [True, True]  # the lock waited while the message was up
    assert answered
    assert "backup failed" in answered[0].lower()
    assert controller.window is None
    assert isinstance(controller.dialog, PassphraseDialog)
    qtbot.waitUntil(lambda: controller.dialog is not None and controller.dialog.isVisible())


def test_locking_while_a_message_is_up_does_not_crash_the_app(tmp_path: Path) -> None:
    env = {**os.environ, CHILD: "1", "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"{__file__}::test_child_lock_while_the_backup_failed_message_is_up",
        ],
        env=env,
        cwd=Path(__file__).parents[2],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == 0, (
        f"the child ended with {child.returncode}:\n{child.stdout[-3000:]}\n{child.stderr[-3000:]}"
    )
    assert "1 passed" in child.stdout
