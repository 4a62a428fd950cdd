"""Tab in a session never takes the keys out of it, and never to a widget that drops what
is typed (issue 10). Interview and phone: Tab goes from note box to note box in order.
Focus group: Tab goes round the line box and the show-of-hands number boxes; a letter
typed in a number box goes to the line box. F6 goes between the list and the session."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from plrdesk.ui.sessions.entry_editor import NoteText
from plrdesk.ui.sessions.focus_group_view import FocusGroupView
from plrdesk.ui.sessions.guide_notes import GuideNotes
from plrdesk.ui.sessions.interview_view import InterviewView
from plrdesk.ui.sessions.page import SessionsPage
from plrdesk.ui.sessions.phone_view import PhoneView
from tests.ui.sessions.conftest import open_session

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
NONE = Qt.KeyboardModifier.NoModifier


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def tab(qtbot: QtBot, modifiers: Qt.KeyboardModifier = NONE) -> QWidget:
    """Tab (Shift+Tab with SHIFT) to whatever has the focus, as a keyboard does; what has
    the focus after it."""
    qtbot.keyClick(focused(), Qt.Key.Key_Tab, modifiers)
    return focused()


def interview(qtbot: QtBot, page: SessionsPage) -> GuideNotes:
    view = open_session(qtbot, page, "S1")
    assert isinstance(view, InterviewView)
    qtbot.waitUntil(view.notes.question_list.hasFocus)
    return view.notes


def group(qtbot: QtBot, page: SessionsPage) -> FocusGroupView:
    view = open_session(qtbot, page, "S11")
    assert isinstance(view, FocusGroupView)
    qtbot.waitUntil(view.line.hasFocus)
    return view


def test_tab_goes_from_note_to_note_in_order_and_round(qtbot: QtBot, page: SessionsPage) -> None:
    notes = interview(qtbot, page)
    boxes = [editor.text for editor in notes.note_boxes()]
    assert len(boxes) == 9  # the demo's S1: one note per question, two under "tools"
    boxes[0].setFocus()
    qtbot.waitUntil(boxes[0].hasFocus)
    forward = [tab(qtbot) for _ in boxes]
    assert forward == [*boxes[1:], boxes[0]]
    backward = [tab(qtbot, SHIFT) for _ in boxes]
    assert backward == list(reversed(boxes))


def test_tab_puts_the_cursor_at_the_end_of_the_note(qtbot: QtBot, page: SessionsPage) -> None:
    notes = interview(qtbot, page)
    first, second = (editor.text for editor in notes.note_boxes()[:2])
    first.setFocus()
    qtbot.waitUntil(first.hasFocus)
    cursor = second.textCursor()
    cursor.setPosition(3)
    second.setTextCursor(cursor)  # left mid-word earlier
    assert tab(qtbot) is second
    assert second.textCursor().position() == len(second.toPlainText())
    qtbot.keyClicks(second, " more")
    assert second.toPlainText().endswith(" more")


def test_tab_from_a_new_blank_note_goes_on_and_leaves_no_blank(
    qtbot: QtBot, page: SessionsPage
) -> None:
    notes = interview(qtbot, page)
    qtbot.keyClick(notes.question_list, Qt.Key.Key_Return)  # question 1's notes
    qtbot.keyClick(focused(), Qt.Key.Key_Return, CTRL)
    blank = notes.current_editor
    assert blank is not None
    assert blank.record is None
    second_question = notes.sections[notes.model.question_id(1)]
    assert tab(qtbot) is second_question.editors[0].text
    assert blank not in notes.note_boxes()
    qtbot.keyClick(focused(), Qt.Key.Key_F, CTRL | SHIFT)  # a follow-up, then Tab again
    follow_up = notes.current_editor
    assert follow_up is not None
    assert follow_up.follow_up
    qtbot.keyClicks(focused(), "Asked why")
    after = tab(qtbot)
    assert isinstance(after, NoteText)
    assert notes.isAncestorOf(after)
    assert follow_up.text.toPlainText() == "Asked why"


def test_tab_from_the_question_list_or_the_clock_goes_into_the_notes(
    qtbot: QtBot, page: SessionsPage
) -> None:
    notes = interview(qtbot, page)
    notes.question_list.setCurrentIndex(notes.model.index(3, 0))  # "tools": two notes
    tools = notes.sections[notes.model.question_id(3)]
    assert tab(qtbot) is tools.editors[-1].text
    view = page.current
    assert isinstance(view, InterviewView)
    button = view.header.clock.start_button
    button.show()  # as for a session not started yet (the demo's have all started)
    button.setFocus()
    qtbot.waitUntil(button.hasFocus)
    assert tab(qtbot) is tools.editors[-1].text


def test_tab_in_a_phone_interview_goes_from_the_call_log_to_the_notes(
    qtbot: QtBot, page: SessionsPage
) -> None:
    view = open_session(qtbot, page, "S7")
    assert isinstance(view, PhoneView)
    view.log_button.setFocus()
    qtbot.waitUntil(view.log_button.hasFocus)
    landed = tab(qtbot)
    assert isinstance(landed, NoteText)
    assert view.notes.isAncestorOf(landed)
    boxes = [editor.text for editor in view.notes.note_boxes()]
    assert [tab(qtbot) for _ in boxes][-1] is landed  # round the notes and back


def test_tab_in_a_focus_group_goes_round_the_line_and_the_counters(
    qtbot: QtBot, page: SessionsPage
) -> None:
    view = group(qtbot, page)
    stops = view.tab_stops()
    assert len(stops) == 7  # the line box and two number boxes for each of three questions
    assert [tab(qtbot) for _ in stops] == [*stops[1:], view.line]
    assert [tab(qtbot, SHIFT) for _ in stops] == [*reversed(stops[1:]), view.line]


def test_tab_from_chips_lists_and_buttons_goes_to_the_line_box(
    qtbot: QtBot, page: SessionsPage
) -> None:
    view = group(qtbot, page)
    for widget in (view.chips["C2"], view.tree, view.question_list, view.quote_button):
        widget.setFocus()
        qtbot.waitUntil(widget.hasFocus)
        assert tab(qtbot) is view.line, widget.accessibleName()


def test_a_word_typed_in_a_counter_goes_to_the_line_box(qtbot: QtBot, page: SessionsPage) -> None:
    view = group(qtbot, page)
    spin = view.counters["moving-up"].spins["agree"]
    assert tab(qtbot) is spin
    qtbot.keyClicks(spin, "4")
    assert spin.value() == 4  # digits are the count
    qtbot.keyClicks(focused(), "Hands up")
    assert view.line.hasFocus()
    assert view.line.text() == "Hands up"
    assert spin.value() == 4


def test_f6_goes_between_the_list_and_the_open_session(qtbot: QtBot, page: SessionsPage) -> None:
    view = group(qtbot, page)
    qtbot.keyClick(view.line, Qt.Key.Key_F6)
    assert page.table.hasFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_F6)
    assert view.line.hasFocus()
