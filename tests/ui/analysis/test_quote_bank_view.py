"""The quote bank end to end on the demo study: choose a theme, filter, tick a quote and
undo it, jump to an entry, follow changes made elsewhere. Waits on conditions only."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QStyle, QStyleOptionViewItem
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.services.bulk_coding import code_entries
from plrdesk.services.changes import Changes, Table
from plrdesk.services.withdrawal import withdraw_participant
from plrdesk.ui.analysis.quote_bank import QuoteBankView
from plrdesk.ui.analysis.quote_model import EXEMPLAR, PASSAGE, RowRole
from plrdesk.ui.context import StudyContext
from plrdesk.ui.operations import read, write
from tests.ui.analysis.support import entry_id_of, run, theme_id_of


def theme_id(qtbot: QtBot, ctx: StudyContext, ref: str) -> uuid.UUID:
    return run(qtbot, ctx, read(theme_id_of, ref))


def withdraw(db: Session, ref: str) -> Changes:
    return withdraw_participant(db, ref, on=dt.date(2009, 2, 1)).changes


def is_exemplar(db: Session, coding_id: uuid.UUID) -> bool:
    return bool(db.scalars(select(m.Coding.exemplar).filter_by(id=coding_id)).one())


def exemplar(qtbot: QtBot, ctx: StudyContext, coding_id: uuid.UUID) -> bool:
    return run(qtbot, ctx, read(is_exemplar, coding_id))


def delete_coding(db: Session, coding_id: uuid.UUID) -> None:
    coding = db.get(m.Coding, coding_id)
    assert coding is not None
    db.delete(coding)


def delete_theme_row(db: Session, theme: uuid.UUID) -> Changes:
    """A theme gone with its codings, as another window might do it."""
    row = db.get(m.Theme, theme)
    assert row is not None
    db.delete(row)
    changes = Changes()
    changes.remove(Table.THEME, theme)
    return changes


@pytest.fixture
def view(qtbot: QtBot, ctx: StudyContext) -> Iterator[QuoteBankView]:
    view = QuoteBankView(ctx)
    qtbot.addWidget(view)
    view.resize(1200, 700)
    view.show()
    qtbot.waitExposed(view)
    yield view
    ctx.undo.clear()


def show(qtbot: QtBot, view: QuoteBankView, ctx: StudyContext, ref: str) -> None:
    theme = theme_id(qtbot, ctx, ref)
    with qtbot.waitSignal(view.sig_rows_loaded):
        view.show_theme(theme)


def refs(view: QuoteBankView) -> list[str]:
    return [row.passage.entry_ref for row in view.model.rows()]


def select_row(view: QuoteBankView, entry_ref: str) -> None:
    n = refs(view).index(entry_ref)
    view.table.setFocus()
    view.table.setCurrentIndex(view.model.index(n, PASSAGE))


def choose(combo: QComboBox, text: str) -> None:
    found = combo.findText(text)
    assert found >= 0, [combo.itemText(i) for i in range(combo.count())]
    combo.setCurrentIndex(found)


def test_a_theme_lists_its_passages_with_the_count(
    qtbot: QtBot, view: QuoteBankView, ctx: StudyContext
) -> None:
    assert view.model.rowCount() == 0
    show(qtbot, view, ctx, "T3")
    assert refs(view) == ["E7", "E25", "E45", "E62", "E83", "E89", "E90"]
    assert view.count.text() == "7 passages from 6 participants (1 not counted)"
    assert "Engaging children and parents" in view.title.text()
    show(qtbot, view, ctx, "T2")
    assert "and its sub-themes" in view.title.text()
    assert len(refs(view)) == 13
    # The detail pane shows the chosen passage in full, with who said it.
    select_row(view, "E5")
    detail = view.detail.toPlainText()
    assert "I have never been given a login" in detail
    assert "practitioner · voluntary · project worker" in detail


def test_filters_narrow_the_list_and_the_count(
    qtbot: QtBot, view: QuoteBankView, ctx: StudyContext
) -> None:
    show(qtbot, view, ctx, "T3")
    choose(view.kind_filter, "child")
    assert refs(view) == ["E83", "E89", "E90"]
    assert view.count.text() == (
        "3 passages from 2 participants (1 not counted) · 7 before filtering"
    )
    choose(view.attribute_filter, "year group = 7")
    assert refs(view) == ["E89", "E90"]
    choose(view.kind_filter, "Anyone")
    choose(view.attribute_filter, "Any attribute")
    choose(view.session_filter, "phone interview")
    assert refs(view) == ["E62"]
    choose(view.session_filter, "Any session")
    view.question_filter.setCurrentIndex(
        next(
            i
            for i in range(view.question_filter.count())
            if view.question_filter.itemData(i) == ("practitioner-interview", "participation")
        )
    )
    assert refs(view) == ["E7", "E25", "E45"]
    # A reload (another theme and back) keeps a filter that still applies.
    show(qtbot, view, ctx, "T1")
    assert view.question_filter.currentIndex() == 0  # T1 has no "participation" passages
    show(qtbot, view, ctx, "T3")
    choose(view.kind_filter, "practitioner")
    show(qtbot, view, ctx, "T3")
    assert view.kind_filter.currentText() == "practitioner"
    assert refs(view) == ["E7", "E25", "E45"]


def test_withdrawn_and_unquotable_rows(
    qtbot: QtBot, view: QuoteBankView, ctx: StudyContext
) -> None:
    show(qtbot, view, ctx, "T3")
    select_row(view, "E90")
    assert "not counted: withdrawn participant" in view.detail.toPlainText()
    statuses: list[str] = []
    ctx.runner.sig_status.connect(statuses.append)
    qtbot.keyClick(view.table, Qt.Key.Key_Space)
    assert statuses == ["The report cannot quote this passage: withdrawn participant."]
    assert ctx.undo.count() == 0
    show(qtbot, view, ctx, "T4")
    select_row(view, "E86")
    qtbot.keyClick(view.table, Qt.Key.Key_Space)
    assert statuses[-1] == "The report cannot quote this passage: counted, not quotable."
    assert ctx.undo.count() == 0


def test_tick_a_quote_with_space_then_undo_and_redo(
    qtbot: QtBot, view: QuoteBankView, ctx: StudyContext
) -> None:
    show(qtbot, view, ctx, "T4")
    select_row(view, "E8")
    row = view.current_row()
    assert row is not None
    assert not row.exemplar
    loads: list[None] = []
    view.sig_rows_loaded.connect(lambda: loads.append(None))
    qtbot.keyClick(view.table, Qt.Key.Key_Space)
    assert ctx.undo.count() == 1
    index = view.model.index(refs(view).index("E8"), EXEMPLAR)
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked  # at once
    qtbot.waitUntil(lambda: exemplar(qtbot, ctx, row.coding_id))
    assert not view._debounce.isActive()
    assert loads == []  # its own save does not reload the list
    assert view.current_row() is not None
    ctx.undo.undo()
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    qtbot.waitUntil(lambda: not exemplar(qtbot, ctx, row.coding_id))
    ctx.undo.redo()
    qtbot.waitUntil(lambda: exemplar(qtbot, ctx, row.coding_id))
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked


def test_a_tick_made_while_a_load_is_on_its_way_stays(
    qtbot: QtBot, view: QuoteBankView, ctx: StudyContext
) -> None:
    """The load was queued before the tick's save, so it reads the mark as it was; the
    tick's own notice is skipped, so the list lays the tick over what the load brought."""
    show(qtbot, view, ctx, "T4")
    select_row(view, "E8")
    row = view.current_row()
    assert row is not None
    with qtbot.waitSignal(view.sig_rows_loaded):
        view.reload()
        view.toggle_current()  # no event handled between: the load is still on its way
    index = view.model.index(refs(view).index("E8"), EXEMPLAR)
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert exemplar(qtbot, ctx, row.coding_id)


