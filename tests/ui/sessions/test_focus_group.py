"""A focus group: one keystroke picks the speaker, Enter files the line under the speaker
and the question and keeps the focus in the box, digits inside a line are just text,
show-of-hands counts are kept, filed lines can be re-attributed and undone."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.ui.context import StudyContext
from plrdesk.ui.sessions.focus_group_view import FocusGroupView
from plrdesk.ui.sessions.page import SessionsPage
from tests.ui.sessions.conftest import entry_row, open_session, query

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def group(qtbot: QtBot, page: SessionsPage) -> FocusGroupView:
    view = open_session(qtbot, page, "S11")
    assert isinstance(view, FocusGroupView)
    qtbot.waitUntil(view.line.hasFocus)
    return view


def speaker_of(qtbot: QtBot, ctx: StudyContext, entry_id: object) -> str | None:
    def op(db: Session) -> str | None:
        row = db.get(m.Entry, entry_id)
        assert row is not None
        return row.speaker.ref if row.speaker else None

    return query(qtbot, ctx.runner, op)


def test_chips_are_numbered_in_member_order_without_names(qtbot: QtBot, page: SessionsPage) -> None:
    view = group(qtbot, page)
    assert view.chips[None].text() == "0  Group"
    assert view.chips["C1"].text() == "1  C1 · Year 7"
    assert view.chips["C6"].text() == "6  C6 · Year 7 (withdrawn)"
    assert all(chip.accessibleName() for chip in view.chips.values())


def test_a_digit_in_the_empty_box_picks_the_speaker_and_enter_files_the_line(
    qtbot: QtBot, page: SessionsPage, ctx: StudyContext
) -> None:
    view = group(qtbot, page)
    qtbot.keyClick(view.line, Qt.Key.Key_Down, CTRL)  # question 2: who helped
    assert view.current_question() == "who-helped"
    qtbot.keyClick(view.line, Qt.Key.Key_3)
    assert view.speaker == "C3"
    assert view.chips["C3"].isChecked()
    assert view.line.text() == ""  # the digit chose, it was not typed
    qtbot.keyClicks(view.line, "We had 2 visits and 10 letters")
    assert view.line.text() == "We had 2 visits and 10 letters"  # digits mid-line are text
    assert view.speaker == "C3"
    qtbot.keyClick(view.line, Qt.Key.Key_Return)
    assert view.line.text() == ""
    assert view.line.hasFocus()
    filed = view.current_entry()
    assert filed is not None
    assert view.tree.currentIndex().data() == "3 · C3: We had 2 visits and 10 letters"
    qtbot.waitUntil(
        lambda: (
            (row := entry_row(qtbot, ctx.runner, filed)) is not None
            and row.text == "We had 2 visits and 10 letters"
        )
    )
    row = entry_row(qtbot, ctx.runner, filed)
    assert row is not None
    assert row.question == "who-helped"
    assert speaker_of(qtbot, ctx, filed) == "C3"
    assert view.speaker == "C3"  # the same child may go on


def test_zero_files_for_the_facilitator_or_group(
    qtbot: QtBot, page: SessionsPage, ctx: StudyContext
) -> None:
    view = group(qtbot, page)
    qtbot.keyClick(view.line, Qt.Key.Key_2)
    qtbot.keyClick(view.line, Qt.Key.Key_Backspace)  # takes the pick back: the next digit picks
    qtbot.keyClick(view.line, Qt.Key.Key_0)
    assert view.speaker is None
    assert view.speaker_label.text() == "Group"
    qtbot.keyClicks(view.line, "Everyone laughed")
    qtbot.keyClick(view.line, Qt.Key.Key_Enter)
    filed = view.current_entry()
    qtbot.waitUntil(lambda: entry_row(qtbot, ctx.runner, filed) is not None)
    assert speaker_of(qtbot, ctx, filed) is None


def test_alt_digit_picks_the_speaker_mid_line(qtbot: QtBot, page: SessionsPage) -> None:
    view = group(qtbot, page)
    qtbot.keyClicks(view.line, "I think")
    qtbot.keyClick(view.line, Qt.Key.Key_5, ALT)
    assert view.speaker == "C5"
    assert view.line.text() == "I think"
    qtbot.keyClick(view.line, Qt.Key.Key_9, ALT)  # nobody is 9: nothing changes
    assert view.speaker == "C5"


def test_a_line_can_be_filed_as_a_quote(
    qtbot: QtBot, page: SessionsPage, ctx: StudyContext
) -> None:
    view = group(qtbot, page)
    qtbot.keyClick(view.line, Qt.Key.Key_1)
    qtbot.keyClicks(view.line, "The school is massive")
    qtbot.keyClick(view.line, Qt.Key.Key_Q, CTRL)
    assert view.quote_button.isChecked()
    qtbot.keyClick(view.line, Qt.Key.Key_Return)
    assert not view.quote_button.isChecked()
    filed = view.current_entry()
    qtbot.waitUntil(
        lambda: (row := entry_row(qtbot, ctx.runner, filed)) is not None and row.verbatim
    )
    qtbot.keyClick(view.line, Qt.Key.Key_Q, CTRL)  # empty box: the filed line
    qtbot.waitUntil(
        lambda: (row := entry_row(qtbot, ctx.runner, filed)) is not None and not row.verbatim
    )


def test_undo_unfiles_and_a_digit_in_the_list_reattributes(
    qtbot: QtBot, page: SessionsPage, ctx: StudyContext
) -> None:
    view = group(qtbot, page)
    qtbot.keyClick(view.line, Qt.Key.Key_4)
    qtbot.keyClicks(view.line, "Said it twice")
    qtbot.keyClick(view.line, Qt.Key.Key_Return)
    filed = view.current_entry()
    assert filed is not None
    view.tree.setFocus()
    qtbot.keyClick(view.tree, Qt.Key.Key_2)
    assert view.tree.currentIndex().data().startswith("2 · C2:")
    qtbot.waitUntil(lambda: speaker_of(qtbot, ctx, filed) == "C2")
    ctx.undo.undo()
    qtbot.waitUntil(lambda: speaker_of(qtbot, ctx, filed) == "C4")
    view.line.setFocus()
    qtbot.keyClick(view.line, Qt.Key.Key_Z, CTRL)  # nothing to undo in the box: the filing
    assert not view.lines.index_of(filed).isValid()
    qtbot.waitUntil(lambda: entry_row(qtbot, ctx.runner, filed) is None)


def test_show_of_hands_counts_are_kept(qtbot: QtBot, page: SessionsPage, ctx: StudyContext) -> None:
    view = group(qtbot, page)
    counter = view.counters["moving-up"]
    assert counter.counts() == {"agree": 5, "disagree": 1}
    counter.spins["agree"].setValue(4)
    counter.spins["disagree"].setValue(2)
    qtbot.waitUntil(
        lambda: (
            (row := entry_row(qtbot, ctx.runner, "E75")) is not None
            and row.show_of_hands == {"agree": 4, "disagree": 2}
        )
    )
    assert "agree 4, disagree 2" in view.lines.index_of(counter_entry(view)).data()
    fresh = SessionsPage(ctx)
    qtbot.addWidget(fresh)
    again = open_session(qtbot, fresh, "S11")
    assert isinstance(again, FocusGroupView)
    assert again.counters["moving-up"].counts() == {"agree": 4, "disagree": 2}


def counter_entry(view: FocusGroupView) -> uuid.UUID:
    record = view.doc.show_of_hands_entry("moving-up")
    assert record is not None
    return record.id


def test_flag_a_filed_line(qtbot: QtBot, page: SessionsPage, ctx: StudyContext) -> None:
    view = group(qtbot, page)
    qtbot.keyClick(view.line, Qt.Key.Key_6)
    qtbot.keyClicks(view.line, "Something worrying")
    qtbot.keyClick(view.line, Qt.Key.Key_Return)
    filed = view.current_entry()
    qtbot.keyClick(view.line, Qt.Key.Key_S, CTRL | Qt.KeyboardModifier.ShiftModifier)
    dialog = view.safeguarding_dialog
    assert dialog is not None
    qtbot.keyClicks(dialog.action, "Spoke to the DSL after the group")
    dialog.ok.click()
    line = view.tree.currentIndex().data()
    assert line.startswith("⚠ Safeguarding — 6 · C6:")
    qtbot.waitUntil(
        lambda: (
            (row := entry_row(qtbot, ctx.runner, filed)) is not None
            and row.safeguarding_action == "Spoke to the DSL after the group"
        )
    )
