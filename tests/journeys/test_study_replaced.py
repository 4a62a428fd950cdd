"""The study replaced or moved while the app has it open (a backup restored with `mv` or
`cp`): the app stops saving, says so plainly, keeps the words on screen and offers to save
a copy elsewhere; the restored file gets nothing from it, not even on shutdown.

The backup is the researcher's own, made before the app opened the study; in the
"older backup" journeys the study was changed after it (themes imported from the command
line), so the restored file is older than the one the app opened.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot

from plrdesk.storage.study_file import StudyFile
from plrdesk.ui.controller import AppController
from plrdesk.ui.main_window import MainWindow
from plrdesk.ui.sessions.entry_editor import EntryEditor
from tests.conftest import CliResult
from tests.journeys.keyboard import (
    OPEN_TIMEOUT_MS,
    ModalWatcher,
    StatusLog,
    entry_texts,
    focused,
    new_note_in_first_interview,
    press,
    theme_names,
    type_text,
    wait_for_window,
)
from tests.support.files import PASSPHRASE, digest

FIRST = "Mentions the summer holiday gap"
SECOND = " and the new duty rota after it"
MOVED = "was replaced by another file while it was open"
WRITTEN_OVER = "was changed by another program while it was open"

Restore = Callable[[Path, Path], None]


def restore_with_mv(backup: Path, study: Path) -> None:
    os.replace(backup, study)  # a new inode at the study's name


def restore_with_cp(backup: Path, study: Path) -> None:
    shutil.copyfile(backup, study)  # the same inode, written over in place


@dataclass
class Setup:
    backup: Path
    backup_digest: str
    rescued: Path
    asked: list[tuple[object, ...]]


def prepare(
    tmp_path: Path,
    demo_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cli: Callable[..., CliResult] | None,
) -> Setup:
    """The researcher's backup of the study, then (with `cli`) a change to the study made
    after it; and the file dialog of "Save a copy elsewhere…", answering a path."""
    backup = tmp_path / "backups" / "demo.plr"
    backup.parent.mkdir()
    shutil.copyfile(demo_path, backup)
    if cli is not None:
        doc = tmp_path / "themes.json"
        themes = [{"ref": f"T{100 + i}", "name": f"Theme {i} " + "x" * 200} for i in range(300)]
        doc.write_text(json.dumps({"format": "plrdesk-study", "version": 1, "themes": themes}))
        imported = cli("import", demo_path, doc, "--merge")
        assert imported.code == 0, imported.err
    rescued = tmp_path / "rescued" / "demo-copy.plr"
    rescued.parent.mkdir()
    asked: list[tuple[object, ...]] = []

    def save_dialog(*args: object, **_kw: object) -> tuple[str, str]:
        asked.append(args)
        return str(rescued), "Studies (*.plr)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_dialog))
    return Setup(backup, digest(backup), rescued, asked)


def open_and_type_a_note(
    qtbot: QtBot, controller: AppController, demo_path: Path
) -> tuple[MainWindow, StatusLog, EntryEditor]:
    """Open the study (passphrase given, as `plrdesk open`), go to the first interview by
    keyboard, type a note and wait until it is saved."""
    controller.open_path(demo_path, PASSPHRASE)
    with qtbot.waitSignal(controller.sig_study_opened, timeout=OPEN_TIMEOUT_MS):
        pass
    window = wait_for_window(qtbot, controller)
    status = StatusLog(window.statusBar())
    editor = new_note_in_first_interview(qtbot, window)
    before = status.mark()
    type_text(qtbot, FIRST)
    qtbot.waitUntil(lambda: status.said("Saved at", before))
    view = window.sessions.current
    assert view is not None
    qtbot.waitUntil(view.doc.autosave.is_idle)
    return window, status, editor


def restore_and_type_on(
    qtbot: QtBot,
    controller: AppController,
    setup: Setup,
    demo_path: Path,
    restore: Restore,
    status: StatusLog,
    editor: EntryEditor,
    reason: str,
) -> int:
    """The backup restored under the app's feet; the researcher types on; the app says
    it is not saving. Returns the status mark from before the new words."""
    restore(setup.backup, demo_path)
    assert digest(demo_path) == setup.backup_digest
    before = status.mark()
    assert focused() is editor.text
    type_text(qtbot, SECOND)

    qtbot.waitUntil(
        lambda: controller.replaced_box is not None and controller.replaced_box.isVisible()
    )
    box = controller.replaced_box
    assert box is not None
    assert box.windowTitle() == "The study file was replaced"
    assert reason in box.text(), box.text()
    assert "Nothing more is being saved to it" in box.text()
    assert "Everything you typed is still on screen" in box.text()
    default = box.defaultButton()
    assert default is not None
    assert default.text().replace("&", "") == "Save a copy elsewhere…"
    # Nothing claims the new words were saved; the status bar says they were not.
    assert not status.said("Saved at", before), status.since(before)
    assert status.now().startswith("Not saving:"), status.now()
    # The words are still on screen, all of them.
    assert editor.text.toPlainText() == FIRST + SECOND
    assert editor.text.isVisible()
    return before


def press_save_a_copy(
    qtbot: QtBot, controller: AppController, setup: Setup, status: StatusLog, watcher: ModalWatcher
) -> bool:
    """Return on the box (its default button); True once the status bar says the copy was
    saved, False when a message said it could not be."""
    box = controller.replaced_box
    assert box is not None
    qtbot.waitUntil(lambda: QApplication.activeWindow() is box)
    assert focused() is box.defaultButton(), f"Return would go to {focused()!r}"
    before = status.mark()
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: status.said("Saved a copy at", before) or bool(watcher.seen))
    assert len(setup.asked) == 1  # the file dialog, once
    assert not box.isVisible()
    if watcher.seen:
        return False
    assert f"Saved a copy at {setup.rescued}" in status.since(before)
    assert setup.rescued.exists()
    return True


def assert_restored_file_untouched(demo_path: Path, setup: Setup) -> None:
    """Byte for byte the backup, and nothing of the app's beside it to be replayed into it."""
    assert digest(demo_path) == setup.backup_digest, "the app wrote into the restored file"
    beside = sorted(p.name for p in demo_path.parent.iterdir() if p.name != demo_path.name)
    for sidecar in (f"{demo_path.name}-wal", f"{demo_path.name}-shm"):
        assert sidecar not in beside, beside
    texts = entry_texts(demo_path, PASSPHRASE)
    assert not any(FIRST in t for t in texts), f"the app's note was replayed into it ({beside})"