def test_tick_a_quote_with_the_mouse(qtbot: QtBot, view: QuoteBankView, ctx: StudyContext) -> None:
    show(qtbot, view, ctx, "T4")
    n = refs(view).index("E8")
    index = view.model.index(n, EXEMPLAR)
    option = QStyleOptionViewItem()
    option.initFrom(view.table)
    option.rect = view.table.visualRect(index)
    option.features |= QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
    box = view.table.style().subElementRect(
        QStyle.SubElement.SE_ItemViewItemCheckIndicator, option, view.table
    )
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=box.center())
    qtbot.waitUntil(lambda: ctx.undo.count() == 1)
    row = view.model.rows()[n]
    qtbot.waitUntil(lambda: exemplar(qtbot, ctx, row.coding_id))


def test_a_refused_mark_is_taken_back(qtbot: QtBot, view: QuoteBankView, ctx: StudyContext) -> None:
    """P1 withdraws before the list hears of it: the save refuses the tick, the box clears
    and the undo stack holds nothing to undo."""
    show(qtbot, view, ctx, "T4")
    select_row(view, "E8")
    row = view.current_row()
    assert row is not None
    run(qtbot, ctx, read(withdraw, "P1"))  # no change notice: a race
    statuses: list[str] = []
    ctx.runner.sig_status.connect(statuses.append)
    qtbot.keyClick(view.table, Qt.Key.Key_Space)
    index = view.model.index(refs(view).index("E8"), EXEMPLAR)
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    qtbot.waitUntil(lambda: bool(statuses))
    assert statuses == ["Not saved: withdrawn participant. “mark a usable quote” was taken back"]
    assert ctx.save_state.refused == "withdrawn participant"
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    assert ctx.undo.index() == 0
    assert not ctx.undo.canRedo()
    assert not exemplar(qtbot, ctx, row.coding_id)


