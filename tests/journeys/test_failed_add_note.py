"""Adding a note fails (issue 10): the study sits on a small tmpfs that fills up between
two notes. Before, the new note stayed on screen and on the undo stack as if saved, every
word typed into it was skipped by the autosave, and the status bar still said "Saved at".
Now the note leaves the session and the undo stack (the file does not have it), "Not
saved: ... the disk is full" stays in the window's corner, and its words stay on screen
as a draft the researcher goes on typing into; once the space is back, Try again (by its
mnemonic) adds it with every word. The file, read back after closing, holds both notes
whole and no empty one."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from plrdesk.ui.controller import AppController
from plrdesk.ui.save_state import NotSavedBar
from tests.journeys.keyboard import (
    CTRL,
    OPEN_TIMEOUT_MS,
    StatusLog,
    entry_texts,
    focused,
    new_note_in_first_interview,
    press,
    type_text,
    wait_for_window,
)
from tests.support.files import PASSPHRASE
from tests.support.mounts import fill, tmpfs

FIRST = "Kinship carer says the school run is the hardest part"
SECOND = "Grandmother asked about respite"
MORE = " and about the bus pass"
WAIT_MS = 20_000
ALT = Qt.KeyboardModifier.AltModifier


def test_a_note_that_cannot_be_added_is_taken_back_and_added_on_try_again(
    qtbot: QtBot, controller: AppController, tmp_path: Path, demo_path: Path
) -> None:
    with tmpfs(tmp_path / "disk", "4m") as disk:
        path = disk / "demo.plr"
        shutil.copyfile(demo_path, path)
        before = set(entry_texts(path, PASSPHRASE))
        with qtbot.waitSignal(controller.sig_study_opened, timeout=OPEN_TIMEOUT_MS):
            controller.open_path(path, PASSPHRASE)
        window = wait_for_window(qtbot, controller)
        status = StatusLog(window.statusBar())
        (bar,) = window.findChildren(NotSavedBar)
        assert not bar.isVisible()

        new_note_in_first_interview(qtbot, window)
        mark = status.mark()
        type_text(qtbot, FIRST)
        qtbot.waitUntil(lambda: status.said("Saved at", mark), timeout=WAIT_MS)
        view = window.sessions.current
        assert view is not None
        doc = view.doc
        qtbot.waitUntil(doc.autosave.is_idle, timeout=WAIT_MS)
        notes_before = len(doc.entries)
        steps_before = window.undo.count()

        # The disk fills; a new note, and words typed into it.
        fill(disk)
        mark = status.mark()
        press(qtbot, Qt.Key.Key_Return, CTRL)
        type_text(qtbot, SECOND)
        qtbot.waitUntil(lambda: bar.isVisible(), timeout=WAIT_MS)
        assert bar.label.text().startswith("Not saved: "), bar.label.text()
        assert "the disk is full" in bar.label.text()
        # Not in the session's copy nor on the stack; nothing said it was saved ...
        qtbot.waitUntil(lambda: len(doc.entries) == notes_before, timeout=WAIT_MS)
        assert all(e.text != SECOND for e in doc.entries)
        assert window.undo.count() == steps_before
        assert not status.said("Saved at", mark), status.since(mark)
        # ... but every word is on screen, in the note being typed, which keeps the keys.
        draft = focused()
        assert draft.toPlainText() == SECOND  # type: ignore[attr-defined]
        type_text(qtbot, MORE)
        assert draft.toPlainText() == SECOND + MORE  # type: ignore[attr-defined]
        assert [r.text for r in doc.unsaved_notes.values()] == [SECOND + MORE]
        drafted = window.sessions.current.notes.current_editor  # type: ignore[union-attr]
        assert drafted is not None
        assert drafted.notice.isVisible()
        assert drafted.notice.text().startswith("Not saved yet")
        assert window.sessions.unsaved() is not None  # closing now would ask first

        # Space again; Try again by its mnemonic: the note is added with all its words.
        (disk / "filler").unlink()
        mark = status.mark()
        press(qtbot, Qt.Key.Key_T, ALT)
        qtbot.waitUntil(lambda: not bar.isVisible(), timeout=WAIT_MS)
        qtbot.waitUntil(lambda: status.said("Saved at", mark), timeout=WAIT_MS)
        assert [e.text for e in doc.entries].count(SECOND + MORE) == 1
        assert doc.unsaved_notes == {}
        assert focused() is draft  # the draft became the note: the keyboard stayed there
        editor = window.sessions.current.notes.current_editor  # type: ignore[union-attr]
        assert editor is not None
        assert editor.text is draft
        assert not editor.notice.isVisible()  # "Not saved yet" under it has gone
        qtbot.waitUntil(doc.autosave.is_idle, timeout=WAIT_MS)
        controller.shutdown()

        added = [t for t in entry_texts(path, PASSPHRASE) if t not in before]
        assert sorted(added) == sorted([FIRST, SECOND + MORE]), added
