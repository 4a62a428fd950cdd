"""The words a search found, shown in the note the researcher lands on from its result.

Each word matched is tinted (an extra selection, beside the note's coding tints) and the
first is selected, with the cursor on it, as a find in any editor leaves it: the view
scrolls to it, a screen reader reads it, and a theme's shortcut can code it at once. The
tint goes with the next repaint of the codings (the first keystroke); the selection stays
until the cursor moves.

The spans a search found are Python indexes into the note as it was searched; the note on
screen may differ since (typing not yet saved), so they are used only while each still
holds a word searched for, and found again in the note's own text otherwise. Qt counts
UTF-16 units: every position goes through `ui.text_positions`.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QTextEdit, QWidget

from plrdesk.storage.search import matched_spans, query_terms
from plrdesk.ui.context import FoundWords
from plrdesk.ui.text_positions import positions_of

# Amber: reads as "found" on white and on the blue of a quote's border; black text on it
# is 13:1. A property marks our own extra selections so codings' tints are left alone.
FOUND_BACKGROUND = QColor(0xFF, 0xD5, 0x4F)
FOUND_PROPERTY = QTextCharFormat.Property.UserProperty + 11


def spans_to_show(text: str, found: FoundWords) -> list[tuple[int, int]]:
    """Where the searched words are in `text` (Python indexes): the search's own spans
    while they still fit the text, else the words found again."""
    terms = query_terms(found.query)

    def fits(start: int, end: int) -> bool:
        return 0 <= start < end <= len(text) and any(t.matches(text[start:end]) for t in terms)

    if found.spans and all(fits(start, end) for start, end in found.spans):
        return list(found.spans)
    return matched_spans(text, found.query)


def highlight_found(widget: QWidget | None, found: FoundWords) -> bool:
    """Tint the searched words in the note `widget` shows and select the first. The
    session view's focused widget after landing on the entry is the note's text box; for
    anything else (a focus group's line list) there is nothing to tint and this returns
    False, as it does when the words are no longer in the note."""
    if not isinstance(widget, QTextEdit):
        return False
    document = widget.document()
    text = document.toPlainText()
    spans = spans_to_show(text, found)
    if not spans:
        return False
    positions = positions_of(text)
    tint = QTextCharFormat()
    tint.setBackground(FOUND_BACKGROUND)
    tint.setForeground(QColor(0, 0, 0))
    tint.setProperty(FOUND_PROPERTY, True)
    kept = [s for s in widget.extraSelections() if not s.format.hasProperty(FOUND_PROPERTY)]
    tinted = []
    for start, end in spans:
        first, last = positions.span_to_utf16(start, end)
        cursor = QTextCursor(document)
        cursor.setPosition(first)
        cursor.setPosition(last, QTextCursor.MoveMode.KeepAnchor)
        selection = QTextEdit.ExtraSelection()
        selection.cursor = cursor
        selection.format = tint
        tinted.append(selection)
    widget.setExtraSelections([*kept, *tinted])
    widget.setTextCursor(tinted[0].cursor)
    widget.ensureCursorVisible()
    return True


def found_text(widget: QWidget | None) -> list[str]:
    """The words tinted as found in `widget` (for tests and the accessible description)."""
    if not isinstance(widget, QTextEdit):
        return []
    return [
        s.cursor.selectedText()
        for s in widget.extraSelections()
        if s.format.hasProperty(FOUND_PROPERTY)
    ]
