"""A save that fails because the disk is full (issue 10): the study sits on a small tmpfs,
a note is typed and saved, then the disk is filled and more words typed. The status bar
says "Not saved yet (... the disk is full ...); trying again", never "Saved at", and the
words stay on screen; once the space is freed the retry saves them. The study is closed
by its shortcut and read back: every word typed before and after the disk filled is in the
note."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMainWindow
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from plrdesk.domain import models as m
from plrdesk.storage.study_file import StudyFile
from plrdesk.ui.controller import AppController
from plrdesk.ui.sessions.autosave import RETRY_MS
from tests.journeys.keyboard import (
    OPEN_TIMEOUT_MS,
    StatusLog,
    focused,
    new_note_in_first_interview,
    press,
    type_text,
    wait_for_window,
)
from tests.support.files import PASSPHRASE
from tests.support.mounts import fill, tmpfs

BEFORE = "Foster carer describes the respite weekend"
AFTER = " and the social worker visit that followed it"
DISK_SIZE = "4m"
WAIT_MS = 20_000  # several retries (RETRY_MS apart), and never long


def note_text(path: Path, entry_id: uuid.UUID) -> str | None:
    """The note's text in the study at `path`, by a fresh open."""
    with StudyFile.open(path, PASSPHRASE) as study, study.transaction() as db:
        entry = db.scalars(select(m.Entry).where(m.Entry.id == entry_id)).one_or_none()
        return None if entry is None else entry.text


def close_study_shortcut(window: QMainWindow) -> QKeySequence:
    """The keys Study > Close study is bound to on this platform (QKeySequence.StandardKey
    .Close: Ctrl+F4 under Qt's generic theme, Ctrl+W under GNOME's or KDE's)."""
    (close,) = [a for a in window.findChildren(QAction) if a.text() == "&Close study"]
    shortcut = close.shortcut()
    assert not shortcut.isEmpty(), "Close study has no shortcut"
    return shortcut


def test_a_save_on_a_full_disk_says_not_saved_keeps_the_words_and_saves_once_freed(
    qtbot: QtBot, controller: AppController, tmp_path: Path, demo_path: Path
) -> None:
    assert WAIT_MS > 2 * RETRY_MS
    with tmpfs(tmp_path / "disk", DISK_SIZE) as disk:
        path = disk / "demo.plr"
        shutil.copyfile(demo_path, path)
        with qtbot.waitSignal(controller.sig_study_opened, timeout=OPEN_TIMEOUT_MS):
            controller.open_path(path, PASSPHRASE)
        window = wait_for_window(qtbot, controller)
        status = StatusLog(window.statusBar())

        # A note, typed and saved while there is room.
        editor = new_note_in_first_interview(qtbot, window)
        before_first = status.mark()
        type_text(qtbot, BEFORE)
        qtbot.waitUntil(lambda: status.said("Saved at", before_first), timeout=WAIT_MS)
        view = window.sessions.current
        assert view is not None
        autosave = view.doc.autosave
        qtbot.waitUntil(autosave.is_idle, timeout=WAIT_MS)
        assert editor.record is not None
        entry_id = editor.record.id

        # The disk fills up; the researcher goes on typing.
        fill(disk)
        filler = disk / "filler"
        assert shutil.disk_usage(disk).free == 0
        before_full = status.mark()
        assert focused() is editor.text, f"the words would go to {focused()!r}"
        type_text(qtbot, AFTER)
        qtbot.waitUntil(lambda: status.said("Not saved", before_full), timeout=WAIT_MS)
        failed = [msg for msg in status.since(before_full) if msg.startswith("Not saved")]
        assert failed[0].startswith("Not saved yet ("), failed
        assert failed[0].endswith("; trying again"), failed
        assert "the disk is full" in failed[0], failed
        # Nothing claims the new words were saved, and they are all still on screen.
        assert not status.said("Saved at", before_full), status.since(before_full)
        assert status.now().startswith("Not saved yet"), status.now()
        assert editor.text.toPlainText() == BEFORE + AFTER
        assert editor.text.isVisible()
        assert not autosave.is_idle()  # the words are kept, to be tried again
        # The file still holds only what was saved before the disk filled.
        assert note_text(path, entry_id) == BEFORE

        # The space comes back: the next retry saves, with no key pressed.
        filler.unlink()
        before_freed = status.mark()
        qtbot.waitUntil(lambda: status.said("Saved at", before_freed), timeout=WAIT_MS)
        qtbot.waitUntil(autosave.is_idle, timeout=WAIT_MS)
        assert editor.text.toPlainText() == BEFORE + AFTER

        # Close study by its shortcut, from the note where the researcher was typing.
        shortcut = close_study_shortcut(window)
        assert focused() is editor.text
        qtbot.keySequence(focused(), shortcut)
        qtbot.waitUntil(lambda: controller.window is None, timeout=WAIT_MS)
        assert controller.runner is None

        saved = note_text(path, entry_id)
        assert saved == BEFORE + AFTER, saved
        for word in (BEFORE + AFTER).split():
            assert word in saved.split(), f"{word!r} was lost"


