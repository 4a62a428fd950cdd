"""The "Not saved" bar in the main window's status bar, its Save a copy…, backups, and
leaving while something is not saved: on a real study, through the real runner."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plrdesk.cli.study_commands import shipped_forms
from plrdesk.domain import models as m
from plrdesk.services.changes import Changes, Table
from plrdesk.storage.study_file import StudyFile
from plrdesk.ui.context import StudyContext
from plrdesk.ui.controller import AppController
from plrdesk.ui.main_window import MainWindow
from plrdesk.ui.operations import write
from tests.support.files import PASSPHRASE

OPEN_TIMEOUT_MS = 20_000


def refuse(db: Session, why: str) -> Changes:
    raise OSError(why)


def touch_entry(db: Session, ref: str) -> Changes:
    changes = Changes()
    changes.update(Table.ENTRY, db.scalars(select(m.Entry.id).filter_by(ref=ref)).one())
    return changes


def participants_in(path: Path) -> int:
    with StudyFile.open(path, PASSPHRASE) as study, study.transaction() as db:
        return db.scalar(select(func.count()).select_from(m.Participant)) or 0


@pytest.fixture
def window(qtbot: QtBot, ctx: StudyContext) -> MainWindow:
    window = MainWindow(ctx.runner, ctx.forms)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_a_failed_write_shows_the_bar_until_its_initiator_saves(
    qtbot: QtBot, window: MainWindow
) -> None:
    bar = window.not_saved
    assert bar.parent() is window.statusBar()
    assert not bar.isVisible()
    editor = QWidget()  # whoever typed
    with qtbot.waitSignal(window.runner.sig_write_failed):
        window.runner.run(write(refuse, "the disk is full"), initiator=editor)
    assert bar.isVisible()
    assert bar.label.text() == "Not saved: the disk is full"
    window.statusBar().showMessage("something else")  # a temporary message leaves it up
    assert bar.isVisible()
    with qtbot.waitSignal(window.runner.sig_written):
        window.runner.run(write(touch_entry, "E1"), initiator=object())  # someone else's
    assert bar.isVisible()
    with qtbot.waitSignal(window.runner.sig_written):
        window.runner.run(write(touch_entry, "E1"), initiator=editor)
    assert not bar.isVisible()


def test_a_backup_is_made_and_a_failed_one_is_not_unsaved_work(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: warnings.append(args[2]))
    dest = tmp_path / "backup.plr"
    with qtbot.waitSignal(window.statusBar().messageChanged, timeout=10_000) as shown:
        window.back_up(dest)
    assert shown.args == [f"Backed up to {dest.resolve()}"]
    window.back_up(window.runner.path)  # onto the study itself: refused
    qtbot.waitUntil(lambda: bool(warnings), timeout=10_000)
    assert warnings[0].startswith("The backup failed:")
    assert window.ctx.save_state.failure is None  # nothing of the researcher's is lost
    assert not window.not_saved.isVisible()
    assert participants_in(dest) == 16


# -- through the controller --------------------------------------------------------------


@pytest.fixture
def controller(qapp: QApplication) -> Iterator[AppController]:
    controller = AppController(qapp, shipped_forms())
    yield controller
    controller.shutdown()
    if controller.welcome is not None:
        controller.welcome.hide()


def open_study(qtbot: QtBot, controller: AppController, path: Path) -> MainWindow:
    with qtbot.waitSignal(controller.sig_study_opened, timeout=OPEN_TIMEOUT_MS) as opened:
        controller.open_path(path, PASSPHRASE)
    window = opened.args[0]
    assert isinstance(window, MainWindow)
    return window


def fail_a_write(qtbot: QtBot, window: MainWindow, why: str) -> None:
    with qtbot.waitSignal(window.runner.sig_write_failed):
        window.runner.run(write(refuse, why), initiator=window.sessions)
    assert window.not_saved.isVisible()


def test_save_a_copy_on_the_bar_saves_a_copy_elsewhere(
    qtbot: QtBot,
    controller: AppController,
    demo_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = open_study(qtbot, controller, demo_path)
    copy = tmp_path / "elsewhere.plr"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (str(copy), ""))
    fail_a_write(qtbot, window, "the disk is full")
    with qtbot.waitSignal(window.statusBar().messageChanged, timeout=10_000) as shown:
        qtbot.mouseClick(window.not_saved.copy, Qt.MouseButton.LeftButton)
    assert shown.args == [f"Saved a copy at {copy.resolve()}"]
    assert window.not_saved.isVisible()  # the copy is not the study: still not saved there
    controller.shutdown()
    assert participants_in(copy) == 16


def answer_when_asked(
    controller: AppController, seen: list[str], *, keep: bool, tries: int = 500
) -> None:
    """Answer the question before leaving, once it is up (it runs its own loop); give up
    after `tries` looks (a question never asked is the test's failure, not a hang)."""
    box = controller.unsaved_box
    if box is None or not box.isVisible():
        if tries > 0:
            again = tries - 1
            QTimer.singleShot(
                10, lambda: answer_when_asked(controller, seen, keep=keep, tries=again)
            )
        return
    seen.append(box.text())
    buttons = [b for b in box.buttons() if ("Keep" in b.text()) == keep]
    buttons[0].click()


def test_closing_asks_while_a_write_has_failed(
    qtbot: QtBot, controller: AppController, demo_path: Path
) -> None:
    window = open_study(qtbot, controller, demo_path)
    fail_a_write(qtbot, window, "the disk is full")
    asked: list[str] = []
    QTimer.singleShot(0, lambda: answer_when_asked(controller, asked, keep=True))
    controller.close_study()
    assert len(asked) == 1
    assert "(the disk is full)" in asked[0]
    assert controller.window is window  # kept open, as answered
    QTimer.singleShot(0, lambda: answer_when_asked(controller, asked, keep=False))
    controller.close_study()
    assert len(asked) == 2
    assert controller.window is None


def test_the_idle_lock_is_not_held_back_by_a_failed_write(
    qtbot: QtBot, controller: AppController, demo_path: Path
) -> None:
    """Its change is already off the screen, so locking loses nothing more; a study that
    never locked would stay open to whoever sits down next."""
    window = open_study(qtbot, controller, demo_path)
    fail_a_write(qtbot, window, "the disk is full")
    with qtbot.waitSignal(controller.sig_locked, timeout=5_000):
        controller.idle.set_timeout(0.002)  # ~120 ms
        controller.idle.start()
    assert controller.window is None
