"""While the app has a study open, a command that would write it is refused (exit 6, one
line naming the app's pid) and the app's work goes on untouched; a command that only
reads it runs. Once the researcher closes the study (by its shortcut), the same command
works."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QKeyCombination, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from plrdesk.cli.exit_codes import Exit
from plrdesk.ui.controller import AppController
from plrdesk.ui.main_window import MainWindow
from tests.journeys.keyboard import (
    CTRL,
    OPEN_TIMEOUT_MS,
    ModalWatcher,
    StatusLog,
    entry_texts,
    focused,
    new_note_in_first_interview,
    press,
    theme_names,
    type_text,
    wait_for_window,
)
from tests.support.files import PASSPHRASE, digest

FIRST = "Asked about the duty rota"
SECOND = " while the command was turned away"


def plrdesk(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """`plrdesk ARGS` in another process, as a researcher's terminal would run it."""
    env = {**os.environ, "PLRDESK_PASSPHRASE": PASSPHRASE}
    return subprocess.run(
        [sys.executable, "-m", "plrdesk", *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def close_shortcut(window: MainWindow) -> QKeyCombination:
    (action,) = [a for a in window.findChildren(QAction) if a.text() == "&Close study"]
    assert not action.shortcut().isEmpty()
    combo: QKeyCombination = action.shortcut()[0]  # type: ignore[index]  # no stub for it
    return combo


def test_a_command_that_writes_waits_for_the_app_to_close_the_study(
    qtbot: QtBot, controller: AppController, demo_path: Path, tmp_path: Path
) -> None:
    watcher = ModalWatcher()
    doc = tmp_path / "locks.json"
    doc.write_text(
        json.dumps(
            {"format": "plrdesk-study", "version": 1, "themes": [{"ref": "T9", "name": "Locks"}]}
        ),
        encoding="utf-8",
    )
    controller.open_path(demo_path, PASSPHRASE)
    with qtbot.waitSignal(controller.sig_study_opened, timeout=OPEN_TIMEOUT_MS):
        pass
    window = wait_for_window(qtbot, controller)
    status = StatusLog(window.statusBar())
    editor = new_note_in_first_interview(qtbot, window)
    type_text(qtbot, FIRST)
    qtbot.waitUntil(lambda: status.said("Saved at"))
    view = window.sessions.current
    assert view is not None
    qtbot.waitUntil(view.doc.autosave.is_idle)

    on_disk = digest(demo_path)
    refused = plrdesk("import", demo_path, doc, "--merge")
    assert refused.returncode == 6 == int(Exit.BUSY), refused.stderr
    assert refused.stderr == (
        f"plrdesk: {demo_path} is open in plrdesk on this computer (pid {os.getpid()});"
        " close it there first\n"
    )
    assert refused.stdout == ""
    assert digest(demo_path) == on_disk  # the command wrote nothing

    read = plrdesk("info", demo_path)
    assert read.returncode == 0, read.stderr
    assert read.stdout

    # The app goes on saving as before: its file was not touched.
    before = status.mark()
    assert focused() is editor.text
    type_text(qtbot, SECOND)
    qtbot.waitUntil(lambda: status.said("Saved at", before))
    qtbot.waitUntil(view.doc.autosave.is_idle)
    assert controller.replaced_box is None
    assert "Not saving" not in " ".join(status.since(before))

    # Study > Close study, by the shortcut the menu shows for it.
    combo = close_shortcut(window)
    qtbot.keyClick(focused(), combo.key(), combo.keyboardModifiers())
    qtbot.waitUntil(lambda: controller.window is None)
    assert controller.welcome is not None
    qtbot.waitUntil(controller.welcome.isVisible)
    assert not any(w.isVisible() and w is window for w in QApplication.topLevelWidgets())

    imported = plrdesk("import", demo_path, doc, "--merge")
    assert imported.returncode == 0, imported.stderr
    watcher.stop()
    assert watcher.seen == []

    assert theme_names(demo_path, PASSPHRASE).get("T9") == "Locks"
    assert FIRST + SECOND in entry_texts(demo_path, PASSPHRASE)


def test_ctrl_w_closes_the_study(qtbot: QtBot, controller: AppController, demo_path: Path) -> None:
    controller.open_path(demo_path, PASSPHRASE)
    with qtbot.waitSignal(controller.sig_study_opened, timeout=OPEN_TIMEOUT_MS):
        pass
    wait_for_window(qtbot, controller)
    press(qtbot, Qt.Key.Key_W, CTRL)
    qtbot.waitUntil(lambda: controller.window is None, timeout=2_000)
