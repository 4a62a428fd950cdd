"""A focus-group line the study cannot take (issue 10): the disk fills during a focus
group. The line filed leaves the list (the file does not have it), "Not saved" stays in
the window's corner, and with no key pressed it is filed again, same words, same child,
once the space is back (the document retries every few seconds). The study, read back
after closing, holds it once."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from plrdesk.ui.controller import AppController
from plrdesk.ui.save_state import NotSavedBar
from plrdesk.ui.sessions.document import NOTE_RETRY_MS
from tests.journeys.keyboard import press, type_text
from tests.journeys.test_focus_group_by_keyboard import lines_in_file, open_focus_group, open_study
from tests.support.mounts import fill, tmpfs

LINE = "3 of us got the wrong bus on the first day"
WAIT_MS = 20_000


def test_a_line_that_cannot_be_filed_is_filed_once_the_disk_has_room(
    qtbot: QtBot, controller: AppController, tmp_path: Path, demo_path: Path
) -> None:
    assert WAIT_MS > 2 * NOTE_RETRY_MS
    with tmpfs(tmp_path / "disk", "4m") as disk:
        path = disk / "demo.plr"
        shutil.copyfile(demo_path, path)
        before = lines_in_file(path)
        window = open_study(qtbot, controller, path)
        view = open_focus_group(qtbot, window)
        (bar,) = window.findChildren(NotSavedBar)
        doc = view.doc
        count = len(doc.entries)

        fill(disk)
        press(qtbot, Qt.Key.Key_2)  # C2 speaks
        type_text(qtbot, LINE)  # a digit after the speaker is text
        press(qtbot, Qt.Key.Key_Return)
        qtbot.waitUntil(bar.isVisible, timeout=WAIT_MS)
        assert "the disk is full" in bar.label.text()
        qtbot.waitUntil(lambda: len(doc.entries) == count, timeout=WAIT_MS)
        assert [(r.text, r.speaker_ref) for r in doc.unsaved_notes.values()] == [(LINE, "C2")]

        (disk / "filler").unlink()  # nothing pressed: the retry files it
        qtbot.waitUntil(lambda: not doc.unsaved_notes, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: not bar.isVisible(), timeout=WAIT_MS)
        assert [(e.text, e.speaker_ref) for e in doc.entries].count((LINE, "C2")) == 1
        controller.close_study()

        after = lines_in_file(path)
        new = [(text, who) for text, _, who, _ in after[len(before) :]]
        assert new == [(LINE, "C2")]
