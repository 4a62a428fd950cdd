"""Coding focus-group lines: a filed line is coded whole from its context menu (or the
picker), shows a swatch in its themes' colours with their names and memos in its
tooltip, and the coding is removed with undo."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from pytestqt.qtbot import QtBot

from plrdesk.ui.context import StudyContext
from plrdesk.ui.sessions.filed_lines import CodingsRole
from plrdesk.ui.sessions.focus_group_view import FocusGroupView
from plrdesk.ui.sessions.page import SessionsPage
from tests.ui.sessions.conftest import open_session
from tests.ui.sessions.test_coding import codings_of, menu_action, wait_codings

CTRL = Qt.KeyboardModifier.ControlModifier


def group(qtbot: QtBot, page: SessionsPage) -> FocusGroupView:
    view = open_session(qtbot, page, "S11")
    assert isinstance(view, FocusGroupView)
    codings = view.doc.codings
    qtbot.waitUntil(lambda: codings.loaded and bool(codings.themes))
    return view


def test_a_filed_line_is_coded_whole_from_its_menu_and_the_removal_undoes(
    qtbot: QtBot, page: SessionsPage, ctx: StudyContext
) -> None:
    view = group(qtbot, page)
    record = next(e for e in view.doc.entries if e.ref == "E77")  # not coded in the demo
    index = view.lines.index_of(record.id)
    assert index.data(Qt.ItemDataRole.DecorationRole) is None
    menu = view.line_menu(index)
    assert "Code line as" in [a.text() for a in menu.actions()]
    menu_action(menu, "Engaging children and parents").trigger()
    menu.deleteLater()
    wait_codings(qtbot, ctx, "E77", lambda c: c == [("T3", None, None, None)])
    qtbot.waitUntil(lambda: isinstance(index.data(Qt.ItemDataRole.DecorationRole), QIcon))
    assert "Engaging children and parents" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert [c.view.theme_name for c in index.data(CodingsRole)] == ["Engaging children and parents"]

    menu = view.line_menu(index)
    menu_action(menu, "Remove coding 'Engaging children and parents'").trigger()
    menu.deleteLater()
    wait_codings(qtbot, ctx, "E77", lambda c: c == [])
    qtbot.waitUntil(lambda: index.data(Qt.ItemDataRole.DecorationRole) is None)
    ctx.undo.undo()
    wait_codings(qtbot, ctx, "E77", lambda c: c == [("T3", None, None, None)])


def test_ctrl_t_on_a_filed_line_and_a_memo(
    qtbot: QtBot, page: SessionsPage, ctx: StudyContext, statuses: list[str]
) -> None:
    view = group(qtbot, page)
    record = next(e for e in view.doc.entries if e.ref == "E86")  # coded T4 in the demo
    index = view.lines.index_of(record.id)
    view.tree.setFocus()
    view.tree.setCurrentIndex(index)
    qtbot.waitUntil(view.tree.hasFocus)
    qtbot.keyClick(view.tree, Qt.Key.Key_T, CTRL)
    picker = view.coding.picker
    assert picker is not None
    qtbot.keyClicks(picker.filter, "engaging")
    qtbot.keyClick(picker.filter, Qt.Key.Key_Return)
    assert statuses[-1] == "Coded the whole line as 'Engaging children and parents'"
    wait_codings(qtbot, ctx, "E86", lambda c: ("T3", None, None, None) in c)
    qtbot.waitUntil(lambda: len(index.data(CodingsRole)) == 2)  # two stripes in its swatch

    menu = view.line_menu(index)
    menu_action(menu, "Memo on 'Engaging children and parents'…").trigger()
    menu.deleteLater()
    dialog = view.coding.memo_dialog
    assert dialog is not None
    dialog.memo.setPlainText("Said by two of them")
    dialog.ok.click()
    wait_codings(qtbot, ctx, "E86", lambda c: ("T3", None, None, "Said by two of them") in c)
    qtbot.waitUntil(lambda: "Said by two of them" in index.data(Qt.ItemDataRole.ToolTipRole))
    assert "Also fits T3" in index.data(Qt.ItemDataRole.ToolTipRole)  # the demo's own memo


def test_editing_away_a_coded_line_s_words_shows_the_notice(
    qtbot: QtBot, page: SessionsPage, ctx: StudyContext, statuses: list[str]
) -> None:
    view = group(qtbot, page)
    record = next(e for e in view.doc.entries if e.ref == "E83")  # T3 on its first 28
    index = view.lines.index_of(record.id)
    ((_, start, end, _),) = codings_of(qtbot, ctx, "E83")
    assert (start, end) == (0, 28)
    text = record.text or ""
    assert view.lines.setData(index, text[28:].lstrip(), Qt.ItemDataRole.EditRole)  # as F2
    message = "Coding 'Engaging children and parents' removed: its words were deleted"
    qtbot.waitUntil(lambda: message in statuses)
    assert view.coding_notice.isVisibleTo(view)
    assert message in view.coding_notice.text()
    wait_codings(qtbot, ctx, "E83", lambda c: c == [])
    ctx.undo.undo()
    wait_codings(qtbot, ctx, "E83", lambda c: c == [("T3", 0, 28, None)])