def test_lock_and_close_never_take_unsaved_words_with_them(
    qtbot: QtBot, controller: AppController, tmp_path: Path, demo_path: Path
) -> None:
    """Before: Ctrl+L, the idle lock or Close study while a save was failing tore the window
    down and the words on screen were gone, with nothing said."""
    with tmpfs(tmp_path / "disk", DISK_SIZE) as disk:
        path = disk / "demo.plr"
        shutil.copyfile(demo_path, path)
        with qtbot.waitSignal(controller.sig_study_opened, timeout=OPEN_TIMEOUT_MS):
            controller.open_path(path, PASSPHRASE)
        window = wait_for_window(qtbot, controller)
        status = StatusLog(window.statusBar())
        editor = new_note_in_first_interview(qtbot, window)
        mark = status.mark()
        type_text(qtbot, BEFORE)
        qtbot.waitUntil(lambda: status.said("Saved at", mark), timeout=WAIT_MS)
        assert editor.record is not None
        entry_id = editor.record.id

        fill(disk)
        mark = status.mark()
        type_text(qtbot, AFTER)
        qtbot.waitUntil(lambda: status.said("Not saved", mark), timeout=WAIT_MS)

        # Ctrl+L asks, and Escape (the default is to keep the study open) keeps everything.
        seen: list[str] = []

        def answer_with_escape() -> None:  # the box runs its own loop: answer from inside it
            box = controller.unsaved_box
            if box is None or not box.isVisible():
                QTimer.singleShot(10, answer_with_escape)
                return
            seen.append(box.text())
            qtbot.keyClick(box, Qt.Key.Key_Escape)

        QTimer.singleShot(0, answer_with_escape)
        press(qtbot, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
        assert len(seen) == 1
        assert "is not saved yet" in seen[0]
        assert "the disk is full" in seen[0]
        assert controller.window is window
        assert editor.text.toPlainText() == BEFORE + AFTER
        # Back in the note, to go on typing (the window is activated again, then focused).
        qtbot.waitUntil(lambda: QApplication.focusWidget() is editor.text, timeout=WAIT_MS)

        # The idle lock does not ask: it waits, and says why.
        mark = status.mark()
        controller._idle_lock()
        assert controller.window is window
        assert status.said("Not locked: some notes are not saved yet", mark)

        # Once there is room again the words are saved, and Ctrl+L locks without a word.
        (disk / "filler").unlink()
        mark = status.mark()
        qtbot.waitUntil(lambda: status.said("Saved at", mark), timeout=WAIT_MS)
        with qtbot.waitSignal(controller.sig_locked, timeout=WAIT_MS):
            press(qtbot, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
        assert controller.unsaved_box is None
        controller.shutdown()
        assert note_text(path, entry_id) == BEFORE + AFTER
