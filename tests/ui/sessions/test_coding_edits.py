"""Codings keep their exact words while the note is edited: the editor reports each change
exactly, the autosave hands the edits to the save (in order, per note, across a failed
save), and where every coded word is deleted the coding goes with a visible notice that
undo can take back."""

from __future__ import annotations

import uuid

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor, QUndoStack
from PySide6.QtWidgets import QTextEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.domain.spans import Edit
from plrdesk.services import note_texts as autosave_module
from plrdesk.ui.context import StudyContext
from plrdesk.ui.sessions.autosave import Autosave
from plrdesk.ui.sessions.entry_editor import NO_CHANGE, EntryEditor, edit_from_change
from plrdesk.ui.sessions.page import SessionsPage
from tests.ui.sessions.conftest import entry_row, query, wait_saved
from tests.ui.sessions.test_coding import (
    coding_ids,
    codings_of,
    editor_of,
    highlights,
    notes_of,
    select_words,
    themes,
    wait_codings,
)

CTRL = Qt.KeyboardModifier.ControlModifier


# -- the editor's edits -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "change", "edit"),
    [
        ("alpha", "xalpha", (0, 0, 1), Edit(0, 0, 1)),
        ("alpha beta", "alZZ beta", (2, 3, 2), Edit(2, 3, 2)),
        ("ab", "b", (0, 1, 0), Edit(0, 1, 0)),
        ("", "a", (0, 1, 2), Edit(0, 0, 1)),  # Qt counting the closing paragraph mark
        ("same", "same", (0, 4, 4), NO_CHANGE),  # a format change
        ("abc", "abd", (0, 1, 1), None),  # a report that does not fit: unknown
    ],
)
def test_qt_changes_become_exact_edits(
    old: str, new: str, change: tuple[int, int, int], edit: object
) -> None:
    assert edit_from_change(old, new, *change) == edit


def test_typing_reports_exact_edits_and_loading_reports_none(qtbot: QtBot) -> None:
    editor = EntryEditor(QUndoStack(), question=None)
    qtbot.addWidget(editor)
    editor.set_text_silently("alpha alpha")
    assert editor.take_edits() == []  # loading is not typing
    cursor = editor.text.textCursor()
    cursor.setPosition(0)
    cursor.setPosition(6, QTextCursor.MoveMode.KeepAnchor)
    editor.text.setTextCursor(cursor)
    qtbot.keyClick(editor.text, Qt.Key.Key_Delete)
    qtbot.keyClicks(editor.text, "be")
    assert editor.take_edits() == [Edit(0, 6, 0), Edit(0, 0, 1), Edit(1, 0, 1)]
    assert editor.take_edits() == []
    editor.text.setPlainText("replaced wholesale")  # not through set_text_silently
    assert editor.take_edits() is None


# -- the autosave -------------------------------------------------------------------------


def entry_ids(qtbot: QtBot, ctx: StudyContext, *refs: str) -> list[uuid.UUID]:
    def op(db: Session) -> list[uuid.UUID]:
        return [db.scalars(select(m.Entry.id).filter_by(ref=ref)).one() for ref in refs]

    return query(qtbot, ctx.runner, op)


