"""An entry that repeats a withdrawn child's words, held back and then released, by keyboard
alone. In the demo study, C2's quoted line (E83) is made to retell what Amy (C6, withdrawn)
said in E90. The researcher opens Prepare export (Ctrl+E): at the top of the list is the
held-back entry, "Leave out", with the reason ("repeats 15 words of an excluded entry
E90") and its rule in words; the other rows show theirs. Exported as Markdown (Alt+F,
Down, Alt+B, Alt+E), the file has no word of the entry, and the log says it was held back.
Space on the row includes it ("Include"); exported again, C2's quote is in the file and the
log says who released what. Closed and opened again, the row still reads "Include": the
decision is kept in the study, as every review decision is.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot

from plrdesk.storage.study_file import StudyFile
from plrdesk.ui.controller import AppController
from plrdesk.ui.export.review_dialog import ReviewDialog
from plrdesk.ui.export.review_model import CONTEXT, DECISION, RULE, TEXT
from tests.export.support import change, entry
from tests.journeys.keyboard import focused, press
from tests.journeys.test_export_with_suppression import (
    ALT,
    EXPORT_TIMEOUT_MS,
    SaveDialog,
    open_study,
    prepare_export,
)
from tests.support.files import PASSPHRASE

QUOTE = "Someone who listens properly"  # E83's coded span: the quote the summary carries
RETOLD = (
    "Someone who listens properly and doesn't just write it down and go. Her friend told"
    " us letters home should be in plain English, so her mum does not have to ask."
)


def test_a_held_back_entry_is_listed_with_its_reason_and_can_be_released(
    qtbot: QtBot,
    controller: AppController,
    demo_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with StudyFile.open(demo_path, PASSPHRASE) as study:
        change(study, lambda db: setattr(entry(db, "E83"), "text", RETOLD))
    out = tmp_path / "summary.md"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(SaveDialog(out)))
    window = open_study(qtbot, controller, demo_path)
    dialog = prepare_export(qtbot, window)
    model = dialog.model

    assert focused() is dialog.table
    assert dialog.table.currentIndex().row() == 0
    assert model.index(0, DECISION).data() == "Leave out"
    assert model.index(0, RULE).data() == "repeats an excluded entry"
    assert model.index(0, CONTEXT).data() == (
        "repeats 15 words of an excluded entry E90: …it down and go. Her friend told us"
        " «letters home should be in plain English, so her mum does not have to ask»."
    )
    assert "held back" in dialog.detail.toPlainText().casefold()
    assert "entry repeats the words of an entry the export leaves out" in dialog.intro.text()
    castlebrook = model.find("Castlebrook")
    assert model.index(castlebrook, RULE).data() == "registered name or identifier"

    press(qtbot, Qt.Key.Key_F, ALT)
    press(qtbot, Qt.Key.Key_Down)
    assert dialog.options.fmt() == "md"
    press(qtbot, Qt.Key.Key_B, ALT)
    qtbot.waitUntil(lambda: dialog.output.text() == str(out))
    with qtbot.waitSignal(dialog.sig_exported, timeout=EXPORT_TIMEOUT_MS):
        press(qtbot, Qt.Key.Key_E, ALT)
    text = out.read_text(encoding="utf-8")
    assert QUOTE not in text
    assert "her mum" not in text
    log = dialog.report.toPlainText()
    assert "note: 1 entry held back, in no quote, extract or source" in log
    assert "E83 repeats 15 words of an excluded entry E90" in log
    assert "her mum" not in log  # refs and counts only

    qtbot.waitUntil(lambda: dialog.table.isEnabled() and model.rowCount() > 0)  # reloaded
    dialog.table.setFocus()
    qtbot.waitUntil(lambda: focused() is dialog.table)
    assert model.index(dialog.table.currentIndex().row(), TEXT).data().startswith("letters")
    press(qtbot, Qt.Key.Key_Space)
    assert model.index(0, DECISION).data() == "Include"
    assert "included in the export" in dialog.message.text()
    with qtbot.waitSignal(dialog.sig_exported, timeout=EXPORT_TIMEOUT_MS):
        press(qtbot, Qt.Key.Key_E, ALT)
    text = out.read_text(encoding="utf-8")
    assert QUOTE in text  # released: C2's quote leaves, names redacted as ever
    assert "released by the researcher, though they repeat an excluded entry: E83" in (
        dialog.report.toPlainText()
    )

    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.findChild(ReviewDialog) is None)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    again = prepare_export(qtbot, window)
    first = again.model.proposal_at(0)
    assert first is not None
    assert first.held_back  # still listed, so it can be changed back
    assert again.model.index(0, DECISION).data() == "Include"  # the decision was kept
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.findChild(ReviewDialog) is None)
