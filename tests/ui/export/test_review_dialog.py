"""Prepare export in the app: review the proposals on the demo, keep one, add a missed name,
export, and find the review remembered; a cancelled export writes nothing."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.export import study as export_study_module
from plrdesk.services.export_review import ProposalKey
from plrdesk.storage.study_file import StudyFile
from plrdesk.ui.context import StudyContext
from plrdesk.ui.export.review_dialog import ReviewDialog
from plrdesk.ui.export.review_model import DECISION
from plrdesk.ui.main_window import MainWindow
from plrdesk.ui.operations import read
from tests.support.files import PASSPHRASE

CASTLEBROOK = ProposalKey("castlebrook", "register", "school")
OAKWELL = ProposalKey("oakwell", "register", "place")
DESCRIPTION = "How children at Castlebrook and the Oakwell youth club are kept informed."
WAIT_MS = 30_000


@pytest.fixture
def demo_path(demo_path: Path) -> Path:
    """The demo with a theme description that names a registered school and a place the
    register does not hold (the JSON carries theme descriptions, not the notes they name)."""
    with StudyFile.open(demo_path, PASSPHRASE) as study, study.transaction() as db:
        theme = db.scalars(select(m.Theme).where(m.Theme.ref == "T3")).one()
        theme.description = DESCRIPTION
    return demo_path


def open_dialog(qtbot: QtBot, ctx: StudyContext) -> ReviewDialog:
    dialog = ReviewDialog(ctx)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.sig_review_loaded, timeout=WAIT_MS):
        dialog.show()
    return dialog


def on_worker(qtbot: QtBot, ctx: StudyContext, op: Callable[[Session], Any]) -> Any:
    found: list[Any] = []
    ctx.runner.run(read(op), found.append)
    qtbot.waitUntil(lambda: bool(found), timeout=WAIT_MS)
    return found[0]


def audit_events(db: Session) -> list[tuple[str, Any]]:
    """(action, detail) of the study's audit log, oldest first."""
    return [
        (e.action, e.detail) for e in db.scalars(select(m.AuditEvent).order_by(m.AuditEvent.at))
    ]


def test_review_keep_add_and_export(qtbot: QtBot, ctx: StudyContext, tmp_path: Path) -> None:
    dialog = open_dialog(qtbot, ctx)
    model = dialog.model
    assert model.rowCount() == 3  # the demo's two schools and Mr Adebayo
    row = model.row_of(CASTLEBROOK)
    assert model.proposal_at(row).count == 3  # type: ignore[union-attr]
    assert dialog.warnings.count() == 5
    assert "fits one participant" in dialog.warnings.item(0).text()

    # Keep Castlebrook: with the keyboard, Space on its row.
    dialog.table.setFocus()
    dialog.table.setCurrentIndex(model.index(row, DECISION))
    assert "Castlebrook" in dialog.detail.toPlainText()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Space)
    assert not model.redacted(row)
    assert model.index(row, DECISION).data() == "Keep"
    assert dialog.message.text().startswith("1 kept as written. 1 of them is in the study's")

    # Add the missed place.
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    add = dialog.add_dialog
    assert add is not None
    assert not add.ok.isEnabled()
    qtbot.keyClicks(add.text, "Oakwell")
    add.kind.setCurrentIndex(add.kind.findData("place"))
    qtbot.mouseClick(add.ok, Qt.MouseButton.LeftButton)
    assert dialog.pending_names == [("Oakwell", "place")]
    assert dialog.names.item(0).text() == "Oakwell → [place]"

    dialog.format.setCurrentIndex(dialog.format.findData("json"))
    out = tmp_path / "summary.json"
    dialog.output.setText(str(out))
    with qtbot.waitSignal(dialog.sig_exported, timeout=WAIT_MS) as exported:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.export_button.isEnabled(), timeout=WAIT_MS)

    assert exported.args[0].path == out
    text = out.read_text(encoding="utf-8")
    description = json.loads(text)["themes"][3]["description"]
    assert (
        description == "How children at Castlebrook and the [place] youth club are kept informed."
    )
    assert "Oakwell" not in text
    assert dialog.report.isVisible()
    assert dialog.report.toPlainText().startswith(f"Wrote {out} (json, anonymised)")
    report = dialog.report.toPlainText().splitlines()
    # Every redaction in what the export read, as the review lists them (Castlebrook kept):
    # the school in the notes, Mr Adebayo, and the place just added ...
    assert report[1].startswith("redactions: 3 (")
    assert "place 1" in report[1]
    assert report[2].startswith("  1 of them in the summary's own text")  # ... in the JSON
    assert exported.args[0].report.redactions == 3
    assert dialog.names.count() == 0
    events = on_worker(qtbot, ctx, audit_events)[-2:]
    assert events == [
        ("export-review", {"accepted": 0, "rejected": 1, "registered": 1}),
        # Every redaction of every text that leaves in any format (as the CLI records).
        ("export", {"format": "json", "redactions": 3, "needs_review": 0}),
    ]

    # Reopened, the dialog starts from the review.
    dialog.close()
    again = open_dialog(qtbot, ctx)
    castlebrook = again.model.row_of(CASTLEBROOK)
    assert castlebrook >= 0
    assert not again.model.redacted(castlebrook)
    assert again.model.index(castlebrook, DECISION).data(Qt.ItemDataRole.CheckStateRole) == (
        Qt.CheckState.Unchecked
    )
    oakwell = again.model.row_of(OAKWELL)
    assert oakwell >= 0
    assert again.model.redacted(oakwell)
    assert again.model.changed_decisions() == ([], [])


