"""Merging a second coder's copy, then coder agreement, by keyboard (issue 14 §1, §4).

The second coder works on a copy of the study (`cp`, so the same record ids) and codes it:
their codings, with their name, are made through the storage in setup. In the app, by
keyboard: Study > Merge another copy… brings them in (tests/journeys/test_merge_copy.py's
`merge_by_keyboard`), then Ctrl+Shift+G (View > Coder agreement…), Alt+T to the themes
(the worst, lowest kappa, current), Enter to the entries where the coders differ (side by
side), Enter to open one: the Sessions tab shows that note. The study read back afterwards
gives the same worst theme and holds both coders' codings.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from plrdesk.domain import models as m
from plrdesk.services.agreement import Unit, worst_first
from plrdesk.services.agreement_data import load_agreement_data
from plrdesk.storage.study_file import StudyFile
from plrdesk.ui.analysis.agreement_view import AgreementDialog
from plrdesk.ui.controller import AppController
from tests.journeys.keyboard import OPEN_TIMEOUT_MS, focused, press, wait_for_window
from tests.journeys.test_merge_copy import merge_by_keyboard
from tests.support.files import PASSPHRASE
from tests.support.second_coder import SECOND, WORST, add_second_coder

ALT = Qt.KeyboardModifier.AltModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
RESEARCHER = "Claire Beaumont"


def _codings_by(path: Path) -> dict[str | None, int]:
    with StudyFile.open(path, PASSPHRASE) as study, study.transaction() as db:
        return dict(db.execute(select(m.Coding.coder, func.count()).group_by(m.Coding.coder)).all())


def test_merge_a_second_coders_copy_then_open_a_differing_passage(
    qtbot: QtBot, controller: AppController, demo_path: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "bo-laptop.plr"
    shutil.copyfile(demo_path, copy)
    with StudyFile.open(copy, PASSPHRASE) as study, study.transaction() as db:
        added = add_second_coder(db)
    assert _codings_by(demo_path) == {None: 33}
    controller.open_path(demo_path, PASSPHRASE)
    window = wait_for_window(qtbot, controller)
    listed = merge_by_keyboard(qtbot, window, copy, PASSPHRASE)
    assert str(added) in listed
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)

    press(qtbot, Qt.Key.Key_G, CTRL_SHIFT)
    qtbot.waitUntil(lambda: window.findChild(AgreementDialog) is not None)
    dialog = window.findChild(AgreementDialog)
    assert isinstance(dialog, AgreementDialog)
    qtbot.waitUntil(lambda: dialog.themes.rowCount() > 0, timeout=OPEN_TIMEOUT_MS)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    assert (dialog.coder_a.currentText(), dialog.coder_b.currentText()) == (RESEARCHER, SECOND)

    press(qtbot, Qt.Key.Key_T, ALT)
    assert focused() is dialog.theme_table
    worst = dialog.current_theme()
    assert worst is not None
    assert worst.theme.name == WORST
    assert dialog.theme_table.currentIndex().row() == 0

    press(qtbot, Qt.Key.Key_Return)
    assert focused() is dialog.difference_table
    difference = dialog.difference_table.currentIndex().data(Qt.ItemDataRole.UserRole + 1)
    assert difference is not None
    where = dialog.differences.info(difference)
    assert where is not None
    assert dialog.a_text.toPlainText()  # the note, with the first coder's words marked
    assert dialog.b_text.toPlainText() == dialog.a_text.toPlainText()

    press(qtbot, Qt.Key.Key_Return)
    sessions = window.sessions
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is sessions)
    qtbot.waitUntil(
        lambda: sessions.current is not None and sessions.current.doc.ref == where.session_ref,
        timeout=OPEN_TIMEOUT_MS,
    )
    controller.close_study()

    # Read back: both coders' codings are there, and the figures agree with the view.
    assert _codings_by(demo_path) == {None: 33, SECOND: added}
    with StudyFile.open(demo_path, PASSPHRASE) as study, study.transaction() as db:
        result = load_agreement_data(db).compare(RESEARCHER, SECOND, Unit.ENTRY)
    assert worst_first(result.themes)[0].theme.name == WORST
