"""Merging another laptop's copy by keyboard alone (issue 14 §1): the researcher opens the
study, opens Study > Merge another copy… (Alt+S, M), types the copy's path (the field has
the keyboard), Alt+P and its passphrase, Return (the dialog lists what would come in and
nothing has changed yet), Return again (a backup, then the merge), Return to close. The
sessions list shows the session that came in; the study read back holds it, keeps its own
version of a note typed on both laptops with the other beside it as a conflict copy, and
the backup named in the dialog is the study as it was before.

`merge_by_keyboard` is the dialog part, for journeys that go on from a merge.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from plrdesk.domain import models as m
from plrdesk.storage.study_file import StudyFile
from plrdesk.ui.controller import AppController
from plrdesk.ui.main_window import MainWindow
from plrdesk.ui.merge_dialog import MergeDialog
from tests.journeys.keyboard import (
    OPEN_TIMEOUT_MS,
    StatusLog,
    focused,
    press,
    type_text,
    wait_for_window,
)
from tests.support.files import PASSPHRASE
from tests.support.merging import change, copy_of, entry

ALT = Qt.KeyboardModifier.AltModifier


def merge_by_keyboard(qtbot: QtBot, window: MainWindow, source: Path, passphrase: str) -> str:
    """Alt+S, M; type the path; Alt+P, the passphrase; Return (what comes in), Return (merge),
    Return (close). Returns what the dialog listed before the merge."""
    press(qtbot, Qt.Key.Key_S, ALT)
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
    menu = QApplication.activePopupWidget()
    assert isinstance(menu, QMenu)
    QTest.keyClick(menu, Qt.Key.Key_M)  # the open menu has the keyboard
    qtbot.waitUntil(lambda: window.findChild(MergeDialog) is not None)
    dialog = window.findChild(MergeDialog)
    assert isinstance(dialog, MergeDialog)
    dialog.activateWindow()  # what the window manager does for a dialog just shown
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    qtbot.waitUntil(lambda: focused() is dialog.path)
    type_text(qtbot, str(source))
    press(qtbot, Qt.Key.Key_P, ALT)
    assert focused() is dialog.passphrase
    type_text(qtbot, passphrase)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.merge_button.isEnabled(), timeout=OPEN_TIMEOUT_MS)
    listed = dialog.summary.toPlainText()
    assert "Nothing has changed yet" in dialog.message.text()
    with qtbot.waitSignal(dialog.sig_merged, timeout=OPEN_TIMEOUT_MS):
        press(qtbot, Qt.Key.Key_Return)
    assert "A backup from before the merge is" in dialog.message.text()
    assert dialog.passphrase.text() == ""  # not left in the widget
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.findChild(MergeDialog) is None or not dialog.isVisible())
    return listed


def _new_session(path: Path) -> None:
    def add(db: object) -> None:
        from sqlalchemy.orm import Session

        assert isinstance(db, Session)
        session = m.StudySession(ref="S40", kind="other", position=40)
        db.add(session)
        db.flush()
        db.add(m.Entry(ref="E-S40", session_id=session.id, text="from laptop B", position=0))

    change(path, add)


def test_merge_another_copy_by_keyboard(
    qtbot: QtBot, controller: AppController, demo_path: Path
) -> None:
    other = copy_of(demo_path, "laptop-b.plr")
    _new_session(other)
    change(demo_path, lambda db: setattr(entry(db, "E3"), "text", f"{entry(db, 'E3').text} (A)"))
    change(other, lambda db: setattr(entry(db, "E3"), "text", f"{entry(db, 'E3').text} (B)"))
    controller.open_path(demo_path, PASSPHRASE)
    window = wait_for_window(qtbot, controller)
    status = StatusLog(window.statusBar())
    qtbot.waitUntil(lambda: window.sessions.model.rowCount() > 0)
    sessions_before = window.sessions.model.rowCount()

    listed = merge_by_keyboard(qtbot, window, other, PASSPHRASE)
    assert "added: 2 entries, 1 session" in listed  # the new note and the conflict copy
    assert "conflict: entry E3: changed in both copies" in listed
    assert status.said("Merged laptop-b.plr; backup from before it:")
    qtbot.waitUntil(lambda: window.sessions.model.rowCount() == sessions_before + 1)
    controller.close_study()

    with StudyFile.open(demo_path, PASSPHRASE) as study, study.transaction() as db:
        assert db.scalars(select(m.StudySession).filter_by(ref="S40")).one()
        ours = entry(db, "E3")
        assert ours.text is not None
        assert ours.text.endswith("(A)")
        copy = db.scalars(select(m.Entry).where(m.Entry.conflict_of_id == ours.id)).one()
        assert copy.text is not None
        assert copy.text.endswith("(B)")
        assert copy.conflict_from is not None
        assert copy.conflict_from.startswith("laptop-b.plr, merged ")
    [backup] = demo_path.with_name("demo.plr.backups").glob("*-before-merge.plr")
    with StudyFile.open(backup, PASSPHRASE) as kept, kept.transaction() as db:
        assert db.scalars(select(m.StudySession).filter_by(ref="S40")).all() == []
