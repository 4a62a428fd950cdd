"""Bulk coding from a search, on the demo study: type, untick, choose a theme, code, undo,
redo. Waits on conditions only."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.services.search import search_study
from plrdesk.services.themes import create_theme, delete_theme
from plrdesk.ui.analysis.bulk_coding_dialog import BulkCodingDialog
from plrdesk.ui.analysis.search_hits import HitListModel, HitRole
from plrdesk.ui.context import StudyContext
from plrdesk.ui.operations import read
from tests.ui.analysis.support import coding_count, run, theme_id_of


def theme_id(qtbot: QtBot, ctx: StudyContext, ref: str) -> uuid.UUID:
    return run(qtbot, ctx, read(theme_id_of, ref))


def whole_entry_codings(db: Session, theme: uuid.UUID) -> dict[str, uuid.UUID]:
    """Entry ref -> coding id of the theme's whole-entry codings."""
    rows = db.execute(
        select(m.Entry.ref, m.Coding.id)
        .join(m.Coding, m.Coding.entry_id == m.Entry.id)
        .where(m.Coding.theme_id == theme, m.Coding.start.is_(None))
    )
    return {ref: coding_id for ref, coding_id in rows}


def entry_refs(db: Session, ids: set[uuid.UUID]) -> set[str]:
    return set(db.scalars(select(m.Entry.ref).where(m.Entry.id.in_(ids))))


def coded(qtbot: QtBot, ctx: StudyContext, theme: uuid.UUID) -> dict[str, uuid.UUID]:
    return run(qtbot, ctx, read(whole_entry_codings, theme))


@pytest.fixture
def dialog(qtbot: QtBot, ctx: StudyContext) -> Iterator[BulkCodingDialog]:
    t3 = theme_id(qtbot, ctx, "T3")
    dialog = BulkCodingDialog(ctx, None, theme_id=t3)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.theme.count() == 5)
    yield dialog
    ctx.undo.clear()


def test_the_hit_model_passes_qt_model_tester(
    qtbot: QtBot, qtmodeltester: ModelTester, ctx: StudyContext
) -> None:
    model = HitListModel()
    model.set_hits(run(qtbot, ctx, read(search_study, "school")))
    assert model.rowCount() > 3
    qtmodeltester.check(model, force_py=True)
    index = model.index(1)
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    with qtbot.waitSignal(model.sig_ticks_changed) as blocker:
        model.setData(index, Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
    assert blocker.args == [model.rowCount() - 1]
    assert index.data(HitRole) not in model.ticked()
    model.tick_all(False)
    assert model.ticked_count() == 0


def test_search_untick_code_undo_redo(
    qtbot: QtBot, dialog: BulkCodingDialog, ctx: StudyContext
) -> None:
    t3 = theme_id(qtbot, ctx, "T3")
    assert dialog.theme.currentData() == t3  # the theme it was opened with
    assert not dialog.code_button.isEnabled()
    before = coded(qtbot, ctx, t3)
    qtbot.keyClicks(dialog.box, "plain english")
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 3)  # E36 (P4), E90 (C6), E91 (group)
    assert dialog.found.text() == "3 matching notes"
    assert dialog.code_button.text() == "&Code 3 passages"
    qtbot.keyClicks(dialog.box, " letters")
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)
    dialog.box.clear()
    qtbot.keyClicks(dialog.box, "school")
    qtbot.waitUntil(lambda: dialog.model.rowCount() > 5)
    hits = dialog.model.hits()
    # Untick the first result with a click on its box.
    dialog.results.setCurrentIndex(dialog.model.index(0))
    qtbot.keyClick(dialog.results, Qt.Key.Key_Space)
    assert dialog.model.ticked_count() == len(hits) - 1
    assert dialog.code_button.text() == f"&Code {len(hits) - 1} passages"

    qtbot.mouseClick(dialog.code_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.outcome.text().startswith("Coded"))
    after = coded(qtbot, ctx, t3)
    new = set(after) - set(before)
    wanted = {h.entry_id for h in hits[1:]}
    refs = run(qtbot, ctx, read(entry_refs, wanted))
    assert new == refs - set(before)  # the unticked one is not coded
    assert ctx.undo.count() == 1
    assert (
        ctx.undo.undoText() == f"code {len(hits) - 1} passages with Engaging children and parents"
    )
    ids = {after[ref] for ref in new}

    assert dialog.undo_button.isEnabled()
    qtbot.mouseClick(dialog.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: coded(qtbot, ctx, t3) == before)
    assert not dialog.undo_button.isEnabled()
    ctx.undo.redo()
    qtbot.waitUntil(lambda: set(coded(qtbot, ctx, t3)) == set(after))
    assert set(coded(qtbot, ctx, t3).values()) - set(before.values()) == ids  # same records


