"""Prepare export's new options and memory: "Include e&xtracts" (Alt+X) and "Count people
admitted by a consent &override" (Alt+O, which loads the proposals again, keeping ticks not
yet saved); the format and folder remembered for the study's next export (and only its);
and every figure the log and status line give read from the export's one report, equal
to what the review listed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from plrdesk.cli.study_commands import shipped_forms
from plrdesk.export.model import Overridden
from plrdesk.storage.study_file import StudyFile
from plrdesk.ui.context import StudyContext
from plrdesk.ui.export import remembered
from plrdesk.ui.export.review_dialog import ReviewDialog
from plrdesk.ui.export.review_parts import ExportOptions
from plrdesk.ui.runner import OperationRunner
from tests.export.support import make_one_name
from tests.support.files import PASSPHRASE
from tests.ui.export.test_export_options import ALT, WAIT_MS, mnemonics, open_dialog


def export(qtbot: QtBot, dialog: ReviewDialog, out: Path) -> object:
    dialog.output.setText(str(out))
    with qtbot.waitSignal(dialog.sig_exported, timeout=WAIT_MS) as exported:
        dialog.export_button.click()
    qtbot.waitUntil(dialog.export_button.isEnabled, timeout=WAIT_MS)
    return exported.args[0]


def test_alt_x_includes_extracts_and_the_file_and_status_say_so(
    qtbot: QtBot, ctx: StudyContext, tmp_path: Path
) -> None:
    dialog = open_dialog(qtbot, ctx)
    letters = [letter for letter, _ in mnemonics(dialog)]
    assert len(letters) == len(set(letters)), mnemonics(dialog)
    assert {"x", "o"} <= set(letters)
    assert dialog.options.extracts.text() == "Include e&xtracts"
    assert not dialog.options.extracts.isChecked()  # off until asked for
    qtbot.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_X, ALT)
    qtbot.waitUntil(dialog.options.extracts.isChecked)  # a mnemonic clicks after a moment
    statuses: list[str] = []
    ctx.runner.sig_status.connect(statuses.append)
    dialog.format.setCurrentIndex(dialog.format.findData("json"))
    result = export(qtbot, dialog, tmp_path / "summary.json")
    doc = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert all("extracts" in theme for theme in doc["themes"])
    n = result.report.redactions  # type: ignore[attr-defined]
    assert (
        statuses[-1] == f"Exported summary.json (json, anonymised, {n} redactions, with extracts)"
    )
    assert f"extracts: {sum(len(t['extracts']) for t in doc['themes'])}" in (
        dialog.report.toPlainText()
    )


def test_the_format_and_folder_are_remembered_for_the_study(
    qtbot: QtBot, ctx: StudyContext, tmp_path: Path
) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    dialog = open_dialog(qtbot, ctx)
    assert dialog.options.fmt() == "json"  # nothing remembered yet: as before
    assert Path(dialog.output.text()) == ctx.path.with_name("demo-summary.json")
    dialog.format.setCurrentIndex(dialog.format.findData("md"))
    export(qtbot, dialog, folder / "for the mentor.md")
    dialog.close()

    again = open_dialog(qtbot, ctx)
    assert again.options.fmt() == "md"
    assert Path(again.output.text()) == folder / "demo-summary.md"  # the folder, not the name
    assert not again.options.extracts.isChecked()  # the options are not remembered
    stored = json.loads(remembered.remembered_path().read_text(encoding="utf-8"))
    assert stored == {
        "schema_version": 1,
        "studies": {str(ctx.path.resolve()): {"format": "md", "folder": str(folder)}},
    }  # paths and a format only: no file name, nothing from the study

    other = ExportOptions(tmp_path / "other.plr", last=remembered.load().last(tmp_path / "x.plr"))
    qtbot.addWidget(other)
    assert other.fmt() == "json"
    assert Path(other.output.text()) == tmp_path / "other-summary.json"


def test_a_remembered_folder_that_is_gone_falls_back_to_the_studys(
    qtbot: QtBot, ctx: StudyContext, tmp_path: Path
) -> None:
    gone = tmp_path / "unplugged"
    memory = remembered.load()
    memory.remember(ctx.path, "pdf", gone)
    remembered.save(memory)
    dialog = open_dialog(qtbot, ctx)
    assert dialog.options.fmt() == "pdf"
    assert Path(dialog.output.text()) == ctx.path.with_name("demo-summary.pdf")


def test_a_damaged_memory_costs_nothing(qtbot: QtBot, ctx: StudyContext) -> None:
    path = remembered.remembered_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json", encoding="utf-8")
    dialog = open_dialog(qtbot, ctx)
    assert dialog.options.fmt() == "json"


def test_the_count_of_overrides_reloads_the_review_and_keeps_unsaved_ticks(
    qtbot: QtBot, ctx: StudyContext
) -> None:
    dialog = open_dialog(qtbot, ctx)
    assert dialog.options.overridden() == Overridden.LEAVE_OUT
    dialog.model.set_redacted([0], False)  # a Keep not saved yet
    kept = dialog.model.proposal_at(0)
    assert kept is not None
    with qtbot.waitSignal(dialog.sig_review_loaded, timeout=WAIT_MS):
        qtbot.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_O, ALT)
    assert dialog.options.overridden() == Overridden.COUNT
    assert not dialog.model.redacted(dialog.model.row_of(kept.key))
    assert dialog.model.changed_decisions() == ([], [kept.key])


@pytest.fixture
def one_name_ctx(tmp_path: Path, qapp: object) -> Iterator[StudyContext]:
    runner = OperationRunner(StudyFile.open(make_one_name(tmp_path / "one.plr"), PASSPHRASE))
    yield StudyContext(runner, shipped_forms(), QUndoStack(), runner.path)
    runner.close()


@pytest.mark.parametrize("fmt", ["md", "json", "csv"])
def test_a_review_that_lists_one_redaction_is_followed_by_a_log_that_says_1(
    qtbot: QtBot, one_name_ctx: StudyContext, tmp_path: Path, fmt: str
) -> None:
    dialog = open_dialog(qtbot, one_name_ctx)
    assert dialog.review is not None
    assert [(p.text, p.count) for p in dialog.review.proposals] == [("Castlebrook Academy", 1)]
    assert dialog.intro.text().startswith("The export would make 1 redaction ")
    statuses: list[str] = []
    one_name_ctx.runner.sig_status.connect(statuses.append)
    dialog.format.setCurrentIndex(dialog.format.findData(fmt))
    result = export(qtbot, dialog, tmp_path / f"out.{fmt}")
    log = dialog.report.toPlainText().splitlines()
    assert log[1] == "redactions: 1 (school 1)"  # was "redactions: 0" for a summary
    assert result.report.redactions == 1  # type: ignore[attr-defined]
    assert statuses[-1] == f"Exported out.{fmt} ({fmt}, anonymised, 1 redaction)"