def test_each_note_of_a_batch_is_saved_with_its_own_edits(
    qtbot: QtBot, ctx: StudyContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = entry_ids(qtbot, ctx, "E1", "E2")
    seen: list[dict[uuid.UUID, object]] = []
    real = autosave_module.save_texts

    def spy(db, texts, edits=None):  # type: ignore[no-untyped-def]
        seen.append(dict(edits or {}))
        return real(db, texts, edits)

    monkeypatch.setattr(autosave_module, "save_texts", spy)
    autosave = Autosave(ctx.runner, lambda _text: None, idle_ms=10_000, max_ms=10_000)
    autosave.touch(first, "ab", [Edit(0, 0, 1)])
    autosave.touch(second, "xy", [Edit(0, 5, 2)])
    autosave.touch(first, "abc", [Edit(2, 0, 1)])
    with qtbot.waitSignal(autosave.sig_saved):
        autosave.flush()
    assert seen == [{first: [Edit(0, 0, 1), Edit(2, 0, 1)], second: [Edit(0, 5, 2)]}]
    autosave.touch(first, "abcd", [Edit(3, 0, 1)])
    autosave.touch(first, "zzz")  # unknown: the whole run is unknown
    autosave.touch(first, "zzzz", [Edit(3, 0, 1)])
    with qtbot.waitSignal(autosave.sig_saved):
        autosave.flush()
    assert seen[-1] == {first: None}


def test_edits_survive_a_failed_save_and_are_retried_in_order(
    qtbot: QtBot, ctx: StudyContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    (entry_id,) = entry_ids(qtbot, ctx, "E1")
    seen: list[object] = []
    real = autosave_module.save_texts
    failures = iter([True])

    def flaky(db, texts, edits=None):  # type: ignore[no-untyped-def]
        seen.append((dict(texts), dict(edits or {})))
        if next(failures, False):
            raise RuntimeError("disk busy")
        return real(db, texts, edits)

    monkeypatch.setattr(autosave_module, "save_texts", flaky)
    autosave = Autosave(ctx.runner, lambda _text: None, idle_ms=10_000, max_ms=10_000)
    autosave._retry.setInterval(10_000)
    autosave.touch(entry_id, "one", [Edit(0, 0, 3)])
    with qtbot.waitSignal(autosave.sig_failed):
        autosave.flush()
    autosave.touch(entry_id, "one two", [Edit(3, 0, 4)])  # typed while it failed
    with qtbot.waitSignal(autosave.sig_saved):
        autosave.flush()
    assert seen[-1] == ({entry_id: "one two"}, {entry_id: [Edit(0, 0, 3), Edit(3, 0, 4)]})


def test_a_failed_save_with_nothing_typed_since_is_retried_as_it_was(
    qtbot: QtBot, ctx: StudyContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    (entry_id,) = entry_ids(qtbot, ctx, "E1")
    seen: list[object] = []
    failures = iter([True])
    real = autosave_module.save_texts

    def flaky(db, texts, edits=None):  # type: ignore[no-untyped-def]
        seen.append(dict(edits or {}))
        if next(failures, False):
            raise RuntimeError("disk busy")
        return real(db, texts, edits)

    monkeypatch.setattr(autosave_module, "save_texts", flaky)
    autosave = Autosave(ctx.runner, lambda _text: None, idle_ms=10_000, max_ms=10_000)
    autosave._retry.setInterval(20)
    autosave.touch(entry_id, "one", [Edit(0, 0, 3)])
    with qtbot.waitSignal(autosave.sig_saved):
        autosave.flush()
    assert seen == [{entry_id: [Edit(0, 0, 3)]}, {entry_id: [Edit(0, 0, 3)]}]


# -- in the interview view ----------------------------------------------------------------


def retype(qtbot: QtBot, editor_text: QTextEdit, text: str) -> None:
    editor_text.selectAll()
    qtbot.keyClicks(editor_text, text)


def test_typing_before_a_coded_passage_moves_the_coding_with_its_words(
    qtbot: QtBot, page: SessionsPage, ctx: StudyContext, statuses: list[str]
) -> None:
    notes = notes_of(qtbot, page)
    editor = editor_of(notes, "E2")  # the demo codes E2 68-144 with T1
    ((_, start, end, _),) = codings_of(qtbot, ctx, "E2")
    assert start is not None
    assert end is not None
    words = editor.text.toPlainText()[start:end]
    editor.focus_text()
    qtbot.waitUntil(editor.text.hasFocus)
    editor.text.moveCursor(QTextCursor.MoveOperation.Start)
    qtbot.keyClicks(editor.text, "Indeed: ")
    assert highlights(editor)[0][:2] == (start + 8, end + 8)  # at once, before any save
    wait_saved(qtbot, statuses)
    wait_codings(qtbot, ctx, "E2", lambda c: c[0][1:3] == (start + 8, end + 8))
    row = entry_row(qtbot, ctx.runner, "E2")
    assert row is not None
    assert row.text is not None
    assert row.text[start + 8 : end + 8] == words
    qtbot.waitUntil(lambda: highlights(editor)[0][:2] == (start + 8, end + 8))  # after reload


def test_repeated_words_keep_the_coding_on_the_very_word_coded(
    qtbot: QtBot, page: SessionsPage, ctx: StudyContext, statuses: list[str]
) -> None:
    notes = notes_of(qtbot, page)
    ids = themes(qtbot, ctx)
    editor = editor_of(notes, "E1")
    editor.focus_text()
    qtbot.waitUntil(editor.text.hasFocus)
    retype(qtbot, editor.text, "alpha alpha alpha")
    qtbot.waitUntil(
        lambda: (
            (row := entry_row(qtbot, ctx.runner, "E1")) is not None
            and row.text == "alpha alpha alpha"
        )
    )
    select_words(qtbot, editor, "alpha", occurrence=2)
    target = notes.coding_target()
    assert target is not None
    notes.coding.apply(ids["T2"], target)
    wait_codings(qtbot, ctx, "E1", lambda c: c == [("T2", 12, 17, None)])

    select_words(qtbot, editor, "alpha ", occurrence=0)
    before = len(statuses)
    qtbot.keyClick(editor.text, Qt.Key.Key_Delete)  # the first alpha goes
    assert editor.text.toPlainText() == "alpha alpha"
    wait_saved(qtbot, statuses, before)
    # A diff would see the last " alpha" deleted and drop the coding; the exact edit keeps it.
    wait_codings(qtbot, ctx, "E1", lambda c: c == [("T2", 6, 11, None)])
    qtbot.waitUntil(lambda: [h[:2] for h in highlights(editor)] == [(6, 11)])


def test_deleting_every_coded_word_removes_the_coding_with_a_notice_and_undo_restores_it(
    qtbot: QtBot, page: SessionsPage, ctx: StudyContext, statuses: list[str]
) -> None:
    notes = notes_of(qtbot, page)
    ids = themes(qtbot, ctx)
    editor = editor_of(notes, "E9")
    original = editor.text.toPlainText()
    start = select_words(qtbot, editor, "vulnerable children")
    target = notes.coding_target()
    assert target is not None
    notes.coding.apply(ids["T3"], target)
    wait_codings(qtbot, ctx, "E9", lambda c: c == [("T3", start, start + 19, None)])
    (coding_id,) = coding_ids(qtbot, ctx, "E9")
    qtbot.waitUntil(lambda: len(highlights(editor)) == 1)

    select_words(qtbot, editor, "vulnerable children")
    qtbot.keyClick(editor.text, Qt.Key.Key_Backspace)
    qtbot.waitUntil(lambda: highlights(editor) == [])  # at once
    message = "Coding 'Engaging children and parents' removed: its words were deleted"
    qtbot.waitUntil(lambda: message in statuses)
    assert editor.notice.isVisibleTo(editor)
    assert message in editor.notice.text()
    assert "Ctrl+Z" in editor.notice.text()
    wait_codings(qtbot, ctx, "E9", lambda c: c == [])

    editor.focus_text()
    qtbot.keyClick(editor.text, Qt.Key.Key_Z, CTRL)  # undo the deletion
    assert editor.text.toPlainText() == original
    wait_codings(qtbot, ctx, "E9", lambda c: c == [("T3", start, start + 19, None)])
    assert coding_ids(qtbot, ctx, "E9") == [coding_id]
    qtbot.waitUntil(lambda: [h[:2] for h in highlights(editor)] == [(start, start + 19)])

    editor.notice.linkActivated.emit("dismiss")
    assert not editor.notice.isVisibleTo(editor)


def test_a_coded_word_partly_deleted_shrinks_the_coding(
    qtbot: QtBot, page: SessionsPage, ctx: StudyContext, statuses: list[str]
) -> None:
    notes = notes_of(qtbot, page)
    ids = themes(qtbot, ctx)
    editor = editor_of(notes, "E9")
    start = select_words(qtbot, editor, "one named person")
    target = notes.coding_target()
    assert target is not None
    notes.coding.apply(ids["T4"], target)
    wait_codings(qtbot, ctx, "E9", lambda c: c == [("T4", start, start + 16, None)])
    select_words(qtbot, editor, "named ")
    before = len(statuses)
    qtbot.keyClick(editor.text, Qt.Key.Key_Delete)
    wait_saved(qtbot, statuses, before)
    wait_codings(qtbot, ctx, "E9", lambda c: c == [("T4", start, start + 10, None)])
    assert not editor.notice.isVisibleTo(editor)


def test_typing_while_codings_load_is_laid_over_what_loads(
    qtbot: QtBot, page: SessionsPage, ctx: StudyContext
) -> None:
    notes = notes_of(qtbot, page)
    editor = editor_of(notes, "E2")
    ((_, start, end, _),) = codings_of(qtbot, ctx, "E2")
    assert start is not None
    assert end is not None
    doc = notes.doc
    doc.autosave._idle.setInterval(60_000)  # the typing stays unsaved meanwhile
    doc.autosave._ceiling.setInterval(60_000)
    editor.focus_text()
    qtbot.waitUntil(editor.text.hasFocus)
    editor.text.moveCursor(QTextCursor.MoveOperation.Start)
    doc.codings._load()  # a load goes out (as after any change naming codings) ...
    qtbot.keyClicks(editor.text, "So: ")  # ... and the researcher types before it is back
    qtbot.waitUntil(lambda: not doc.codings._loads)
    # The study still has the old place; the screen shows the place after the typing.
    assert [h[:2] for h in highlights(editor)] == [(start + 4, end + 4)]
    assert codings_of(qtbot, ctx, "E2")[0][1:3] == (start, end)
    doc.autosave.flush()
    wait_codings(qtbot, ctx, "E2", lambda c: c[0][1:3] == (start + 4, end + 4))
