"""The coding copy dialog on its own: its Alt+letters, what it refuses, and a failed
write leaving no copy behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from plrdesk.ui.coding_copy_dialog import CodingCopyDialog, suggested_path
from plrdesk.ui.context import StudyContext
from tests.support.mnemonics import clashes

NEW = "violet harbour canoe ninety"


@pytest.fixture
def dialog(qtbot: QtBot, ctx: StudyContext) -> CodingCopyDialog:
    dialog = CodingCopyDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def fill(dialog: CodingCopyDialog, coder: str, first: str, second: str | None = None) -> None:
    dialog.coder.setText(coder)
    dialog.first.setText(first)
    dialog.second.setText(first if second is None else second)


def test_no_alt_letter_clashes(dialog: CodingCopyDialog) -> None:
    assert clashes(dialog) == []


def test_the_file_follows_the_coder_until_one_is_typed(
    dialog: CodingCopyDialog, ctx: StudyContext, tmp_path: Path
) -> None:
    dialog.coder.setText("Dr Ama O'Neill")
    assert dialog.output.text() == str(
        ctx.path.with_name(f"{ctx.path.stem}-for-dr-ama-o-neill.plr")
    )
    dialog.output.textEdited.emit("x")  # as typing does
    dialog.output.setText(str(tmp_path / "mine.plr"))
    dialog.coder.setText("Someone else")
    assert dialog.output.text() == str(tmp_path / "mine.plr")
    assert suggested_path(Path("/a/s.plr"), "  ") == Path("/a/s-for-second-coder.plr")


@pytest.mark.parametrize(
    ("coder", "first", "second", "says"),
    [
        ("", NEW, None, "Type the second coder's name."),
        ("Dana", "abc123", None, "Too weak."),
        ("Dana", NEW, "violet harbour canoe", "The two differ."),
        ("Dana", NEW, "", "Type the passphrase again."),
    ],
)
def test_what_stops_the_copy_is_said_and_make_is_off(
    dialog: CodingCopyDialog, coder: str, first: str, second: str | None, says: str
) -> None:
    fill(dialog, coder, first, second)
    assert dialog.message.text().startswith(says)
    assert not dialog.make.isEnabled()
    dialog.accept()
    assert dialog.isVisible()


def test_the_study_itself_or_another_suffix_is_refused(
    dialog: CodingCopyDialog, ctx: StudyContext, tmp_path: Path
) -> None:
    fill(dialog, "Dana", NEW)
    for target in (tmp_path / "copy.txt", ctx.path):
        dialog.output.setText(str(target))
        assert not dialog.make.isEnabled()
    dialog.output.setText(str(tmp_path / "fine.plr"))
    assert dialog.make.isEnabled()


def test_a_failed_copy_says_so_and_leaves_no_file(
    qtbot: QtBot, dialog: CodingCopyDialog, tmp_path: Path
) -> None:
    out = tmp_path / "nowhere" / "copy.plr"  # its folder does not exist: the write fails
    fill(dialog, "Dana", NEW)
    dialog.output.setText(str(out))
    dialog.accept()
    qtbot.waitUntil(lambda: dialog.message.text().startswith("No copy was made"))
    assert dialog.isVisible()
    assert dialog.make.isEnabled()
    assert not out.exists()
