"""Exporting with small groups hidden, by keyboard alone: the researcher opens the demo
study, opens Prepare export (Ctrl+E), picks Markdown (Alt+F, Down), sets "Hide groups
smaller than" to 5 (Alt+H, then types 5), chooses the file in the save dialog (Alt+B) and
exports (Alt+E). The file hides every count under 5 exactly as `plrdesk export
--suppress-below 5` does: it is the command's file, byte for byte.

The save dialog is the platform's (a static QFileDialog call with its own loop), which
keys cannot reach from here; as in the other journeys it is replaced by one that answers
with the file name the researcher would have typed, and says that it was asked.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget
from pytestqt.qtbot import QtBot

from plrdesk.cli.exit_codes import Exit
from plrdesk.ui.controller import AppController
from plrdesk.ui.export.review_dialog import ReviewDialog
from plrdesk.ui.main_window import MainWindow
from tests.conftest import CliResult
from tests.journeys.keyboard import (
    CTRL,
    OPEN_TIMEOUT_MS,
    StatusLog,
    focused,
    press,
    type_text,
    wait_for_window,
)
from tests.support.files import PASSPHRASE

ALT = Qt.KeyboardModifier.AltModifier
EXPORT_TIMEOUT_MS = 30_000
WITHDREW = "| Withdrew (left out of everything below) |"


class SaveDialog:
    """Stands in for QFileDialog.getSaveFileName: answers `answer`, keeps what it was
    asked (the caption, the suggested file, the filter)."""

    def __init__(self, answer: Path) -> None:
        self.answer = answer
        self.asked: list[tuple[str, str, str]] = []

    def __call__(
        self, parent: QWidget, caption: str, suggested: str, filters: str
    ) -> tuple[str, str]:
        self.asked.append((caption, suggested, filters))
        return str(self.answer), filters


def open_study(qtbot: QtBot, controller: AppController, path: Path) -> MainWindow:
    controller.open_path(path, PASSPHRASE)
    with qtbot.waitSignal(controller.sig_study_opened, timeout=OPEN_TIMEOUT_MS):
        pass
    return wait_for_window(qtbot, controller)


def prepare_export(qtbot: QtBot, window: MainWindow) -> ReviewDialog:
    """Ctrl+E (Study > Prepare export…), then the dialog once its proposals are shown."""
    press(qtbot, Qt.Key.Key_E, CTRL)
    qtbot.waitUntil(lambda: window.findChild(ReviewDialog) is not None)
    dialog = window.findChild(ReviewDialog)
    assert isinstance(dialog, ReviewDialog)
    qtbot.waitUntil(lambda: dialog.review is not None, timeout=EXPORT_TIMEOUT_MS)
    dialog.activateWindow()  # what the window manager does for a dialog just shown
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def test_small_groups_are_hidden_as_the_command_line_hides_them(
    qtbot: QtBot,
    controller: AppController,
    demo_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cli: Callable[..., CliResult],
) -> None:
    out = tmp_path / "summary.md"
    save_dialog = SaveDialog(out)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_dialog))
    window = open_study(qtbot, controller, demo_path)
    status = StatusLog(window.statusBar())
    dialog = prepare_export(qtbot, window)

    press(qtbot, Qt.Key.Key_F, ALT)
    assert focused() is dialog.format, f"Alt+F went to {focused()!r}"
    press(qtbot, Qt.Key.Key_Down)
    assert dialog.options.fmt() == "md"

    press(qtbot, Qt.Key.Key_H, ALT)
    assert focused() is dialog.hide_below, f"Alt+H went to {focused()!r}"
    assert dialog.hide_below.text() == "Off"  # off until the researcher sets it
    type_text(qtbot, "5")
    assert dialog.options.suppress_below() == 5

    press(qtbot, Qt.Key.Key_B, ALT)  # Browse…: the button clicks itself after a moment
    qtbot.waitUntil(lambda: dialog.output.text() == str(out))
    assert len(save_dialog.asked) == 1
    assert save_dialog.asked[0][1].endswith("demo-summary.md")  # the suggestion follows Alt+F
    assert save_dialog.asked[0][2] == "Markdown (*.md)"

    with qtbot.waitSignal(dialog.sig_exported, timeout=EXPORT_TIMEOUT_MS) as done:
        press(qtbot, Qt.Key.Key_E, ALT)
    n = done.args[0].report.redactions
    assert status.said(
        f"Exported summary.md (md, anonymised, {n} redactions, groups under 5 hidden)"
    )
    exported = out.read_bytes()
    controller.close_study()  # the command writes its audit line once the app lets go

    hidden = tmp_path / "cli-5.md"
    shown = tmp_path / "cli.md"
    for target, threshold in ((hidden, ["--suppress-below", "5"]), (shown, [])):
        result = cli("export", demo_path, "--format", "md", "-o", target, *threshold)
        assert result.code == Exit.OK, result.err
    assert exported == hidden.read_bytes()  # the command's file, byte for byte

    text, plain = exported.decode("utf-8"), shown.read_text(encoding="utf-8")
    assert f"{WITHDREW} fewer than 5 |" in text  # one withdrawn participant: a small group
    assert f"{WITHDREW} 1 |" in plain
    assert "fewer than" not in plain
