"""Python index <-> Qt (UTF-16) position, over text full of astral-plane characters: the
conversion is exact at every character boundary, and a QTextDocument selection made from
converted positions holds exactly the Python slice, across paragraphs too."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QTextCursor, QTextDocument
from PySide6.QtWidgets import QApplication

from plrdesk.ui.text_positions import (
    TextPositions,
    positions_of,
    to_python,
    to_utf16,
    utf16_length,
)

EMOJI = st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF)
MATHS = st.characters(min_codepoint=0x1D400, max_codepoint=0x1D7FF)  # 𝒜 and its kin
ASCII = st.characters(min_codepoint=0x20, max_codepoint=0x7E)
# Flags are two code points each; a family is five joined by ZWJ; the BMP ones are one
# unit in both counts and must not shift anything.
CLUSTERS = st.sampled_from(["🇬🇧", "🇫🇷", "👩‍👧‍👦", "é", "中", "’", "—"])
PIECES = st.one_of(EMOJI, MATHS, ASCII, ASCII, CLUSTERS, st.just("\n"))


@st.composite
def notes(draw: st.DrawFn, max_pieces: int = 40) -> str:
    return "".join(draw(st.lists(PIECES, max_size=max_pieces)))


def units(text: str) -> int:
    """Qt's count for `text`, by the encoder (an oracle apart from the code under test)."""
    return len(text.encode("utf-16-le")) // 2


@given(notes())
def test_python_to_utf16_agrees_with_the_encoder_and_round_trips(text: str) -> None:
    positions = TextPositions(text)
    assert positions.utf16_length == units(text)
    for index in range(len(text) + 1):
        position = positions.to_utf16(index)
        assert position == units(text[:index])
        assert positions.is_boundary(position)
        assert positions.to_python(position) == index
        assert positions.to_python(position, round_up=True) == index


@given(notes())
def test_positions_inside_a_surrogate_pair_round_to_its_character(text: str) -> None:
    positions = TextPositions(text)
    boundaries = {positions.to_utf16(index) for index in range(len(text) + 1)}
    for position in range(positions.utf16_length + 1):
        if position in boundaries:
            continue
        assert not positions.is_boundary(position)
        down = positions.to_python(position)
        assert ord(text[down]) > 0xFFFF  # the astral character it cuts
        assert positions.to_utf16(down) == position - 1
        assert positions.to_python(position, round_up=True) == down + 1


@settings(deadline=None)
@given(notes(), st.data())
def test_a_document_selection_from_converted_positions_is_the_python_slice(
    qapp: QApplication, text: str, data: st.DataObject
) -> None:
    document = QTextDocument()
    document.setPlainText(text)
    assert document.toPlainText() == text
    assert document.characterCount() - 1 == utf16_length(text)  # plus the closing mark
    start = data.draw(st.integers(0, len(text)), label="start")
    end = data.draw(st.integers(start, len(text)), label="end")
    cursor = QTextCursor(document)
    cursor.setPosition(to_utf16(text, start))
    cursor.setPosition(to_utf16(text, end), QTextCursor.MoveMode.KeepAnchor)
    assert cursor.selection().toPlainText() == text[start:end]
    # And back: what the cursor reports converts to the Python indexes it was set from.
    span = positions_of(text).span_to_python(cursor.selectionStart(), cursor.selectionEnd())
    assert span == (start, end)


def test_each_paragraph_of_a_document_starts_where_its_line_does(qapp: QApplication) -> None:
    text = "🇬🇧 one\n\n𝒜 two 😀\nthree"
    document = QTextDocument()
    document.setPlainText(text)
    lines = text.split("\n")
    assert document.blockCount() == len(lines)
    start = 0
    for number, line in enumerate(lines):
        block = document.findBlockByNumber(number)
        assert block.position() == to_utf16(text, start)  # one position per block boundary
        assert block.text() == line
        start += len(line) + 1


def test_positions_outside_the_text_are_refused() -> None:
    positions = TextPositions("😀a")
    assert positions.utf16_length == 3
    with pytest.raises(ValueError, match="outside"):
        positions.to_utf16(3)
    with pytest.raises(ValueError, match="outside"):
        positions.to_python(4)
    with pytest.raises(ValueError, match="outside"):
        positions.to_python(-1)
    assert not positions.is_boundary(4)


def test_the_issue_10_note() -> None:
    text = "🇬🇧 Rang 𝒜 at 9 😀🙂\nthen the school called me back"
    start = text.index("school called")
    qt_start = to_utf16(text, start)
    assert qt_start == start + 5  # two flag halves, 𝒜, 😀 and 🙂
    assert text[qt_start : qt_start + 13] != "school called"  # the fault, stored unconverted
    assert to_python(text, qt_start) == start


def test_a_long_note_is_mapped_once() -> None:
    text = ("word 😀 " * 20_000) + "end"
    assert positions_of(text) is positions_of(text)  # built once, then looked up
    positions = positions_of(text)
    last = len(text) - 3
    assert positions.to_utf16(last) == last + 20_000
    assert positions.to_python(last + 20_000) == last