def assert_copy_is_whole(copy: Path, *, themes: bool) -> None:
    with StudyFile.open(copy, PASSPHRASE) as study:
        assert study.integrity_problems() == []
    texts = entry_texts(copy, PASSPHRASE)
    assert FIRST in texts, texts  # saved before the file was replaced
    assert not any(SECOND in t for t in texts)  # typed after: only ever on screen
    if themes:
        assert len(theme_names(copy, PASSPHRASE)) >= 300


def test_a_backup_moved_over_the_open_study_stops_saving_and_offers_a_copy(
    qtbot: QtBot,
    controller: AppController,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    demo_path: Path,
    cli: Callable[..., CliResult],
) -> None:
    watcher = ModalWatcher()
    setup = prepare(tmp_path, demo_path, monkeypatch, cli)
    _window, status, editor = open_and_type_a_note(qtbot, controller, demo_path)
    before = restore_and_type_on(
        qtbot, controller, setup, demo_path, restore_with_mv, status, editor, MOVED
    )
    assert press_save_a_copy(qtbot, controller, setup, status, watcher), watcher.seen
    assert not status.said("Saved at", before), status.since(before)
    assert editor.text.toPlainText() == FIRST + SECOND  # still on screen after the copy
    controller.shutdown()
    watcher.stop()
    assert watcher.seen == []

    assert_restored_file_untouched(demo_path, setup)
    assert_copy_is_whole(setup.rescued, themes=True)


