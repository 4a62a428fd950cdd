"""Coding in the session views: select words of a note and give them a theme by the
picker (Ctrl+T), the context menu or a drag from the theme tree; the passage is tinted
in the theme's colour, carries a memo, and every step undoes and redoes."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import QByteArray, QEvent, QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import (
    QAction,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QHelpEvent,
    QTextCursor,
)
from PySide6.QtWidgets import QApplication, QMenu, QToolTip
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.services.changes import Changes, Table
from plrdesk.ui.analysis.theme_panel import THEME_MIME
from plrdesk.ui.context import StudyContext
from plrdesk.ui.operations import write
from plrdesk.ui.sessions.entry_editor import EntryEditor
from plrdesk.ui.sessions.guide_notes import GuideNotes
from plrdesk.ui.sessions.highlight import tint
from plrdesk.ui.sessions.interview_view import InterviewView
from plrdesk.ui.sessions.page import SessionsPage
from plrdesk.ui.sessions.phone_view import PhoneView
from tests.ui.sessions.conftest import open_session, query

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier

Coded = tuple[str, int | None, int | None, str | None]


def notes_of(qtbot: QtBot, page: SessionsPage, ref: str = "S1") -> GuideNotes:
    view = open_session(qtbot, page, ref)
    assert isinstance(view, InterviewView | PhoneView)
    codings = view.notes.doc.codings
    qtbot.waitUntil(lambda: codings.loaded and bool(codings.themes))
    return view.notes


def editor_of(notes: GuideNotes, entry_ref: str) -> EntryEditor:
    record = next(e for e in notes.doc.entries if e.ref == entry_ref)
    editor = notes.editor_for(record.id)
    assert editor is not None
    return editor


def select_words(qtbot: QtBot, editor: EntryEditor, words: str, occurrence: int = 0) -> int:
    """Select the `occurrence`-th `words` of the note with the keyboard focus in it."""
    text = editor.text.toPlainText()
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(words, start + 1)
    editor.focus_text()
    qtbot.waitUntil(editor.text.hasFocus)
    cursor = editor.text.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(start + len(words), QTextCursor.MoveMode.KeepAnchor)
    editor.text.setTextCursor(cursor)
    return start


def themes(qtbot: QtBot, ctx: StudyContext) -> dict[str, uuid.UUID]:
    return query(qtbot, ctx.runner, lambda db: {t.ref: t.id for t in db.scalars(select(m.Theme))})


def codings_of(qtbot: QtBot, ctx: StudyContext, entry_ref: str) -> list[Coded]:
    def op(db: Session) -> list[Coded]:
        entry = db.scalars(select(m.Entry).filter_by(ref=entry_ref)).one()
        return [(c.theme.ref, c.start, c.end, c.memo) for c in entry.codings]

    return query(qtbot, ctx.runner, op)


def coding_ids(qtbot: QtBot, ctx: StudyContext, entry_ref: str) -> list[uuid.UUID]:
    def op(db: Session) -> list[uuid.UUID]:
        entry = db.scalars(select(m.Entry).filter_by(ref=entry_ref)).one()
        return [c.id for c in entry.codings]

    return query(qtbot, ctx.runner, op)


def wait_codings(
    qtbot: QtBot, ctx: StudyContext, entry_ref: str, check: Callable[[list[Coded]], bool]
) -> None:
    qtbot.waitUntil(lambda: check(codings_of(qtbot, ctx, entry_ref)))


def highlights(editor: EntryEditor) -> list[tuple[int, int, str]]:
    """(start, end, #aarrggbb background) of each tinted span."""
    return sorted(
        (
            s.cursor.selectionStart(),
            s.cursor.selectionEnd(),
            s.format.background().color().name(s.format.background().color().NameFormat.HexArgb),
        )
        for s in editor.text.extraSelections()
    )


def argb(colour: str) -> str:
    found = tint(colour)
    return found.name(found.NameFormat.HexArgb)


def colour_of(notes: GuideNotes, theme_id: uuid.UUID) -> str:
    theme = notes.doc.codings.theme(theme_id)
    assert theme is not None
    return theme.colour


def menu_action(menu: QMenu, text: str) -> QAction:
    for action in menu.actions():
        if action.text().replace("&", "").strip() == text:
            return action
        sub = action.menu()
        if isinstance(sub, QMenu):
            try:
                return menu_action(sub, text)
            except LookupError:
                pass
    raise LookupError(f"no {text!r} in {[a.text() for a in menu.actions()]}")


def point_of(editor: EntryEditor, position: int) -> QPoint:
    cursor = QTextCursor(editor.text.document())
    cursor.setPosition(position)
    return editor.text.cursorRect(cursor).center() + QPoint(2, 0)


def test_ctrl_t_opens_a_picker_that_filters_and_codes_the_selection(
    qtbot: QtBot, page: SessionsPage, ctx: StudyContext
) -> None:
    notes = notes_of(qtbot, page)
    ids = themes(qtbot, ctx)
    editor = editor_of(notes, "E1")
    start = select_words(qtbot, editor, "small transition project ")  # a trailing space
    qtbot.keyClick(editor.text, Qt.Key.Key_T, CTRL)
    picker = notes.coding.picker
    assert picker is not None
    qtbot.waitUntil(picker.isVisible)
    assert len(picker.visible_themes()) == 5
    qtbot.keyClicks(picker.filter, "caf")
    assert [t.name for t in picker.visible_themes()] == [
        "Knowing and using common tools › Using the CAF"
    ]
    qtbot.keyClick(picker.filter, Qt.Key.Key_Return)
    end = start + len("small transition project")  # snapped to the words
    wait_codings(qtbot, ctx, "E1", lambda c: c == [("T5", start, end, None)])
    colour = colour_of(notes, ids["T5"])
    qtbot.waitUntil(lambda: highlights(editor) == [(start, end, argb(colour))])
    (coding_id,) = coding_ids(qtbot, ctx, "E1")

    ctx.undo.undo()
    wait_codings(qtbot, ctx, "E1", lambda c: c == [])
    qtbot.waitUntil(lambda: highlights(editor) == [])
    ctx.undo.redo()
    wait_codings(qtbot, ctx, "E1", lambda c: c == [("T5", start, end, None)])
    assert coding_ids(qtbot, ctx, "E1") == [coding_id]  # the same coding again
    qtbot.waitUntil(lambda: highlights(editor) == [(start, end, argb(colour))])


def test_the_picker_moves_with_arrows_and_escape_closes_it(
    qtbot: QtBot, page: SessionsPage, ctx: StudyContext
) -> None:
    notes = notes_of(qtbot, page)
    editor = editor_of(notes, "E1")
    select_words(qtbot, editor, "charity")
    picker = notes.coding.pick()
    assert picker is not None
    qtbot.waitUntil(picker.isVisible)
    qtbot.keyClicks(picker.filter, "o")  # every name with an o
    shown = picker.visible_themes()
    assert picker.current() == shown[0]
    qtbot.keyClick(picker.filter, Qt.Key.Key_Down)
    assert picker.current() == shown[1]
    qtbot.keyClicks(picker.filter, "zzz")
    assert picker.visible_themes() == []
    assert picker.empty.isVisibleTo(picker)
    qtbot.keyClick(picker.filter, Qt.Key.Key_Return)  # nothing to apply: stays open
    assert picker.isVisible()
    qtbot.keyClick(picker.filter, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not picker.isVisible())
    assert ctx.undo.count() == 0


def test_ctrl_t_without_a_selection_codes_the_whole_note(
    qtbot: QtBot, page: SessionsPage, ctx: StudyContext, statuses: list[str]
) -> None:
    notes = notes_of(qtbot, page)
    editor = editor_of(notes, "E6")
    editor.focus_text()
    qtbot.waitUntil(editor.text.hasFocus)
    qtbot.keyClick(editor.text, Qt.Key.Key_T, CTRL)
    picker = notes.coding.picker
    assert picker is not None
    qtbot.keyClicks(picker.filter, "roles")
    qtbot.keyClick(picker.filter, Qt.Key.Key_Enter)
    assert "Coded the whole note as 'Managing expectations and clarity of roles'" in statuses
    wait_codings(qtbot, ctx, "E6", lambda c: ("T4", None, None, None) in c)
    qtbot.waitUntil(lambda: editor.codes_label.isVisibleTo(editor))
    assert "Managing expectations" in editor.codes_label.text()


def test_ctrl_shift_r_repeats_the_last_theme(
    qtbot: QtBot, page: SessionsPage, ctx: StudyContext, statuses: list[str]
) -> None:
    notes = notes_of(qtbot, page)
    ids = themes(qtbot, ctx)
    first = editor_of(notes, "E1")
    select_words(qtbot, first, "Project worker")
    qtbot.keyClick(first.text, Qt.Key.Key_R, CTRL | SHIFT)
    assert statuses[-1] == "No theme applied yet: Ctrl+T chooses one"
    target = notes.coding_target()
    assert target is not None
    notes.coding.apply(ids["T3"], target)
    wait_codings(qtbot, ctx, "E1", lambda c: c == [("T3", 0, 14, None)])
    other = editor_of(notes, "E9")
    start = select_words(qtbot, other, "one named person")
    qtbot.keyClick(other.text, Qt.Key.Key_R, CTRL | SHIFT)
    wait_codings(qtbot, ctx, "E9", lambda c: c == [("T3", start, start + 16, None)])


def test_the_context_menu_codes_then_removes_with_undo(
    qtbot: QtBot, page: SessionsPage, ctx: StudyContext
) -> None:
    notes = notes_of(qtbot, page)
    ids = themes(qtbot, ctx)
    editor = editor_of(notes, "E9")
    start = select_words(qtbot, editor, "a joint visit in July")
    end = start + len("a joint visit in July")
    menu = editor.text.build_context_menu(point_of(editor, start + 3))
    code_as = menu.findChild(QMenu, "codeAsMenu")
    assert code_as is not None
    assert code_as.title() == "Code as"
    menu_action(menu, "Engaging children and parents").trigger()
    menu.deleteLater()
    wait_codings(qtbot, ctx, "E9", lambda c: c == [("T3", start, end, None)])
    qtbot.waitUntil(lambda: len(highlights(editor)) == 1)
    (coding_id,) = coding_ids(qtbot, ctx, "E9")

    editor.text.moveCursor(QTextCursor.MoveOperation.End)  # no selection now
    menu = editor.text.build_context_menu(point_of(editor, start + 3))
    with_nothing = menu.findChild(QMenu, "codeAsMenu")
    assert with_nothing is not None
    assert with_nothing.title() == "Code whole note as"
    menu_action(menu, "Remove coding 'Engaging children and parents'").trigger()
    menu.deleteLater()
    wait_codings(qtbot, ctx, "E9", lambda c: c == [])
    qtbot.waitUntil(lambda: highlights(editor) == [])
    outside = editor.text.build_context_menu(point_of(editor, 1))  # no coding there
    with_nothing_there = [a.text() for a in outside.actions()]
    assert not any(text.startswith("Remove coding") for text in with_nothing_there)
    outside.deleteLater()

    ctx.undo.undo()  # the removal
    wait_codings(qtbot, ctx, "E9", lambda c: c == [("T3", start, end, None)])
    assert coding_ids(qtbot, ctx, "E9") == [coding_id]
    qtbot.waitUntil(lambda: highlights(editor) == [(start, end, argb(colour_of(notes, ids["T3"])))])


def test_a_memo_is_written_from_the_menu_shown_on_hover_and_undone(
    qtbot: QtBot, page: SessionsPage, ctx: StudyContext
) -> None:
    notes = notes_of(qtbot, page)
    editor = editor_of(notes, "E2")  # the demo codes part of E2 with T1, memo and all
    (coded,) = codings_of(qtbot, ctx, "E2")
    assert coded[3] == "Personal contact speeds things up"
    inside = coded[1] + 5  # type: ignore[operator]
    menu = editor.text.build_context_menu(point_of(editor, inside))
    menu_action(menu, "Memo…").trigger()
    menu.deleteLater()
    dialog = notes.coding.memo_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.memo.toPlainText() == "Personal contact speeds things up"
    dialog.memo.setPlainText("The head rings her: compare S3")
    dialog.ok.click()
    wait_codings(qtbot, ctx, "E2", lambda c: c[0][3] == "The head rings her: compare S3")
    qtbot.waitUntil(lambda: "compare S3" in (editor.text.codings_at(inside)[0].view.memo or ""))

    viewport = editor.text.viewport()
    at = point_of(editor, inside)
    QApplication.sendEvent(viewport, QHelpEvent(QEvent.Type.ToolTip, at, viewport.mapToGlobal(at)))
    qtbot.waitUntil(lambda: "compare S3" in QToolTip.text())
    assert "Relationships between professionals" in QToolTip.text()
    QToolTip.hideText()

    ctx.undo.undo()
    wait_codings(qtbot, ctx, "E2", lambda c: c[0][3] == "Personal contact speeds things up")


def drop(editor: EntryEditor, theme_id: uuid.UUID, at: QPoint) -> bool:
    """Drag a theme as the theme tree does (its UUID as ASCII) onto the note at `at`;
    whether the drop was accepted."""
    data = QMimeData()
    data.setData(THEME_MIME, QByteArray(str(theme_id).encode("ascii")))
    copy, left, none = (
        Qt.DropAction.CopyAction,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    viewport = editor.text.viewport()
    enter = QDragEnterEvent(at, copy, data, left, none)
    QApplication.sendEvent(viewport, enter)
    assert enter.isAccepted()
    move = QDragMoveEvent(at, copy, data, left, none)
    QApplication.sendEvent(viewport, move)
    assert move.isAccepted()
    event = QDropEvent(QPointF(at), copy, data, left, none)
    QApplication.sendEvent(viewport, event)
    return event.isAccepted()


def test_a_theme_dropped_from_the_tree_codes_the_selection_or_the_word(
    qtbot: QtBot, page: SessionsPage, ctx: StudyContext
) -> None:
    notes = notes_of(qtbot, page)
    ids = themes(qtbot, ctx)
    editor = editor_of(notes, "E1")
    text = editor.text.toPlainText()
    start = select_words(qtbot, editor, "twelve children")
    assert drop(editor, ids["T3"], point_of(editor, 2))  # anywhere on the note
    assert editor.text.toPlainText() == text  # nothing typed in
    wait_codings(qtbot, ctx, "E1", lambda c: c == [("T3", start, start + 15, None)])

    editor.text.moveCursor(QTextCursor.MoveOperation.Start)
    word = text.index("charity")
    drop(editor, ids["T1"], point_of(editor, word + 2))
    wait_codings(qtbot, ctx, "E1", lambda c: ("T1", word, word + 7, None) in c)
    qtbot.waitUntil(
        lambda: (
            {h[2] for h in highlights(editor)}
            == {argb(colour_of(notes, ids["T3"])), argb(colour_of(notes, ids["T1"]))}
        )
    )


def test_several_themes_on_one_passage_are_tinted_each_in_its_colour(
    qtbot: QtBot, page: SessionsPage, ctx: StudyContext
) -> None:
    notes = notes_of(qtbot, page)
    ids = themes(qtbot, ctx)
    editor = editor_of(notes, "E1")
    a = select_words(qtbot, editor, "small transition project")
    target = notes.coding_target()
    assert target is not None
    notes.coding.apply(ids["T1"], target)
    b = select_words(qtbot, editor, "transition project run by the charity")
    target = notes.coding_target()
    assert target is not None
    notes.coding.apply(ids["T4"], target)
    wait_codings(
        qtbot,
        ctx,
        "E1",
        lambda c: sorted(c) == [("T1", a, a + 24, None), ("T4", b, b + 37, None)],
    )
    qtbot.waitUntil(
        lambda: (
            highlights(editor)
            == [
                (a, a + 24, argb(colour_of(notes, ids["T1"]))),
                (b, b + 37, argb(colour_of(notes, ids["T4"]))),
            ]
        )
    )
    both = editor.text.codings_at(b + 2)
    assert {c.view.theme_id for c in both} == {ids["T1"], ids["T4"]}


def test_highlights_follow_a_new_theme_colour(
    qtbot: QtBot, page: SessionsPage, ctx: StudyContext
) -> None:
    notes = notes_of(qtbot, page)
    ids = themes(qtbot, ctx)
    editor = editor_of(notes, "E2")
    qtbot.waitUntil(lambda: len(highlights(editor)) == 1)

    def recolour(db: Session) -> Changes:
        db.get_one(m.Theme, ids["T1"]).colour = "#123456"
        changes = Changes()
        changes.update(Table.THEME, ids["T1"])
        return changes

    ctx.runner.run(write(recolour))  # as the theme panel would
    qtbot.waitUntil(lambda: highlights(editor)[0][2] == argb("#123456"))


def test_phone_interview_notes_code_too(
    qtbot: QtBot, page: SessionsPage, ctx: StudyContext
) -> None:
    notes = notes_of(qtbot, page, "S7")
    editor = next(e for s in notes.sections.values() for e in s.editors if e.record)
    assert editor.record is not None
    words = editor.text.toPlainText().split()[0]
    start = select_words(qtbot, editor, words)
    qtbot.keyClick(editor.text, Qt.Key.Key_T, CTRL)
    picker = notes.coding.picker
    assert picker is not None
    qtbot.keyClicks(picker.filter, "relationships")
    qtbot.keyClick(picker.filter, Qt.Key.Key_Return)
    wait_codings(
        qtbot, ctx, editor.record.ref, lambda c: ("T1", start, start + len(words), None) in c
    )
