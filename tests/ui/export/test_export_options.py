"""Prepare export's options: "Hide groups smaller than" (off by default, 2 to 50, reached
by its mnemonic and by Tab), every mnemonic of the dialog its own, and what the export
then says of the suppression."""

from __future__ import annotations

import json
import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QGroupBox, QLabel, QWidget
from pytestqt.qtbot import QtBot

from plrdesk.ui.context import StudyContext
from plrdesk.ui.export.review_dialog import ReviewDialog
from plrdesk.ui.export.review_parts import HIDE_MAX, HIDE_OFF

WAIT_MS = 30_000
ALT = Qt.KeyboardModifier.AltModifier


def open_dialog(qtbot: QtBot, ctx: StudyContext) -> ReviewDialog:
    dialog = ReviewDialog(ctx)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.sig_review_loaded, timeout=WAIT_MS):
        dialog.show()
    dialog.activateWindow()  # what a window manager does for a dialog just shown
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def mnemonics(dialog: QWidget) -> list[tuple[str, str]]:
    """(letter, text) of every label, button and group box title with a mnemonic."""
    found = []
    texts = [w.text() for w in dialog.findChildren(QLabel) if w.buddy() is not None]
    texts += [w.text() for w in dialog.findChildren(QAbstractButton)]
    texts += [w.title() for w in dialog.findChildren(QGroupBox)]
    for text in texts:
        letter = re.search(r"(?<!&)&([^&])", text)
        if letter:
            found.append((letter.group(1).casefold(), text))
    return found


def test_hide_groups_is_off_by_default_and_takes_two_to_fifty(
    qtbot: QtBot, ctx: StudyContext
) -> None:
    dialog = open_dialog(qtbot, ctx)
    spin = dialog.hide_below
    assert spin.text() == "Off"
    assert dialog.options.suppress_below() is None
    assert (spin.minimum(), spin.maximum()) == (HIDE_OFF, HIDE_MAX) == (1, 50)
    spin.setValue(2)
    assert dialog.options.suppress_below() == 2
    spin.setValue(99)
    assert dialog.options.suppress_below() == 50
    spin.setValue(HIDE_OFF)
    assert dialog.options.suppress_below() is None
    assert spin.accessibleName() == "Hide groups smaller than"


def test_its_label_has_a_mnemonic_of_its_own_in_the_dialog(qtbot: QtBot, ctx: StudyContext) -> None:
    dialog = open_dialog(qtbot, ctx)
    label = next(w for w in dialog.findChildren(QLabel) if w.buddy() is dialog.hide_below)
    assert label.text() == "&Hide groups smaller than:"
    letters = [letter for letter, _ in mnemonics(dialog)]
    assert len(letters) == len(set(letters)), mnemonics(dialog)
    assert "h" in letters

    qtbot.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_H, ALT)
    assert QApplication.focusWidget() is dialog.hide_below
    qtbot.keyClicks(QApplication.focusWidget(), "7")
    assert dialog.options.suppress_below() == 7


def test_tab_reaches_it(qtbot: QtBot, ctx: StudyContext) -> None:
    dialog = open_dialog(qtbot, ctx)
    dialog.format.setFocus()
    qtbot.waitUntil(dialog.format.hasFocus)
    for _ in range(10):
        if dialog.hide_below.hasFocus():
            break
        qtbot.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_Tab)
    assert dialog.hide_below.hasFocus()


def test_the_export_suppresses_and_says_so(qtbot: QtBot, ctx: StudyContext, tmp_path: Path) -> None:
    dialog = open_dialog(qtbot, ctx)
    statuses: list[str] = []
    ctx.runner.sig_status.connect(statuses.append)
    dialog.hide_below.setValue(5)
    out = tmp_path / "summary.json"
    dialog.output.setText(str(out))
    with qtbot.waitSignal(dialog.sig_exported, timeout=WAIT_MS) as exported:
        dialog.export_button.click()
    assert json.loads(out.read_text(encoding="utf-8"))["methods"]["withdrawn"] == "fewer than 5"
    assert "counts under 5 shown as 'fewer than 5'" in dialog.report.toPlainText()
    n = exported.args[0].report.redactions
    assert (
        statuses[-1]
        == f"Exported summary.json (json, anonymised, {n} redactions, groups under 5 hidden)"
    )
