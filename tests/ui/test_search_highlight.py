"""The words a search found, highlighted in the note landed on (issue 11), and the
navigator carrying them from the result to the page that lands."""

from __future__ import annotations

import uuid

from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QLabel, QTextEdit
from pytestqt.qtbot import QtBot

from plrdesk.storage.search import matched_spans
from plrdesk.ui.context import FoundWords, Navigator
from plrdesk.ui.search_highlight import found_text, highlight_found, spans_to_show
from plrdesk.ui.text_positions import to_utf16

NOTE = "😀🇬🇧 The timetable, and the TIMETABLE again"


def note_box(qtbot: QtBot, text: str = NOTE) -> QTextEdit:
    box = QTextEdit()
    qtbot.addWidget(box)
    box.setPlainText(text)
    return box


def found(text: str, query: str) -> FoundWords:
    return FoundWords(uuid.uuid4(), tuple(matched_spans(text, query)), query)


def test_every_word_is_tinted_and_the_first_selected_after_emoji(qtbot: QtBot) -> None:
    box = note_box(qtbot)
    coding = QTextEdit.ExtraSelection()
    coding.cursor = QTextCursor(box.document())
    coding.cursor.setPosition(0)
    coding.cursor.setPosition(2, QTextCursor.MoveMode.KeepAnchor)
    coding.format = QTextCharFormat()
    coding.format.setBackground(QColor("#cde"))
    box.setExtraSelections([coding])

    assert highlight_found(box, found(NOTE, "timetable"))
    assert found_text(box) == ["timetable", "TIMETABLE"]
    assert len(box.extraSelections()) == 3  # the coding's tint stays
    cursor = box.textCursor()
    start = NOTE.index("timetable")
    # Qt counts the emoji and the flag's halves as two units each: positions converted.
    assert cursor.selectionStart() == to_utf16(NOTE, start) == start + 3
    assert cursor.selectedText() == "timetable"
    # A second landing replaces the tint rather than adding to it.
    assert highlight_found(box, found(NOTE, "again"))
    assert found_text(box) == ["again"]
    assert len(box.extraSelections()) == 2


def test_spans_that_no_longer_fit_the_note_are_found_again(qtbot: QtBot) -> None:
    searched = found(NOTE, "timetable")
    typed_since = "Before that: " + NOTE
    assert spans_to_show(NOTE, searched) == list(searched.spans)
    assert spans_to_show(typed_since, searched) == matched_spans(typed_since, "timetable")
    box = note_box(qtbot, typed_since)
    assert highlight_found(box, searched)
    assert box.textCursor().selectedText() == "timetable"


def test_nothing_to_tint_outside_a_note_or_without_the_words(qtbot: QtBot) -> None:
    label = QLabel(NOTE)
    qtbot.addWidget(label)
    assert not highlight_found(label, found(NOTE, "timetable"))
    assert not highlight_found(None, found(NOTE, "timetable"))
    box = note_box(qtbot, "nothing of the kind here")
    assert not highlight_found(box, found(NOTE, "timetable"))
    assert found_text(box) == []
    assert not box.textCursor().hasSelection()


def test_the_navigator_hands_the_words_to_the_landing_once(qtbot: QtBot) -> None:
    navigator = Navigator()
    shown: list[uuid.UUID] = []
    navigator.sig_show_entry.connect(shown.append)
    words = found(NOTE, "timetable")
    navigator.show_found(words)
    assert shown == [words.entry_id]  # the pages land as for any other jump
    assert navigator.take_found(uuid.uuid4()) is None
    assert navigator.take_found(words.entry_id) == words
    assert navigator.take_found(words.entry_id) is None  # once


def test_a_jump_from_elsewhere_forgets_the_search_words(qtbot: QtBot) -> None:
    navigator = Navigator()
    words = found(NOTE, "timetable")
    navigator.show_found(words)
    navigator.sig_show_entry.emit(words.entry_id)  # the quote bank, to the same note
    assert navigator.take_found(words.entry_id) is None
