"""Bulk coding from a search, on the demo study: type, untick, choose a theme, code, undo,
redo. Waits on conditions only."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.services.search import search_study
from plrdesk.ui.analysis.bulk_coding_dialog import BulkCodingDialog, HitListModel, HitRole
from plrdesk.ui.context import StudyContext

T = TypeVar("T")


def run(qtbot: QtBot, ctx: StudyContext, op: Callable[[Session], T]) -> T:
    out: list[Any] = []
    ctx.runner.submit(op, out.append)
    qtbot.waitUntil(lambda: bool(out))
    return out[0]  # type: ignore[no-any-return]


def theme_id(qtbot: QtBot, ctx: StudyContext, ref: str) -> uuid.UUID:
    return run(qtbot, ctx, lambda db: db.scalars(select(m.Theme.id).filter_by(ref=ref)).one())


def coded(qtbot: QtBot, ctx: StudyContext, theme: uuid.UUID) -> dict[str, uuid.UUID]:
    """Entry ref -> coding id of the theme's whole-entry codings."""

    def op(db: Session) -> dict[str, uuid.UUID]:
        rows = db.execute(
            select(m.Entry.ref, m.Coding.id)
            .join(m.Coding, m.Coding.entry_id == m.Entry.id)
            .where(m.Coding.theme_id == theme, m.Coding.start.is_(None))
        )
        return {ref: coding_id for ref, coding_id in rows}

    return run(qtbot, ctx, op)


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
    model.set_hits(run(qtbot, ctx, lambda db: search_study(db, "school")))
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
    refs = run(
        qtbot,
        ctx,
        lambda db: set(db.scalars(select(m.Entry.ref).where(m.Entry.id.in_(wanted)))),
    )
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
