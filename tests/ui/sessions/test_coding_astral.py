"""Coding in notes with emoji and other astral-plane characters before the words (issue 10).

Qt counts positions in UTF-16 units (😀, 𝒜 and each half of 🇬🇧 are two), the study in
Python characters. Each test here puts such characters before the words and checks the
words themselves: what the study stores, what is tinted on screen, what a click finds and
what the edits the editor hands out do to a coding. Positions for Qt are worked out in
the tests with the UTF-16 encoder, apart from the code under test.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest
import shiboken6
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QTextCursor, QTextDocument, QUndoStack
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QTextEdit
from pytestqt.qtbot import QtBot

from plrdesk.domain.ids import CodingId, EntryId, ThemeId, new_id
from plrdesk.domain.spans import Edit, Span, apply_edits
from plrdesk.services.codings import CodingView
from plrdesk.ui.context import StudyContext
from plrdesk.ui.sessions.coding_actions import Target
from plrdesk.ui.sessions.entry_editor import EntryEditor
from plrdesk.ui.sessions.highlight import LiveCoding, extra_selections
from plrdesk.ui.sessions.page import SessionsPage
from tests.ui.sessions.conftest import entry_row, wait_saved
from tests.ui.sessions.test_coding import (
    argb,
    codings_of,
    colour_of,
    drop,
    editor_of,
    menu_action,
    notes_of,
    themes,
    wait_codings,
)
from tests.ui.test_text_positions import notes as astral_notes

ASTRAL = "🇬🇧 𝒜 😀🙂 "  # five surrogate pairs: five units more than characters
HEX = QColor.NameFormat.HexArgb


def units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def qt_point(editor: EntryEditor, index: int) -> QPoint:
    """Just inside the character at Python index `index`, in viewport coordinates."""
    cursor = QTextCursor(editor.text.document())
    cursor.setPosition(units(editor.text.toPlainText()[:index]))
    return editor.text.cursorRect(cursor).center() + QPoint(2, 0)


def select_python(editor: EntryEditor, start: int, end: int) -> None:
    """Select [start, end) of the note by the positions Qt counts."""
    text = editor.text.toPlainText()
    cursor = editor.text.textCursor()
    cursor.setPosition(units(text[:start]))
    cursor.setPosition(units(text[:end]), QTextCursor.MoveMode.KeepAnchor)
    editor.text.setTextCursor(cursor)


def tinted(
    document: QTextDocument, selections: Sequence[QTextEdit.ExtraSelection], text: str
) -> dict[int, set[str]]:
    """For each character (a Python index) drawn with a background, the backgrounds of the
    QTextCharFormats laid over it."""
    drawn: dict[int, set[str]] = {}
    for index in range(len(text)):
        position = units(text[:index])
        over = {
            s.format.background().color().name(HEX)
            for s in selections
            if s.cursor.selectionStart() <= position < s.cursor.selectionEnd()
        }
        if over:
            drawn[index] = over
    return drawn


def put_astral_first(qtbot: QtBot, editor: EntryEditor, statuses: list[str]) -> str:
    """Type `ASTRAL` at the start of the note (as a paste would) and wait for the save."""
    editor.focus_text()
    qtbot.waitUntil(editor.text.hasFocus)
    editor.text.moveCursor(QTextCursor.MoveOperation.Start)
    before = len(statuses)
    editor.text.insertPlainText(ASTRAL)
    wait_saved(qtbot, statuses, before)
    return editor.text.toPlainText()


# -- highlights ---------------------------------------------------------------------------


def view(start: int | None, end: int | None, colour: str) -> CodingView:
    return CodingView(
        CodingId(new_id()), EntryId(new_id()), ThemeId(new_id()), "T", colour, start, end, None
    )


def test_a_span_after_emoji_is_drawn_over_exactly_its_words(qapp: QApplication) -> None:
    text = "🇬🇧 first 𝒜\n\n😀 then the school called 👩‍👧 me\nback 🙂"
    document = QTextDocument()
    document.setPlainText(text)
    start = text.index("school called")
    back = text.index("back")
    codings = [
        LiveCoding(view(start, start + 13, "#ff0000"), Span(start, start + 13)),
        LiveCoding(view(back, len(text), "#0000ff"), Span(back, len(text))),  # to the end
        LiveCoding(view(None, None, "#00ff00"), None),  # the whole note: a chip, no tint
    ]
    drawn = tinted(document, extra_selections(document, codings), text)
    red, blue = argb("#ff0000"), argb("#0000ff")
    assert {i for i, over in drawn.items() if red in over} == set(range(start, start + 13))
    assert {i for i, over in drawn.items() if blue in over} == set(range(back, len(text)))
    assert set(drawn) == {*range(start, start + 13), *range(back, len(text))}


def test_a_coding_in_the_session_is_tinted_over_its_words_after_emoji(
    qtbot: QtBot, page: SessionsPage, ctx: StudyContext, statuses: list[str]
) -> None:
    notes = notes_of(qtbot, page)
    ids = themes(qtbot, ctx)
    editor = editor_of(notes, "E1")
    text = put_astral_first(qtbot, editor, statuses)
    start = text.index("twelve children")
    select_python(editor, start, start + 15)
    menu = editor.text.build_context_menu(qt_point(editor, start + 3))
    menu_action(menu, "Engaging children and parents").trigger()  # "Code as ▸"
    menu.deleteLater()
    wait_codings(qtbot, ctx, "E1", lambda c: c == [("T3", start, start + 15, None)])
    row = entry_row(qtbot, ctx.runner, "E1")
    assert row is not None
    assert (row.text or "")[start : start + 15] == "twelve children"
    colour = argb(colour_of(notes, ids["T3"]))
    qtbot.waitUntil(lambda: bool(editor.text.extraSelections()))
    drawn = tinted(editor.text.document(), editor.text.extraSelections(), text)
    assert drawn == {index: {colour} for index in range(start, start + 15)}

    # What the pointer is over is found by the same count: the menu and tooltip there.
    inside = editor.text.build_context_menu(qt_point(editor, start + 1))
    assert menu_action(inside, "Remove coding 'Engaging children and parents'")
    inside.deleteLater()
    assert [c.view.theme_id for c in editor.text.codings_at(start)] == [ids["T3"]]
    before = editor.text.index_at(qt_point(editor, start - 3))
    assert before == start - 3
    assert editor.text.codings_at(before) == []


def test_a_theme_dropped_on_a_word_after_emoji_codes_that_word(
    qtbot: QtBot, page: SessionsPage, ctx: StudyContext, statuses: list[str]
) -> None:
    notes = notes_of(qtbot, page)
    ids = themes(qtbot, ctx)
    editor = editor_of(notes, "E1")
    text = put_astral_first(qtbot, editor, statuses)
    word = text.index("charity")
    editor.text.moveCursor(QTextCursor.MoveOperation.Start)  # no selection: the word
    assert drop(editor, ids["T1"], qt_point(editor, word + 2))
    wait_codings(qtbot, ctx, "E1", lambda c: c == [("T1", word, word + 7, None)])

    start = text.index("small transition")
    select_python(editor, start, start + 16)
    assert drop(editor, ids["T4"], qt_point(editor, 1))  # the selection, wherever dropped
    wait_codings(qtbot, ctx, "E1", lambda c: ("T4", start, start + 16, None) in c)


# -- codings follow edits -------------------------------------------------------------------


def test_emoji_typed_before_a_coding_move_it_by_characters_not_units(
    qtbot: QtBot, page: SessionsPage, ctx: StudyContext, statuses: list[str]
) -> None:
    notes = notes_of(qtbot, page)
    editor = editor_of(notes, "E2")  # the demo codes part of E2 with T1
    ((_, start, end, _),) = codings_of(qtbot, ctx, "E2")
    assert start is not None
    assert end is not None
    words = editor.text.toPlainText()[start:end]
    text = put_astral_first(qtbot, editor, statuses)
    shift = len(ASTRAL)
    assert text[start + shift : end + shift] == words
    wait_codings(qtbot, ctx, "E2", lambda c: c[0][1:3] == (start + shift, end + shift))
    row = entry_row(qtbot, ctx.runner, "E2")
    assert row is not None
    assert (row.text or "")[start + shift : end + shift] == words

    # Typing inside the astral run (after the flag) moves it on by the typed characters.
    editor.text.moveCursor(QTextCursor.MoveOperation.Start)
    editor.text.moveCursor(QTextCursor.MoveOperation.NextCharacter)  # over the whole flag
    assert editor.text.textCursor().position() == 4
    before = len(statuses)
    qtbot.keyClicks(editor.text, "UK")
    wait_saved(qtbot, statuses, before)
    shift += 2
    wait_codings(qtbot, ctx, "E2", lambda c: c[0][1:3] == (start + shift, end + shift))
    drawn = tinted(editor.text.document(), editor.text.extraSelections(), editor.text.toPlainText())
    assert set(drawn) == set(range(start + shift, end + shift))


# -- the editor's edits, as a property ------------------------------------------------------

PIECE = st.sampled_from(["x", "😀", "🇬🇧", "𝒜", "é", "\n", "ab 🙂"])


@st.composite
def actions(draw: st.DrawFn) -> list[tuple[str, float, float, str]]:
    """What a researcher does: (kind, where, how far, what), where and how far as fractions
    of the note so they fit whatever it has become."""
    kinds = st.sampled_from(["paste", "key", "delete", "backspace", "replace"])
    fraction = st.floats(0, 1)
    return draw(st.lists(st.tuples(kinds, fraction, fraction, PIECE), min_size=1, max_size=8))


def act(editor: EntryEditor, kind: str, where: float, far: float, piece: str) -> Edit | None:
    """Do one thing to the note at a character boundary; the true edit it makes in Python
    indexes (None when the true edit depends on Qt, as Backspace over a cluster does)."""
    text = editor.text.toPlainText()
    at = round(where * len(text))
    to = at + round(far * (len(text) - at))
    cursor = editor.text.textCursor()
    cursor.setPosition(units(text[:at]))
    if kind in ("delete", "replace"):
        cursor.setPosition(units(text[:to]), QTextCursor.MoveMode.KeepAnchor)
    editor.text.setTextCursor(cursor)
    if kind == "paste":
        editor.text.insertPlainText(piece)
        return Edit(at, 0, len(piece))
    if kind == "key":
        QTest.keyClicks(editor.text, "k")
        return Edit(at, 0, 1)
    if kind == "replace":
        editor.text.insertPlainText(piece)
        return Edit(at, to - at, len(piece))
    if kind == "delete":
        QTest.keyClick(editor.text, Qt.Key.Key_Delete)
        return Edit(at, to - at, 0) if to > at else None
    QTest.keyClick(editor.text, Qt.Key.Key_Backspace)
    return None


def replay(old: str, new: str, edit: Edit) -> str:
    """`old` with the edit made, the added characters taken from `new`."""
    added = new[edit.position : edit.position + edit.added]
    return old[: edit.position] + added + old[edit.position + edit.removed :]


def fresh_editor() -> tuple[EntryEditor, Callable[[], None]]:
    editor = EntryEditor(QUndoStack(), question=None)
    return editor, lambda: shiboken6.delete(editor)


@settings(deadline=None, max_examples=60)
@given(astral_notes(max_pieces=30), actions(), st.data())
def test_edits_from_the_editor_rebuild_the_text_and_keep_the_coded_words(
    qapp: QApplication,
    text: str,
    steps: list[tuple[str, float, float, str]],
    data: st.DataObject,
) -> None:
    editor, done = fresh_editor()
    try:
        editor.set_text_silently(text)
        assert editor.take_edits() == []
        # A coding over some characters; each character is known by its identity, so
        # "the same words" means the very characters coded, wherever they move.
        coded = None
        if text:
            a = data.draw(st.integers(0, len(text) - 1), label="coded from")
            b = data.draw(st.integers(a + 1, len(text)), label="coded to")
            coded = Span(a, b)
        identities = list(range(len(text)))
        fresh = len(text)
        in_coding = set(range(coded.start, coded.end)) if coded else set()
        for kind, where, far, piece in steps:
            old = editor.text.toPlainText()
            expected = act(editor, kind, where, far, piece)
            new = editor.text.toPlainText()
            edits = editor.take_edits()
            if old == new:
                assert edits == []
                continue
            if edits is None:
                # Every character went (by design not an edit to follow: the save aligns
                # the texts instead); nothing is left to check.
                assert expected.removed == len(old) if expected else new == "", (kind, old, new)
                break
            if expected is not None:
                assert edits == [expected]
            for edit in edits:
                assert replay(old, new, edit) == new
                identities[edit.position : edit.position + edit.removed] = range(
                    fresh, fresh + edit.added
                )
                fresh += edit.added
            (coded,) = apply_edits([coded], edits)
            if coded is None:
                assert not in_coding.intersection(identities)  # every coded character gone
                break
            covered = identities[coded.start : coded.end]
            surviving = [i for i in identities if i in in_coding]
            assert [i for i in covered if i in in_coding] == surviving  # the same characters
            assert covered[0] in in_coding  # no new words at its ends
            assert covered[-1] in in_coding
            in_coding = set(covered)  # typing strictly inside is inside, from now on
    finally:
        done()


def test_a_target_counts_its_span_in_the_characters_of_its_text() -> None:
    text = "🇬🇧 😀 school"
    at = text.index("school")
    target = Target(new_id(), units(text[:at]), units(text), text)
    assert target.offsets() == (at, len(text))
    assert Target(new_id()).offsets() == (None, None)  # the whole note
    # A selection cutting a character in half (a cursor set by hand) takes it in.
    assert Target(new_id(), 1, 3, "😀ab").offsets() == (0, 2)
    with pytest.raises(ValueError, match="outside"):
        Target(new_id(), 0, 9, "😀ab").offsets()
    with pytest.raises(ValueError, match="needs the text"):
        Target(new_id(), 0, 2)