def test_keep_and_redact_buttons_act_on_the_selected_rows(qtbot: QtBot, ctx: StudyContext) -> None:
    dialog = open_dialog(qtbot, ctx)
    dialog.table.selectAll()
    qtbot.mouseClick(dialog.keep_button, Qt.MouseButton.LeftButton)
    assert [dialog.model.redacted(r) for r in range(3)] == [False] * 3
    assert dialog.save_button.isEnabled()
    with qtbot.waitSignal(dialog.sig_review_loaded, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    # With the register's "Mr Adebayo" kept, the name layer's guess shows up, to review.
    guess, *kept = dialog.model.proposals()
    assert guess.key == ProposalKey("mr adebayo", "name", "person")
    assert guess.needs_review
    assert [p.decision for p in kept] == ["reject"] * 3
    assert dialog.model.changed_decisions() == ([guess.key], [])  # saving would accept it
    dialog.table.selectAll()
    qtbot.mouseClick(dialog.redact_button, Qt.MouseButton.LeftButton)
    assert [dialog.model.redacted(r) for r in range(4)] == [True] * 4


def test_a_bad_output_path_is_said_in_the_dialog(
    qtbot: QtBot, ctx: StudyContext, tmp_path: Path
) -> None:
    dialog = open_dialog(qtbot, ctx)
    dialog.output.setText(str(tmp_path / "no such folder" / "summary.json"))
    with qtbot.waitSignal(dialog.sig_failed) as failed:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert "no folder" in failed.args[0]
    assert dialog.message.text() == failed.args[0]


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_an_export_onto_the_open_study_is_refused_in_the_dialog(
    qtbot: QtBot, ctx: StudyContext, suffix: str
) -> None:
    study = ctx.path
    before = study.read_bytes()
    dialog = open_dialog(qtbot, ctx)
    dialog.output.setText(str(study.parent / "." / (study.name + suffix)))
    with qtbot.waitSignal(dialog.sig_failed) as failed:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert f"cannot overwrite the study {study.name}" in failed.args[0]
    assert study.read_bytes() == before


def test_the_format_chooser_sets_the_file_suffix(qtbot: QtBot, ctx: StudyContext) -> None:
    dialog = open_dialog(qtbot, ctx)
    assert dialog.output.text().endswith("demo-summary.json")
    dialog.format.setCurrentIndex(dialog.format.findData("pdf"))
    assert dialog.output.text().endswith("demo-summary.pdf")
    assert [dialog.format.itemData(i) for i in range(dialog.format.count())] == [
        "json",
        "md",
        "pdf",
        "docx",
        "csv",
        "qdpx",
    ]


def test_a_cancelled_export_writes_nothing(
    qtbot: QtBot, ctx: StudyContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = open_dialog(qtbot, ctx)
    started, release = threading.Event(), threading.Event()

    def slow_build(db: Session, forms: Any, redact: Any, **options: Any) -> Any:
        progress = options["progress"]
        progress.step(1, 5)
        started.set()
        release.wait(10)
        progress.step(2, 5)  # raises Cancelled
        raise AssertionError("not cancelled")

    # The export's build only: the proposals shown after the cancel are built as ever.
    monkeypatch.setattr(export_study_module, "build_summary", slow_build)
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "summary.json"
    dialog.output.setText(str(out))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(started.is_set, timeout=WAIT_MS)
    progress = dialog.progress_dialog
    assert progress is not None
    qtbot.waitUntil(progress.isVisible, timeout=WAIT_MS)
    cancel = next(b for b in progress.findChildren(QPushButton) if b.text() == "Cancel")
    cancel.click()
    release.set()
    qtbot.waitUntil(lambda: "cancelled" in dialog.message.text(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: dialog.export_button.isEnabled(), timeout=WAIT_MS)
    assert not out.exists()
    assert list(folder.iterdir()) == []  # no partial file either
    actions = [action for action, _ in on_worker(qtbot, ctx, audit_events)]
    assert "export" not in actions


def test_the_study_menu_opens_prepare_export(qtbot: QtBot, ctx: StudyContext) -> None:
    window = MainWindow(ctx.runner, ctx.forms)
    qtbot.addWidget(window)
    study = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Study")
    assert isinstance(study, QMenu)
    action = next(a for a in study.actions() if a.text() == "Prepare &export…")
    assert action.shortcut().toString() == "Ctrl+E"
    action.trigger()
    dialog = window.findChild(ReviewDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.review is not None, timeout=WAIT_MS)
    assert dialog.isVisible()
    assert dialog.windowTitle() == "Prepare export"
    dialog.close()