def test_entries_already_coded_are_left_as_they_are(
    qtbot: QtBot, dialog: BulkCodingDialog, ctx: StudyContext
) -> None:
    """E90 carries T3 as a span already: "plain english" codes E36 and the group line."""
    qtbot.keyClicks(dialog.box, "plain english")
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 3)
    with qtbot.waitSignal(dialog.sig_coded) as blocker:
        dialog.code()
    assert blocker.args == [2, 1]
    assert "1 already had the theme" in dialog.outcome.text()


def test_another_theme_can_be_chosen(
    qtbot: QtBot, dialog: BulkCodingDialog, ctx: StudyContext
) -> None:
    t5 = theme_id(qtbot, ctx, "T5")
    assert dialog.choose_theme(t5)
    assert dialog.theme.currentText() == "\u2003\u2003Using the CAF"  # nested under T2
    qtbot.keyClicks(dialog.box, "login")
    qtbot.keyClick(dialog.box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.model.rowCount() >= 1)
    with qtbot.waitSignal(dialog.sig_coded):
        dialog.code()
    assert ctx.undo.undoText().endswith("with Using the CAF")


def test_a_result_opens_its_entry(
    qtbot: QtBot, dialog: BulkCodingDialog, ctx: StudyContext
) -> None:
    qtbot.keyClicks(dialog.box, "login")
    qtbot.waitUntil(lambda: dialog.model.rowCount() >= 1)
    hit = dialog.model.hits()[0]
    dialog.results.setFocus()
    dialog.results.setCurrentIndex(dialog.model.index(0))
    with qtbot.waitSignal(ctx.navigator.sig_show_entry) as blocker:
        qtbot.keyClick(dialog.results, Qt.Key.Key_Return)
    assert blocker.args == [hit.entry_id]


def test_enter_in_the_search_box_searches_and_presses_no_button(
    qtbot: QtBot, dialog: BulkCodingDialog, ctx: StudyContext
) -> None:
    qtbot.keyClicks(dialog.box, "plain english")
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 3)
    dialog.model.tick_all(False)
    qtbot.keyClick(dialog.box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.model.ticked_count() == 3)  # a fresh search, all ticked
    assert ctx.undo.count() == 0
    assert dialog.isVisible()


def test_a_coding_the_study_refuses_is_taken_back(
    qtbot: QtBot, dialog: BulkCodingDialog, ctx: StudyContext
) -> None:
    """The theme is deleted elsewhere after the dialog listed it: the save is refused,
    the step leaves the undo stack and nothing says it was coded."""
    brief = run(qtbot, ctx, read(create_theme, "Brief theme")).theme_id
    dialog._load_themes()
    qtbot.waitUntil(lambda: dialog.choose_theme(brief))
    qtbot.keyClicks(dialog.box, "plain english")
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 3)
    before = run(qtbot, ctx, read(coding_count))
    run(qtbot, ctx, read(delete_theme, brief))  # no notice reaches the dialog: a race
    statuses: list[str] = []
    ctx.runner.sig_status.connect(statuses.append)
    assert dialog.code() is not None
    assert ctx.undo.count() == 1
    qtbot.waitUntil(lambda: ctx.undo.count() == 0)
    assert ctx.save_state.refused == "that theme no longer exists"
    assert statuses[-1].startswith("Not saved: that theme no longer exists.")
    assert not dialog.outcome.text().startswith("Coded")
    assert not dialog.undo_button.isEnabled()
    assert run(qtbot, ctx, read(coding_count)) == before


def test_an_undo_pressed_at_once_takes_back_exactly_what_was_coded(
    qtbot: QtBot, dialog: BulkCodingDialog, ctx: StudyContext
) -> None:
    t3 = theme_id(qtbot, ctx, "T3")
    before = coded(qtbot, ctx, t3)
    qtbot.keyClicks(dialog.box, "school")
    qtbot.waitUntil(lambda: dialog.model.rowCount() > 5)
    dialog.code()
    dialog.undo_last()  # before the coding's result is back: the undo reads it on the worker
    qtbot.waitUntil(lambda: ctx.undo.index() == 0)
    assert coded(qtbot, ctx, t3) == before
    ctx.undo.redo()
    qtbot.waitUntil(lambda: len(coded(qtbot, ctx, t3)) > len(before))


def test_the_analysis_page_opens_bulk_coding(qtbot: QtBot, ctx: StudyContext) -> None:
    from PySide6.QtWidgets import QApplication

    from plrdesk.ui.analysis.page import AnalysisPage

    page = AnalysisPage(ctx)
    qtbot.addWidget(page)
    page.bulk_button.click()
    qtbot.waitUntil(
        lambda: any(
            isinstance(w, BulkCodingDialog) and w.isVisible()
            for w in QApplication.topLevelWidgets()
        )
    )
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, BulkCodingDialog):
            widget.close()
