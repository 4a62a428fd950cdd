"""The focus group's line box: the first key of a line, if a digit, picks the speaker, and
every digit after it is text, so a line can start with a number (issue 10: "5 people asked
me" typed for speaker 3 was filed as "people asked me" under speaker 5)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from plrdesk.ui.sessions.focus_group_view import FocusGroupView
from plrdesk.ui.sessions.page import SessionsPage
from tests.ui.sessions.conftest import open_session

ALT = Qt.KeyboardModifier.AltModifier


def group(qtbot: QtBot, page: SessionsPage) -> FocusGroupView:
    view = open_session(qtbot, page, "S11")
    assert isinstance(view, FocusGroupView)
    qtbot.waitUntil(view.line.hasFocus)
    return view


def filed_text(view: FocusGroupView) -> tuple[str | None, str] | None:
    """Enter, then the speaker and text of the line it filed (None: nothing filed)."""
    entry_id = view.file_line()
    if entry_id is None:
        return None
    record = view.doc.entry(entry_id)
    assert record is not None
    return record.speaker_ref, record.text or ""


def test_a_digit_after_the_speaker_pick_is_text(qtbot: QtBot, page: SessionsPage) -> None:
    view = group(qtbot, page)
    qtbot.keyClick(view.line, Qt.Key.Key_3)
    assert view.speaker == "C3"
    assert view.line.text() == ""
    qtbot.keyClicks(view.line, "5 people asked me")
    assert view.speaker == "C3"
    assert filed_text(view) == ("C3", "5 people asked me")


def test_zero_after_a_pick_is_text_and_zero_first_is_the_group(
    qtbot: QtBot, page: SessionsPage
) -> None:
    view = group(qtbot, page)
    qtbot.keyClicks(view.line, "20 minutes late")
    assert filed_text(view) == ("C2", "0 minutes late")
    qtbot.keyClicks(view.line, "03 of us")
    assert filed_text(view) == (None, "3 of us")


def test_each_new_line_picks_again(qtbot: QtBot, page: SessionsPage) -> None:
    view = group(qtbot, page)
    qtbot.keyClicks(view.line, "4Four")
    assert filed_text(view) == ("C4", "Four")
    qtbot.keyClicks(view.line, "and again")  # no pick: the speaker carries on
    assert filed_text(view) == ("C4", "and again")
    # A fresh line's first digit picks, so the same child's line that starts with a number
    # begins with the child's digit again.
    qtbot.keyClicks(view.line, "44 was my number")
    assert filed_text(view) == ("C4", "4 was my number")
    qtbot.keyClicks(view.line, "1")
    assert view.speaker == "C1"
    assert view.line.text() == ""


def test_backspace_in_the_empty_box_takes_the_pick_back(qtbot: QtBot, page: SessionsPage) -> None:
    view = group(qtbot, page)
    qtbot.keyClick(view.line, Qt.Key.Key_4)
    assert view.speaker == "C4"
    qtbot.keyClick(view.line, Qt.Key.Key_Backspace)
    qtbot.keyClick(view.line, Qt.Key.Key_5)
    assert view.speaker == "C5"
    assert view.line.text() == ""
    qtbot.keyClicks(view.line, "5 times")
    assert filed_text(view) == ("C5", "5 times")


def test_a_line_begun_and_emptied_keeps_its_digits_as_text(
    qtbot: QtBot, page: SessionsPage
) -> None:
    view = group(qtbot, page)
    qtbot.keyClicks(view.line, "2Ok")
    qtbot.keyClick(view.line, Qt.Key.Key_Backspace)
    qtbot.keyClick(view.line, Qt.Key.Key_Backspace)
    qtbot.keyClicks(view.line, "6 weeks")
    assert filed_text(view) == ("C2", "6 weeks")


def test_alt_digit_or_a_chip_picks_and_then_a_digit_is_text(
    qtbot: QtBot, page: SessionsPage
) -> None:
    view = group(qtbot, page)
    qtbot.keyClick(view.line, Qt.Key.Key_4, ALT)
    assert view.speaker == "C4"
    qtbot.keyClicks(view.line, "4 times I asked")
    assert filed_text(view) == ("C4", "4 times I asked")
    view.chips["C6"].click()
    assert view.line.hasFocus()
    qtbot.keyClicks(view.line, "2 weeks before the end")
    assert filed_text(view) == ("C6", "2 weeks before the end")


def test_the_box_says_whether_a_digit_picks_or_types(qtbot: QtBot, page: SessionsPage) -> None:
    view = group(qtbot, page)
    assert "a digit first: speaker" in view.line.placeholderText()
    qtbot.keyClick(view.line, Qt.Key.Key_3)
    assert view.line.placeholderText().startswith("3 · C3 speaking")
    assert "digits are text now" in view.line.placeholderText()
    assert "digits after it are text" in view.keys_hint.text()
    assert "Backspace" in view.keys_hint.text()


def test_a_digit_nobody_has_is_typed(qtbot: QtBot, page: SessionsPage) -> None:
    view = group(qtbot, page)
    qtbot.keyClicks(view.line, "2")
    assert filed_text(view) is None  # nothing to file yet: the 2 picked
    qtbot.keyClicks(view.line, "Yes")
    assert filed_text(view) == ("C2", "Yes")
    qtbot.keyClicks(view.line, "9 of us went")  # six children: nobody is 9
    assert view.speaker == "C2"
    assert filed_text(view) == ("C2", "9 of us went")