def test_a_backup_copied_over_the_open_study_stops_saving_and_offers_a_copy(
    qtbot: QtBot,
    controller: AppController,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    demo_path: Path,
) -> None:
    """`cp` of a backup identical to the study as the app opened it: detected by size and
    time though the inode is the same; the app's -wal is not checkpointed into it."""
    watcher = ModalWatcher()
    setup = prepare(tmp_path, demo_path, monkeypatch, None)
    _window, status, editor = open_and_type_a_note(qtbot, controller, demo_path)
    inode = demo_path.stat().st_ino
    before = restore_and_type_on(
        qtbot, controller, setup, demo_path, restore_with_cp, status, editor, WRITTEN_OVER
    )
    assert demo_path.stat().st_ino == inode
    assert press_save_a_copy(qtbot, controller, setup, status, watcher), watcher.seen
    assert not status.said("Saved at", before), status.since(before)
    controller.shutdown()
    watcher.stop()
    assert watcher.seen == []

    assert_restored_file_untouched(demo_path, setup)
    assert_copy_is_whole(setup.rescued, themes=False)


@pytest.mark.xfail(
    reason="an older backup written over the open study in place: the app's connection"
    " reads the restored file's pages mixed with its own -wal, so no whole copy can be"
    " made; the app now refuses to write a damaged one and says why (Could not save a copy:"
    " the copy would be damaged ...), and what is on screen is the only safe copy",
    strict=True,
)
def test_an_older_backup_copied_over_the_open_study_still_gives_a_whole_copy(
    qtbot: QtBot,
    controller: AppController,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    demo_path: Path,
    cli: Callable[..., CliResult],
) -> None:
    watcher = ModalWatcher()
    setup = prepare(tmp_path, demo_path, monkeypatch, cli)
    _window, status, editor = open_and_type_a_note(qtbot, controller, demo_path)
    before = restore_and_type_on(
        qtbot, controller, setup, demo_path, restore_with_cp, status, editor, WRITTEN_OVER
    )
    saved = press_save_a_copy(qtbot, controller, setup, status, watcher)
    assert not status.said("Saved at", before), status.since(before)
    controller.shutdown()
    watcher.stop()

    assert_restored_file_untouched(demo_path, setup)
    assert saved, f"no copy was saved: {watcher.seen}"
    assert_copy_is_whole(setup.rescued, themes=True)


def test_keep_on_screen_closes_the_box_and_the_words_stay(
    qtbot: QtBot, controller: AppController, tmp_path: Path, demo_path: Path
) -> None:
    """Escape (Keep on screen): no copy, no save; the words stay where they were typed."""
    watcher = ModalWatcher()
    backup = tmp_path / "old.plr"
    shutil.copyfile(demo_path, backup)
    backup_digest = digest(backup)
    controller.open_path(demo_path, PASSPHRASE)
    with qtbot.waitSignal(controller.sig_study_opened, timeout=OPEN_TIMEOUT_MS):
        pass
    window = wait_for_window(qtbot, controller)
    status = StatusLog(window.statusBar())
    editor = new_note_in_first_interview(qtbot, window)
    os.replace(backup, demo_path)
    type_text(qtbot, FIRST)  # the note's first key: it is made on screen, not in the file
    qtbot.waitUntil(
        lambda: controller.replaced_box is not None and controller.replaced_box.isVisible()
    )
    box = controller.replaced_box
    assert box is not None
    qtbot.waitUntil(lambda: QApplication.activeWindow() is box)
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not box.isVisible())
    assert not status.said("Saved at")
    assert editor.text.toPlainText() == FIRST
    window.activateWindow()  # the window manager's part (offscreen Qt has none)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    assert focused() is editor.text  # back where the researcher was typing
    controller.shutdown()
    watcher.stop()
    assert watcher.seen == []
    assert digest(demo_path) == backup_digest
    assert FIRST not in entry_texts(demo_path, PASSPHRASE)