def test_a_failed_undo_leaves_the_mark(
    qtbot: QtBot, view: QuoteBankView, ctx: StudyContext
) -> None:
    show(qtbot, view, ctx, "T4")
    select_row(view, "E8")
    row = view.current_row()
    assert row is not None
    qtbot.keyClick(view.table, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: exemplar(qtbot, ctx, row.coding_id))

    run(qtbot, ctx, read(delete_coding, row.coding_id))  # gone, and no notice: a race
    statuses: list[str] = []
    ctx.runner.sig_status.connect(statuses.append)
    ctx.undo.undo()
    index = view.model.index(refs(view).index("E8"), EXEMPLAR)
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked  # at once
    qtbot.waitUntil(lambda: bool(statuses))
    assert statuses == [
        "Not saved: that passage is no longer coded. “mark a usable quote” could not be undone"
    ]
    assert ctx.save_state.refused == "that passage is no longer coded"
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert ctx.undo.index() == 1


def test_enter_and_double_click_open_the_entry(
    qtbot: QtBot, view: QuoteBankView, ctx: StudyContext
) -> None:
    show(qtbot, view, ctx, "T3")
    select_row(view, "E25")
    row = view.current_row()
    assert row is not None
    with qtbot.waitSignal(ctx.navigator.sig_show_entry) as blocker:
        qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert blocker.args == [row.entry_id]
    n = refs(view).index("E62")
    rect = view.table.visualRect(view.model.index(n, PASSAGE))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(ctx.navigator.sig_show_entry) as blocker:
        qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [view.model.rows()[n].entry_id]


def test_changes_elsewhere_reload_the_list(
    qtbot: QtBot, view: QuoteBankView, ctx: StudyContext
) -> None:
    show(qtbot, view, ctx, "T3")
    theme = theme_id(qtbot, ctx, "T3")
    e91 = run(qtbot, ctx, read(entry_id_of, "E91"))
    with qtbot.waitSignal(view.sig_rows_loaded):
        ctx.runner.run(write(code_entries, theme, [e91]))
    assert "E91" in refs(view)
    assert view.count.text() == "8 passages from 6 participants (2 not counted)"
    group_line = view.model.rows()[refs(view).index("E91")]
    assert group_line.who == "the group"
    # While hidden, changes only mark the list stale; showing it reloads.
    view.hide()
    run(qtbot, ctx, write(withdraw, "P1"))
    assert refs(view).count("E7") == 1
    with qtbot.waitSignal(view.sig_rows_loaded):
        view.show()
    assert view.count.text() == "8 passages from 5 participants (3 not counted)"
    e7 = view.model.rows()[refs(view).index("E7")]
    assert e7.status == "not counted: withdrawn participant"


def test_edits_to_notes_not_listed_are_ignored(
    qtbot: QtBot, view: QuoteBankView, ctx: StudyContext
) -> None:
    show(qtbot, view, ctx, "T3")
    elsewhere = Changes()
    elsewhere.update(Table.ENTRY, uuid.uuid4())
    ctx.runner.sig_changes.emit(elsewhere, None)
    assert not view._debounce.isActive()
    listed = Changes()
    listed.update(Table.ENTRY, view.model.rows()[0].entry_id)
    ctx.runner.sig_changes.emit(listed, None)
    assert view._debounce.isActive()
    qtbot.waitSignal(view.sig_rows_loaded).wait()
    assert view.model.rows()[0].passage.entry_ref == "E7"
    assert isinstance(view.model.index(0, PASSAGE).data(RowRole), object)


def test_a_deleted_theme_empties_the_list(
    qtbot: QtBot, view: QuoteBankView, ctx: StudyContext
) -> None:
    show(qtbot, view, ctx, "T4")
    theme = theme_id(qtbot, ctx, "T4")
    with qtbot.waitSignal(view.sig_rows_loaded):
        ctx.runner.run(write(delete_theme_row, theme))
    assert view.title.text() == "That theme no longer exists."
    assert view.model.rowCount() == 0
    assert view.count.text() == "0 passages from 0 participants (0 not counted)"
