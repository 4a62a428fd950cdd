"""Study > Merge another copy… (ui/merge_dialog.py): what it refuses, and the dry run first."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from plrdesk.ui.context import StudyContext
from plrdesk.ui.merge_dialog import MergeDialog
from tests.support.files import PASSPHRASE, digest
from tests.support.merging import copy_of
from tests.support.mnemonics import clashes


def _dialog(qtbot: QtBot, ctx: StudyContext) -> MergeDialog:
    dialog = MergeDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _fill(dialog: MergeDialog, path: Path, passphrase: str = PASSPHRASE) -> None:
    dialog.path.setText(str(path))
    dialog.passphrase.setText(passphrase)


def test_no_mnemonic_clash(qtbot: QtBot, ctx: StudyContext) -> None:
    assert clashes(_dialog(qtbot, ctx)) == []


def test_it_says_what_is_missing_and_merges_nothing_unseen(
    qtbot: QtBot, ctx: StudyContext, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, ctx)
    assert dialog.problem() == "Type or choose the file of the other copy."
    dialog.path.setText(str(tmp_path / "nope.plr"))
    assert dialog.problem() == "There is no file nope.plr there."
    dialog.path.setText(str(ctx.path))
    assert dialog.problem() == "That is this study itself: choose the other copy."
    dialog.path.setText(str(copy_of(ctx.path, "laptop-b.plr")))
    assert dialog.problem().startswith("Type the copy's passphrase")
    assert not dialog.show_button.isEnabled()
    dialog.passphrase.setText(PASSPHRASE)
    assert dialog.show_button.isEnabled()
    assert not dialog.merge_button.isEnabled()  # never before the dry run


def test_an_unchanged_copy_has_nothing_to_merge(qtbot: QtBot, ctx: StudyContext) -> None:
    dialog = _dialog(qtbot, ctx)
    _fill(dialog, copy_of(ctx.path, "laptop-b.plr"))
    dialog.show_what_comes_in()
    qtbot.waitUntil(lambda: "Nothing to merge" in dialog.message.text())
    assert not dialog.merge_button.isEnabled()
    assert "nothing new" in dialog.summary.toPlainText()


def test_a_wrong_passphrase_is_said_and_changes_nothing(qtbot: QtBot, ctx: StudyContext) -> None:
    other = copy_of(ctx.path, "laptop-b.plr")
    before = digest(other)
    dialog = _dialog(qtbot, ctx)
    _fill(dialog, other, "not the passphrase")
    dialog.show_what_comes_in()
    qtbot.waitUntil(lambda: "does not open the copy" in dialog.message.text())
    assert not dialog.merge_button.isEnabled()
    assert digest(other) == before


def test_another_study_is_refused(qtbot: QtBot, ctx: StudyContext, empty_study_path: Path) -> None:
    dialog = _dialog(qtbot, ctx)
    _fill(dialog, empty_study_path)
    dialog.show_what_comes_in()
    qtbot.waitUntil(lambda: "not a copy of this study" in dialog.message.text())
    assert dialog.message.text().endswith("Nothing was changed.")
    assert not dialog.merge_button.isEnabled()
