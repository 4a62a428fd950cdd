"""Exporting a report a writer can use, by keyboard alone: the researcher opens the demo
study, opens Prepare export (Ctrl+E), picks Markdown (Alt+F, Down), ticks "Include
extracts" by its mnemonic (Alt+X), chooses a file in a reports folder (Alt+B) and exports
(Alt+E). The file carries an appendix of extracts by theme, the researcher's notes among
them, and no one's name; the log's redaction figure is the review's. Closed (Escape) and
opened again (Ctrl+E), Prepare export starts from Markdown in the reports folder; the
extracts box starts unticked. The study's audit log, read back from the file, holds the
export with the same figure.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from plrdesk.domain import models as m
from plrdesk.shipped import demo_study_json
from plrdesk.storage.study_file import StudyFile
from plrdesk.ui.controller import AppController
from plrdesk.ui.export.review_dialog import ReviewDialog
from tests.export.support import words_found
from tests.journeys.keyboard import StatusLog, focused, press
from tests.journeys.test_export_with_suppression import (
    ALT,
    EXPORT_TIMEOUT_MS,
    SaveDialog,
    open_study,
    prepare_export,
)
from tests.support.files import PASSPHRASE

# A note the demo codes but does not mark verbatim: the summary never carried it.
NOTE = "Kept a list on the fridge with names and numbers"


def test_extracts_by_keyboard_and_the_dialog_remembers_format_and_folder(
    qtbot: QtBot,
    controller: AppController,
    demo_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    out = reports / "for the mentor.md"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(SaveDialog(out)))
    window = open_study(qtbot, controller, demo_path)
    status = StatusLog(window.statusBar())
    dialog = prepare_export(qtbot, window)
    assert dialog.review is not None
    listed = dialog.review.redactions

    press(qtbot, Qt.Key.Key_F, ALT)
    assert focused() is dialog.format, f"Alt+F went to {focused()!r}"
    press(qtbot, Qt.Key.Key_Down)
    assert dialog.options.fmt() == "md"
    press(qtbot, Qt.Key.Key_X, ALT)  # the box ticks itself after a moment, as a click
    qtbot.waitUntil(dialog.options.extracts.isChecked)
    press(qtbot, Qt.Key.Key_B, ALT)
    qtbot.waitUntil(lambda: dialog.output.text() == str(out))
    with qtbot.waitSignal(dialog.sig_exported, timeout=EXPORT_TIMEOUT_MS):
        press(qtbot, Qt.Key.Key_E, ALT)
    assert status.said(
        f"Exported {out.name} (md, anonymised, {listed} redactions, with extracts)"
    ), status.messages

    text = out.read_text(encoding="utf-8").replace("\\", "")
    appendix = text[text.index("## Appendix: extracts by theme") :]
    assert f"- {NOTE} — *A parent or carer, phone interview; the researcher's note" in appendix
    assert "### Knowing and using common tools" in appendix
    names = [p["name"] for p in json.loads(demo_study_json().read_text())["participants"]]
    assert words_found(text, [part for name in names for part in name.split()]) == []
    log = dialog.report.toPlainText().splitlines()
    assert log[1].startswith(f"redactions: {listed} (")  # the review's figure, not 0

    press(qtbot, Qt.Key.Key_Escape)  # closes Prepare export
    qtbot.waitUntil(lambda: window.findChild(ReviewDialog) is None)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    again = prepare_export(qtbot, window)
    assert again is not dialog
    assert again.options.fmt() == "md"
    assert Path(again.output.text()) == reports / "demo-summary.md"
    assert not again.options.extracts.isChecked()
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.findChild(ReviewDialog) is None)

    controller.close_study()
    with StudyFile.open(demo_path, PASSPHRASE) as study, study.transaction() as db:
        found = db.scalars(select(m.AuditEvent).where(m.AuditEvent.action == "export"))
        exports = [event.detail for event in found]
    assert exports == [{"format": "md", "redactions": listed, "needs_review": 0}]
