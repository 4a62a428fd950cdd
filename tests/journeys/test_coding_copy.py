"""A coding copy for a second coder, by keyboard alone: the researcher opens the demo study,
opens Study > Coding copy for a second coder… (Alt+S, Y), types the mentor's name (the
field has the keyboard), leaves "Anonymise" ticked, types a new passphrase twice (Alt+P,
Alt+G) and makes the copy (Return). The status bar says what went in. The new file, read
back under its own passphrase, names its coder and the study it was made from, holds no
coding and none of the register's names; the study keeps its record of the copy.

A second copy to the same file name is refused in the dialog before anything is done.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from plrdesk.domain import models as m
from plrdesk.shipped import demo_study_json
from plrdesk.storage.study_file import StudyFile
from plrdesk.ui.coding_copy_dialog import CodingCopyDialog
from plrdesk.ui.controller import AppController
from plrdesk.ui.main_window import MainWindow
from tests.export.support import words_found
from tests.journeys.keyboard import StatusLog, focused, press, type_text
from tests.journeys.test_export_with_suppression import ALT, EXPORT_TIMEOUT_MS, open_study
from tests.support.files import PASSPHRASE

NEW = "violet harbour canoe ninety"


def open_from_the_menu(qtbot: QtBot, window: MainWindow) -> CodingCopyDialog:
    """Alt+S opens the Study menu; Y (its item's letter) opens the coding copy dialog."""
    press(qtbot, Qt.Key.Key_S, ALT)
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
    menu = QApplication.activePopupWidget()
    assert isinstance(menu, QMenu)
    QTest.keyClick(menu, Qt.Key.Key_Y)  # the open menu has the keyboard
    qtbot.waitUntil(lambda: window.findChild(CodingCopyDialog) is not None)
    dialog = window.findChild(CodingCopyDialog)
    assert isinstance(dialog, CodingCopyDialog)
    dialog.activateWindow()  # what the window manager does for a dialog just shown
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def test_a_blind_anonymised_copy_by_keyboard(
    qtbot: QtBot, controller: AppController, demo_path: Path
) -> None:
    window = open_study(qtbot, controller, demo_path)
    status = StatusLog(window.statusBar())
    dialog = open_from_the_menu(qtbot, window)
    qtbot.waitUntil(lambda: focused() is dialog.coder)
    type_text(qtbot, "Dana Mentor")
    out = demo_path.with_name("demo-for-dana-mentor.plr")
    assert dialog.output.text() == str(out)
    assert dialog.anonymised.isChecked()
    press(qtbot, Qt.Key.Key_P, ALT)
    assert focused() is dialog.first
    type_text(qtbot, NEW)
    press(qtbot, Qt.Key.Key_G, ALT)
    assert focused() is dialog.second
    type_text(qtbot, NEW)
    assert dialog.make.isEnabled(), dialog.message.text()
    with qtbot.waitSignal(dialog.sig_copy_written, timeout=EXPORT_TIMEOUT_MS):
        press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: status.said(f"Wrote {out.name}: an anonymised, blind coding copy for Dana Mentor")
    )

    with StudyFile.open(out, NEW) as copy, copy.transaction() as db:
        study = db.scalars(select(m.Study)).one()
        assert study.copy_coder == "Dana Mentor"
        copy_id, made_from = study.id, study.copy_of_id
        assert list(db.scalars(select(m.Coding))) == []
        texts = [e.text or "" for e in db.scalars(select(m.Entry))]
        people = [p.name for p in db.scalars(select(m.Participant))]
    assert texts
    names = [p["name"] for p in json.loads(demo_study_json().read_text())["participants"]]
    assert words_found(" ".join(texts + people), [p for n in names for p in n.split()]) == []

    # the study keeps its record of the copy; a fresh open after the app lets go
    controller.shutdown()
    with StudyFile.open(demo_path, PASSPHRASE) as original, original.transaction() as db:
        assert db.scalars(select(m.Study.id)).one() == made_from
        record = db.get(m.CodingCopy, copy_id)
        assert record is not None
        assert record.coder == "Dana Mentor"


def test_an_existing_file_is_refused_before_anything_is_done(
    qtbot: QtBot, controller: AppController, demo_path: Path
) -> None:
    window = open_study(qtbot, controller, demo_path)
    taken = demo_path.with_name("demo-for-dana.plr")
    taken.write_bytes(b"someone's")
    dialog = open_from_the_menu(qtbot, window)
    type_text(qtbot, "Dana")
    press(qtbot, Qt.Key.Key_P, ALT)
    type_text(qtbot, NEW)
    press(qtbot, Qt.Key.Key_G, ALT)
    type_text(qtbot, NEW)
    assert not dialog.make.isEnabled()
    assert dialog.message.text() == "demo-for-dana.plr exists already: choose another name."
    press(qtbot, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert taken.read_bytes() == b"someone's"
