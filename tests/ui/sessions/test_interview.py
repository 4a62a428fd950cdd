"""A practitioner interview: notes are saved as they are typed (no Save button), survive a
reopen, are marked as quotes with one key, follow-ups are added, and every change undoes."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.ui.context import StudyContext
from plrdesk.ui.sessions.entry_editor import EntryEditor
from plrdesk.ui.sessions.guide_notes import GuideNotes
from plrdesk.ui.sessions.interview_view import InterviewView
from plrdesk.ui.sessions.page import SessionsPage
from tests.ui.sessions.conftest import entry_row, open_session, query, wait_saved

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def notes_of(qtbot: QtBot, page: SessionsPage, ref: str) -> GuideNotes:
    view = open_session(qtbot, page, ref)
    assert isinstance(view, InterviewView)
    return view.notes


def editor_of(notes: GuideNotes, entry_ref: str) -> EntryEditor:
    record = next(e for e in notes.doc.entries if e.ref == entry_ref)
    editor = notes.editor_for(record.id)
    assert editor is not None
    return editor


def focus_end(qtbot: QtBot, editor: EntryEditor) -> None:
    editor.focus_text()
    editor.text.moveCursor(editor.text.textCursor().MoveOperation.End)
    qtbot.waitUntil(editor.text.hasFocus)


def test_every_question_shows_its_notes_and_probes(qtbot: QtBot, page: SessionsPage) -> None:
    notes = notes_of(qtbot, page, "S1")
    assert notes.model.rowCount() == 8
    role = notes.sections["role"]
    assert [e.record.ref for e in role.editors if e.record] == ["E1"]
    assert "How long have you worked in this role?" in role.probes.text()
    quote = editor_of(notes, "E3")
    assert quote.marker.text().endswith("Quote</b></span>")
    assert quote.text.font().italic()
    assert "E3" in quote.meta.text()
    assert ":" in quote.meta.text()  # the time it was said


def test_a_typed_note_is_saved_without_asking_and_survives_a_reopen(
    qtbot: QtBot, page: SessionsPage, ctx: StudyContext, statuses: list[str]
) -> None:
    notes = notes_of(qtbot, page, "S1")
    focus_end(qtbot, editor_of(notes, "E2"))
    qtbot.keyClick(notes.focusWidget(), Qt.Key.Key_Return, CTRL)
    blank = notes.current_editor
    assert blank is not None
    assert blank.record is None
    assert blank.text.hasFocus()
    qtbot.keyClicks(blank.text, "Mentions the summer gap again")
    assert blank.record is not None
    entry_id = blank.record.id
    wait_saved(qtbot, statuses)
    qtbot.waitUntil(
        lambda: (
            (row := entry_row(qtbot, ctx.runner, entry_id)) is not None
            and row.text == "Mentions the summer gap again"
        )
    )
    row = entry_row(qtbot, ctx.runner, entry_id)
    assert row is not None
    assert row.question == "facilitators"
    assert row.ref == "E95"
    assert not row.follow_up
    order = query(
        qtbot,
        ctx.runner,
        lambda db: [
            e.ref
            for e in db.scalars(
                select(m.Entry)
                .join(m.StudySession)
                .where(m.StudySession.ref == "S1")
                .order_by(m.Entry.position)
            )
        ],
    )
    assert order[:3] == ["E1", "E2", "E95"]  # right after the note it was added under

    fresh = SessionsPage(ctx)
    qtbot.addWidget(fresh)
    again = notes_of(qtbot, fresh, "S1")
    reopened = again.editor_for(entry_id)
    assert reopened is not None
    assert reopened.text.toPlainText() == "Mentions the summer gap again"
    assert reopened.record is not None
    assert reopened.record.ref == "E95"


def test_a_blank_note_left_empty_makes_no_entry(
    qtbot: QtBot, page: SessionsPage, ctx: StudyContext
) -> None:
    notes = notes_of(qtbot, page, "S1")
    focus_end(qtbot, editor_of(notes, "E1"))
    qtbot.keyClick(notes.focusWidget(), Qt.Key.Key_Return, CTRL)
    blank = notes.current_editor
    assert blank is not None
    assert blank.record is None
    notes.question_list.setFocus()
    qtbot.waitUntil(lambda: blank not in notes.sections["role"].editors)
    count = query(qtbot, ctx.runner, lambda db: len(db.scalars(select(m.Entry)).all()))
    assert count == 94


def test_ctrl_q_toggles_the_quote_mark(qtbot: QtBot, page: SessionsPage, ctx: StudyContext) -> None:
    notes = notes_of(qtbot, page, "S1")
    editor = editor_of(notes, "E1")
    focus_end(qtbot, editor)
    qtbot.keyClick(editor.text, Qt.Key.Key_Q, CTRL)
    assert editor.record is not None
    assert editor.record.verbatim
    assert editor.text.font().italic()
    assert "Quote" in editor.marker.text()
    qtbot.waitUntil(
        lambda: (row := entry_row(qtbot, ctx.runner, "E1")) is not None and row.verbatim
    )
    qtbot.keyClick(editor.text, Qt.Key.Key_Q, CTRL)
    assert not editor.record.verbatim
    assert not editor.marker.isVisibleTo(editor)
    qtbot.waitUntil(
        lambda: (row := entry_row(qtbot, ctx.runner, "E1")) is not None and not row.verbatim
    )
    ctx.undo.undo()  # the unmark
    assert editor.record.verbatim


def test_a_follow_up_question(
    qtbot: QtBot, page: SessionsPage, ctx: StudyContext, statuses: list[str]
) -> None:
    notes = notes_of(qtbot, page, "S1")
    focus_end(qtbot, editor_of(notes, "E4"))
    qtbot.keyClick(notes.focusWidget(), Qt.Key.Key_F, CTRL | SHIFT)
    follow = notes.current_editor
    assert follow is not None
    assert follow.follow_up
    qtbot.keyClicks(follow.text, "Who trained you in the CAF?")
    assert follow.record is not None
    assert "Follow-up question" in follow.marker.text()
    entry_id = follow.record.id
    qtbot.waitUntil(
        lambda: (
            (row := entry_row(qtbot, ctx.runner, entry_id)) is not None
            and row.text == "Who trained you in the CAF?"
        )
    )
    row = entry_row(qtbot, ctx.runner, entry_id)
    assert row is not None
    assert (row.follow_up, row.question, row.speaker_id) == (True, "tools", None)


def test_undo_and_redo_typing(
    qtbot: QtBot, page: SessionsPage, ctx: StudyContext, statuses: list[str]
) -> None:
    notes = notes_of(qtbot, page, "S1")
    editor = editor_of(notes, "E9")
    original = editor.text.toPlainText()
    focus_end(qtbot, editor)
    qtbot.keyClicks(editor.text, " Also a named contact.")
    typed = original + " Also a named contact."
    assert ctx.undo.count() == 1  # the keystrokes merged into one step
    wait_saved(qtbot, statuses)
    qtbot.keyClick(editor.text, Qt.Key.Key_Z, CTRL)
    assert editor.text.toPlainText() == original
    qtbot.waitUntil(
        lambda: (row := entry_row(qtbot, ctx.runner, "E9")) is not None and row.text == original
    )
    redo = QKeySequence(QKeySequence.StandardKey.Redo)
    combo = redo[0]  # type: ignore[index]
    qtbot.keyClick(editor.text, combo.key(), combo.keyboardModifiers())
    assert editor.text.toPlainText() == typed
    qtbot.waitUntil(
        lambda: (row := entry_row(qtbot, ctx.runner, "E9")) is not None and row.text == typed
    )
    assert editor.text.hasFocus()


def test_undo_a_new_note_then_redo_gives_it_back(
    qtbot: QtBot, page: SessionsPage, ctx: StudyContext
) -> None:
    notes = notes_of(qtbot, page, "S1")
    focus_end(qtbot, editor_of(notes, "E8"))
    qtbot.keyClick(notes.focusWidget(), Qt.Key.Key_Return, CTRL)
    blank = notes.current_editor
    assert blank is not None
    qtbot.keyClicks(blank.text, "Nobody leads")
    assert blank.record is not None
    entry_id = blank.record.id
    ctx.undo.undo()  # the typing after the first letter
    ctx.undo.undo()  # the note itself
    assert notes.editor_for(entry_id) is None
    qtbot.waitUntil(lambda: entry_row(qtbot, ctx.runner, entry_id) is None)
    ctx.undo.redo()
    ctx.undo.redo()
    restored = notes.editor_for(entry_id)
    assert restored is not None
    assert restored.text.toPlainText() == "Nobody leads"
    qtbot.waitUntil(
        lambda: (
            (row := entry_row(qtbot, ctx.runner, entry_id)) is not None
            and row.text == "Nobody leads"
        )
    )
    row = entry_row(qtbot, ctx.runner, entry_id)
    assert row is not None
    assert row.ref == "E95"


def test_delete_a_note_and_undo(qtbot: QtBot, page: SessionsPage, ctx: StudyContext) -> None:
    notes = notes_of(qtbot, page, "S1")
    editor = editor_of(notes, "E5")
    entry_id = editor.entry_id
    focus_end(qtbot, editor)
    qtbot.keyPress(editor.text, Qt.Key.Key_Delete, CTRL | SHIFT)  # the note goes at once
    assert notes.editor_for(entry_id) is None  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: entry_row(qtbot, ctx.runner, "E5") is None)
    ctx.undo.undo()
    qtbot.waitUntil(lambda: entry_row(qtbot, ctx.runner, "E5") is not None)
    back = notes.editor_for(entry_id)  # type: ignore[arg-type]
    assert back is not None
    assert back.text.hasFocus()
    assert [e.record.ref for e in notes.sections["tools"].editors if e.record] == ["E4", "E5"]


def test_flag_for_safeguarding(qtbot: QtBot, page: SessionsPage, ctx: StudyContext) -> None:
    notes = notes_of(qtbot, page, "S1")
    editor = editor_of(notes, "E7")
    focus_end(qtbot, editor)
    qtbot.keyClick(editor.text, Qt.Key.Key_S, CTRL | SHIFT)
    dialog = notes.safeguarding_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    assert not dialog.ok.isEnabled()  # an action is required
    qtbot.keyClicks(dialog.action, "Told the designated safeguarding lead")
    assert dialog.ok.isEnabled()
    dialog.ok.click()
    assert editor.flag_label.isVisibleTo(editor)
    assert "Safeguarding:</b> Told the designated safeguarding lead" in editor.flag_label.text()
    assert "left out of all analysis and exports" in editor.flag_label.text().lower()
    assert "#b71c1c" in editor.styleSheet()
    qtbot.waitUntil(
        lambda: (
            (row := entry_row(qtbot, ctx.runner, "E7")) is not None
            and row.safeguarding_action == "Told the designated safeguarding lead"
        )
    )
    ctx.undo.undo()
    assert not editor.flag_label.isVisibleTo(editor)
    qtbot.waitUntil(
        lambda: (
            (row := entry_row(qtbot, ctx.runner, "E7")) is not None
            and row.safeguarding_flagged_at is None
        )
    )


def test_show_entry_jumps_to_the_note(qtbot: QtBot, page: SessionsPage) -> None:
    open_session(qtbot, page, "S1")
    entry_id = query(
        qtbot,
        page._ctx.runner,
        lambda db: db.scalars(select(m.Entry.id).filter_by(ref="E40")).one(),
    )
    page.show_entry(entry_id)
    qtbot.waitUntil(lambda: page.current is not None and page.current.doc.ref == "S5")
    view = page.current
    assert isinstance(view, InterviewView)
    editor = view.notes.editor_for(entry_id)
    assert editor is not None
    qtbot.waitUntil(editor.text.hasFocus)
    selected = page.table.currentIndex()
    assert page.model.index(selected.row(), 1).data() == "S5"


def test_undo_of_an_edit_in_another_session_brings_it_back(
    qtbot: QtBot, page: SessionsPage, ctx: StudyContext
) -> None:
    notes = notes_of(qtbot, page, "S1")
    editor = editor_of(notes, "E1")
    focus_end(qtbot, editor)
    qtbot.keyClick(editor.text, Qt.Key.Key_Q, CTRL)
    open_session(qtbot, page, "S2")
    ctx.undo.undo()
    assert page.current is not None
    assert page.current.doc.ref == "S1"
    assert editor.record is not None
    assert not editor.record.verbatim


def session_id_of(db: Session, ref: str) -> uuid.UUID:
    return db.scalars(select(m.StudySession.id).filter_by(ref=ref)).one()
